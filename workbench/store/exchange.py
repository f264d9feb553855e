"""Storing what an exchange brings in (a REFI-QDA import, another copy's work): rows with the GUIDs they came
with, in bulk, in the caller's transaction, every row audited.

The records are the exchange bundle's (``workbench.exchange.model``): they refer to documents, codes and cases by
GUID, which may be rows already here or rows added in the same call.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..errors import WorkbenchError
from ..models import NewSegment, ParsedDocument
from . import actions
from .base import StoreBase, audit_rows, in_filters, new_guid, normalise_name, now
from .bulk import indexing_meanwhile

if TYPE_CHECKING:
    from ..exchange.model import ExCase, ExCode, ExDocument, ExGroup, ExMemo, ExSegment


class ExchangeMixin(StoreBase):
    """Bulk insertion of imported and merged rows, and the GUID view of memos that exports need."""

    def memo_targets(self) -> dict[str, tuple[str, str | None]]:
        """Memo GUID → (kind, GUID of its document or code, or None)."""
        return {guid: (kind, target) for guid, kind, target in self.conn.execute(
            "SELECT m.guid, m.kind, coalesce(d.guid, c.guid) FROM memos m LEFT JOIN documents d ON d.id = "
            "m.document_id LEFT JOIN codes c ON c.id = m.code_id")}

    def exchange_rows(self) -> dict[str, list[tuple[Any, ...]]]:
        """Plain rows for an export, fast for hundreds of thousands: ``segments`` ``(guid, document_id, start, end,
        code_id, coder, memo, created)`` (the codings this reader may see), ``turns`` ``(document_id, start, end,
        speaker, timestamp, seconds)`` and ``units`` ``(document_id, kind, start, end)``, in text order."""
        filters = in_filters({"s.coder_id": self._visible_coder_ids()})
        segments = [] if filters is None else self.conn.execute(
            "SELECT s.guid, s.document_id, s.start, s.end, s.code_id, k.name, coalesce(s.memo, ''), s.created "
            "FROM segments s JOIN coders k ON k.id = s.coder_id" + filters[0] + " ORDER BY s.document_id, s.start, "
            "s.end, s.id", filters[1]).fetchall()
        return {"segments": segments,
                "turns": self.conn.execute("SELECT document_id, start, end, speaker, timestamp, seconds FROM turns "
                                           "ORDER BY document_id, start").fetchall(),
                "units": self.conn.execute("SELECT document_id, kind, start, end FROM units "
                                           "ORDER BY document_id, kind, start").fetchall()}

    def add_bundle(self, *, codes: Sequence[ExCode], documents: Sequence[tuple[ExDocument, ParsedDocument]],
                   segments: Sequence[ExSegment], memos: Sequence[ExMemo], cases: Sequence[ExCase],
                   case_links: Sequence[tuple[str, str]], attributes: dict[str, str], who: str,
                   source: str, groups: Sequence[ExGroup] = (),
                   group_links: Sequence[tuple[str, str]] = ()) -> None:
        """Add codes (parents first), documents, segments, memos, cases (and new members of existing cases),
        document groups (and new documents of existing groups) with their GUIDs, all or nothing, with the store's
        checks inside this write transaction."""
        with self.transaction():
            who = self._allowed(who, "can_import", "import a project").name
            code_ids = {g.upper(): i for i, g in self.conn.execute("SELECT id, guid FROM codes")}
            for code in codes:
                parent = code_ids.get(code.parent) if code.parent else None
                if code.parent and parent is None:
                    raise WorkbenchError(f"code {code.name!r} refers to an unknown parent")
                code_ids[code.guid] = self.add_code(
                    code.name, parent, colour=code.colour or None, who=who, definition=code.definition,
                    when_to_use=code.when_to_use, when_not_to_use=code.when_not_to_use, example=code.example,
                    keywords=code.keywords, guid=code.guid)
            for doc, parsed in documents:
                parsed.guid = doc.guid
            if documents:
                self.add_documents([parsed for _, parsed in documents], who=who)
            doc_ids = {g.upper(): i for i, g in self.conn.execute("SELECT id, guid FROM documents")}
            self._add_imported_segments(segments, doc_ids, code_ids, who, source)
            self._add_imported_memos(memos, doc_ids, code_ids, who, source)
            self._add_imported_cases(cases, case_links, attributes, doc_ids, who, source)
            self._add_imported_groups(groups, group_links, doc_ids, who, source)
            self._audit(who, actions.project_imported(source, {
                "codes": len(codes), "documents": len(documents), "segments": len(segments), "memos": len(memos),
                "cases": len(cases), "case_members": len(case_links), "groups": len(groups),
                "group_members": len(group_links)}))

    def _add_imported_segments(self, segments: Sequence[ExSegment], doc_ids: dict[str, int],
                               code_ids: dict[str, int], who: str, source: str) -> None:
        if not segments:
            return
        new = []
        for seg in segments:
            document_id, code_id = doc_ids.get(seg.document), code_ids.get(seg.code)
            if document_id is None or code_id is None:
                raise WorkbenchError(f"a segment refers to an unknown {'document' if seg.code in code_ids else 'code'}")
            new.append(NewSegment(document_id, seg.start, seg.end, code_id, seg.coder, seg.memo))
        self._check_new_segments(new)
        names = {raw: normalise_name(raw) for raw in {s.coder for s in segments}}
        coder_ids = {name: self.coder_id(name) for name in set(names.values())}
        taken = {g for g, in self.conn.execute("SELECT guid FROM segments")} if self._one(
            "SELECT 1 FROM segments LIMIT 1") else set()
        stamp = now()
        rows = []
        code_guids = dict(self.conn.execute("SELECT id, guid FROM codes"))
        documents = dict(self.conn.execute("SELECT id, guid FROM documents"))
        order = sorted(range(len(new)), key=[(row.document_id, row.start) for row in new].__getitem__)
        for i in order:  # in text order (stable: equal starts keep the bundle's order)
            seg, row = segments[i], new[i]
            guid = seg.guid if seg.guid not in taken else new_guid()
            taken.add(guid)
            rows.append((guid, row.document_id, row.start, row.end, row.code_id, coder_ids[names[seg.coder]],
                         seg.memo or "", seg.created or stamp, stamp))
        columns = ("guid", "document_id", "start", "end", "code_id", "coder_id", "memo", "created", "updated")
        with indexing_meanwhile(self.conn, "segments", columns, rows):  # the audit records are made meanwhile
            by_document: dict[int, list[list[Any]]] = {}
            coder_names = {coder_id: name for name, coder_id in coder_ids.items()}
            for guid, document_id, start, end, code_id, coder_id, memo, created, _ in rows:
                records = by_document.get(document_id)
                if records is None:
                    records = by_document[document_id] = []
                records.append([guid, start, end, code_guids[code_id], coder_names[coder_id], memo, created])
            entries = audit_rows((who, actions.segments_imported(documents[doc_id], records, source))
                                 for doc_id, records in by_document.items())
        self._write_audit_rows(entries)

    def _add_imported_memos(self, memos: Sequence[ExMemo], doc_ids: dict[str, int], code_ids: dict[str, int],
                            who: str, source: str) -> None:
        stamp = now()
        taken = {g for g, in self.conn.execute("SELECT guid FROM memos")}
        for memo in memos:
            if memo.kind not in ("project", "document", "code"):
                raise WorkbenchError(f"a memo is on the project, a document or a code, not {memo.kind!r}")
            document_id = doc_ids.get(memo.target or "") if memo.kind == "document" else None
            code_id = code_ids.get(memo.target or "") if memo.kind == "code" else None
            if memo.kind != "project" and document_id is None and code_id is None:
                raise WorkbenchError(f"a {memo.kind} memo refers to an unknown {memo.kind}")
            guid = memo.guid if memo.guid not in taken else new_guid()
            taken.add(guid)
            created = memo.created or stamp
            self.conn.execute(
                "INSERT INTO memos (guid, kind, document_id, code_id, author, title, text, created, updated) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (guid, memo.kind, document_id, code_id, memo.author, memo.title, memo.text, created, created))
            self._audit(who or memo.author, actions.memo_imported({"guid": guid, "kind": memo.kind, "on": memo.target,
                                                                   "title": memo.title, "text": memo.text}, source))

    def _add_imported_cases(self, cases: Sequence[ExCase], links: Sequence[tuple[str, str]],
                            attributes: dict[str, str], doc_ids: dict[str, int], who: str, source: str) -> None:
        attribute_ids = {name: i for i, name in self.conn.execute("SELECT id, name FROM attributes")}
        for name, kind in attributes.items():
            if name not in attribute_ids:
                attribute_ids[name] = int(self.conn.execute(
                    "INSERT INTO attributes (name, type) VALUES (?, ?)", (name, kind)).lastrowid)
        taken = {g for g, in self.conn.execute("SELECT guid FROM cases")}
        for case in cases:
            if self._one("SELECT 1 FROM cases WHERE name = ?", (case.name,)):
                raise WorkbenchError(f"a case named {case.name!r} already exists")
            guid = case.guid if case.guid not in taken else new_guid()
            taken.add(guid)
            case_id = int(self.conn.execute("INSERT INTO cases (guid, name) VALUES (?, ?)",
                                            (guid, case.name)).lastrowid)
            for attribute, value in case.values.items():
                if attribute not in attribute_ids:
                    attribute_ids[attribute] = int(self.conn.execute(
                        "INSERT INTO attributes (name, type) VALUES (?, 'text')", (attribute,)).lastrowid)
                self.conn.execute("INSERT INTO case_values (case_id, attribute_id, value) VALUES (?, ?, ?)",
                                  (case_id, attribute_ids[attribute], value))
            members = [doc_ids[g] for g in case.documents if g in doc_ids]
            self.conn.executemany("INSERT OR IGNORE INTO document_cases (document_id, case_id) VALUES (?, ?)",
                                  [(d, case_id) for d in members])
            self._audit(who, actions.case_imported({"guid": guid, "name": case.name, "values": case.values,
                                                    "documents": len(members)}, source))
        case_ids = {g.upper(): i for i, g in self.conn.execute("SELECT id, guid FROM cases")}
        for case_guid, doc_guid in links:
            if case_guid.upper() in case_ids and doc_guid in doc_ids:
                self.conn.execute("INSERT OR IGNORE INTO document_cases (document_id, case_id) VALUES (?, ?)",
                                  (doc_ids[doc_guid], case_ids[case_guid.upper()]))
                self._audit(who, actions.case_imported({"guid": case_guid, "document": doc_guid}, source))
