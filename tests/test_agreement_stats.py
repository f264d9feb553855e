"""Agreement statistics: the published worked examples, small unitized examples worked out by hand (arithmetic in
the comments), and property tests against scikit-learn, the ``krippendorff`` package and brute-force loops over
every character, on generated codings."""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from workbench.agreement.core import Inputs, agreement_of
from workbench.agreement.stats import (
    BinaryTally,
    alpha_binary,
    cohen_kappa,
    cu_alpha,
    kappa_2x2,
    krippendorff_alpha_nominal,
    percent_agreement,
    segments_match,
    unitized_alphas,
    unitized_binary_alpha,
)
from workbench.agreement.sweep import build_corpus

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers, 12 units, missing
# values; nominal alpha = 0.743.
RELIABILITY_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def close(a: float | None, b: float | None, tol: float = 1e-9) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)


# ============================================================================================ published examples
def test_kappa_of_the_2x2_table_20_5_10_15_is_0_40() -> None:
    # Both yes 20, first yes only 5, second yes only 10, both no 15: p_o = 35/50 = .70,
    # p_e = (25·30 + 25·20) / 50² = .50, κ = (.70 − .50) / (1 − .50) = .40.
    assert kappa_2x2(20, 5, 10, 15) == pytest.approx(0.40)
    first = [1] * 20 + [1] * 5 + [0] * 10 + [0] * 15
    second = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15
    assert cohen_kappa(first, second) == pytest.approx(0.40)
    assert cohen_kappa_score(first, second) == pytest.approx(0.40)


def test_krippendorff_2011_reliability_data_gives_nominal_alpha_0_743() -> None:
    assert krippendorff_alpha_nominal(RELIABILITY_2011) == pytest.approx(0.743, abs=0.0005)
    reference = krippendorff.alpha(reliability_data=[[np.nan if v is None else v for v in row]
                                                      for row in RELIABILITY_2011], level_of_measurement="nominal")
    assert krippendorff_alpha_nominal(RELIABILITY_2011) == pytest.approx(reference)


def test_undefined_statistics_are_none() -> None:
    assert kappa_2x2(0, 0, 0, 0) is None
    assert kappa_2x2(0, 0, 0, 10) is None           # nobody coded anything: no variation
    assert cohen_kappa([1, 1], [1, 1]) is None
    assert alpha_binary(BinaryTally(units=5, agreeing=5, values=10, ones=0)) is None
    assert percent_agreement(BinaryTally()) is None
    assert krippendorff_alpha_nominal([[1, 1], [1, 1]]) is None
    assert unitized_binary_alpha(0, 10, 0, 10) is None
    assert cu_alpha({}, {}, 0) is None
    assert cu_alpha({"A": 4.0}, {"A": 4.0}, 8.0) is None   # one code only: nothing to disagree on


# ====================================================================== unitized examples worked out by hand
def test_binary_unitized_alpha_by_hand() -> None:
    # A continuum of 10 characters; coder 1 codes C on [2, 6), coder 2 on [3, 7). m = 2, l.. = 20.
    # Observed: coder 1's C meets coder 2's gap on character 2, coder 2's C meets coder 1's gap on character 6:
    #   l_{gap,C} = (1 + 1) / (m − 1) = 2.
    # Margins: l_C = 4 + 4 = 8, l_gap = 20 − 8 = 12. Correction: 4² + 4² for the two valued sections, plus one
    # per gap character (12) = 44. Expected: e_{gap,C} = 12 · 8 / (20 − 44 / 20) = 96 / 17.8 = 5.3933.
    #   |uα = 1 − 2 / 5.3933 = 1 − 35.6 / 96 = 0.629167.
    # (Nominal α on the 20 character values instead: 1 − (n − 1)·o01 / (n0·n1) = 1 − 19·2 / 96 = 0.604167; the
    # unitized coefficient treats a section as one whole, so chance agreement is lower.)
    result = unitized_alphas(10, [[(2, 6, "C")], [(3, 7, "C")]])
    assert result.binary["C"] == pytest.approx(1 - 35.6 / 96)
    assert unitized_binary_alpha(2, 12, 8, 44) == pytest.approx(0.6291667, abs=1e-6)
    assert alpha_binary(BinaryTally(values=20, ones=8, disagreeing=2)) == pytest.approx(1 - 38 / 96)


