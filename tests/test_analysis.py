"""Co-occurrence, frequencies, matrices and reports: hand-computed matrices for every unit, and a property test
of the sweep against a brute force."""

from __future__ import annotations

import json
import random
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.analysis.cooccurrence import cooccurrence, meetings
from workbench.analysis.data import Scope
from workbench.analysis.frequencies import attribute_matrix, frequencies
from workbench.analysis.report import heatmap_svg, theme_report_html, theme_report_markdown
from workbench.errors import WorkbenchError
from workbench.ingest import import_sources
from workbench.models import NewSegment
from workbench.store import create_project

TEXT = "A: Een twee drie. Vier vijf zes.\n\nB: Zeven acht negen. Tien elf twaalf."
OTHER = "A: Nog een tekst. Met twaalf woorden erin, ongeveer."
CASES = b"document,case,role\nt,Tess,resident\nu,Ugo,professional\n"

# (code, coder, document, phrase, occurrence of the phrase)
CODINGS = [
    ("X", "marloes", "t", "Een twee drie. Vier vijf zes."),   # contains Y, Z, W, R: nested
    ("Y", "marloes", "t", "twee"),
    ("Y", "daan", "t", "twee drie"),                          # a second coder
    ("Z", "marloes", "t", "Vier vijf"),
    ("W", "marloes", "t", "Vier vijf"),                       # identical to Z
    ("P", "marloes", "t", "Zeven acht"),
    ("Q", "marloes", "t", " negen"),                          # touches P
    ("R", "marloes", "t", "Een"),                             # one character before Y: near, not overlapping
    ("S", "marloes", "t", "twaalf"),                          # far from everything
    ("X", "marloes", "u", "Nog een tekst."),
    ("S", "marloes", "u", "twaalf woorden"),
]


def add_codings(project, codings) -> None:
    """Add ``(code, coder, document, phrase)`` codings, each phrase found in its document."""
    new = []
    for code, coder, document, phrase in codings:
        doc_id = project.document_id(document)
        start = project.document_text(doc_id).index(phrase)
        new.append(NewSegment(doc_id, start, start + len(phrase), project.resolve_code(code).id, coder))
    project.add_segments(new)


def add_study_codes(project) -> None:
    """The study's codes: X and Y under "parent", then Z, W, P, Q, R, S at the top level."""
    parent = project.add_code("parent")
    for name in "XY":
        project.add_code(name, parent_id=parent)
    for name in "ZWPQRS":
        project.add_code(name)


@pytest.fixture
def study(tmp_path: Path):
    project = create_project(tmp_path / "study.wbproj")
    import_sources(project, [("t.txt", TEXT.encode()), ("u.txt", OTHER.encode())], cases=("cases.csv", CASES),
                   language="nl")
    add_study_codes(project)
    add_codings(project, CODINGS)
    yield project
    project.close()


def pairs(result) -> dict[tuple[str, str], int]:
    return {(p.a, p.b): p.count for p in result.pairs}


def test_overlap_by_hand(study) -> None:
    result = cooccurrence(study, "overlap")
    assert pairs(result) == {("X", "Y"): 2, ("X", "Z"): 1, ("W", "X"): 1, ("W", "Z"): 1, ("R", "X"): 1}
    assert result.as_json()["frequency"] == {"parent": 0, "X": 2, "Y": 2, "Z": 1, "W": 1, "P": 1, "Q": 1, "R": 1,
                                             "S": 2}
    xy = next(p for p in result.pairs if (p.a, p.b) == ("X", "Y"))
    assert xy.c_coefficient == 2 / (2 + 2 - 2) and xy.containment == 1.0
    wz = next(p for p in result.pairs if (p.a, p.b) == ("W", "Z"))
    assert (wz.c_coefficient, wz.containment) == (1.0, 1.0)


def test_near_by_hand(study) -> None:
    assert pairs(cooccurrence(study, "near", distance=0)) == {
        ("X", "Y"): 2, ("X", "Z"): 1, ("W", "X"): 1, ("W", "Z"): 1, ("R", "X"): 1, ("P", "Q"): 1}
    assert pairs(cooccurrence(study, "near", distance=1)) == {
        ("X", "Y"): 2, ("X", "Z"): 1, ("W", "X"): 1, ("W", "Z"): 1, ("R", "X"): 1, ("P", "Q"): 1, ("R", "Y"): 2}
    far = pairs(cooccurrence(study, "near", distance=100))
    assert far[("S", "X")] == 2 and far[("R", "S")] == 1


