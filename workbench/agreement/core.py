"""Agreement between coders: read what the coders coded through the store's read API, lay the compared documents
end to end (:mod:`.sweep`) and turn the counts into statistics (:mod:`.stats`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..analysis.data import display_names
from ..errors import WorkbenchError
from ..store import Project
from . import stats
from .stats import BinaryTally
from .sweep import Corpus, build_corpus, character_coding, match_counts, shares, tally, unit_coding, unitized_correction

UNITS = ("character", "sentence", "turn", "paragraph", "document")
UNIT_WORDS = {"character": ("character", "characters"), "sentence": ("sentence", "sentences"),
              "turn": ("speaker turn", "speaker turns"), "paragraph": ("paragraph", "paragraphs"),
              "document": ("document", "documents")}
RARE = 10  # fewer segments (or coded units) than this: the statistics of a code say little


@dataclass
class CodeAgreement:
    """The statistics of one code (or, in :attr:`AgreementResult.overall`, of all codes pooled)."""

    code: str
    code_id: int | None
    units: int
    percent_agreement: float | None
    cohen_kappa: float | None
    krippendorff_alpha: float | None
    unitized_alpha: float | None
    segments_matched: int
    segments_unmatched: int
    tally: BinaryTally = field(default_factory=BinaryTally)
    coded_units: dict[str, int] = field(default_factory=dict)
    segments: dict[str, int] = field(default_factory=dict)
    matched_by_coder: dict[str, tuple[int, int]] = field(default_factory=dict)
    unitized_counts: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    warning: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"units": self.units, "percent_agreement": self.percent_agreement, "cohen_kappa": self.cohen_kappa,
                "krippendorff_alpha": self.krippendorff_alpha, "unitized_alpha": self.unitized_alpha,
                "segments_matched": self.segments_matched, "segments_unmatched": self.segments_unmatched}

    @property
    def table(self) -> dict[str, float] | None:
        """The 2×2 table behind κ (two coders): both coded, only the first, only the second, neither."""
        t = self.tally
        if self.cohen_kappa is None and not (t.both or t.first_only or t.second_only or t.neither):
            return None
        return {"both": t.both, "first_only": t.first_only, "second_only": t.second_only, "neither": t.neither}


@dataclass
class AgreementResult:
    """Agreement of ``coders`` per code and over all codes, on one unit."""

    unit: str
    coders: list[str]
    overlap: int
    codes: list[CodeAgreement]
    overall: CodeAgreement
    cu_alpha: float | None
    documents: list[str]
    skipped: list[str]

    def to_json(self) -> dict[str, Any]:
        """``{"unit", "coders", "codes": {code: {...}}, "overall": {..., "cu_alpha"}}`` (null where undefined)."""
        return {"unit": self.unit, "coders": list(self.coders),
                "codes": {c.code: c.to_json() for c in self.codes},
                "overall": {**self.overall.to_json(), "cu_alpha": self.cu_alpha}}

    def code(self, name: str) -> CodeAgreement:
        for entry in self.codes:
            if entry.code == name:
                return entry
        raise WorkbenchError(f"code {name!r} is not in this comparison")


@dataclass
class Inputs:
    """What one comparison reads: the corpus, the codes and the units, validated."""

    coders: list[str]
    unit: str
    overlap: int
    corpus: Corpus
    code_ids: list[int]
    names: dict[int, str]
    document_names: list[str]
    skipped: list[str]
    units: tuple[np.ndarray, np.ndarray, np.ndarray] | None


def load(project: Project, coders: Sequence[str], unit: str = "character", codes: Sequence[str] | None = None,
         documents: Sequence[str] | None = None, overlap: int = 90) -> Inputs:
    """Check the choices and read the segments of ``coders`` in the chosen documents."""
    if unit not in UNITS:
        raise WorkbenchError(f"unknown unit {unit!r}; use one of {', '.join(UNITS)}")
    if not isinstance(overlap, int) or not 1 <= overlap <= 100:
        raise WorkbenchError(f"the overlap is a percentage from 1 to 100, not {overlap!r}", cli="overlap")
    names_by_id = project.coder_names()
    chosen: list[str] = []
    for name in coders:
        found = names_by_id[project.coder_id(name, create=False)]
        if found in chosen:
            raise WorkbenchError(f"coder {found!r} is named twice")
        chosen.append(found)
    if len(chosen) < 2:
        raise WorkbenchError("agreement needs at least two coders", cli="coders")
    all_codes = project.codes()
    names = display_names(all_codes)
    wanted = [project.resolve_code(c).id for c in codes] if codes else None
    if wanted is not None and len(set(wanted)) < len(wanted):
        raise WorkbenchError("a code is named twice")
    in_order = project.document_names()
    rank = {d: i for i, d in enumerate(in_order)}
    doc_ids = list(dict.fromkeys(project.document_id(d) for d in documents)) if documents else list(in_order)
    doc_ids.sort(key=rank.__getitem__)
    coder_ids = {names_by_id[c]: c for c in names_by_id if names_by_id[c] in chosen}
    # All coders' rows, the chosen ones kept here: without a coder filter SQLite scans its covering index in
    # order instead of sorting, which is faster even with other coders' rows read and dropped.
    rows = np.array(project.analysis_rows(document_ids=doc_ids if documents else None),
                    dtype=np.int64).reshape(-1, 6)
    lookup = np.full(max(names_by_id, default=0) + 1, -1, dtype=np.int64)
    for index, name in enumerate(chosen):
        lookup[coder_ids[name]] = index
    rows[:, 4] = lookup[rows[:, 4]]
    rows = rows[rows[:, 4] >= 0]
    doc_lookup = np.full(max(in_order, default=0) + 1, -1, dtype=np.int64)
    doc_lookup[doc_ids] = np.arange(len(doc_ids))
    wanted_docs = np.zeros((len(doc_ids), len(chosen)), dtype=bool)
    wanted_docs[doc_lookup[rows[:, 0]], rows[:, 4]] = True
    keep = wanted_docs.sum(axis=1) >= 2
    pairable = [d for d, k in zip(doc_ids, keep) if k]
    skipped = [in_order[d] for d, k in zip(doc_ids, keep) if not k]
    lengths = project.document_lengths()
    position = np.full(len(doc_ids), -1, dtype=np.int64)
    position[keep] = np.arange(len(pairable))
    rows[:, 0] = position[doc_lookup[rows[:, 0]]]
    rows = rows[rows[:, 0] >= 0]
    if wanted is None:
        seen = set(np.unique(rows[:, 3]).tolist())
        code_ids = [c.id for c in all_codes if c.id in seen]
    else:
        code_ids = wanted
        rows = rows[np.isin(rows[:, 3], wanted)]
    corpus = build_corpus(pairable, [lengths[d] for d in pairable], wanted_docs[keep], rows)
    offsets = corpus.offsets
    return Inputs(chosen, unit, overlap, corpus, code_ids, names, [in_order[d] for d in pairable], skipped,
                  None if unit == "character" else _units(project, unit, pairable, offsets, lengths))


def _units(project: Project, unit: str, pairable: list[int], offsets: np.ndarray,
           lengths: dict[int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The units of the compared documents on the common axis: starts, ends, document index."""
    if unit in ("sentence", "paragraph"):
        found = {d: [(s.start, s.end) for s in spans] for d, spans in project.units(unit).items()}
    elif unit == "turn":
        found = {d: [(t.start, t.end) for t in turns] for d, turns in project.turns().items()}
    else:
        found = {d: [(0, lengths[d])] for d in pairable}
    starts: list[int] = []
    ends: list[int] = []
    docs: list[int] = []
    for index, d in enumerate(pairable):
        for s, e in found.get(d, []):
            starts.append(int(offsets[index]) + s)
            ends.append(int(offsets[index]) + e)
            docs.append(index)
    return np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64), np.array(docs, dtype=np.int64)


