"""The fast path: the compared documents laid end to end on one axis, each code's segments swept with numpy.

Nothing here materialises one value per character: a code's continuum is cut at its segments' boundaries and the
document boundaries into elementary intervals (constant coding inside), and each interval carries its length as
its weight. Units (sentences, turns, paragraphs, documents) are marked by difference arrays over their sorted
starts and ends. Everything is a pure function of arrays; :mod:`workbench.agreement.core` reads the project.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .stats import BinaryTally


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (a sort and a comparison: faster here than numpy's hash-based unique)."""
    ordered = np.sort(values, kind="stable")
    if len(ordered) < 2:
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


@dataclass
class Corpus:
    """The documents coded by at least two of the compared coders, end to end.

    ``offsets[d]`` is where document ``d`` (an index into ``doc_ids``) starts on the axis, ``offsets[-1]`` the total
    length; ``present[d, i]`` says coder ``i`` coded document ``d``. Segment arrays are parallel: global start and
    end, code id, coder index, document index, stored id."""

    doc_ids: np.ndarray
    offsets: np.ndarray
    present: np.ndarray
    start: np.ndarray
    end: np.ndarray
    code: np.ndarray
    coder: np.ndarray
    doc: np.ndarray
    ids: np.ndarray

    @property
    def coders(self) -> int:
        return int(self.present.shape[1])

    position: np.ndarray | None = None  # after select(): where each segment sits in the corpus it came from

    def select(self, mask: np.ndarray) -> Corpus:
        return Corpus(self.doc_ids, self.offsets, self.present, self.start[mask], self.end[mask], self.code[mask],
                      self.coder[mask], self.doc[mask], self.ids[mask], np.arange(len(self.start))[mask])


def build_corpus(doc_ids: list[int], lengths: list[int], present: np.ndarray, rows) -> Corpus:
    """A corpus from the compared documents (their ids and lengths, in order), who coded which (``present[d, i]``)
    and segment rows ``(document index, start, end, code id, coder index, id)`` (tuples or an array) with offsets
    local to the document."""
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum(lengths, dtype=np.int64)
    array = np.asarray(rows, dtype=np.int64).reshape(-1, 6)
    doc = array[:, 0]
    return Corpus(doc_ids=np.array(doc_ids, dtype=np.int64), offsets=offsets, present=np.asarray(present, bool),
                  start=offsets[doc] + array[:, 1], end=offsets[doc] + array[:, 2], code=array[:, 3],
                  coder=array[:, 4], doc=doc, ids=array[:, 5])


@dataclass
class Coding:
    """Units (or elementary intervals) with who coded them: ``coded[i, u]``, ``present[i, u]``, ``weight[u]``."""

    start: np.ndarray
    end: np.ndarray
    doc: np.ndarray
    weight: np.ndarray
    coded: np.ndarray
    present: np.ndarray


def character_coding(corpus: Corpus) -> Coding:
    """The elementary intervals of one code's segments (``corpus`` holds that code's segments only)."""
    bounds = _distinct(np.concatenate([corpus.offsets, corpus.start, corpus.end]))
    starts, ends = bounds[:-1], bounds[1:]
    coded = np.zeros((corpus.coders, len(starts)), dtype=bool)
    for i in range(corpus.coders):
        mine = corpus.coder == i
        marks = np.zeros(len(bounds) + 1, dtype=np.int64)
        np.add.at(marks, np.searchsorted(bounds, corpus.start[mine]), 1)
        np.add.at(marks, np.searchsorted(bounds, corpus.end[mine]), -1)
        coded[i] = np.cumsum(marks)[:len(starts)] > 0
    doc = np.searchsorted(corpus.offsets, starts, side="right") - 1
    return Coding(starts, ends, doc, (ends - starts).astype(np.float64), coded, corpus.present[doc].T)


def unit_coding(corpus: Corpus, unit_start: np.ndarray, unit_end: np.ndarray, unit_doc: np.ndarray) -> Coding:
    """Which coder coded which unit: a unit is coded when one of the coder's segments overlaps it. Units are
    sorted and do not overlap each other, so the units a segment overlaps form one run found by bisection."""
    coded = np.zeros((corpus.coders, len(unit_start)), dtype=bool)
    first = np.searchsorted(unit_end, corpus.start, side="right")
    stop = np.searchsorted(unit_start, corpus.end, side="left")
    hits = stop > first
    for i in range(corpus.coders):
        mine = hits & (corpus.coder == i)
        marks = np.zeros(len(unit_start) + 1, dtype=np.int64)
        np.add.at(marks, first[mine], 1)
        np.add.at(marks, stop[mine], -1)
        coded[i] = np.cumsum(marks)[:len(unit_start)] > 0
    return Coding(unit_start, unit_end, unit_doc, np.ones(len(unit_start)), coded,
                  corpus.present[unit_doc].T)


def tally(coding: Coding) -> tuple[BinaryTally, float]:
    """The binary counts of one code over its units, and l_cc (coincidences of "coded" with "coded")."""
    present = coding.present
    m = present.sum(axis=0).astype(np.float64)
    ones = (coding.coded & present).sum(axis=0).astype(np.float64)
    keep = m >= 2
    w, m, ones = coding.weight[keep], m[keep], ones[keep]
    agreeing = (ones == 0) | (ones == m)
    result = BinaryTally(
        units=float(w.sum()), agreeing=float(w[agreeing].sum()), values=float((w * m).sum()),
        ones=float((w * ones).sum()), disagreeing=float((w * ones * (m - ones) / (m - 1)).sum()),
        both_coded=float((w * ones * (ones - 1) / (m - 1)).sum()))
    if coding.coded.shape[0] == 2:
        a, b = coding.coded[0][keep], coding.coded[1][keep]
        result.both = float(w[a & b].sum())
        result.first_only = float(w[a & ~b].sum())
        result.second_only = float(w[~a & b].sum())
        result.neither = result.units - result.both - result.first_only - result.second_only
    return result, result.both_coded


