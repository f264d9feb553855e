"""Code co-occurrence: which codes occur together, counted per unit of analysis, with the passages behind every
number (ATLAS.ti's co-occurrence table, MAXQDA's Code Relations Browser).

Units:
- ``overlap``: pairs of coded segments in the same document that share at least one character (touching is not
  overlap). The count of codes A ≠ B is the number of overlapping (segment of A, segment of B) pairs; the
  frequency of A is its number of segments.
- ``near``: the same with pairs at most ``distance`` characters apart (overlapping and touching pairs included).
- ``sentence``, ``turn``, ``paragraph``, ``document``: the count is the number of units in which both codes have a
  segment overlapping the unit; the frequency of A is the number of units with A.

For each pair: the c-coefficient ``n12 / (n1 + n2 − n12)`` (ATLAS.ti's) and containment ``n12 / min(n1, n2)``;
pairs whose frequencies differ more than fivefold are flagged, because the coefficient misleads there.
All documents are swept at once with numpy (:mod:`.sweep`): O(n log n + k) for n segments and k co-occurring
pairs; the drill-down walks one cell's segments with a heap sweep.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..context import TurnIndex
from ..errors import WorkbenchError
from ..models import Span
from ..store import Project
from . import UNITS
from .data import AnalysisData, Item, Scope, load
from .sweep import PairCounter, distinct, pair_indexes, partner_ranges, unit_hits

PAIR_UNITS = ("overlap", "near")
IMBALANCE = 5.0
UNIT_WORDS = {"sentence": ("sentence", "sentences"), "turn": ("speaker turn", "speaker turns"),
              "paragraph": ("paragraph", "paragraphs"), "document": ("document", "documents")}


@dataclass(frozen=True)
class Pair:
    """Two codes that co-occur, with how often and how strongly."""

    a: str
    b: str
    a_id: int
    b_id: int
    count: int
    frequency_a: int
    frequency_b: int
    c_coefficient: float | None
    containment: float | None
    imbalanced: bool

    def as_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "count": self.count, "c_coefficient": self.c_coefficient,
                "containment": self.containment, "frequency_a": self.frequency_a, "frequency_b": self.frequency_b,
                "imbalanced": self.imbalanced}


@dataclass
class Cooccurrence:
    """The result of a co-occurrence analysis."""

    unit: str
    distance: int | None
    scope: Scope
    names: dict[int, str]
    code_ids: list[int]
    frequency: dict[int, int]
    pairs: list[Pair]
    units_total: int
    documents: int
    explanation: str = ""
    counts: dict[tuple[int, int], int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """``{"unit", "frequency": {code: n}, "pairs": [{"a", "b", "count", "c_coefficient", "containment"}]}``
        with ``a < b`` by name and only pairs with count > 0."""
        return {
            "unit": self.unit,
            "distance": self.distance,
            "explanation": self.explanation,
            "frequency": {self.names[c]: self.frequency.get(c, 0) for c in self.code_ids},
            "pairs": [p.as_dict() for p in self.pairs],
        }

    def count(self, a_id: int, b_id: int) -> int:
        return self.counts.get((min(a_id, b_id), max(a_id, b_id)), 0)


def c_coefficient(n12: int, n1: int, n2: int) -> float | None:
    """ATLAS.ti's c-coefficient ``n12 / (n1 + n2 − n12)``; None where that is undefined."""
    denominator = n1 + n2 - n12
    return n12 / denominator if denominator > 0 else None


def containment(n12: int, n1: int, n2: int) -> float | None:
    """``n12 / min(n1, n2)``: how much of the rarer code occurs with the other."""
    smaller = min(n1, n2)
    return n12 / smaller if smaller > 0 else None


def _pair_sweep(items: list[tuple], distance: int) -> Iterator[tuple[tuple, tuple]]:
    """Pairs of items that overlap (``distance`` < 0: share a character) or lie at most ``distance`` apart.
    ``items`` (tuples in :class:`Item` field order) are sorted by start; a heap keeps the ones still open."""
    active: list[tuple[int, int, tuple]] = []
    reach = max(distance, 0)
    for index, item in enumerate(items):
        start = item[1]
        if distance < 0:
            while active and active[0][0] <= start:
                heapq.heappop(active)
        else:
            while active and active[0][0] + reach < start:
                heapq.heappop(active)
        for _, _, other in active:
            yield other, item
        heapq.heappush(active, (item[2], index, item))


def _units(project: Project, unit: str, document_ids: list[int]) -> dict[int, list[Span]]:
    if unit in ("sentence", "paragraph"):
        found = project.units(unit)
    elif unit == "turn":
        found = {doc: [Span(t.start, t.end) for t in turns] for doc, turns in project.turns().items()}
    else:
        lengths = project.document_lengths()
        found = {doc: [Span(0, lengths[doc])] for doc in document_ids}
    wanted = set(document_ids)
    return {doc: spans for doc, spans in found.items() if doc in wanted}


