"""Vectorised sweeps over all segments at once (numpy): pairs of overlapping or nearby segments, and the units of
analysis that segments overlap. A million segments take a fraction of a second instead of a Python loop per pair.

Every position is made global as ``document_id * stride + offset`` with a stride larger than any document (plus the
distance), so one sorted array holds all documents and no pair or unit ever crosses from one document to the next.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

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
        order = np.lexsort((self.start, self.document))
        if count and not np.array_equal(order, np.arange(count)):
            for name in ("document", "start", "end", "code", "coder"):
                setattr(self, name, getattr(self, name)[order])

    def __len__(self) -> int:
        return len(self.start)


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


def code_pair_counts(code_a: np.ndarray, code_b: np.ndarray, counts: dict[tuple[int, int], int]) -> None:
    """Add the pairs of different codes to ``counts`` (keyed ``(smaller id, larger id)``)."""
    keep = code_a != code_b
    low = np.minimum(code_a[keep], code_b[keep])
    high = np.maximum(code_a[keep], code_b[keep])
    if not len(low):
        return
    base = int(high.max()) + 1
    keys, tally = np.unique(low * base + high, return_counts=True)
    for key, n in zip(keys.tolist(), tally.tolist()):
        pair = (key // base, key % base)
        counts[pair] = counts.get(pair, 0) + n


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
