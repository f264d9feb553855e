"""Reading many segments without holding them all: streamed in document order (one document's text and turns at a
time), counted and paged in SQL. What exports, ``segments --json`` and the Retrieve page use at a million segments."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..models import Segment, Turn
from .base import StoreBase, chunks, in_filters
from .halves import read_halves, split_document

if TYPE_CHECKING:
    import numpy as np

_ORDER = " ORDER BY d.position, d.id, s.start, s.end, c.name, k.name, s.id"
_FETCH = 5_000


class StreamsMixin(StoreBase):
    """Segments streamed, counted and paged with the filters and order of :meth:`segments`."""

    def _segment_filters(self, document_ids: Sequence[int] | None, code_ids: Sequence[int] | None,
                         coders: Sequence[str] | None) -> tuple[str, list[Any]] | None:
        return in_filters({"s.document_id": document_ids, "s.code_id": code_ids, "k.name": coders,
                           "s.coder_id": self._visible_coder_ids()})

    def count_segments(self, document_ids: Sequence[int] | None = None, code_ids: Sequence[int] | None = None,
                       coders: Sequence[str] | None = None) -> tuple[int, int]:
        """How many segments match the filters, and in how many documents (counted in SQL)."""
        filters = self._segment_filters(document_ids, code_ids, coders)
        if filters is None:
            return 0, 0
        where, params = filters
        join = " JOIN coders k ON k.id = s.coder_id" if coders is not None else ""
        row = self.conn.execute(f"SELECT count(*), count(DISTINCT s.document_id) FROM segments s{join}{where}",
                                params).fetchone()
        return int(row[0]), int(row[1])

    def segment_counts_by_document(self, document_ids: Sequence[int] | None = None,
                                   code_ids: Sequence[int] | None = None,
                                   coders: Sequence[str] | None = None) -> list[tuple[int, int]]:
        """``(document id, matching segments)`` for every document with a match, in document order (one grouped
        count in SQL): what a page needs to count and to find where page N starts."""
        filters = self._segment_filters(document_ids, code_ids, coders)
        if filters is None:
            return []
        where, params = filters
        join = " JOIN coders k ON k.id = s.coder_id" if coders is not None else ""
        counts = dict(self.conn.execute(
            f"SELECT s.document_id, count(*) FROM segments s{join}{where} GROUP BY s.document_id", params))
        return [(doc_id, counts[doc_id]) for doc_id in self.document_names() if doc_id in counts]

    def segments_page(self, offset: int, limit: int, document_ids: Sequence[int] | None = None,
                      code_ids: Sequence[int] | None = None, coders: Sequence[str] | None = None,
                      with_text: bool = True, counts: Sequence[tuple[int, int]] | None = None) -> list[Segment]:
        """``limit`` segments from ``offset`` of :meth:`segments` (same filters and order). Only the documents that
        hold the page are read and sorted, found from the per-document counts (pass ``counts`` from
        :meth:`segment_counts_by_document` to reuse them)."""
        if counts is None:
            counts = self.segment_counts_by_document(document_ids, code_ids, coders)
        wanted: list[int] = []
        skip = 0
        seen = 0
        for doc_id, count in counts:
            if seen + count > offset and seen < offset + limit:
                if not wanted:
                    skip = offset - seen
                wanted.append(doc_id)
            seen += count
        if not wanted:
            return []
        filters = self._segment_filters(wanted, code_ids, coders)
        where, params = filters  # type: ignore[misc]
        rows = self.conn.execute(self._segment_select() + where + _ORDER + " LIMIT ? OFFSET ?",
                                 [*params, int(limit), int(skip)]).fetchall()
        texts = self.document_texts({r[3] for r in rows}) if with_text else {}
        return [_segment(r, texts[r[3]] if with_text else None) for r in rows]

    def iter_segments(self, document_ids: Sequence[int] | None = None, code_ids: Sequence[int] | None = None,
                      coders: Sequence[str] | None = None) -> Iterator[tuple[Segment, list[Turn]]]:
        """Every matching segment with its text, in the order of :meth:`segments`, each with its document's turns;
        only one document's text and turns are held at a time."""
        for _, text, turns, rows in self.iter_segment_rows(document_ids, code_ids, coders):
            for row in rows:
                yield _segment(row, text), turns

    def iter_segment_rows(self, document_ids: Sequence[int] | None = None, code_ids: Sequence[int] | None = None,
                          coders: Sequence[str] | None = None
                          ) -> Iterator[tuple[int, str, list[Turn], list[tuple[Any, ...]]]]:
        """The lean form of :meth:`iter_segments` for exports: per document ``(id, text, turns, rows)``, the rows
        plain tuples ``(id, guid, document, document_id, start, end, code, code_id, coder, memo, created,
        updated)``."""
        filters = self._segment_filters(document_ids, code_ids, coders)
        if filters is None:
            return
        where, params = filters
        cursor = self.conn.cursor()
        cursor.execute(self._segment_select() + where + _ORDER, params)
        current: int | None = None
        batch: list[tuple[Any, ...]] = []
        while True:
            rows = cursor.fetchmany(_FETCH)
            if not rows:
                break
            for row in rows:
                if row[3] != current:
                    if batch:
                        yield current, self.document_text(current), self.turns(current).get(current, []), batch
                    current, batch = row[3], []
                batch.append(row)
        if batch:
            yield current, self.document_text(current), self.turns(current).get(current, []), batch

    def analysis_columns(self, document_ids: Sequence[int] | None = None, coders: Sequence[str] | None = None,
                         code_ids: Sequence[int] | None = None) -> tuple[np.ndarray, ...]:
        """The rows of :meth:`analysis_rows` as six int64 arrays (document, start, end, code, coder, id), read from
        the covering index as six comma-joined strings (no Python object per row: a million segments in a
        fraction of the time). The arrays are aligned; their order is the index's (document, start)."""
        filters = self._analysis_filters(document_ids, coders, code_ids)
        if filters is None:
            return _columns((None,) * 6)
        where, params = filters
        split = split_document(self.conn, self.path)
        if split is not None:  # a large project: the two halves of the documents read at once
            more = " AND " if where else " WHERE "
            halves = read_halves(self.conn, self.path, (_COLUMNS.format(f"{where}{more}document_id < ?"),
                                                        [*params, split]),
                                 (_COLUMNS.format(f"{where}{more}document_id >= ?"), [*params, split]))
            if halves is not None:
                import numpy as np

                return tuple(np.concatenate(pair) for pair in zip(*map(_columns, halves)))
        return _columns(self.conn.execute(_COLUMNS.format(where), params).fetchone())

    def document_case_names(self, document_ids: Sequence[int] | None = None) -> dict[int, list[str]]:
        """Case names by document id, in case-id order (as exports list them)."""
        sql = ("SELECT dc.document_id, c.name FROM document_cases dc JOIN cases c ON c.id = dc.case_id")
        result: dict[int, list[str]] = {}
        if document_ids is None:
            for doc_id, name in self.conn.execute(sql + " ORDER BY dc.document_id, dc.case_id"):
                result.setdefault(doc_id, []).append(name)
            return result
        for chunk in chunks(sorted(set(document_ids)), 500):
            marks = ",".join("?" * len(chunk))
            for doc_id, name in self.conn.execute(
                    f"{sql} WHERE dc.document_id IN ({marks}) ORDER BY dc.document_id, dc.case_id", list(chunk)):
                result.setdefault(doc_id, []).append(name)
        return result


_COLUMNS = ("SELECT group_concat(document_id), group_concat(start), group_concat(end), group_concat(code_id), "
            "group_concat(coder_id), group_concat(id) FROM (SELECT document_id, start, end, code_id, coder_id, id "
            "FROM segments{} ORDER BY document_id, start)")


def _columns(row: Sequence[str | None] | None) -> tuple[np.ndarray, ...]:
    """The six comma-joined columns of :data:`_COLUMNS` as int64 arrays (empty when no row matched). numpy is
    loaded here, when first needed: commands that make or change a project do not load it (0.1 s each)."""
    import numpy as np

    if row is None or row[0] is None:
        return tuple(np.zeros(0, dtype=np.int64) for _ in range(6))
    return tuple(np.fromstring(text, dtype=np.int64, sep=",") for text in row)


def _segment(r: Sequence[Any], text: str | None) -> Segment:
    return Segment(id=r[0], guid=r[1], document=r[2], document_id=r[3], start=r[4], end=r[5], code=r[6],
                   code_id=r[7], coder=r[8], memo=r[9], created=r[10], updated=r[11],
                   text=text[r[4]:r[5]] if text is not None else "")