def test_sentence_by_hand(study) -> None:
    result = cooccurrence(study, "sentence")
    expected = {("X", "Y"): 1, ("R", "X"): 1, ("R", "Y"): 1, ("X", "Z"): 1, ("W", "X"): 1, ("W", "Z"): 1,
                ("P", "Q"): 1}
    assert pairs(result) == expected
    frequency = result.as_json()["frequency"]
    assert frequency == {"parent": 0, "X": 3, "Y": 1, "Z": 1, "W": 1, "P": 1, "Q": 1, "R": 1, "S": 2}
    assert result.units_total == 6


def test_turn_paragraph_and_document_by_hand(study) -> None:
    turn_a = ["R", "W", "X", "Y", "Z"]
    expected = {pair: 1 for pair in combinations(turn_a, 2)} | {("P", "Q"): 1, ("P", "S"): 1, ("Q", "S"): 1}
    expected[("S", "X")] = 1  # document u is one turn with X and S
    for unit in ("turn", "paragraph"):
        assert pairs(cooccurrence(study, unit)) == expected, unit
    documents = pairs(cooccurrence(study, "document"))
    assert documents[("S", "X")] == 2 and documents[("P", "X")] == 1 and len(documents) == 28


def test_filters_coder_case_attribute_and_documents(study) -> None:
    only_marloes = cooccurrence(study, "overlap", scope=Scope.of(coders=["marloes"]))
    assert pairs(only_marloes)[("X", "Y")] == 1 and only_marloes.frequency[study.resolve_code("Y").id] == 1
    residents = cooccurrence(study, "document", scope=Scope.of(where={"role": ["resident"]}))
    assert pairs(residents)[("S", "X")] == 1 and residents.documents == 1
    by_name = cooccurrence(study, "document", scope=Scope.of(documents=["u"]))
    assert pairs(by_name) == {("S", "X"): 1}
    with pytest.raises(WorkbenchError, match="no coder named 'nobody'"):
        cooccurrence(study, scope=Scope.of(coders=["nobody"]))
    with pytest.raises(WorkbenchError, match="unknown case attribute 'age'"):
        cooccurrence(study, scope=Scope.of(where={"age": ["3"]}))
    with pytest.raises(WorkbenchError, match="needs a distance"):
        cooccurrence(study, "near")
    with pytest.raises(WorkbenchError, match="unknown unit"):
        cooccurrence(study, "chapter")


def test_rollup_counts_a_passage_once_per_coder(study) -> None:
    rolled = cooccurrence(study, "overlap", scope=Scope.of(rollup_level=1))
    assert rolled.as_json()["frequency"]["parent"] == 3  # marloes's X∪Y in t, X in u, daan's Y
    assert "X" not in rolled.as_json()["frequency"]
    assert pairs(rolled) == {("Z", "parent"): 1, ("W", "parent"): 1, ("W", "Z"): 1, ("R", "parent"): 1}
    same = cooccurrence(study, "overlap", scope=Scope.of(roll_into=["parent"]))
    assert pairs(same) == pairs(rolled)
    subtree = cooccurrence(study, "sentence", scope=Scope.of(codes=["parent"]))
    assert set(subtree.as_json()["frequency"]) == {"parent", "X", "Y"}
    assert pairs(subtree) == {("X", "Y"): 1}


def test_imbalance_is_flagged(tmp_path) -> None:
    with create_project(tmp_path / "p.wbproj") as project:
        import_sources(project, [("t.txt", ("R: " + "woord " * 200).encode())], language="nl")
        common, rare = project.add_code("common"), project.add_code("rare")
        project.add_segments([NewSegment(1, i * 10, i * 10 + 5, common, "m") for i in range(12)]
                             + [NewSegment(1, 0, 20, rare, "m")])
        (pair,) = cooccurrence(project).pairs
        assert (pair.a, pair.b, pair.count, pair.imbalanced) == ("common", "rare", 2, True)


def test_meetings_show_the_passages_behind_a_cell(study) -> None:
    result = cooccurrence(study, "overlap")
    x, y = study.resolve_code("X").id, study.resolve_code("Y").id
    found = meetings(study, result, x, y)
    assert len(found) == result.count(x, y) == 2
    first = found[0].as_dict(result.names, {})
    assert first["document"] == "t" and first["speaker"] == "A" and first["case"] == "Tess"
    assert first["a_segments"][0]["code"] == "X" and {s["text"] for m in found
                                                      for s in m.as_dict(result.names, {})["b_segments"]} == {
        "twee", "twee drie"}
    assert first["overlap"] is not None
    sentence = cooccurrence(study, "sentence")
    (unit,) = meetings(study, sentence, x, y)
    assert unit.text == "Een twee drie."
    record = unit.as_dict(sentence.names, {})
    assert record["a_segments"][0]["text"] == "Een twee drie. Vier vijf zes."  # the whole segment, not the unit
    assert {s["text"] for s in record["b_segments"]} == {"twee", "twee drie"}