def test_cu_alpha_by_hand() -> None:
    # A continuum of 8 characters, two codes. Coder 1: A on [0, 4), B on [4, 8); coder 2: A on [0, 6), B on [6, 8).
    # Intersections: 1A∩2A = 4, 1B∩2A = 2, 1B∩2B = 2, 1A∩2B = 0. Over both orders of the coders (m − 1 = 1):
    #   l*_AA = 8, l*_AB = l*_BA = 2, l*_BB = 4; margins l*_A = 10, l*_B = 6, l*.. = 16.
    # Pairable lengths of the sections: 1A 4, 1B 4, 2A 6, 2B 2 → correction 16 + 16 + 36 + 4 = 72.
    # D_o = 16 − (8 + 4) = 4; D_e = (16² − 10² − 6²) / (16 − 72 / 16) = 120 / 11.5 = 10.4348;
    #   cuα = 1 − 4 / 10.4348 = 1 − 46 / 120 = 0.616667.
    result = unitized_alphas(8, [[(0, 4, "A"), (4, 8, "B")], [(0, 6, "A"), (6, 8, "B")]])
    assert result.cu == pytest.approx(1 - 46 / 120)
    assert cu_alpha({"A": 10, "B": 6}, {"A": 8, "B": 4}, 72) == pytest.approx(1 - 46 / 120)


def test_krippendorff_2004_example_by_the_2016_definition() -> None:
    # Krippendorff (2004), Content Analysis 2nd ed., p. 254: two coders on [150, 450), codes c and k. By the 2004
    # formula (squared differences of section boundaries) α_c = .7286, α_k = 1 and uα = .8591 (as DKPro
    # Statistics' tests reproduce it). The 2016 |uα (intersections) agrees on k, where both coders placed the same
    # sections, and differs on c. Offsets from 150:
    #   coder 1: c [75, 145), [220, 250); k [30, 90), [150, 200)
    #   coder 2: c [70, 150), [205, 225), [250, 270); k the same as coder 1
    # c: coder 1's c outside coder 2's: [225, 250) = 25; coder 2's outside coder 1's: 5 + 5 + 15 + 20 = 45:
    #   l_{gap,c} = 70. l_c = 100 + 120 = 220, l_gap = 600 − 220 = 380.
    #   correction = 70² + 30² + 80² + 20² + 20² + 380 = 13,380; l.. − correction / l.. = 600 − 22.3 = 577.7
    #   |uα_c = 1 − 70 · 577.7 / (380 · 220) = 1 − 40,439 / 83,600 = 0.51628
    coders = [[(75, 145, "c"), (220, 250, "c"), (30, 90, "k"), (150, 200, "k")],
              [(70, 150, "c"), (205, 225, "c"), (250, 270, "c"), (30, 90, "k"), (150, 200, "k")]]
    result = unitized_alphas(300, coders)
    assert result.binary["k"] == pytest.approx(1.0)
    assert result.binary["c"] == pytest.approx(1 - 40439 / 83600)


def test_identical_unitizing_gives_one() -> None:
    result = unitized_alphas(20, [[(2, 5, "A"), (9, 12, "B")], [(2, 5, "A"), (9, 12, "B")]])
    assert result.binary == {"A": pytest.approx(1.0), "B": pytest.approx(1.0)}
    assert result.cu == pytest.approx(1.0)


def test_maxqda_matching_at_ninety_percent_of_the_longer_segment() -> None:
    assert segments_match((0, 100), (0, 90), 90)        # 90 of the longer 100
    assert not segments_match((0, 100), (0, 89), 90)
    assert segments_match((0, 100), (5, 100), 90)
    assert not segments_match((0, 10), (10, 20), 1)     # touching is not overlap
    assert segments_match((0, 10), (9, 30), 4)          # 1 shared of the longer 21: 4.8 %
    assert not segments_match((0, 10), (9, 30), 5)


# ======================================================================================= generated codings
@st.composite
def codings(draw, max_coders: int = 3):
    """Documents, coders and segments: per (document, coder, code) sorted non-overlapping spans (touching
    allowed, as the store allows); some coders leave some documents uncoded (missing)."""
    coders = draw(st.integers(2, max_coders))
    lengths = draw(st.lists(st.integers(1, 25), min_size=1, max_size=3))
    codes = draw(st.integers(1, 3))
    rows = []
    for d, length in enumerate(lengths):
        for i in range(coders):
            if draw(st.booleans()) and draw(st.booleans()):
                continue  # this coder did not code this document
            for c in range(codes):
                cuts = sorted(draw(st.lists(st.integers(0, length), max_size=6)))
                for k in range(0, len(cuts) - 1, 2):
                    if cuts[k] < cuts[k + 1]:
                        rows.append((d, cuts[k], cuts[k + 1], c + 1, i, len(rows)))
    return coders, lengths, codes, rows