def code_slices(corpus: Corpus) -> dict[int, Corpus]:
    """One corpus per code (its segments only), from one stable sort."""
    order = np.argsort(corpus.code, kind="stable")
    codes = corpus.code[order]
    result: dict[int, Corpus] = {}
    if not len(codes):
        return result
    cuts = np.flatnonzero(np.diff(codes)) + 1
    for part in np.split(order, cuts):
        result[int(corpus.code[part[0]])] = corpus.select(part)
    return result


def coding_of(inputs: Inputs, sub: Corpus):
    """The coding behind the unit-based statistics of one code (intervals, or units)."""
    if inputs.units is None:
        return character_coding(sub)
    return unit_coding(sub, *inputs.units)


def compute_agreement(project: Project, coders: Sequence[str], unit: str = "character",
                      codes: Sequence[str] | None = None, documents: Sequence[str] | None = None,
                      overlap: int = 90, progress: Callable[[float], None] | None = None) -> AgreementResult:
    """Agreement per code and pooled over the codes (see :mod:`workbench.agreement`); ``progress(fraction)``, if
    given, hears how far it is (the reading counted as the first third)."""
    inputs = load(project, coders, unit, codes, documents, overlap)
    if progress is not None:
        progress(READING)
    return agreement_of(inputs, progress)


READING = 1 / 3  # the share of the work that reading the segments counts for in the reported progress


