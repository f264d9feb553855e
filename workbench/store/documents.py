"""Documents, their speaker turns and units (sentences, paragraphs)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from ..errors import WorkbenchError
from ..models import DocumentInfo, ParsedDocument, Span, Turn
from . import actions
from .base import StoreBase, chunks, new_guid, normalise_name, now
from .bulk import insert_many


# How each audited action moves a document's count of codings (0: it changes none); any other action: count again.
_COUNT_STEPS = {"segment.add": 1, "segment.restore": 1, "segment.delete": -1, "segment.update": 0, "coder.add": 0}


class DocumentsMixin(StoreBase):
    """Import and read documents, turns and units."""

    def add_documents(self, documents: Sequence[ParsedDocument], who: str = "") -> list[int]:
        """Store parsed documents, all or nothing. Refuses duplicate names and duplicate content (checked inside
        the write transaction, so a concurrent import of the same file gets the same message)."""
        ids: list[int] = []
        for doc in documents:
            doc.name = normalise_name(doc.name)
        with self.transaction():
            who = self._allowed(who, "can_import", "import documents").name
            self._check_new_documents(documents)
            position = self._one("SELECT coalesce(max(position), 0) FROM documents")
            turns: list[tuple[Any, ...]] = []  # every document's, then one insertion per table
            units: list[tuple[Any, ...]] = []
            for doc in documents:
                position += 1
                guid = doc.guid or new_guid()
                cursor = self.conn.execute(
                    "INSERT INTO documents (guid, name, text, source_name, sha256, imported_at, language,"
                    " characters, words, metadata, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (guid, doc.name, doc.text, doc.source_name, doc.sha256, now(), doc.language,
                     len(doc.text), len(doc.text.split()), json.dumps(doc.metadata, ensure_ascii=False), position),
                )
                doc_id = int(cursor.lastrowid)
                ids.append(doc_id)
                turns.extend((doc_id, t.start, t.end, t.speaker, t.timestamp, t.seconds) for t in doc.turns)
                units.extend((doc_id, "sentence", s.start, s.end) for s in doc.sentences)
                units.extend((doc_id, "paragraph", p.start, p.end) for p in doc.paragraphs)
                self._audit(who, actions.document_imported(
                    {"guid": guid, "name": doc.name, "source": doc.source_name, "sha256": doc.sha256,
                     "characters": len(doc.text)}))
            insert_many(self.conn, "turns", ("document_id", "start", "end", "speaker", "timestamp", "seconds"), turns)
            insert_many(self.conn, "units", ("document_id", "kind", "start", "end"), units)
        return ids

    def _check_new_documents(self, documents: Sequence[ParsedDocument]) -> None:
        names_seen: dict[str, str] = {}
        hashes_seen: dict[str, str] = {}
        for doc in documents:
            if doc.name in names_seen:
                raise WorkbenchError(f"two files would both become document {doc.name!r} ({names_seen[doc.name]}, "
                                     f"{doc.source_name}); rename one of them, or import it separately under "
                                     "another name", cli="name")
            names_seen[doc.name] = doc.source_name
            if doc.sha256 in hashes_seen:
                raise WorkbenchError(f"{doc.source_name} has the same content as {hashes_seen[doc.sha256]}")
            hashes_seen[doc.sha256] = doc.source_name
            existing = self._one("SELECT name FROM documents WHERE sha256 = ?", (doc.sha256,))
            if existing is not None:
                raise WorkbenchError(f"{doc.source_name} is already in the project as document {existing!r} "
                                     "(same content)")
            if self._one("SELECT 1 FROM documents WHERE name = ?", (doc.name,)):
                raise WorkbenchError(f"a document named {doc.name!r} already exists; rename the file or the "
                                     "document, or give another name", cli="name")

    def documents(self, document_id: int | None = None) -> list[DocumentInfo]:
        """All documents in import order (or only ``document_id``), with counts of turns, speakers, cases and
        segments."""
        only = () if document_id is None else (document_id,)
        speakers, turn_counts, metadata = self._document_summary(document_id)
        where = "" if document_id is None else " WHERE document_id = ?"
        if document_id is None:
            segment_counts = self._segment_counts()
        else:
            visible = self._visible_where(keyword="AND")
            segment_counts = dict(self.conn.execute(
                f"SELECT document_id, count(*) FROM segments{where}{visible} GROUP BY document_id", only))
        cases: dict[int, list[str]] = defaultdict(list)
        for doc_id, case in self.conn.execute(
            "SELECT dc.document_id, c.name FROM document_cases dc JOIN cases c ON c.id = dc.case_id"
            + ("" if document_id is None else " WHERE dc.document_id = ?") + " ORDER BY c.name", only
        ):
            cases[doc_id].append(case)
        result = []
        for row in self.conn.execute(
            "SELECT id, guid, name, source_name, sha256, imported_at, language, characters, words, metadata "
            "FROM documents" + ("" if document_id is None else " WHERE id = ?") + " ORDER BY position, id", only
        ):
            doc_id = row[0]
            if self.viewer is not None and not self.viewer.can_read_document(doc_id):
                continue
            result.append(DocumentInfo(
                id=doc_id, guid=row[1], name=row[2], source_name=row[3] or "", sha256=row[4], imported_at=row[5],
                language=row[6] or "", characters=row[7], words=row[8], turns=turn_counts.get(doc_id, 0),
                speakers=tuple(speakers.get(doc_id, ())), cases=tuple(cases.get(doc_id, ())),
                segments=segment_counts.get(doc_id, 0),
                metadata=metadata[doc_id] if doc_id in metadata else json.loads(row[9] or "{}"),  # added meanwhile
            ))
        return result

    def _document_summary(self, document_id: int | None
                          ) -> tuple[dict[int, list[str]], dict[int, int], dict[int, dict[str, Any]]]:
        """Speakers (in order of their first turn), number of turns and metadata, per document. Turns and metadata
        change only when a document is added or deleted, so the whole project's summary is kept while the
        documents (ids and texts' digests) stay the same: a coding does not make the Project page read 150,000 turns
        and parse 5,000 metadata records again. The values are shared: treat them as read-only."""
        one = "" if document_id is None else " AND document_id = ?"
        only = () if document_id is None else (document_id,)
        documents = None
        if document_id is None:
            documents = self._one("SELECT group_concat(id || ':' || sha256) FROM documents")
            kept = getattr(self, "_kept_document_summary", None)
            if kept is not None and kept[0] == documents:
                return kept[1]
        speakers: dict[int, list[str]] = defaultdict(list)
        for doc_id, speaker in self.conn.execute(
            f"SELECT document_id, speaker FROM turns WHERE speaker IS NOT NULL{one} GROUP BY document_id, speaker "
            "ORDER BY document_id, min(start)", only
        ):
            speakers[doc_id].append(speaker)
        where = "" if document_id is None else " WHERE document_id = ?"
        counts = dict(self.conn.execute(f"SELECT document_id, count(*) FROM turns{where} GROUP BY document_id", only))
        metadata = {doc_id: json.loads(text or "{}") for doc_id, text in self.conn.execute(
            "SELECT id, metadata FROM documents" + ("" if document_id is None else " WHERE id = ?"), only)}
        summary = (speakers, counts, metadata)
        if document_id is None:
            self._kept_document_summary = (documents, summary)
        return summary

    def _segment_counts(self) -> dict[int, int]:
        """Segments per document, of the coders the viewer may see. Kept with the last audit entry they include:
        when the entries after it only add, remove or change single codings, the counts are moved by them instead
        of counting a million codings again (each change is audited in its own transaction, so the entries say
        exactly what changed); after anything else they are counted again."""
        visible = self.visibility_key()
        own = not self.conn.in_transaction  # inside a write, what is read may still be rolled back: not kept
        if own:
            self.conn.execute("BEGIN")  # the last entry and the counts from one state of the file
        try:
            last = self._one("SELECT coalesce(max(id), 0) FROM audit_log")
            kept = getattr(self, "_kept_segment_counts", None) if own else None
            counts = None
            if kept is not None and kept[0] == visible:
                counts = kept[2] if kept[1] == last else self._moved_counts(kept[1], kept[2], visible)
            if counts is None:
                counts = dict(self.conn.execute(
                    f"SELECT document_id, count(*) FROM segments{self._visible_where()} GROUP BY document_id"))
        finally:
            if own:
                self.conn.execute("COMMIT")
        if own:
            self._kept_segment_counts = (visible, last, counts)
        return counts

    def _moved_counts(self, since: int, counts: dict[int, int], visible: tuple[int, ...] | None
                      ) -> dict[int, int] | None:
        """``counts`` moved by the audit entries after ``since``, or None when one of them is not a single coding
        added, restored, removed or changed (or there are too many to read)."""
        entries = self.conn.execute("SELECT action, before, after FROM audit_log WHERE id > ? ORDER BY id LIMIT 201",
                                    (since,)).fetchall()
        if len(entries) > 200:
            return None
        coder_ids = {name: coder_id for coder_id, name in self.coder_names().items()}
        document_ids: dict[str, int] | None = None
        moved = dict(counts)
        for action, before, after in entries:
            step = _COUNT_STEPS.get(action)
            if step is None:
                return None
            if not step:
                continue
            record = json.loads(after if step > 0 else before)
            coder = coder_ids.get(record.get("coder"))
            if coder is None:
                return None
            if visible is not None and coder not in visible:
                continue
            if document_ids is None:
                document_ids = {guid: doc_id for doc_id, guid in self.conn.execute("SELECT id, guid FROM documents")}
            doc_id = document_ids.get(record.get("document_guid"))
            if doc_id is None:
                return None
            moved[doc_id] = moved.get(doc_id, 0) + step
            if not moved[doc_id]:
                del moved[doc_id]
        return moved

    def document(self, ref: str | int) -> DocumentInfo:
        """One document by id or by name (exact, else case-insensitive when unambiguous)."""
        doc_id = ref if isinstance(ref, int) else self.document_id(ref)
        for info in self.documents(doc_id):
            return info
        raise WorkbenchError(f"no document with id {doc_id}")

    def document_id(self, name: str) -> int:
        """Resolve a document name to its id, or raise a message that suggests close names."""
        return self._id_by_name("documents", normalise_name(name), "document")

    def document_text(self, document_id: int) -> str:
        text = self._one("SELECT text FROM documents WHERE id = ?", (document_id,))
        if text is None:
            raise WorkbenchError(f"no document with id {document_id}")
        return text

    def document_texts(self, document_ids: Iterable[int] | None = None) -> dict[int, str]:
        """Texts by document id (all documents when ``document_ids`` is None)."""
        if document_ids is None:
            return dict(self.conn.execute("SELECT id, text FROM documents"))
        ids = sorted(set(document_ids))
        result: dict[int, str] = {}
        for chunk in chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            result.update(self.conn.execute(f"SELECT id, text FROM documents WHERE id IN ({marks})", chunk))
        return result

    def document_guids(self) -> dict[int, str]:
        return dict(self.conn.execute("SELECT id, guid FROM documents"))

    def document_names(self) -> dict[int, str]:
        return dict(self.conn.execute("SELECT id, name FROM documents ORDER BY position, id"))

    def turns(self, document_id: int | None = None) -> dict[int, list[Turn]]:
        """Speaker turns by document id, in text order."""
        sql = "SELECT document_id, start, end, speaker, timestamp, seconds FROM turns"
        params: tuple[Any, ...] = ()
        if document_id is not None:
            sql += " WHERE document_id = ?"
            params = (document_id,)
        result: dict[int, list[Turn]] = defaultdict(list)
        for doc_id, start, end, speaker, timestamp, seconds in self.conn.execute(sql + " ORDER BY document_id, start",
                                                                               params):
            result[doc_id].append(Turn(start, end, speaker, timestamp, seconds))
        return result

    def units(self, kind: str, document_id: int | None = None) -> dict[int, list[Span]]:
        """Stored units (``sentence`` or ``paragraph``) by document id, in text order."""
        sql = "SELECT document_id, start, end FROM units WHERE kind = ?"
        params: tuple[Any, ...] = (kind,)
        if document_id is not None:
            sql += " AND document_id = ?"
            params += (document_id,)
        result: dict[int, list[Span]] = defaultdict(list)
        for doc_id, start, end in self.conn.execute(sql + " ORDER BY document_id, start", params):
            result[doc_id].append(Span(start, end))
        return result

    def unit_at(self, kind: str, document_id: int, offset: int) -> Span | None:
        """The stored unit (``sentence``, ``paragraph``) containing ``offset``, else the next one if it starts
        within two characters (a click just before a sentence)."""
        row = self.conn.execute(
            "SELECT start, end FROM units WHERE document_id = ? AND kind = ? AND start <= ? "
            "ORDER BY start DESC LIMIT 1", (document_id, kind, offset)).fetchone()
        if row and row[0] <= offset < row[1]:
            return Span(*row)
        row = self.conn.execute(
            "SELECT start, end FROM units WHERE document_id = ? AND kind = ? AND start > ? AND start <= ? "
            "ORDER BY start LIMIT 1", (document_id, kind, offset, offset + 2)).fetchone()
        return Span(*row) if row else None

    def document_lengths(self) -> dict[int, int]:
        return dict(self.conn.execute("SELECT id, characters FROM documents"))