def test_frequencies_and_words(study) -> None:
    rows = {(f.code, f.coder): f for f in frequencies(study)}
    x = rows[("X", None)]
    assert (x.segments, x.documents, x.cases, x.words) == (2, 2, 2, 6 + 3)
    y = rows[("Y", None)]
    assert (y.segments, y.words) == (2, 2)  # "twee" and "twee drie" overlap: 2 words, not 3
    assert rows[("Y", "daan")].segments == 1 and ("X", "daan") not in rows


def test_attribute_matrix(study) -> None:
    matrix = attribute_matrix(study, "role", "segments")
    assert matrix.values == ["professional", "resident"]
    x = matrix.codes.index("X")
    assert matrix.counts[x] == [1, 1] and matrix.row_percent(x, 0) == 50.0
    cases = attribute_matrix(study, "role", "cases")
    s = cases.codes.index("S")
    assert cases.counts[s] == [1, 1] and cases.group_sizes == {"professional": 1, "resident": 1}
    with pytest.raises(WorkbenchError, match="unknown measure"):
        attribute_matrix(study, "role", "words")


def test_reports_and_svg_escape_everything(study) -> None:
    study.update_code(study.resolve_code("S").id, name="<b>S<b>", definition="Uses <script>x<script>.")
    markdown = theme_report_markdown(study)
    assert "## X" in markdown and "> Een twee drie. Vier vijf zes." in markdown
    page = theme_report_html(study)
    assert "<script>x" not in page and "&lt;script&gt;" in page and "&lt;b&gt;S&lt;b&gt;" in page
    svg = heatmap_svg(cooccurrence(study))
    assert svg.startswith("<svg") and "<b>S" not in svg and ">2</text>" in svg


# --------------------------------------------------------------------------------------------- properties
def brute_pairs(items, gap: int) -> dict[tuple[int, int], int]:
    counts: dict[tuple[int, int], int] = {}
    for i, a in enumerate(items):
        for b in items[i + 1:]:
            if a[0] != b[0] or a[3] == b[3]:
                continue
            distance = max(a[1], b[1]) - min(a[2], b[2])
            if (distance < 0) if gap < 0 else (distance <= gap):
                key = tuple(sorted((a[3], b[3])))
                counts[key] = counts.get(key, 0) + 1
    return counts


spans = st.lists(st.tuples(st.integers(0, 1), st.integers(0, 118), st.integers(1, 40), st.integers(0, 3),
                           st.sampled_from(["m", "d"])), max_size=25)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spans, st.integers(-1, 6))
def test_sweep_equals_brute_force(tmp_path_factory, raw, gap) -> None:
    folder = tmp_path_factory.mktemp("prop")
    with create_project(folder / "p.wbproj") as project:
        import_sources(project, [("a.txt", ("R: " + "x" * 117).encode()), ("b.txt", ("R: " + "y" * 117).encode())],
                       language="nl")
        codes = [project.add_code(f"c{i}") for i in range(4)]
        new, taken = [], []
        for doc, start, length, code, coder in raw:
            end = min(start + length, 120)
            if any(t[0] == doc and t[3] == code and t[4] == coder and t[1] < end and start < t[2] for t in taken):
                continue  # the store keeps one coder's segments of one code apart
            taken.append((doc, start, end, code, coder))
            new.append(NewSegment(doc + 1, start, end, codes[code], coder))
        if new:
            project.add_segments(new)
        items = [(doc, start, end, codes[code]) for doc, start, end, code, _ in taken]
        unit = "overlap" if gap < 0 else "near"
        result = cooccurrence(project, unit, None if gap < 0 else gap)
        assert result.counts == brute_pairs(items, gap)
        sentence = cooccurrence(project, "document")
        expected: dict[tuple[int, int], int] = {}
        for doc in (0, 1):
            present = sorted({i[3] for i in items if i[0] == doc})
            for key in combinations(present, 2):
                expected[key] = expected.get(key, 0) + 1
        assert sentence.counts == expected


