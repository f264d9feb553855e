"""Agreement on a real project file: a comparison worked out by hand, the missing-document rule, every unit,
the disagreement passages, and the ``workbench agreement`` command (formats, formula-safe CSV, one-line errors
that leave the file untouched)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import krippendorff
import numpy as np
import pytest

from workbench.agreement import UNITS, compute_agreement, disagreements
from workbench.errors import WorkbenchError
from workbench.ingest import import_sources
from workbench.models import NewSegment
from workbench.store import create_project, open_project

from .conftest import file_state

# Exactly 50 characters, so that the hand computation below has round numbers.
T = "Dit is een tekst van vijftig tekens, precies zo.\n!"
U = "A: Nog een tekst. Met twaalf woorden erin, ongeveer.\n\nB: Ja."
FORMULA = "=cmd|' C calc'!A0"  # a code name a spreadsheet would run
V = "A: Een derde tekst die maar één coder heeft gecodeerd."

# (document, start, end, code, coder)
SEGMENTS = [
    ("t", 0, 10, "X", "ann"), ("t", 5, 10, "X", "bob"),
    ("t", 20, 25, "Y", "ann"), ("t", 20, 25, "Y", "bob"),
    ("u", 3, 16, "X", "ann"), ("u", 3, 16, "X", "cat"),
    ("v", 3, 10, "X", "ann"),
]


def build(path: Path, segments=SEGMENTS) -> Path:
    assert len(T) == 50
    with create_project(path) as project:
        import_sources(project, [("t.txt", T.encode()), ("u.txt", U.encode()), ("v.txt", V.encode())],
                       language="nl")
        for name in ("X", "Y", "Z", FORMULA):
            project.add_code(name)
        project.add_segments([NewSegment(project.document_id(d), s, e, project.resolve_code(c).id, who)
                              for d, s, e, c, who in segments])
    return path


@pytest.fixture
def study(tmp_path: Path):
    project = open_project(build(tmp_path / "agreement.wbproj"))
    yield project
    project.close()


def test_two_coders_by_hand(study) -> None:
    # Only t is coded by both ann and bob (u: ann and cat, v: ann alone): 50 characters.
    # X: both 5 (5–10), ann only 5 (0–5), bob only 0, neither 40.
    #   percent agreement 45/50 = .90; κ: p_e = .2·.1 + .8·.9 = .74, κ = (.90 − .74)/(1 − .74) = .615385
    #   α: n = 100 values, n1 = 15, n0 = 85, o01 = 5: α = 1 − 99·5/(85·15) = .611765
    #   |uα: correction 10² + 5² + 85 = 210; 1 − 5·(100 − 2.1)/(85·15) = .616078
    #   matching: 5 shared of the longer 10 = 50 % < 90 %: both unmatched.
    # Y: identical segments: everything 1, both matched.
    result = compute_agreement(study, ["ann", "bob"])
    assert result.documents == ["t"] and result.skipped == ["u", "v"]
    data = result.to_json()
    assert list(data) == ["unit", "coders", "codes", "overall"]
    assert data["unit"] == "character" and data["coders"] == ["ann", "bob"]
    assert list(data["codes"]) == ["X", "Y"]
    x = data["codes"]["X"]
    assert list(x) == ["units", "percent_agreement", "cohen_kappa", "krippendorff_alpha", "unitized_alpha",
                       "segments_matched", "segments_unmatched"]
    assert x["units"] == 50
    assert x["percent_agreement"] == pytest.approx(0.90)
    assert x["cohen_kappa"] == pytest.approx(0.16 / 0.26)
    assert x["krippendorff_alpha"] == pytest.approx(1 - 495 / 1275)
    assert x["unitized_alpha"] == pytest.approx(1 - 5 * 97.9 / 1275)
    assert (x["segments_matched"], x["segments_unmatched"]) == (0, 2)
    assert result.code("X").table == {"both": 5, "first_only": 5, "second_only": 0, "neither": 40}
    y = data["codes"]["Y"]
    assert y["percent_agreement"] == y["cohen_kappa"] == y["krippendorff_alpha"] == y["unitized_alpha"] == 1
    assert (y["segments_matched"], y["segments_unmatched"]) == (2, 0)
    overall = data["overall"]
    assert list(overall)[-1] == "cu_alpha"
    # Pooled: X's and Y's 50 characters end to end: 95 of 100 agree; 2×2 both 10, ann only 5, neither 85.
    assert overall["units"] == 50
    assert overall["percent_agreement"] == pytest.approx(0.95)
    pe = 0.15 * 0.10 + 0.85 * 0.90
    assert overall["cohen_kappa"] == pytest.approx((0.95 - pe) / (1 - pe))
    assert (overall["segments_matched"], overall["segments_unmatched"]) == (2, 2)
    # cuα: where segments intersect they always carry the same code: X∩X 5 + 5, Y∩Y 5 + 5, nothing else.
    assert overall["cu_alpha"] == pytest.approx(1.0)


def test_undocumented_documents_are_missing_not_absent(study) -> None:
    # Three coders: t is coded by ann and bob, u by ann and cat; v by ann alone (skipped). cat's values on t and
    # bob's on u are missing: α equals the krippendorff package with NaN there; κ is undefined for three coders.
    result = compute_agreement(study, ["ann", "bob", "cat"], codes=["X"])
    assert result.documents == ["t", "u"] and result.skipped == ["v"]
    entry = result.code("X")
    assert entry.cohen_kappa is None
    lengths = {"t": len(T), "u": len(U)}
    rows = {c: [] for c in ("ann", "bob", "cat")}
    coded = {("t", "ann"), ("t", "bob"), ("u", "ann"), ("u", "cat")}
    for doc in ("t", "u"):
        for x in range(lengths[doc]):
            for coder in rows:
                if (doc, coder) not in coded:
                    rows[coder].append(np.nan)
                else:
                    rows[coder].append(float(any(d == doc and c == "X" and w == coder and s <= x < e
                                                 for d, s, e, c, w in SEGMENTS)))
    assert entry.units == len(T) + len(U)
    assert entry.krippendorff_alpha == pytest.approx(krippendorff.alpha(reliability_data=list(rows.values()),
                                                                          level_of_measurement="nominal"))
    # u's X segments of ann and cat are identical: matched; t's are 50 % apart: unmatched.
    assert entry.matched_by_coder == {"ann": (1, 1), "bob": (0, 1), "cat": (1, 0)}


def test_every_unit_counts_units_coded_by_overlap(study) -> None:
    for unit in UNITS:
        result = compute_agreement(study, ["ann", "bob"], unit=unit)
        expected_units = {"character": 50, "document": 1}.get(unit)
        spans = {"sentence": study.units("sentence"), "paragraph": study.units("paragraph")}.get(unit)
        if unit == "turn":
            spans = {d: turns for d, turns in study.turns().items()}
        if spans is not None:
            expected_units = len(spans.get(study.document_id("t"), []))
        assert result.code("X").units == expected_units, unit
        assert result.unit == unit
    # u has two speaker turns (A and B); ann and cat both coded X inside turn A and nothing in turn B:
    # 2×2 both 1, neither 1: κ = (1 − .5) / (1 − .5) = 1, α = 1 − 3·0 / (2·2) = 1.
    turns = compute_agreement(study, ["ann", "cat"], unit="turn")
    assert len(study.turns()[study.document_id("u")]) == 2
    x = turns.code("X")
    assert (x.units, x.percent_agreement, x.cohen_kappa, x.krippendorff_alpha) == (2, 1.0, 1.0, 1.0)
    assert x.table == {"both": 1, "first_only": 0, "second_only": 0, "neither": 1}
    whole = compute_agreement(study, ["ann", "bob"], unit="document")
    assert whole.code("X").percent_agreement == 1.0            # both coded X somewhere in t
    assert whole.code("X").krippendorff_alpha is None           # no variation: undefined, not 1


def test_overlap_threshold(study) -> None:
    assert compute_agreement(study, ["ann", "bob"], codes=["X"], overlap=50).code("X").segments_matched == 2
    assert compute_agreement(study, ["ann", "bob"], codes=["X"], overlap=51).code("X").segments_matched == 0


def test_codes_and_documents_filter(study) -> None:
    result = compute_agreement(study, ["ann", "bob"], codes=["Z"], documents=["t", "u"])
    assert [c.code for c in result.codes] == ["Z"]
    z = result.code("Z")
    assert z.percent_agreement == 1.0 and z.krippendorff_alpha is None and z.cohen_kappa is None
    assert z.warning                                          # no segments at all: rare
    assert compute_agreement(study, ["ann", "cat"], documents=["t"]).documents == []


def test_disagreement_passages(study) -> None:
    found = disagreements(study, ["ann", "bob"], "character", "X")
    assert [(d.document, d.start, d.end, d.coded_by, d.not_coded_by) for d in found] == [
        ("t", 0, 5, ("ann",), ("bob",))]
    assert found[0].text == T[0:5]
    assert found[0].link == "/code?document=t&start=0"
    ids = {(seg.start, seg.end, seg.coder): seg.id for seg in study.segments()}
    assert set(found[0].segment_ids) == {ids[(0, 10, "ann")]}       # bob's X starts at 5: not in 0–5
    assert disagreements(study, ["ann", "bob"], "character", "Y") == []
    by_sentence = disagreements(study, ["ann", "bob"], "sentence", "X")
    assert by_sentence == []                                  # both coded X in t's first sentence


@pytest.mark.parametrize("kwargs, message", [
    ({"coders": ["ann", "nobody"]}, "no coder named 'nobody'"),
    ({"coders": ["ann"]}, "at least two coders"),
    ({"coders": ["ann", "ann"]}, "named twice"),
    ({"unit": "word"}, "unknown unit 'word'"),
    ({"codes": ["nothing"]}, "nothing"),
    ({"documents": ["w"]}, "no document named 'w'"),
    ({"overlap": 0}, "percentage from 1 to 100"),
    ({"overlap": 101}, "percentage from 1 to 100"),
])
def test_bad_choices_are_refused(study, kwargs, message) -> None:
    arguments = {"coders": ["ann", "bob"], **kwargs}
    with pytest.raises(WorkbenchError, match=message):
        compute_agreement(study, **arguments)


# ============================================================================================= command line
def test_cli_json_table_and_csv(tmp_path: Path, cli) -> None:
    path = build(tmp_path / "p.wbproj")
    result = cli("agreement", path, "--coders", "ann,bob", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = result.json()
    assert data["codes"]["X"]["units"] == 50 and data["overall"]["cu_alpha"] == pytest.approx(1.0)
    assert data["codes"]["X"]["cohen_kappa"] == pytest.approx(0.16 / 0.26)
    three = cli("agreement", path, "--coders", "ann,bob,cat", "--unit", "sentence", "--code", "X",
                "--document", "t", "--document", "u", "--overlap", "50", "--format", "json").json()
    assert three["unit"] == "sentence" and three["coders"] == ["ann", "bob", "cat"]
    assert three["codes"]["X"]["cohen_kappa"] is None and three["overall"]["cohen_kappa"] is None
    text = cli("agreement", path, "--coders", "ann,bob")
    assert text.returncode == 0 and "overall" in text.stdout and "cu-alpha" in text.stdout


def test_cli_csv_cells_are_formula_safe(tmp_path: Path, cli) -> None:
    path = build(tmp_path / "p.wbproj", SEGMENTS + [("t", 30, 35, FORMULA, "ann")])
    result = cli("agreement", path, "--coders", "ann,bob", "--format", "csv")
    assert result.returncode == 0, result.stderr
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    names = [row["code"] for row in table]
    assert names[-1] == "overall"
    assert any(name.startswith("'=") for name in names)
    assert not any(name.startswith(("=", "+", "-", "@", "\t", "\r")) for name in names)
    x = next(row for row in table if row["code"] == "X")
    assert float(x["cohen_kappa"]) == pytest.approx(0.16 / 0.26) and x["cu_alpha"] == ""


@pytest.mark.parametrize("args, message", [
    (["--coders", "ann,nobody"], "no coder named 'nobody'"),
    (["--coders", "ann,bob", "--unit", "word"], "unknown unit 'word'"),
    (["--coders", "ann,bob", "--code", "nothing"], "nothing"),
    (["--coders", "ann,bob", "--document", "w"], "no document named 'w'"),
    (["--coders", "ann,bob", "--overlap", "0"], "percentage"),
    (["--coders", "ann,bob", "--overlap", "x"], "--overlap"),
    (["--coders", "ann"], "at least two coders"),
])
def test_cli_errors_are_one_line_and_leave_the_file_alone(tmp_path: Path, cli, args, message) -> None:
    path = build(tmp_path / "p.wbproj")
    before = file_state(path)
    result = cli("agreement", path, *args)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert message in result.stderr
    assert result.stdout == ""
    assert file_state(path) == before


def test_documents_coded_together(study) -> None:
    ids = {name: study.document_id(name) for name in ("t", "u", "v")}
    assert study.documents_coded_together(["ann", "bob"]) == [ids["t"]]
    assert study.documents_coded_together(["ann", "bob", "cat"]) == [ids["t"], ids["u"]]
    assert study.documents_coded_together(["cat", "ann"]) == [ids["u"]]
    assert study.documents_coded_together(["ann", "bob", "cat"], at_least=3) == []
    assert study.documents_coded_together(["ann"], at_least=1) == [ids["t"], ids["u"], ids["v"]]
    assert study.documents_coded_together(["ann", "nobody"]) == []
    study.move_document(ids["u"], 0, who="ann")                  # document order, not import order
    assert study.documents_coded_together(["ann", "bob", "cat"]) == [ids["u"], ids["t"]]
