"""Vectorised sweeps over all segments at once (numpy): pairs of overlapping or nearby segments, and the units of
analysis that segments overlap. A million segments take a fraction of a second instead of a Python loop per pair.

Every position is made global as ``document_id * stride + offset`` with a stride larger than any document (plus the
distance), so one sorted array holds all documents and no pair or unit ever crosses from one document to the next.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

PAIR_BUDGET = 4_000_000  # pairs materialised at once (bounds the memory of a dense project)


class Columns:
    """Segments (analysis items) as parallel arrays, in document and start order: ``document``, ``start``, ``end``,
    ``code``, ``coder`` (int64)."""

    ids: np.ndarray | None = None

    @classmethod
    def from_arrays(cls, document: np.ndarray, start: np.ndarray, end: np.ndarray, code: np.ndarray,
                    coder: np.ndarray, ids: np.ndarray) -> Columns:
        """Columns from arrays (with the stored segment ids), sorted by document and start."""
        columns = cls([])
        if _in_order(document, start):  # as the store reads them (its index): no sort, no copy
            columns.document, columns.start, columns.end, columns.code, columns.coder, columns.ids = (
                document, start, end, code, coder, ids)
            return columns
        order = np.lexsort((start, document))
        columns.document, columns.start, columns.end = document[order], start[order], end[order]
        columns.code, columns.coder, columns.ids = code[order], coder[order], ids[order]
        return columns

    def __init__(self, rows: Sequence[tuple]) -> None:
        count = len(rows)
        if count:
            flat = np.fromiter((value for row in rows for value in row[:5]), dtype=np.int64, count=5 * count)
            table = flat.reshape(count, 5)
        else:
            table = np.zeros((0, 5), dtype=np.int64)
        self.document, self.start, self.end, self.code, self.coder = (table[:, i].copy() for i in range(5))
        if not _in_order(self.document, self.start):
            order = np.lexsort((self.start, self.document))
            for name in ("document", "start", "end", "code", "coder"):
                setattr(self, name, getattr(self, name)[order])

    def __len__(self) -> int:
        return len(self.start)


def _in_order(document: np.ndarray, start: np.ndarray) -> bool:
    """Whether rows are sorted by document, then start (a stable sort would leave them as they are)."""
    if len(document) < 2:
        return True
    later = document[1:] > document[:-1]
    return bool(np.all(later | ((document[1:] == document[:-1]) & (start[1:] >= start[:-1]))))


def distinct(values: np.ndarray, counts: bool = False) -> Any:
    """The sorted distinct values (and, with ``counts``, how often each occurs). ``np.unique`` of numpy 2 hashes,
    which on a million values is some fifty times slower than this sort."""
    ordered = np.sort(values)
    fresh = np.ones(len(ordered), dtype=bool)
    fresh[1:] = ordered[1:] != ordered[:-1]
    heads = np.flatnonzero(fresh)
    if not counts:
        return ordered[heads]
    return ordered[heads], np.diff(np.append(heads, len(ordered)))


def _stride(*arrays: np.ndarray, reach: int = 0) -> int:
    largest = max((int(a.max()) for a in arrays if len(a)), default=0)
    return largest + reach + 2


def partner_ranges(first: np.ndarray, stop: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """For each index ``i`` its partners ``j`` with ``first[i] <= j < stop[i]``, as two index arrays (left, right),
    in chunks of at most :data:`PAIR_BUDGET` pairs."""
    widths = np.maximum(stop - first, 0)
    ends = np.cumsum(widths)
    done = 0
    begin = 0
    total = len(widths)
    while begin < total:
        end = int(np.searchsorted(ends, done + PAIR_BUDGET, side="right"))
        end = max(end, begin + 1)
        width = widths[begin:end]
        count = int(width.sum())
        if count:
            left = np.repeat(np.arange(begin, end), width)
            offsets = np.arange(count) - np.repeat(np.cumsum(width) - width, width)
            right = np.repeat(first[begin:end], width) + offsets
            yield left, right
        done = int(ends[end - 1])
        begin = end


def pair_indexes(columns: Columns, distance: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Index pairs ``(i, j)``, ``i < j`` in start order, of segments in one document that overlap (``distance`` < 0:
    share a character; touching is not overlap) or lie at most ``distance`` characters apart."""
    reach = max(distance, 0)
    stride = _stride(columns.end, reach=reach)
    starts = columns.document * stride + columns.start
    ends = columns.document * stride + columns.end
    if distance < 0:
        stop = np.searchsorted(starts, ends, side="left")  # later segments that start before this one ends
    else:
        stop = np.searchsorted(starts, ends + reach, side="right")  # … that start at most ``reach`` after its end
    first = np.arange(len(starts)) + 1
    yield from partner_ranges(first, stop)


class PairCounter:
    """Counts of pairs of different codes, added chunk by chunk: each code gets a dense rank, each unordered pair
    ``rank_low * n + rank_high`` a bin of one ``np.bincount`` (no sort, no Python loop per pair)."""

    def __init__(self, codes: np.ndarray) -> None:
        self.code_ids = distinct(codes)
        self.n = len(self.code_ids)
        self.rank = np.zeros(int(self.code_ids.max(initial=0)) + 1, dtype=np.int64)
        self.rank[self.code_ids] = np.arange(self.n)
        self.tally = np.zeros(self.n * self.n, dtype=np.int64)

    def add(self, code_a: np.ndarray, code_b: np.ndarray) -> None:
        """Add the pairs ``(code_a[i], code_b[i])`` whose codes differ."""
        a, b = self.rank[code_a], self.rank[code_b]
        keep = a != b
        if not keep.any():
            return
        a, b = a[keep], b[keep]
        self.tally += np.bincount(np.minimum(a, b) * self.n + np.maximum(a, b), minlength=self.n * self.n)

    def counts(self) -> dict[tuple[int, int], int]:
        """``{(smaller code id, larger code id): count}`` for every pair counted at least once."""
        found = np.flatnonzero(self.tally)
        low, high = self.code_ids[found // max(self.n, 1)], self.code_ids[found % max(self.n, 1)]
        return dict(zip(zip(low.tolist(), high.tolist()), self.tally[found].tolist()))


def unit_hits(columns: Columns, unit_document: np.ndarray, unit_start: np.ndarray,
              unit_end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (segment index, unit index) of every unit each segment overlaps; units sorted by document and start,
    not overlapping each other (sentences, turns, paragraphs, documents)."""
    stride = _stride(columns.end, unit_end)
    seg_start = columns.document * stride + columns.start
    seg_end = columns.document * stride + columns.end
    starts = unit_document * stride + unit_start
    ends = unit_document * stride + unit_end
    first = np.maximum(np.searchsorted(starts, seg_start, side="right") - 1, 0)
    if len(starts):
        inside = np.minimum(first, len(starts) - 1)
        first = np.where((ends[inside] <= seg_start) | (starts[inside] >= seg_end), first + 1, first)
    stop = np.searchsorted(starts, seg_end, side="left")
    segments, units = [], []
    for left, right in partner_ranges(first, stop):
        segments.append(left)
        units.append(right)
    if not segments:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    return np.concatenate(segments), np.concatenate(units)
