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
Per document the segments are sorted and swept once: O(n log n + k) for n segments and k co-occurring pairs.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from ..context import TurnIndex
from ..errors import WorkbenchError
from ..models import Span
from ..store import Project
from .data import AnalysisData, Item, Scope, load

UNITS = ("overlap", "near", "sentence", "turn", "paragraph", "document")
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


def _pair_sweep(items: list[Item], distance: int) -> Iterator[tuple[Item, Item]]:
    """Pairs of items that overlap (``distance`` < 0: share a character) or lie at most ``distance`` apart.
    ``items`` are sorted by start; a heap keeps the ones still open."""
    active: list[tuple[int, int, Item]] = []
    for index, item in enumerate(items):
        while active and (active[0][0] <= item.start if distance < 0 else active[0][0] + distance < item.start):
            heapq.heappop(active)
        for _, _, other in active:
            yield other, item
        heapq.heappush(active, (item.end, index, item))


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


def _unit_hits(units: list[Span], items: list[Item]) -> dict[int, list[Item]]:
    """Items by the index of each unit they overlap."""
    starts = [u.start for u in units]
    hits: dict[int, list[Item]] = defaultdict(list)
    for item in items:
        index = max(bisect_right(starts, item.start) - 1, 0)
        while index < len(units) and units[index].start < item.end:
            if units[index].end > item.start:
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
            raise WorkbenchError("the unit 'near' needs --distance N (characters, 0 or more)")
    elif distance is not None and unit != "near":
        distance = None
    data = data or load(project, scope)
    counts: dict[tuple[int, int], int] = defaultdict(int)
    frequency: dict[int, int] = defaultdict(int)
    if unit in PAIR_UNITS:
        gap = -1 if unit == "overlap" else int(distance or 0)
        total = 0
        for items in data.by_document.values():
            total += len(items)
            for item in items:
                frequency[item.code_id] += 1
            for first, second in _pair_sweep(items, gap):
                if first.code_id != second.code_id:
                    key = (first.code_id, second.code_id) if first.code_id < second.code_id else (
                        second.code_id, first.code_id)
                    counts[key] += 1
    else:
        units = _units(project, unit, data.document_ids)
        total = sum(len(spans) for spans in units.values())
        for doc_id, items in data.by_document.items():
            for hit in _unit_hits(units.get(doc_id, []), items).values():
                present = sorted({item.code_id for item in hit})
                for code_id in present:
                    frequency[code_id] += 1
                for key in combinations(present, 2):
                    counts[key] += 1
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

    def as_dict(self, names: dict[int, str]) -> dict[str, Any]:
        return {
            "document": self.document, "start": self.start, "end": self.end,
            "speaker": self.speaker, "case": self.case,
            "a_segments": [{"code": names[i.code_id], "coder": i.coder, "start": i.start, "end": i.end,
                            "text": self.text[i.start - self.start:i.end - self.start]} for i in self.a_items],
            "b_segments": [{"code": names[i.code_id], "coder": i.coder, "start": i.start, "end": i.end,
                            "text": self.text[i.start - self.start:i.end - self.start]} for i in self.b_items],
            "overlap": list(self.overlap) if self.overlap else None,
            "text": self.text,
        }


def meetings(project: Project, result: Cooccurrence, a_id: int, b_id: int, scope: Scope | None = None,
             data: AnalysisData | None = None, limit: int | None = None) -> list[Meeting]:
    """The passages behind one cell: every pair (or unit) counted for codes ``a`` and ``b``."""
    data = data or load(project, scope or result.scope)
    wanted = {a_id, b_id}
    names = project.document_names()
    texts: dict[int, str] = {}
    turns = project.turns()
    case_names = {c.id: c.name for c in project.cases()}
    doc_cases = project.document_cases()
    found: list[Meeting] = []

    def build(doc_id: int, start: int, end: int, a_items: list[Item], b_items: list[Item],
              overlap: tuple[int, int] | None) -> Meeting:
        if doc_id not in texts:
            texts[doc_id] = project.document_text(doc_id)
        speakers = TurnIndex(turns.get(doc_id, [])).speakers(start, end)
        return Meeting(
            document=names[doc_id], document_id=doc_id, start=start, end=end, a_items=tuple(a_items),
            b_items=tuple(b_items), overlap=overlap, speaker="; ".join(speakers),
            case="; ".join(case_names[c] for c in doc_cases.get(doc_id, [])), text=texts[doc_id][start:end],
        )

    if result.unit in PAIR_UNITS:
        gap = -1 if result.unit == "overlap" else int(result.distance or 0)
        for doc_id, items in data.by_document.items():
            relevant = [i for i in items if i.code_id in wanted]
            for first, second in _pair_sweep(relevant, gap):
                if first.code_id == second.code_id:
                    continue
                a_item, b_item = (first, second) if first.code_id == a_id else (second, first)
                start, end = min(first.start, second.start), max(first.end, second.end)
                shared = (max(first.start, second.start), min(first.end, second.end))
                found.append(build(doc_id, start, end, [a_item], [b_item],
                                   shared if shared[0] < shared[1] else None))
    else:
        units = _units(project, result.unit, data.document_ids)
        for doc_id, items in data.by_document.items():
            spans = units.get(doc_id, [])
            relevant = [i for i in items if i.code_id in wanted]
            for index, hit in sorted(_unit_hits(spans, relevant).items()):
                a_items = [i for i in hit if i.code_id == a_id]
                b_items = [i for i in hit if i.code_id == b_id]
                if a_items and b_items:
                    unit = spans[index]
                    found.append(build(doc_id, unit.start, unit.end, a_items, b_items, None))
    found.sort(key=lambda m: (list(names).index(m.document_id), m.start, m.end))
    return found[:limit] if limit else found