def agreement_of(inputs: Inputs, progress: Callable[[float], None] | None = None) -> AgreementResult:
    corpus, coders = inputs.corpus, inputs.coders
    total_units = int(corpus.offsets[-1]) if inputs.units is None else len(inputs.units[0])
    by_code = code_slices(corpus)
    empty = corpus.select(np.zeros(len(corpus.start), dtype=bool))
    share = shares(corpus)
    share_by_code = {c: share[part.position] for c, part in by_code.items()}
    margins: dict[int, float] = {}
    diagonal: dict[int, float] = {}
    correction = 0.0
    results: list[CodeAgreement] = []
    for done, code_id in enumerate(inputs.code_ids):
        if progress is not None:
            progress(READING + (1 - READING) * done / len(inputs.code_ids))
        sub = by_code.get(code_id, empty)
        char_coding = character_coding(sub)
        chars, both_coded = tally(char_coding)
        gap, valued = chars.values - chars.ones, chars.ones
        fix = unitized_correction(sub, chars)
        counts = (chars.disagreeing, gap, valued, fix)
        units_tally = chars
        coding = None
        if inputs.units is not None:
            coding = coding_of(inputs, sub)
            units_tally, _ = tally(coding)
        matched, unmatched = match_counts(sub, inputs.overlap)
        mine = share_by_code.get(code_id, np.zeros(0))
        margins[code_id] = float(mine.sum())
        diagonal[code_id] = both_coded
        correction += float((mine ** 2).sum())
        segments = {name: int((sub.coder == i).sum()) for i, name in enumerate(coders)}
        coded_units = _coded_units(coders, coding if coding is not None else char_coding)
        entry = CodeAgreement(
            code=inputs.names[code_id], code_id=code_id, units=total_units,
            percent_agreement=stats.percent_agreement(units_tally),
            cohen_kappa=_kappa(units_tally) if len(coders) == 2 else None,
            krippendorff_alpha=stats.alpha_binary(units_tally),
            unitized_alpha=stats.unitized_binary_alpha(*counts),
            segments_matched=int(matched.sum()), segments_unmatched=int(unmatched.sum()), tally=units_tally,
            coded_units=coded_units, segments=segments,
            matched_by_coder={name: (int(matched[i]), int(unmatched[i])) for i, name in enumerate(coders)},
            unitized_counts=counts)
        entry.warning = rare_warning(entry, inputs.unit)
        results.append(entry)
    return AgreementResult(
        unit=inputs.unit, coders=list(coders), overlap=inputs.overlap, codes=results,
        overall=pooled(results, total_units, len(coders)),
        cu_alpha=stats.cu_alpha(margins, diagonal, correction),
        documents=inputs.document_names, skipped=inputs.skipped)


def _kappa(t: BinaryTally) -> float | None:
    return stats.kappa_2x2(t.both, t.first_only, t.second_only, t.neither)


def _coded_units(coders: list[str], coding) -> dict[str, int]:
    return {name: int(coding.weight[coding.coded[i]].sum()) for i, name in enumerate(coders)}


def pooled(results: list[CodeAgreement], total_units: int, coders: int) -> CodeAgreement:
    """All codes' decisions taken together, as if each code's coding of the documents were laid end to end:
    the tallies, 2×2 tables and unitized coincidence sums are added up, then each statistic is computed once."""
    t = BinaryTally()
    counts = [0.0, 0.0, 0.0, 0.0]
    for entry in results:
        t = t + entry.tally
        counts = [a + b for a, b in zip(counts, entry.unitized_counts)]
    return CodeAgreement(
        code="overall", code_id=None, units=total_units, percent_agreement=stats.percent_agreement(t),
        cohen_kappa=_kappa(t) if coders == 2 else None, krippendorff_alpha=stats.alpha_binary(t),
        unitized_alpha=stats.unitized_binary_alpha(*counts),
        segments_matched=sum(e.segments_matched for e in results),
        segments_unmatched=sum(e.segments_unmatched for e in results), tally=t,
        unitized_counts=(counts[0], counts[1], counts[2], counts[3]))


def rare_warning(entry: CodeAgreement, unit: str) -> str:
    """A warning where a code is too rare for its statistics to mean much ('' otherwise)."""
    segments = sum(entry.segments.values())
    if segments < RARE:
        return (f"Only {segments} segment{'s' if segments != 1 else ''} of this code in the compared documents: "
                f"one more or less changes these figures a lot.")
    if unit != "character":
        coded = entry.tally.units - entry.tally.neither if len(entry.segments) == 2 else max(
            entry.coded_units.values(), default=0)
        if coded < RARE:
            many = UNIT_WORDS[unit][1]
            return f"Only {int(coded)} {many} carry this code: too few for the statistics to mean much."
    return ""
