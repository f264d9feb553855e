"""Code frequencies (segments, documents, cases, words coded; per code and per coder) and the code ×
case-attribute matrix with row and column percentages."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ..errors import WorkbenchError
from ..store import Project
from .data import AnalysisData, Scope, load

MEASURES = ("segments", "documents", "cases")


@dataclass(frozen=True)
class Frequency:
    """How much one code (for one coder, or all coders when ``coder`` is None) is used."""

    code: str
    code_id: int
    coder: str | None
    segments: int
    documents: int
    cases: int
    words: int

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "coder": self.coder or "all coders", "segments": self.segments,
                "documents": self.documents, "cases": self.cases, "words": self.words}


def _words_in_union(text: str, items: list[tuple]) -> int:
    """Words in the union of the items' spans (overlapping segments are not counted twice)."""
    spans = sorted((i[1], i[2]) for i in items)
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return sum(len(text[s:e].split()) for s, e in merged)


def frequencies(project: Project, scope: Scope | None = None, by_coder: bool = True,
                data: AnalysisData | None = None) -> list[Frequency]:
    """Per code (all coders), and per code and coder when ``by_coder``: segments, documents, cases, words coded."""
    data = data or load(project, scope or Scope())
    doc_cases = project.document_cases()
    texts = project.document_texts(data.by_document)
    groups: dict[tuple[int, str | None], dict[int, list[tuple]]] = defaultdict(lambda: defaultdict(list))
    for doc_id, items in data.by_document.items():
        for item in items:
            groups[(item[3], None)][doc_id].append(item)
            if by_coder:
                groups[(item[3], data.coders[item[4]])][doc_id].append(item)
    coders = sorted({coder for _, coder in groups if coder})
    rows: list[Frequency] = []
    for code_id in data.code_ids:
        for coder in [None, *coders] if by_coder else [None]:
            per_document = groups.get((code_id, coder))
            if not per_document and coder is not None:
                continue
            per_document = per_document or {}
            cases = {c for doc in per_document for c in doc_cases.get(doc, [])}
            rows.append(Frequency(
                code=data.names[code_id], code_id=code_id, coder=coder,
                segments=sum(len(v) for v in per_document.values()), documents=len(per_document), cases=len(cases),
                words=sum(_words_in_union(texts[doc], items) for doc, items in per_document.items()),
            ))
    return rows


@dataclass
class AttributeMatrix:
    """Codes × values of one case attribute: counts and row/column percentages."""

    attribute: str
    measure: str
    values: list[str]
    codes: list[str]
    counts: list[list[int]]
    group_sizes: dict[str, int]

    def row_percent(self, row: int, column: int) -> float:
        total = sum(self.counts[row])
        return 100.0 * self.counts[row][column] / total if total else 0.0

    def column_percent(self, row: int, column: int) -> float:
        total = sum(r[column] for r in self.counts)
        return 100.0 * self.counts[row][column] / total if total else 0.0

    def records(self) -> list[dict[str, Any]]:
        """One row per code and value: count, row %, column %."""
        return [
            {"code": code, self.attribute: value, self.measure: self.counts[r][c],
             "row_percent": round(self.row_percent(r, c), 1), "column_percent": round(self.column_percent(r, c), 1)}
            for r, code in enumerate(self.codes) for c, value in enumerate(self.values)
        ]


def _value_order(value: str) -> tuple[int, float, str]:
    """Numbers in numeric order before other values in text order."""
    try:
        return (0, float(value), value)
    except ValueError:
        return (1, 0.0, value)


def attribute_matrix(project: Project, attribute: str, measure: str = "segments", scope: Scope | None = None,
                     data: AnalysisData | None = None) -> AttributeMatrix:
    """Code × attribute-value matrix. ``measure``: ``segments`` (segments in documents of cases with the value),
    ``documents`` or ``cases`` (how many of them have the code), each counted once per cell. A document whose
    cases carry two values counts for both."""
    if measure not in MEASURES:
        raise WorkbenchError(f"unknown measure {measure!r}; use one of {', '.join(MEASURES)}")
    attributes = project.attributes()
    if attribute not in attributes:
        raise WorkbenchError(f"unknown case attribute {attribute!r} (attributes: {', '.join(attributes) or 'none'})")
    data = data or load(project, scope or Scope())
    cases = {c.id: c for c in project.cases()}
    doc_cases = project.document_cases()
    values = sorted({c.values[attribute] for c in cases.values() if c.values.get(attribute)}, key=_value_order)
    column = {v: i for i, v in enumerate(values)}
    counts = [[0] * len(values) for _ in data.code_ids]
    row = {code_id: i for i, code_id in enumerate(data.code_ids)}
    seen: set[tuple[int, int, Any]] = set()
    for doc_id, items in data.by_document.items():
        for item in items:
            for case_id in doc_cases.get(doc_id, []):
                value = cases[case_id].values.get(attribute)
                if not value:
                    continue
                key = (item[3], column[value], {"segments": item[5], "documents": doc_id, "cases": case_id}[measure])
                if key not in seen:
                    seen.add(key)
                    counts[row[item[3]]][column[value]] += 1
    sizes: dict[str, int] = defaultdict(int)
    for case in cases.values():
        if case.values.get(attribute):
            sizes[case.values[attribute]] += 1
    return AttributeMatrix(attribute, measure, values, [data.names[c] for c in data.code_ids], counts, dict(sizes))