def inputs_of(coders: int, lengths: list[int], codes: int, rows: list[tuple], overlap: int = 90,
              units: list[list[tuple[int, int]]] | None = None) -> tuple[Inputs, list[int], list[tuple]]:
    present_all = np.zeros((len(lengths), coders), dtype=bool)
    for d, _, _, _, i, _ in rows:
        present_all[d, i] = True
    pairable = [d for d in range(len(lengths)) if present_all[d].sum() >= 2]
    index = {d: k for k, d in enumerate(pairable)}
    kept = [(index[r[0]], *r[1:]) for r in rows if r[0] in index]
    corpus = build_corpus(pairable, [lengths[d] for d in pairable], present_all[pairable], kept)
    unit_arrays = None
    if units is not None:
        starts, ends, docs = [], [], []
        for d in pairable:
            for s, e in units[d]:
                starts.append(int(corpus.offsets[index[d]]) + s)
                ends.append(int(corpus.offsets[index[d]]) + e)
                docs.append(index[d])
        unit_arrays = (np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64),
                       np.array(docs, dtype=np.int64))
    inputs = Inputs([f"c{i}" for i in range(coders)], "character" if units is None else "sentence", overlap,
                    corpus, list(range(1, codes + 1)), {c: f"code{c}" for c in range(1, codes + 1)},
                    [f"d{d}" for d in pairable], [], unit_arrays)
    return inputs, pairable, kept


def brute_values(coders, lengths, pairable, kept, code, units=None):
    """Per unit (every character, or every given unit) of the compared documents: each coder's value 1/0, or None
    where the coder did not code the document. Plain loops."""
    table = []
    for k, d in enumerate(pairable):
        present = {r[4] for r in kept if r[0] == k}
        spans = [(s, e) for s, e in units[d]] if units is not None else [(x, x + 1) for x in range(lengths[d])]
        for s, e in spans:
            row = []
            for i in range(coders):
                if i not in present:
                    row.append(None)
                else:
                    row.append(int(any(r[0] == k and r[3] == code and r[4] == i and r[1] < e and r[2] > s
                                       for r in kept)))
            table.append(row)
    return table


@settings(max_examples=150, deadline=None)
@given(codings())
def test_character_statistics_equal_sklearn_and_krippendorff(data) -> None:
    coders, lengths, codes, rows = data
    inputs, pairable, kept = inputs_of(coders, lengths, codes, rows)
    result = agreement_of(inputs)
    for entry in result.codes:
        table = brute_values(coders, lengths, pairable, kept, entry.code_id)
        assert entry.units == len(table)
        if not table:
            continue
        agree = [len({v for v in row if v is not None}) == 1 for row in table]
        assert close(entry.percent_agreement, sum(agree) / len(agree))
        columns = [[row[i] for row in table] for i in range(coders)]
        values = {v for row in table for v in row if v is not None}
        expected_alpha = None
        if len(values) > 1:
            expected_alpha = float(krippendorff.alpha(
                reliability_data=[[np.nan if v is None else v for v in col] for col in columns],
                level_of_measurement="nominal"))
        assert close(entry.krippendorff_alpha, expected_alpha, 1e-7)
        if coders == 2:
            a, b = columns
            if len(set(a) | set(b)) > 1:
                assert close(entry.cohen_kappa, float(cohen_kappa_score(a, b)), 1e-7)
            else:
                assert entry.cohen_kappa is None
        else:
            assert entry.cohen_kappa is None