def disagreeing_runs(coding: Coding, merge: bool) -> list[tuple[int, int, int, tuple[bool, ...], tuple[bool, ...]]]:
    """Where the coders who coded a unit differ: ``(start, end, doc index, coded by, present)`` per unit, or per
    maximal run of adjacent intervals with the same pattern when ``merge`` (the character unit)."""
    m = coding.present.sum(axis=0)
    ones = (coding.coded & coding.present).sum(axis=0)
    rows = np.flatnonzero((m >= 2) & (ones > 0) & (ones < m))
    runs: list[tuple[int, int, int, tuple[bool, ...], tuple[bool, ...]]] = []
    for u in rows:
        coded = tuple(bool(x) for x in coding.coded[:, u])
        present = tuple(bool(x) for x in coding.present[:, u])
        start, end, doc = int(coding.start[u]), int(coding.end[u]), int(coding.doc[u])
        if merge and runs and runs[-1][1] == start and runs[-1][2] == doc and runs[-1][3] == coded:
            runs[-1] = (runs[-1][0], end, doc, coded, present)
        else:
            runs.append((start, end, doc, coded, present))
    return runs


def unitized_correction(corpus: Corpus, result: BinaryTally) -> float:
    """Σ ℓ² over one code's valued sections (its segments in ``corpus``), plus Σ ℓ over the gaps (every gap
    character counts once per coder who coded the document)."""
    lengths = (corpus.end - corpus.start).astype(np.float64)
    return float((lengths ** 2).sum()) + (result.values - result.ones)


def shares(corpus: Corpus) -> np.ndarray:
    """Each segment's pairable length for cuα: its intersections with the other coders' segments (any code),
    summed and divided by (m − 1) for the m coders of its document. Per coder, the number of its segments that
    cover a point is a step function; its running integral F gives any intersection length as F(e) − F(s)."""
    result = np.zeros(len(corpus.start))
    m = corpus.present.sum(axis=1)[corpus.doc].astype(np.float64)
    for j in range(corpus.coders):
        mine = corpus.coder == j
        if not mine.any():
            continue
        bounds = _distinct(np.concatenate([corpus.start[mine], corpus.end[mine]]))
        marks = np.zeros(len(bounds), dtype=np.int64)
        np.add.at(marks, np.searchsorted(bounds, corpus.start[mine]), 1)
        np.add.at(marks, np.searchsorted(bounds, corpus.end[mine]), -1)
        height = np.cumsum(marks)[:-1].astype(np.float64)
        integral = np.concatenate([[0.0], np.cumsum(height * np.diff(bounds))])

        def area(x: np.ndarray) -> np.ndarray:
            k = np.clip(np.searchsorted(bounds, x, side="right") - 1, 0, len(bounds) - 1)
            slope = np.where(k < len(height), height[np.minimum(k, len(height) - 1)], 0.0)
            return np.where(x <= bounds[0], 0.0, integral[k] + slope * (x - bounds[k]))

        others = ~mine
        met = area(corpus.end[others]) - area(corpus.start[others])
        result[others] += met / np.maximum(m[others] - 1, 1)
    return result


def match_counts(corpus: Corpus, overlap: int) -> tuple[np.ndarray, np.ndarray]:
    """MAXQDA segment matching for one code: per coder, how many of its segments are matched (every other coder
    of that document has a segment overlapping it by at least ``overlap`` % of the longer of the two) and how many
    are not. A coder's segments of one code never overlap each other, so the candidates of one segment among
    another coder's segments form one run (sorted starts and ends), walked in step for all segments at once."""
    matched = np.zeros(corpus.coders, dtype=np.int64)
    unmatched = np.zeros(corpus.coders, dtype=np.int64)
    if not len(corpus.start):
        return matched, unmatched
    ok = np.ones(len(corpus.start), dtype=bool)
    order = np.lexsort((corpus.start, corpus.coder))
    start, end, coder = corpus.start[order], corpus.end[order], corpus.coder[order]
    for j in range(corpus.coders):
        theirs = coder == j
        j_start, j_end = start[theirs], end[theirs]
        other = ~theirs & corpus.present[corpus.doc[order], j]
        found = np.zeros(len(start), dtype=bool)
        index = np.searchsorted(j_end, start, side="right")
        stop = np.searchsorted(j_start, end, side="left")
        active = other & (index < stop)
        while active.any():
            rows = np.flatnonzero(active)
            k = index[rows]
            meet = np.minimum(end[rows], j_end[k]) - np.maximum(start[rows], j_start[k])
            longer = np.maximum(end[rows] - start[rows], j_end[k] - j_start[k])
            found[rows] |= (meet > 0) & (100 * meet >= overlap * longer)
            index[rows] += 1
            active = other & (index < stop) & ~found
        ok &= ~other | found
    for i in range(corpus.coders):
        mine = coder == i
        matched[i] = int((ok & mine).sum())
        unmatched[i] = int((~ok & mine).sum())
    return matched, unmatched