def test_cli_cooccurrence_json_contract(study, tmp_path, cli) -> None:
    path = study.path
    study.close()
    result = cli("cooccurrence", path, "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["unit"] == "overlap" and data["frequency"]["Y"] == 2
    assert all(p["a"] < p["b"] and p["count"] > 0 for p in data["pairs"])
    assert {"a", "b", "count", "c_coefficient", "containment"} <= set(data["pairs"][0])
    assert {(p["a"], p["b"]): p["count"] for p in data["pairs"]}[("X", "Y")] == 2
    near = json.loads(cli("cooccurrence", path, "--unit", "near", "--distance", "1", "--coder", "marloes",
                          "--format", "json").stdout)
    assert {(p["a"], p["b"]): p["count"] for p in near["pairs"]}[("R", "Y")] == 1
    where = json.loads(cli("cooccurrence", path, "--unit", "document", "--where", "role=professional",
                           "--format", "json").stdout)
    assert [(p["a"], p["b"], p["count"]) for p in where["pairs"]] == [("S", "X", 1)]
    csv_out = cli("cooccurrence", path, "--format", "csv").stdout.splitlines()
    assert csv_out[0] == "a,b,count,c_coefficient,containment,frequency_a,frequency_b,imbalanced"
    table = cli("cooccurrence", path, "--unit", "sentence").stdout
    assert "sentences in which both codes" in table
    svg = tmp_path / "heat.svg"
    assert cli("cooccurrence", path, "--svg", svg).returncode == 0 and svg.read_text().startswith("<svg")
    for args, fragment in ((("--unit", "near"), "needs a distance: a number of characters, 0 or more (--distance N)"),
                           (("--unit", "chapter"), "invalid choice"),
                           (("--where", "role"), "ATTRIBUTE=VALUE"), (("--coder", "nobody"), "no coder named")):
        failed = cli("cooccurrence", path, *args)
        assert failed.returncode == 2 and failed.stderr.startswith("error: ") and fragment in failed.stderr
        assert len(failed.stderr.strip().splitlines()) == 1
    passages = json.loads(cli("passages", path, "X", "Y", "--format", "json").stdout)
    assert passages["count"] == 2 and len(passages["passages"]) == 2
    assert cli("frequencies", path, "--format", "csv").stdout.startswith("code,coder,segments")
    assert json.loads(cli("matrix", path, "role", "--format", "json").stdout)["values"] == ["professional",
                                                                                          "resident"]
    report = tmp_path / "report.html"
    assert cli("report", path, report).returncode == 0 and "<h2>" in report.read_text()


def _built_transcript(turn_count: int, per_turn: int) -> tuple[str, dict[str, list[tuple[int, int]]]]:
    """A transcript and its units, known by construction (not read back from what the importer stored)."""
    units: dict[str, list[tuple[int, int]]] = {"sentence": [], "turn": [], "paragraph": []}
    text = ""
    for i in range(turn_count):
        if text:
            text += "\n\n"
        turn_start = len(text)
        text += f"{'AB'[i % 2]}: "
        for j in range(per_turn):
            if j:
                text += " "
            sentence = f"Zin {j} van beurt {i} hier."
            units["sentence"].append((len(text), len(text) + len(sentence)))
            text += sentence
        units["turn"].append((turn_start, len(text)))
        units["paragraph"].append((turn_start, len(text)))
    return text, units


def test_random_project_matches_for_every_unit(tmp_path) -> None:
    """Unit-based counts against a brute force over units derived from the raw text, on a random project."""
    rng = random.Random(4)
    with create_project(tmp_path / "r.wbproj") as project:
        text, units = _built_transcript(12, 4)
        import_sources(project, [("r.txt", text.encode())], language="nl")
        codes = [project.add_code(f"k{i}") for i in range(5)]
        new = []
        for code in codes:
            position = 0
            while True:
                start = position + rng.randint(0, 60)
                end = start + rng.randint(1, 90)
                if end > len(text):
                    break
                new.append(NewSegment(1, start, end, code, "m"))
                position = end
        project.add_segments(new)
        segments = [(s.start, s.end, s.code_id) for s in project.segments()]
        for unit in ("sentence", "turn", "paragraph"):
            expected: dict[tuple[int, int], int] = {}
            for u_start, u_end in units[unit]:
                present = sorted({c for s, e, c in segments if s < u_end and e > u_start})
                for key in combinations(present, 2):
                    expected[key] = expected.get(key, 0) + 1
            assert cooccurrence(project, unit).counts == expected, unit
