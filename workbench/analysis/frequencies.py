"""Code frequencies (segments, documents, cases, words coded; per code and per coder) and the code ×
case-attribute matrix with row and column percentages."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import WorkbenchError
from ..store import Project
from . import MEASURES
from .bins import BINNABLE, bin_index, bin_labels
from .data import AnalysisData, Scope, load
from .sweep import distinct, partner_ranges


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


def _group_counts(keys: np.ndarray, size: int) -> np.ndarray:
    return np.bincount(keys, minlength=size) if len(keys) else np.zeros(size, dtype=np.int64)


def frequencies(project: Project, scope: Scope | None = None, by_coder: bool = True,
                data: AnalysisData | None = None) -> list[Frequency]:
    """Per code (all coders), and per code and coder when ``by_coder``: segments, documents, cases, words coded.
    Words coded are counted in the union of a group's segments per document (overlapping and touching segments
    are joined first, so no word is counted twice), as ``len(text[start:end].split())`` of each joined span."""
    data = data or load(project, scope or Scope())
    columns = data.columns()
    coder_ids = sorted(set(columns.coder.tolist()), key=lambda c: data.coders[c])
    coders = sorted({data.coders[c] for c in coder_ids})
    # group g: (code, all coders) is code_rank * width, (code, coder k) is code_rank * width + k + 1
    code_rank = {code_id: i for i, code_id in enumerate(data.code_ids)}
    width = len(coder_ids) + 1
    ranks = np.array([code_rank.get(c, -1) for c in range(int(columns.code.max(initial=0)) + 1)], dtype=np.int64)
    coder_slot = np.zeros(int(columns.coder.max(initial=0)) + 1, dtype=np.int64)
    for k, coder_id in enumerate(coder_ids):
        coder_slot[coder_id] = k + 1
    base = ranks[columns.code] * width if len(columns) else np.zeros(0, dtype=np.int64)
    index = np.arange(len(columns))
    if by_coder:
        group = np.concatenate([base, base + coder_slot[columns.coder]])
        index = np.concatenate([index, index])
    else:
        group = base
    size = len(data.code_ids) * width
    segments = _group_counts(group, size)
    document = columns.document[index]
    words, pairs = _words_coded(project, group, document, columns.start[index], columns.end[index], size)
    documents = _group_counts(pairs[:, 0], size)
    cases = _case_counts(project, pairs, size)
    names = {coder_id: data.coders[coder_id] for coder_id in coder_ids}
    by_name = {names[c]: k + 1 for k, c in enumerate(coder_ids)}
    rows: list[Frequency] = []
    for rank, code_id in enumerate(data.code_ids):
        for coder in [None, *coders] if by_coder else [None]:
            g = rank * width + (by_name[coder] if coder else 0)
            if coder is not None and not segments[g]:
                continue
            rows.append(Frequency(code=data.names[code_id], code_id=code_id, coder=coder,
                                  segments=int(segments[g]), documents=int(documents[g]), cases=int(cases[g]),
                                  words=int(words[g])))
    return rows


def _case_counts(project: Project, pairs: np.ndarray, size: int) -> np.ndarray:
    """Distinct cases per group, from the distinct (group, document) pairs."""
    links = sorted((doc, case) for doc, cases in project.document_cases().items() for case in cases)
    if not links or not len(pairs):
        return np.zeros(size, dtype=np.int64)
    link_doc = np.array([d for d, _ in links], dtype=np.int64)
    link_case = np.array([c for _, c in links], dtype=np.int64)
    first = np.searchsorted(link_doc, pairs[:, 1], side="left")
    stop = np.searchsorted(link_doc, pairs[:, 1], side="right")
    found = [np.stack([pairs[left, 0], link_case[right]], axis=1) for left, right in partner_ranges(first, stop)]
    if not found:
        return np.zeros(size, dtype=np.int64)
    joined = np.concatenate(found)
    span = int(joined[:, 1].max()) + 1
    return _group_counts(distinct(joined[:, 0] * span + joined[:, 1]) // span, size)


_SPACE = np.array([chr(c).isspace() for c in range(0x3001)])  # what str.split() splits on (none above U+3000)
_BATCH_CHARACTERS = 4_000_000


def _words_coded(project: Project, group: np.ndarray, document: np.ndarray, start: np.ndarray, end: np.ndarray,
                 size: int) -> tuple[np.ndarray, np.ndarray]:
    """Words in the union of each group's spans per document (spans that overlap or touch are joined first), and
    the distinct (group, document) pairs."""
    words = np.zeros(size, dtype=np.int64)
    if not len(group):
        return words, np.zeros((0, 2), dtype=np.int64)
    stride = int(end.max()) + 2
    # the rows come in document and start order: a stable sort by group alone gives group, document, start order
    # (a radix sort when the groups fit 16 bits)
    order = np.argsort(group.astype(np.int16 if size < 2 ** 15 else np.int64), kind="stable")
    group, document, start, end = group[order], document[order], start[order], end[order]
    # one global axis: (group, document) runs laid end to end, so a running maximum joins spans within a run only
    change = (group[1:] != group[:-1]) | (document[1:] != document[:-1])
    run = np.concatenate([[0], np.cumsum(change)])
    run_heads = np.concatenate([[0], np.flatnonzero(change) + 1])
    reach = np.maximum.accumulate(run * stride + end)
    fresh = np.ones(len(start), dtype=bool)
    fresh[1:] = run[1:] * stride + start[1:] > reach[:-1]
    heads = np.flatnonzero(fresh)
    tails = np.append(heads[1:] - 1, len(start) - 1)
    span_group, span_document = group[heads], document[heads]
    span_start, span_end = start[heads], reach[tails] - run[heads] * stride
    counted = _words_in_spans(project, span_document, span_start, span_end)
    np.add.at(words, span_group, counted)
    return words, np.stack([group[run_heads], document[run_heads]], axis=1)


def _words_in_spans(project: Project, document: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """``len(text[start:end].split())`` for each span: whether its first character is a word's, plus the word
    starts after it and before its end (counted once per batch of texts)."""
    counted = np.zeros(len(start), dtype=np.int64)
    order = np.argsort(document, kind="stable")
    wanted, repeats = distinct(document, counts=True)  # the documents, each with its number of spans
    first = np.cumsum(repeats) - repeats
    bounds = np.append(first, len(order))
    lengths = project.document_lengths()
    batch: list[int] = []
    characters = 0

    def flush() -> None:
        texts = project.document_texts([int(wanted[k]) for k in batch])
        pieces = [texts[int(wanted[k])] for k in batch]
        offsets = np.cumsum([0] + [len(p) for p in pieces])
        space = _spaces("".join(pieces))
        begins = ~space
        begins[1:] &= space[:-1]
        before = _StartsBefore(begins)
        # the batch's documents are consecutive in ``order``: their spans are one slice of it
        chosen = order[bounds[batch[0]]:bounds[batch[-1] + 1]]
        shift = np.repeat(offsets[:-1], bounds[np.array(batch) + 1] - bounds[np.array(batch)])
        s, e = start[chosen] + shift, end[chosen] + shift
        counted[chosen] = (~space[s]).astype(np.int64) + before(e) - before(s + 1)
        batch.clear()

    for k in range(len(wanted)):
        batch.append(k)
        characters += lengths[int(wanted[k])]
        if characters >= _BATCH_CHARACTERS:
            flush()
            characters = 0
    if batch:
        flush()
    return counted


_SPACE_LATIN1 = _SPACE[:256].copy()
_ONES = np.array([bin(byte).count("1") for byte in range(256)], dtype=np.uint8)  # set bits of each byte value
_BELOW = np.array([(1 << bit) - 1 for bit in range(8)], dtype=np.uint8)  # the bits below bit 0..7


class _StartsBefore:
    """How many of ``flags`` are set before each position, from the flags packed eight to a byte and a running
    count per byte (an eighth of the memory and work of a running count per position)."""

    def __init__(self, flags: np.ndarray) -> None:
        self.bits = np.append(np.packbits(flags, bitorder="little"), np.uint8(0))  # a byte more: position len(flags)
        self.prefix = np.zeros(len(self.bits), dtype=np.int32)  # set flags before each byte (a batch < 2**31)
        np.cumsum(_ONES[self.bits[:-1]], out=self.prefix[1:])

    def __call__(self, positions: np.ndarray) -> np.ndarray:
        byte = positions >> 3
        return self.prefix[byte] + _ONES[self.bits[byte] & _BELOW[positions & 7]]


def _spaces(text: str) -> np.ndarray:
    """For each character of ``text``: whether ``str.split()`` splits on it. One byte per character when the text
    is Latin-1 (most transcripts), four otherwise."""
    try:
        return np.take(_SPACE_LATIN1, np.frombuffer(text.encode("latin-1"), dtype=np.uint8))
    except UnicodeEncodeError:
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        return _SPACE[np.minimum(codes, 0x3000)] & (codes <= 0x3000)


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


def _whole(value: str) -> bool:
    try:
        return float(value).is_integer()
    except ValueError:
        return True


def _value_order(value: str) -> tuple[int, float, str]:
    """Numbers in numeric order before other values in text order."""
    try:
        return (0, float(value), value)
    except ValueError:
        return (1, 0.0, value)


def attribute_matrix(project: Project, attribute: str, measure: str = "segments", scope: Scope | None = None,
                     data: AnalysisData | None = None, edges: Sequence | None = None) -> AttributeMatrix:
    """Code × attribute-value matrix. ``measure``: ``segments`` (segments in documents of cases with the value),
    ``documents`` or ``cases`` (how many of them have the code), each counted once per cell. A document whose
    cases carry two values counts for both. ``edges`` (of a number or date attribute, see
    :func:`~workbench.analysis.bins.parse_edges`) groups the values into bins; bins without cases are left out."""
    if measure not in MEASURES:
        raise WorkbenchError(f"unknown measure {measure!r}; use one of {', '.join(MEASURES)}")
    attributes = project.attributes()
    if attribute not in attributes:
        raise WorkbenchError(f"unknown case attribute {attribute!r} (attributes: {', '.join(attributes) or 'none'})")
    data = data or load(project, scope or Scope())
    cases = {c.id: c for c in project.cases()}
    if edges:
        kind = attributes[attribute]
        if kind not in BINNABLE:
            raise WorkbenchError(f"bins need a number or date attribute; {attribute!r} is {kind}")
        present = [c.values[attribute] for c in cases.values() if c.values.get(attribute)]
        labels = bin_labels(kind, edges, integral=all(_whole(v) for v in present))
        for case in cases.values():
            value = case.values.get(attribute)
            if value:
                index = bin_index(kind, edges, value)
                case.values[attribute] = labels[index] if index is not None else value
        used = {c.values[attribute] for c in cases.values() if c.values.get(attribute)}
        values = [label for label in labels if label in used] + sorted(used - set(labels), key=_value_order)
    else:
        values = sorted({c.values[attribute] for c in cases.values() if c.values.get(attribute)}, key=_value_order)
    counts = _matrix_counts(data, project.document_cases(), cases, attribute, values, measure)
    sizes: dict[str, int] = defaultdict(int)
    for case in cases.values():
        if case.values.get(attribute):
            sizes[case.values[attribute]] += 1
    return AttributeMatrix(attribute, measure, values, [data.names[c] for c in data.code_ids], counts, dict(sizes))



def _matrix_counts(data: AnalysisData, doc_cases: dict[int, list[int]], cases: dict[int, Any], attribute: str,
                   values: list[str], measure: str) -> list[list[int]]:
    """Code × value counts: each item (segment) meets every (value, case) of its document's cases; a cell counts
    the distinct items, documents or cases among what it met."""
    column = {v: i for i, v in enumerate(values)}
    links = sorted((doc, column[cases[case].values[attribute]], case) for doc, ids in doc_cases.items()
                   for case in ids if cases[case].values.get(attribute))
    width = len(values)
    size = len(data.code_ids) * width
    columns = data.columns()
    if not links or not len(columns) or not size:
        return np.zeros((len(data.code_ids), width), dtype=np.int64).tolist()
    link = np.array(links, dtype=np.int64).reshape(len(links), 3)
    rank = np.full(max(int(columns.code.max()), max(data.code_ids)) + 1, -1, dtype=np.int64)
    rank[data.code_ids] = np.arange(len(data.code_ids))
    first = np.searchsorted(link[:, 0], columns.document, side="left")
    stop = np.searchsorted(link[:, 0], columns.document, side="right")
    keys = []
    for row, hit in partner_ranges(first, stop):
        key = {"segments": row, "documents": columns.document[row], "cases": link[hit, 2]}[measure]
        keys.append((rank[columns.code[row]] * width + link[hit, 1], key))
    if not keys:
        return np.zeros((len(data.code_ids), width), dtype=np.int64).tolist()
    cell = np.concatenate([c for c, _ in keys])
    key = np.concatenate([k for _, k in keys])
    span = int(key.max()) + 1
    return _group_counts(distinct(cell * span + key) // span, size).reshape(len(data.code_ids), width).tolist()
