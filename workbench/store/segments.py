"""Coded segments and their rules: inside the text, not empty, no overlap with the same coder's segment of a code."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from ..errors import WorkbenchError
from ..models import NewSegment, Segment
from . import actions
from .base import StoreBase, in_filters, new_guid, normalise_name, now


class SegmentsMixin(StoreBase):
    """Add, read, change, remove and restore coded segments."""

    def _segment_select(self) -> str:
        return (
            "SELECT s.id, s.guid, d.name, s.document_id, s.start, s.end, c.name, s.code_id, k.name, "
            "coalesce(s.memo, ''), s.created, s.updated FROM segments s "
            "JOIN documents d ON d.id = s.document_id JOIN codes c ON c.id = s.code_id "
            "JOIN coders k ON k.id = s.coder_id"
        )

    def segments(
        self,
        document_ids: Sequence[int] | None = None,
        code_ids: Sequence[int] | None = None,
        coders: Sequence[str] | None = None,
        with_text: bool = False,
    ) -> list[Segment]:
        """Segments, filtered by documents, codes and coder names, ordered by document, start, end, code."""
        # Given documents, the coder filters must not steer SQLite to the coder index (half the table per coder):
        # ``+`` keeps them out of index choice, so it reads the documents' rows only.
        plus = "+" if document_ids is not None else ""
        filters = in_filters({"s.document_id": document_ids, "s.code_id": code_ids, f"{plus}k.name": coders,
                              f"{plus}s.coder_id": self._visible_coder_ids()})
        if filters is None:
            return []
        where, params = filters
        sql = self._segment_select() + where + " ORDER BY d.position, d.id, s.start, s.end, c.name, k.name, s.id"
        rows = self.conn.execute(sql, params).fetchall()
        texts = self.document_texts({r[3] for r in rows}) if with_text else {}
        return [
            Segment(id=r[0], guid=r[1], document=r[2], document_id=r[3], start=r[4], end=r[5], code=r[6],
                    code_id=r[7], coder=r[8], memo=r[9], created=r[10], updated=r[11],
                    text=texts[r[3]][r[4]:r[5]] if with_text else "")
            for r in rows
        ]

    def segment(self, segment_id: int, with_text: bool = True) -> Segment:
        row = self.conn.execute(self._segment_select() + " WHERE s.id = ?", (segment_id,)).fetchone()
        if row is None or not self._may_see_coder(row[8]):
            raise WorkbenchError(f"no segment with id {segment_id}")
        text = self.document_text(row[3])[row[4]:row[5]] if with_text else ""
        return Segment(id=row[0], guid=row[1], document=row[2], document_id=row[3], start=row[4], end=row[5],
                       code=row[6], code_id=row[7], coder=row[8], memo=row[9], created=row[10], updated=row[11],
                       text=text)

    def _segment_record(self, segment_id: int) -> dict[str, Any]:
        row = self.conn.execute(
            "SELECT s.guid, d.guid, d.name, s.start, s.end, c.guid, c.name, k.name, coalesce(s.memo, ''), s.created "
            "FROM segments s JOIN documents d ON d.id = s.document_id JOIN codes c ON c.id = s.code_id "
            "JOIN coders k ON k.id = s.coder_id WHERE s.id = ?", (segment_id,)
        ).fetchone()
        if row is None:
            raise WorkbenchError(f"no segment with id {segment_id}")
        keys = ("guid", "document_guid", "document", "start", "end", "code_guid", "code", "coder", "memo", "created")
        return {"id": segment_id, **dict(zip(keys, row))}

    def segment_record(self, guid: str) -> dict[str, Any] | None:
        """The current record of the segment with this GUID (as the audit log stores it), or None if it is gone."""
        seg_id = self._one("SELECT id FROM segments WHERE guid = ?", (guid,))
        return None if seg_id is None else self._segment_record(seg_id)

    def _check_span(self, document_id: int, start: int, end: int, length: int | None = None) -> None:
        if length is None:
            length = self._one("SELECT characters FROM documents WHERE id = ?", (document_id,))
            if length is None:
                raise WorkbenchError(f"no document with id {document_id}")
        if isinstance(start, bool) or isinstance(end, bool) or not isinstance(start, int) or not isinstance(end, int):
            raise WorkbenchError("start and end must be whole numbers")
        if start < 0 or end > length:
            raise WorkbenchError(f"segment {start}–{end} lies outside the text (0–{length})")
        if start >= end:
            raise WorkbenchError(f"segment start {start} must be before its end {end}")

    def _overlapping_own(self, document_id: int, code_id: int, coder_id: int, start: int, end: int,
                         exclude: int | None = None) -> tuple[int, int, int] | None:
        return self.conn.execute(
            "SELECT id, start, end FROM segments WHERE document_id = ? AND code_id = ? AND coder_id = ? "
            "AND start < ? AND end > ? AND id IS NOT ? LIMIT 1",
            (document_id, code_id, coder_id, end, start, exclude),
        ).fetchone()

    def _overlap_message(self, code_id: int, coder: str, hit: tuple[int, int, int], start: int, end: int) -> str:
        name = self._one("SELECT name FROM codes WHERE id = ?", (code_id,))
        return (f"segment {start}–{end} overlaps {coder}'s existing {name!r} segment #{hit[0]} ({hit[1]}–{hit[2]}); "
                "widen that segment instead")

    def add_segment(self, document_id: int, start: int, end: int, code_id: int, coder: str, memo: str = "",
                    who: str | None = None) -> int:
        """Code ``[start, end)`` of a document; refuses spans outside the text, empty spans, unknown codes and
        overlap with the same coder's segment of the same code. Returns the segment id."""
        return self.add_segments([NewSegment(document_id, start, end, code_id, coder, memo)], who=who)[0]

    def add_segments(self, new: Sequence[NewSegment], who: str | None = None) -> list[int]:
        """Add several segments, all or nothing, with the checks of :meth:`add_segment`. The checks run inside the
        write transaction, so another connection cannot slip an overlapping segment in between. Each segment is
        audited as added by ``who`` (the person who coded or imported it; default: its coder)."""
        with self.transaction():
            self._check_new_segments(new)
            actors = self._coding_actors(new, who)
            ids: list[int] = []
            coder_ids: dict[str, int] = {}
            stamp = now()
            for seg in new:
                coder = normalise_name(seg.coder)
                if coder not in coder_ids:
                    coder_ids[coder] = self.coder_id(coder)
                seg_id = int(self.conn.execute(
                    "INSERT INTO segments (guid, document_id, start, end, code_id, coder_id, memo, created, updated)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (new_guid(), seg.document_id, seg.start, seg.end, seg.code_id, coder_ids[coder], seg.memo or "",
                     stamp, stamp),
                ).lastrowid)
                ids.append(seg_id)
                self._audit(actors[coder].name, actions.segment_added(self._segment_record(seg_id)))
        return ids

    def _coding_actors(self, new: Sequence[NewSegment], who: Any) -> dict[str, Any]:
        """Who adds each coder's segments (``who``, else the coder), checked: may they code in those documents as
        that coder? By coder name."""
        actors: dict[str, Any] = {}
        for seg in new:
            coder = normalise_name(seg.coder)
            if coder not in actors:
                actors[coder] = self.privileges(who if who is not None else coder)
            actor = actors[coder]
            if not actor.can_code_as(coder, seg.document_id):
                action = (f"code in document {self._one('SELECT name FROM documents WHERE id = ?', (seg.document_id,))!r}"
                          if actor.is_me(coder) else f"add codings for {coder}")
                actor.require(False, action)
        return actors

    def _check_new_segments(self, new: Sequence[NewSegment]) -> None:
        lengths: dict[int, int] = {}
        known_codes: set[int] = set()
        batch: dict[tuple[int, int, str], list[tuple[int, int]]] = defaultdict(list)
        names: dict[str, str] = {}
        for seg in new:
            if seg.document_id not in lengths:
                length = self._one("SELECT characters FROM documents WHERE id = ?", (seg.document_id,))
                if length is None:
                    raise WorkbenchError(f"no document with id {seg.document_id}")
                lengths[seg.document_id] = length
            start, end = seg.start, seg.end
            if not (type(start) is int and type(end) is int and 0 <= start < end <= lengths[seg.document_id]):
                self._check_span(seg.document_id, start, end, lengths[seg.document_id])  # says what is wrong
            if seg.code_id not in known_codes:
                if self._one("SELECT 1 FROM codes WHERE id = ?", (seg.code_id,)) is None:
                    raise WorkbenchError(f"unknown code id {seg.code_id}")
                known_codes.add(seg.code_id)
            coder = names.get(seg.coder)
            if coder is None:
                coder = names[seg.coder] = normalise_name(seg.coder)
            if not coder:
                raise WorkbenchError("a segment needs a coder", cli="coder")
            batch[(seg.document_id, seg.code_id, coder)].append((start, end))
        coder_ids = dict(self.conn.execute("SELECT name, id FROM coders"))
        for (doc_id, code_id, coder), spans in batch.items():
            spans.sort()
            for (s1, e1), (s2, e2) in zip(spans, spans[1:]):
                if s2 < e1:
                    name = self._one("SELECT name FROM codes WHERE id = ?", (code_id,))
                    raise WorkbenchError(f"segments {s1}–{e1} and {s2}–{e2} of {name!r} by {coder} overlap")
            coder_id = coder_ids.get(coder)
            if coder_id is not None:
                for start, end in spans:
                    hit = self._overlapping_own(doc_id, code_id, coder_id, start, end)
                    if hit:
                        raise WorkbenchError(self._overlap_message(code_id, coder, hit, start, end))

    def update_segment(self, segment_id: int, who: str, start: int | None = None, end: int | None = None,
                       memo: str | None = None) -> None:
        """Widen, narrow or re-memo a segment, with the checks of :meth:`add_segment` (inside the write
        transaction); audited."""
        with self.transaction():
            seg = self.segment(segment_id, with_text=False)
            who = self._allowed(who, "can_edit_segment", f"change {seg.coder}'s coding", seg.coder,
                                seg.document_id).name
            start = seg.start if start is None else start
            end = seg.end if end is None else end
            self._check_span(seg.document_id, start, end)
            coder_id = self._one("SELECT coder_id FROM segments WHERE id = ?", (segment_id,))
            hit = self._overlapping_own(seg.document_id, seg.code_id, coder_id, start, end, exclude=segment_id)
            if hit:
                raise WorkbenchError(self._overlap_message(seg.code_id, seg.coder, hit, start, end))
            before = self._segment_record(segment_id)
            self.conn.execute("UPDATE segments SET start = ?, end = ?, memo = ?, updated = ? WHERE id = ?",
                              (start, end, seg.memo if memo is None else memo, now(), segment_id))
            self._audit(who, actions.segment_updated(before, self._segment_record(segment_id)))

    def _delete_segment_row(self, segment_id: int, who: str, reason: str = "", joined_into: str | None = None) -> None:
        before = self._segment_record(segment_id)
        self.conn.execute("DELETE FROM segments WHERE id = ?", (segment_id,))
        self._audit(who, actions.segment_deleted(before, reason, joined_into))

    def remove_segment(self, segment_id: int, who: str, reason: str = "") -> dict[str, Any]:
        """Remove a coding (audited with the full record, so it can be restored); returns that record."""
        with self.transaction():
            seg = self.segment(segment_id, with_text=False)
            who = self._allowed(who, "can_remove_segment", f"remove {seg.coder}'s coding", seg.coder,
                                seg.document_id).name
            record = self._segment_record(segment_id)
            self._delete_segment_row(segment_id, who, reason)
        return record

    def restore_segment(self, record: dict[str, Any], who: str) -> int:
        """Put back a removed segment from its audit record (same GUID when it is free, memo and creation time),
        with the checks of :meth:`add_segment`."""
        with self.transaction():
            doc_id = self._one("SELECT id FROM documents WHERE guid = ?", (record.get("document_guid"),))
            if doc_id is None:
                doc_id = self.document_id(record["document"])
            who = self._allowed(who, "can_remove_segment", f"restore {record['coder']}'s coding", record["coder"],
                                doc_id).name
            code_id = self._one("SELECT id FROM codes WHERE guid = ?", (record["code_guid"],))
            if code_id is None:
                raise WorkbenchError(f"cannot restore the segment: its code {record['code']!r} no longer exists")
            self._check_span(doc_id, record["start"], record["end"])
            coder_id = self.coder_id(record["coder"])
            hit = self._overlapping_own(doc_id, code_id, coder_id, record["start"], record["end"])
            if hit:
                raise WorkbenchError(self._overlap_message(code_id, record["coder"], hit, record["start"],
                                                           record["end"]))
            guid = record["guid"]
            if self._one("SELECT 1 FROM segments WHERE guid = ?", (guid,)):
                guid = new_guid()
            seg_id = int(self.conn.execute(
                "INSERT INTO segments (guid, document_id, start, end, code_id, coder_id, memo, created, updated)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (guid, doc_id, record["start"], record["end"], code_id, coder_id, record.get("memo", ""),
                 record.get("created") or now(), now()),
            ).lastrowid)
            self._audit(who, actions.segment_restored(self._segment_record(seg_id)))
        return seg_id

    def _analysis_filters(self, document_ids: Sequence[int] | None, coders: Sequence[str] | None,
                          code_ids: Sequence[int] | None) -> tuple[str, list[Any]] | None:
        """The WHERE clause of the analysis reads: documents, coder names, codes, and what the viewer may see."""
        coder_ids = None
        if coders is not None:
            by_name = {name: coder_id for coder_id, name in self.coder_names().items()}
            coder_ids = [by_name[name] for name in coders if name in by_name]
        return in_filters({"document_id": document_ids, "coder_id": coder_ids, "code_id": code_ids,
                           "segments.coder_id": self._visible_coder_ids()})

    def analysis_rows(self, document_ids: Sequence[int] | None = None, coders: Sequence[str] | None = None,
                      code_ids: Sequence[int] | None = None) -> list[tuple[int, int, int, int, int, int]]:
        """Lean segment rows for analysis: ``(document_id, start, end, code_id, coder_id, id)``, ordered by document
        and start (plain tuples: fast for hundreds of thousands of segments)."""
        filters = self._analysis_filters(document_ids, coders, code_ids)
        if filters is None:
            return []
        where, params = filters
        sql = "SELECT document_id, start, end, code_id, coder_id, id FROM segments" + where
        return self.conn.execute(sql + " ORDER BY document_id, start", params).fetchall()

    def documents_coded_together(self, coders: Sequence[str], at_least: int = 2) -> list[int]:
        """The documents (ids, in document order) in which at least ``at_least`` of ``coders`` have a segment (of
        any code, as far as the viewer may see): the documents an agreement or a review can compare. One grouped
        count in SQL."""
        by_name = {name: coder_id for coder_id, name in self.coder_names().items()}
        visible = self._visible_coder_ids()
        ids = [by_name[n] for n in dict.fromkeys(coders) if n in by_name and (visible is None or by_name[n] in visible)]
        if len(ids) < at_least:
            return []
        # ``+coder_id``: scan the (document, code, coder) index in document order rather than look up by coder
        found = {row[0] for row in self.conn.execute(
            f"SELECT document_id FROM segments WHERE +coder_id IN ({','.join('?' * len(ids))}) GROUP BY document_id "
            "HAVING count(DISTINCT coder_id) >= ?", [*ids, at_least])}
        return [doc_id for (doc_id,) in self.conn.execute("SELECT id FROM documents ORDER BY position, id")
                if doc_id in found]