@settings(max_examples=100, deadline=None)
@given(codings(), st.data())
def test_unit_statistics_equal_brute_force(data, draw) -> None:
    coders, lengths, codes, rows = data
    units = []
    for length in lengths:  # sorted, non-overlapping units with gaps between some of them
        cuts = sorted(set(draw.draw(st.lists(st.integers(0, length), min_size=2, max_size=8))))
        units.append([(cuts[k], cuts[k + 1]) for k in range(len(cuts) - 1) if draw.draw(st.booleans()) or k == 0])
    inputs, pairable, kept = inputs_of(coders, lengths, codes, rows, units=units)
    result = agreement_of(inputs)
    for entry in result.codes:
        table = brute_values(coders, lengths, pairable, kept, entry.code_id, units)
        assert entry.units == len(table)
        if not table:
            continue
        agree = [len({v for v in row if v is not None}) == 1 for row in table]
        assert close(entry.percent_agreement, sum(agree) / len(agree))
        assert close(entry.krippendorff_alpha, krippendorff_alpha_nominal(
            [[row[i] for row in table] for i in range(coders)]), 1e-7)


@settings(max_examples=150, deadline=None)
@given(codings())
def test_unitized_alphas_equal_the_literal_definition(data) -> None:
    """Where every coder coded every compared document, the documents end to end are one continuum: the fast
    path must give what :func:`unitized_alphas` computes by looping over pairs of sections."""
    coders, lengths, codes, rows = data
    inputs, pairable, kept = inputs_of(coders, lengths, codes, rows)
    if not inputs.corpus.present.all():
        return
    result = agreement_of(inputs)
    offsets = inputs.corpus.offsets
    sections = [[(int(offsets[r[0]]) + r[1], int(offsets[r[0]]) + r[2], r[3]) for r in kept if r[4] == i]
                for i in range(coders)]
    literal = unitized_alphas(int(offsets[-1]), sections)
    for entry in result.codes:
        assert close(entry.unitized_alpha, literal.binary.get(entry.code_id) if literal.binary else None, 1e-7)
    assert close(result.cu_alpha, literal.cu, 1e-7)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.integers(0, 1), min_size=1, max_size=30), min_size=2, max_size=3).filter(
    lambda rows: len({len(r) for r in rows}) == 1))
def test_unitized_alpha_of_one_character_sections_is_nominal_alpha(rows) -> None:
    """With every valued section one character long, |uα's correction equals n and it becomes nominal α on the
    characters: checked against the krippendorff package."""
    length = len(rows[0])
    sections = [[(x, x + 1, "C") for x, v in enumerate(row) if v] for row in rows]
    got = unitized_alphas(length, sections).binary.get("C")
    if len({v for row in rows for v in row}) < 2:
        assert got is None
        return
    assert close(got, float(krippendorff.alpha(reliability_data=rows, level_of_measurement="nominal")), 1e-9)


@settings(max_examples=150, deadline=None)
@given(codings(), st.sampled_from([1, 50, 90, 100]))
def test_segment_matching_equals_brute_force(data, overlap) -> None:
    coders, lengths, codes, rows = data
    inputs, pairable, kept = inputs_of(coders, lengths, codes, rows, overlap=overlap)
    result = agreement_of(inputs)
    for entry in result.codes:
        for i in range(coders):
            matched = unmatched = 0
            for r in kept:
                if r[3] != entry.code_id or r[4] != i:
                    continue
                others = {o[4] for o in kept if o[0] == r[0]} - {i}
                ok = all(any(segments_match((r[1], r[2]), (o[1], o[2]), overlap) for o in kept
                             if o[0] == r[0] and o[3] == r[3] and o[4] == j) for j in others)
                matched += ok
                unmatched += not ok
            assert entry.matched_by_coder[f"c{i}"] == (matched, unmatched)


@settings(max_examples=80, deadline=None)
@given(codings(max_coders=2))
def test_pooled_overall_equals_codes_laid_end_to_end(data) -> None:
    """Overall = one code's continuum per code, laid end to end: the same statistics computed on the
    concatenation by brute force."""
    coders, lengths, codes, rows = data
    inputs, pairable, kept = inputs_of(coders, lengths, codes, rows)
    result = agreement_of(inputs)
    table = [row for entry in result.codes
             for row in brute_values(coders, lengths, pairable, kept, entry.code_id)]
    if not table:
        return
    agree = [len({v for v in row if v is not None}) == 1 for row in table]
    assert close(result.overall.percent_agreement, sum(agree) / len(agree))
    assert close(result.overall.krippendorff_alpha,
                 krippendorff_alpha_nominal([[row[i] for row in table] for i in range(coders)]), 1e-7)
    a, b = ([row[i] for row in table] for i in range(2))
    assert close(result.overall.cohen_kappa, cohen_kappa(a, b), 1e-7)