def _unit_arrays(units: dict[int, list[Span]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Units as arrays (document, start, end) in document and start order."""
    documents = sorted(units)
    count = sum(len(units[d]) for d in documents)
    flat = np.fromiter((v for d in documents for span in units[d] for v in (d, span.start, span.end)),
                       dtype=np.int64, count=3 * count).reshape(count, 3)
    return flat[:, 0].copy(), flat[:, 1].copy(), flat[:, 2].copy()


def _unit_hits(units: list[Span], items: list[tuple]) -> dict[int, list[tuple]]:
    """Items by the index of each unit they overlap."""
    starts = [u.start for u in units]
    hits: dict[int, list[tuple]] = defaultdict(list)
    for item in items:
        start, end = item[1], item[2]
        index = max(bisect_right(starts, start) - 1, 0)
        while index < len(units) and units[index].start < end:
            if units[index].end > start:
                hits[index].append(item)
            index += 1
    return hits


def explanation(unit: str, distance: int | None, data: AnalysisData, scope: Scope, units_total: int) -> str:
    """The sentence above the chart: exactly what the numbers count."""
    where = scope.describe(data)
    if unit == "overlap":
        return ("Each number counts pairs of coded segments, one of each code, that share at least one character in "
                "the same document (touching segments do not count); a code's frequency is its number of segments "
                f"({units_total:,} segments; {where}).")
    if unit == "near":
        return (f"Each number counts pairs of coded segments, one of each code, at most {distance} characters apart "
                "in the same document (overlapping and touching pairs included); a code's frequency is its number "
                f"of segments ({units_total:,} segments; {where}).")
    one, many = UNIT_WORDS[unit]
    return (f"Each number counts the {many} in which both codes have at least one coded segment (a segment counts "
            f"for every {one} it overlaps); a code's frequency is the number of {many} with that code "
            f"({units_total:,} {many}; {where}).")


def cooccurrence(project: Project, unit: str = "overlap", distance: int | None = None,
                 scope: Scope | None = None, data: AnalysisData | None = None) -> Cooccurrence:
    """Count co-occurring codes for a unit of analysis within a scope (see the module docstring)."""
    scope = scope or Scope()
    if unit not in UNITS:
        raise WorkbenchError(f"unknown unit {unit!r}; use one of {', '.join(UNITS)}")
    if unit == "near":
        if distance is None or distance < 0:
            raise WorkbenchError("the unit 'near' needs a distance: a number of characters, 0 or more", cli="distance")
    elif distance is not None and unit != "near":
        distance = None
    data = data or load(project, scope)
    frequency: Counter[int] = Counter()
    columns = data.columns()
    counter = PairCounter(columns.code)
    if unit in PAIR_UNITS:
        gap = -1 if unit == "overlap" else int(distance or 0)
        total = len(columns)
        frequency.update(dict(zip(*(a.tolist() for a in distinct(columns.code, counts=True)))))
        for left, right in pair_indexes(columns, gap):
            counter.add(columns.code[left], columns.code[right])
    else:
        units = _units(project, unit, data.document_ids)
        total = sum(len(spans) for spans in units.values())
        unit_document, unit_start, unit_end = _unit_arrays(units)
        segment, hit = unit_hits(columns, unit_document, unit_start, unit_end)
        # one (unit, code) per code present in a unit, sorted by unit: the codes of a unit sit side by side
        present = distinct(hit * (int(columns.code.max(initial=0)) + 1) + columns.code[segment])
        base = int(columns.code.max(initial=0)) + 1
        present_unit, present_code = present // base, present % base
        frequency.update(dict(zip(*(a.tolist() for a in distinct(present_code, counts=True)))))
        stop = np.searchsorted(present_unit, present_unit, side="right")
        for left, right in partner_ranges(np.arange(len(present)) + 1, stop):
            counter.add(present_code[left], present_code[right])
    counts = counter.counts()
    pairs = []
    for (first, second), n12 in counts.items():
        a, b = sorted((first, second), key=lambda c: data.names[c])
        n1, n2 = frequency[a], frequency[b]
        pairs.append(Pair(
            a=data.names[a], b=data.names[b], a_id=a, b_id=b, count=n12, frequency_a=n1, frequency_b=n2,
            c_coefficient=c_coefficient(n12, n1, n2), containment=containment(n12, n1, n2),
            imbalanced=max(n1, n2) > IMBALANCE * min(n1, n2),
        ))
    pairs.sort(key=lambda p: (-p.count, p.a, p.b))
    return Cooccurrence(
        unit=unit, distance=distance if unit == "near" else None, scope=scope, names=data.names,
        code_ids=data.code_ids, frequency=dict(frequency), pairs=pairs, units_total=total,
        documents=data.document_count, explanation=explanation(unit, distance, data, scope, total),
        counts=dict(counts),
    )


# --------------------------------------------------------------------------------------------- drill-down
@dataclass(frozen=True)
class Meeting:
    """One place where two codes meet: the region shown (the two segments, or the unit), their segments, the
    characters both cover (for the pair units), and who said it in which case."""

    document: str
    document_id: int
    start: int
    end: int
    a_items: tuple[Item, ...]
    b_items: tuple[Item, ...]
    overlap: tuple[int, int] | None
    speaker: str
    case: str
    text: str
    a_texts: tuple[str, ...] = ()
    b_texts: tuple[str, ...] = ()

    def as_dict(self, names: dict[int, str], coders: dict[int, str]) -> dict[str, Any]:
        def segment(item: Item, text: str) -> dict[str, Any]:
            return {"code": names[item.code_id], "coder": coders.get(item.coder_id, ""), "start": item.start,
                    "end": item.end, "text": text}

        return {
            "document": self.document, "start": self.start, "end": self.end, "speaker": self.speaker,
            "case": self.case, "a_segments": [segment(i, t) for i, t in zip(self.a_items, self.a_texts)],
            "b_segments": [segment(i, t) for i, t in zip(self.b_items, self.b_texts)],
            "overlap": list(self.overlap) if self.overlap else None, "text": self.text,
        }


def meetings(project: Project, result: Cooccurrence, a_id: int, b_id: int, scope: Scope | None = None,
             data: AnalysisData | None = None, limit: int | None = None) -> list[Meeting]:
    """The passages behind one cell: every pair (or unit) counted for codes ``a`` and ``b``."""
    data = data or load(project, scope or result.scope)
    wanted = {a_id, b_id}
    names = project.document_names()
    texts: dict[int, str] = {}
    turns = project.turns()
    case_labels = project.case_labels()
    found: list[Meeting] = []

    def build(doc_id: int, start: int, end: int, a_items: list[tuple], b_items: list[tuple],
              overlap: tuple[int, int] | None) -> Meeting:
        if doc_id not in texts:
            texts[doc_id] = project.document_text(doc_id)
        speakers = TurnIndex(turns.get(doc_id, [])).speakers(start, end)
        text = texts[doc_id]
        return Meeting(
            document=names[doc_id], document_id=doc_id, start=start, end=end,
            a_items=tuple(Item(*i) for i in a_items), b_items=tuple(Item(*i) for i in b_items), overlap=overlap,
            speaker="; ".join(speakers),
            case=case_labels.get(doc_id, ""), text=text[start:end],
            a_texts=tuple(text[i[1]:i[2]] for i in a_items), b_texts=tuple(text[i[1]:i[2]] for i in b_items),
        )

    if result.unit in PAIR_UNITS:
        gap = -1 if result.unit == "overlap" else int(result.distance or 0)
        for doc_id, items in data.by_document.items():
            relevant = [i for i in items if i[3] in wanted]
            for first, second in _pair_sweep(relevant, gap):
                if first[3] == second[3]:
                    continue
                a_item, b_item = (first, second) if first[3] == a_id else (second, first)
                start, end = min(first[1], second[1]), max(first[2], second[2])
                shared = (max(first[1], second[1]), min(first[2], second[2]))
                found.append(build(doc_id, start, end, [a_item], [b_item],
                                   shared if shared[0] < shared[1] else None))
    else:
        units = _units(project, result.unit, data.document_ids)
        for doc_id, items in data.by_document.items():
            spans = units.get(doc_id, [])
            relevant = [i for i in items if i[3] in wanted]
            for index, hit in sorted(_unit_hits(spans, relevant).items()):
                a_items = [i for i in hit if i[3] == a_id]
                b_items = [i for i in hit if i[3] == b_id]
                if a_items and b_items:
                    unit = spans[index]
                    found.append(build(doc_id, unit.start, unit.end, a_items, b_items, None))
    order = {doc_id: rank for rank, doc_id in enumerate(names)}
    found.sort(key=lambda m: (order[m.document_id], m.start, m.end))
    return found[:limit] if limit else found


PASSAGE_COLUMNS = ("document", "start", "end", "speaker", "case", "code_a", "text_a", "code_b", "text_b", "overlap",
                   "text")


def passage_rows(found: list[Meeting], names: dict[int, str], coders: dict[int, str]) -> list[dict[str, Any]]:
    """The passages behind a cell as flat rows (for CSV and XLSX)."""
    rows = []
    for meeting in found:
        record = meeting.as_dict(names, coders)
        rows.append({
            "document": record["document"], "start": record["start"], "end": record["end"],
            "speaker": record["speaker"], "case": record["case"],
            "code_a": record["a_segments"][0]["code"], "text_a": " | ".join(s["text"] for s in record["a_segments"]),
            "code_b": record["b_segments"][0]["code"], "text_b": " | ".join(s["text"] for s in record["b_segments"]),
            "overlap": meeting.text[meeting.overlap[0] - meeting.start:meeting.overlap[1] - meeting.start]
            if meeting.overlap else "",
            "text": record["text"],
        })
    return rows


def matrix_rows(result: Cooccurrence) -> list[dict[str, Any]]:
    """The square co-occurrence matrix (codes with a frequency), one row per code, its frequency on the side."""
    codes = [c for c in result.code_ids if result.frequency.get(c)]
    return [{"code": result.names[a], "frequency": result.frequency[a],
             **{result.names[b]: ("" if a == b else result.count(a, b)) for b in codes}} for a in codes]
