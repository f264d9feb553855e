"""The co-occurrence page driven headlessly with Streamlit's AppTest.

Each test gets its own copy of a small project built with the core API (a closed file, opened by the app through
``$WORKBENCH_PROJECT``) and an AppTest of ``workbench/app/main.py`` switched to the co-occurrence page. What the page
shows is checked against numbers worked out by hand (below) and against the core (``cooccurrence``, ``meetings``,
``frequencies``, ``attribute_matrix``) run on a separate connection to the same file.

The hand-computed project is the ``study`` of tests/test_analysis.py plus a third document ``v`` in which X, Y and Z
meet once more, so that for every unit some pair is counted at least twice (see the xfail tests at the end for why
that matters).
"""

from __future__ import annotations

import shutil
import sys
from html import escape
from collections.abc import Callable, Iterator
from itertools import combinations
from pathlib import Path
from urllib.parse import parse_qs

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from workbench.analysis.cooccurrence import Cooccurrence, cooccurrence, meetings
from workbench.analysis.data import Scope
from workbench.analysis.frequencies import attribute_matrix, frequencies
from workbench.ingest import import_sources
from workbench.store import Project, create_project, open_project
from .conftest import close_app_projects
from .test_analysis import CODINGS as STUDY_CODINGS
from .test_analysis import OTHER, TEXT, add_codings, add_study_codes

MAIN = Path(__file__).resolve().parent.parent / "workbench" / "app" / "main.py"
PAGE = "views/cooccurrence.py"
TABS = ["Heatmap", "Table", "Network", "Frequencies", "Codes × attribute", "Theme report"]

# ================================================================================================ the study
THIRD = "A: Alfa beta gamma. Delta epsilon.\n\nB: Zeta eta theta."
CASES = b"document,case,role,age\nt,Tess,resident,34\nu,Ugo,professional,51\nv,Vera,resident,62\n"

# (code, coder, document, phrase): the codings of tests/test_analysis.py, then three in document v.
CODINGS = STUDY_CODINGS + [
    ("X", "marloes", "v", "Alfa beta gamma."),                # contains Y and Z
    ("Y", "marloes", "v", "beta"),
    ("Z", "marloes", "v", "gamma"),                           # one character after Y
]

# Worked out by hand. Pairs are (a, b) with a < b by name, as the core orders them.
OVERLAP = {("X", "Y"): 3, ("X", "Z"): 2, ("R", "X"): 1, ("W", "X"): 1, ("W", "Z"): 1}
NEAR_0 = OVERLAP | {("P", "Q"): 1}                           # touching counts
NEAR_1 = NEAR_0 | {("R", "Y"): 2, ("Y", "Z"): 1}             # one character apart counts too
SENTENCE = {("X", "Y"): 2, ("X", "Z"): 2, ("Y", "Z"): 1, ("R", "X"): 1, ("R", "Y"): 1, ("W", "X"): 1,
            ("W", "Z"): 1, ("P", "Q"): 1}
TURN = ({pair: 1 for pair in combinations("RWXYZ", 2)}         # turn A of t
        | {("X", "Y"): 2, ("X", "Z"): 2, ("Y", "Z"): 2}       # + turn A of v
        | {("P", "Q"): 1, ("P", "S"): 1, ("Q", "S"): 1}       # turn B of t
        | {("S", "X"): 1})                                    # u is one turn
DOCUMENT = ({pair: 1 for pair in combinations("PQRSWXYZ", 2)}  # everything meets in t
            | {("S", "X"): 2, ("X", "Y"): 2, ("X", "Z"): 2, ("Y", "Z"): 2})
ROLLED = {("Z", "parent"): 2, ("R", "parent"): 1, ("W", "Z"): 1, ("W", "parent"): 1}
HAND = {"overlap": OVERLAP, "near": NEAR_1, "sentence": SENTENCE, "turn": TURN, "paragraph": TURN,
        "document": DOCUMENT}
TOTALS = {"overlap": "14 segments", "near": "14 segments", "sentence": "9 sentences", "turn": "5 speaker turns",
          "paragraph": "5 paragraphs", "document": "3 documents"}
LABELS = {"overlap": "overlapping segments", "near": "segments near each other", "sentence": "sentence",
          "turn": "speaker turn", "paragraph": "paragraph", "document": "document"}


def build_study(path: Path, cases: bool = True) -> Path:
    with create_project(path) as project:
        import_sources(project, [("t.txt", TEXT.encode()), ("u.txt", OTHER.encode()), ("v.txt", THIRD.encode())],
                       cases=("cases.csv", CASES) if cases else None, language="nl")
        add_study_codes(project)
        add_codings(project, CODINGS)
    return path


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("cooc-templates")
    empty = folder / "empty.wbproj"
    create_project(empty).close()
    return {"empty": empty, "study": build_study(folder / "study.wbproj"),
            "no_cases": build_study(folder / "no-cases.wbproj", cases=False)}


@pytest.fixture
def study(templates: dict[str, Path], tmp_path: Path) -> Path:
    return Path(shutil.copy(templates["study"], tmp_path / "study.wbproj"))


def core(path: Path, unit: str = "overlap", distance: int | None = None, scope: Scope | None = None) -> Cooccurrence:
    with open_project(path) as project:
        return cooccurrence(project, unit, distance, scope or Scope())


def code_ids(path: Path, *names: str) -> list[int]:
    with open_project(path) as project:
        return [project.resolve_code(n).id for n in names]


# ================================================================================================ the app
@pytest.fixture(autouse=True)
def fresh_caches() -> None:
    """Every test starts with empty Streamlit caches (paths differ per test anyway; this makes it certain)."""
    st.cache_resource.clear()


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Path], AppTest]]:
    """``app(path)``: an AppTest on ``path`` showing the co-occurrence page (not yet checked for exceptions)."""
    started: list[AppTest] = []

    def start(path: Path) -> AppTest:
        monkeypatch.setenv("WORKBENCH_PROJECT", str(path))
        monkeypatch.setattr(sys, "argv", [str(MAIN)])
        at = AppTest.from_file(str(MAIN), default_timeout=60)
        started.append(at)
        at.run()
        at.switch_page(PAGE)
        at.run()
        return at

    yield start
    close_app_projects(started)


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def values(elements) -> list:
    return [e.value for e in elements]


def explanation(at: AppTest) -> str:
    return at.info[0].value


def frame(at: AppTest, column: str):
    """The dataframe that has ``column`` (None when the page shows none)."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(found) <= 1
    return found[0] if found else None


def show(at: AppTest, tab: str) -> AppTest:
    """Open a tab (only the open tab runs) and run the page."""
    at.session_state["cooc_tab"] = tab
    return ok(at.run())


def table(at: AppTest) -> list[dict]:
    """The Table tab's rows (the tab opened first)."""
    shown = frame(show(at, "Table"), "code A")
    return [] if shown is None else shown.to_dict("records")


def counts(at: AppTest) -> dict[tuple[str, str], int]:
    return {(r["code A"], r["code B"]): r["count"] for r in table(at)}


def core_rows(result: Cooccurrence, minimum: int = 1) -> list[dict]:
    """What the Table tab should show for a core result."""
    return [{"code A": p.a, "code B": p.b, "count": p.count, "c-coefficient": p.c_coefficient,
             "containment": p.containment, "frequency A": p.frequency_a, "frequency B": p.frequency_b,
             "note": "frequencies differ > 5×" if p.imbalanced else ""} for p in result.pairs if p.count >= minimum]


def core_counts(result: Cooccurrence) -> dict[tuple[str, str], int]:
    return {(p.a, p.b): p.count for p in result.pairs}


def choose(at: AppTest, a: str, b: str) -> AppTest:
    at.selectbox(key="cooc_a").set_value(a)
    at.selectbox(key="cooc_b").set_value(b)
    return ok(at.run())


def set_unit(at: AppTest, unit: str) -> AppTest:
    return ok(at.selectbox(key="cooc_unit").set_value(unit).run())


def passage_html(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith('<div style="font-family:Georgia')]


# ================================================================================================ runs
def test_page_runs_on_a_project_with_cases(app, study):
    at = ok(app(study))
    assert values(at.title) == ["Co-occurrence"]
    assert not at.error
    assert [t.label for t in at.tabs] == TABS
    assert at.multiselect(key="cooc_attr_role").options == ["professional", "resident"]
    assert at.multiselect(key="cooc_attr_age").options == ["34", "51", "62"]
    assert at.selectbox(key="cooc_unit").options == [LABELS[u] for u in LABELS]
    assert at.subheader[0].value == "Where two codes meet"


def test_page_runs_on_a_project_without_cases(app, templates, tmp_path):
    path = Path(shutil.copy(templates["no_cases"], tmp_path / "no-cases.wbproj"))
    at = ok(app(path))
    assert not at.error
    assert not [m for m in at.multiselect if m.key.startswith("cooc_attr_")]
    assert any("No case attributes yet" in c for c in values(show(at, "Codes × attribute").caption))
    assert counts(at) == OVERLAP == core_counts(core(path))
    choose(at, "X", "Y")
    assert "<div><b>3</b> counted for X × Y; 3 passages.</div>" in values(at.markdown)
    assert not any(" · case " in m for m in values(at.markdown))  # no case to name in the passage headers


# ================================================================================================ explanation
@pytest.mark.parametrize("unit", list(LABELS))
def test_explanation_says_what_the_unit_counts(app, study, unit):
    at = set_unit(ok(app(study)), unit)
    text = explanation(at)
    assert text == core(study, unit, 200 if unit == "near" else None).explanation
    assert f"({TOTALS[unit]}; all coders; 3 documents)" in text
    expected = {
        "overlap": "pairs of coded segments, one of each code, that share at least one character",
        "near": "pairs of coded segments, one of each code, at most 200 characters apart",
        "sentence": "the sentences in which both codes have at least one coded segment",
        "turn": "the speaker turns in which both codes have at least one coded segment",
        "paragraph": "the paragraphs in which both codes have at least one coded segment",
        "document": "the documents in which both codes have at least one coded segment",
    }[unit]
    assert expected in text


FILTERS = [
    ("multiselect", "cooc_coders", ["marloes"], "coders: marloes; 3 documents", Scope.of(coders=["marloes"])),
    ("multiselect", "cooc_documents", ["t"], "documents: t; 1 document", Scope.of(documents=["t"])),
    ("multiselect", "cooc_attr_role", ["resident"], "role = resident; 2 documents",
     Scope.of(where={"role": ["resident"]})),
    ("multiselect", "cooc_codes", ["parent"], "codes under parent", Scope.of(codes=["parent"])),
    ("selectbox", "cooc_level", "roll up to level 1", "child codes rolled up to level 1", Scope.of(rollup_level=1)),
]


@pytest.mark.parametrize("kind, key, value, fragment, scope", FILTERS, ids=[f[1] for f in FILTERS])
def test_explanation_and_counts_follow_each_filter(app, study, kind, key, value, fragment, scope):
    at = ok(app(study))
    assert "all coders; 3 documents)" in explanation(at) and fragment not in explanation(at)
    getattr(at, kind)(key=key).set_value(value)
    ok(at.run())
    result = core(study, scope=scope)
    assert explanation(at) == result.explanation
    assert fragment in explanation(at)
    assert table(at) == core_rows(result)
    assert not at.error


# ================================================================================================ table
@pytest.mark.parametrize("unit", list(LABELS))
def test_table_equals_the_core_for_every_unit(app, study, unit):
    at = set_unit(ok(app(study)), unit)
    distance = None
    if unit == "near":
        distance = 1
        ok(at.number_input(key="cooc_distance").set_value(1).run())
    result = core(study, unit, distance)
    assert table(at) == core_rows(result)
    assert counts(at) == HAND[unit] == core_counts(result)


def test_minimum_hides_smaller_pairs(app, study):
    at = ok(app(study))
    ok(at.number_input(key="cooc_min").set_value(2).run())
    assert counts(at) == {("X", "Y"): 3, ("X", "Z"): 2}
    assert table(at) == core_rows(core(study), minimum=2)
    ok(at.number_input(key="cooc_min").set_value(4).run())
    assert table(at) == []
    assert "No pairs." in values(at.caption)
    assert "No two codes co-occur with these settings." in values(show(at, "Heatmap").caption)


# ================================================================================================ drill-down
@pytest.mark.parametrize("unit, a, b, hand", [("overlap", "X", "Y", 3), ("sentence", "X", "Z", 2),
                                              ("document", "S", "X", 2)])
def test_drill_down_counts_the_pair_and_its_passages(app, study, unit, a, b, hand):
    at = choose(set_unit(ok(app(study)), unit), a, b)
    a_id, b_id = code_ids(study, a, b)
    with open_project(study) as project:
        result = cooccurrence(project, unit)
        found = meetings(project, result, a_id, b_id)
    assert result.count(a_id, b_id) == len(found) == hand
    assert f"<div><b>{hand}</b> counted for {a} × {b}; {hand} passages.</div>" in values(at.markdown)
    assert len(passage_html(at)) == hand


def test_each_passage_links_to_its_place_in_the_transcript(app, study):
    at = choose(ok(app(study)), "X", "Y")
    a_id, b_id = code_ids(study, "X", "Y")
    with open_project(study) as project:
        found = meetings(project, cooccurrence(project), a_id, b_id)
    assert [(m.document, m.start) for m in found] == [("t", 3), ("t", 3), ("v", 3)]  # "A: " is three characters
    assert {link.proto.page for link in at.page_link} == {"code"}
    links = [parse_qs(link.proto.query_string) for link in at.page_link]
    assert links == [{"document": [m.document], "start": [str(m.start)]} for m in found]


def test_choosing_the_same_code_twice_asks_for_two_different_codes(app, study):
    at = choose(ok(app(study)), "X", "X")
    assert "Choose two different codes." in values(at.caption)
    assert not passage_html(at) and not at.page_link
    assert not any("counted for" in m for m in values(at.markdown))


def test_passage_text_and_names_are_html_escaped(app, tmp_path):
    document = "<img src=d onerror=alert(5)>"
    code = "<img src=y onerror=alert(3)>"
    text = "A: Hallo <script>alert(1)</script> daar.\n\nB: Kijk <img src=x onerror=alert(2)> hier."
    path = tmp_path / "html.wbproj"
    with create_project(path) as project:
        import_sources(project, [(f"{document}.txt", text.encode())],
                       cases=("cases.csv", f"document,case\n{document},<script>alert(4)</script>\n".encode()),
                       language="nl")
        project.add_code("K")
        project.add_code(code)
        add_codings(project, [("K", "m", document, "<script>alert(1)</script>"),
                              (code, "m", document, "Hallo <script>alert(1)</script> daar."),
                              ("K", "m", document, "<img src=x onerror=alert(2)>"),
                              (code, "m", document, "Kijk <img src=x onerror=alert(2)> hier.")])
    at = choose(ok(app(path)), "K", code)
    shown = values(at.markdown)
    assert "<div><b>2</b> counted for K × &lt;img src=y onerror=alert(3)&gt;; 2 passages.</div>" in shown
    assert len(passage_html(at)) == 2
    for value in shown:
        assert "<script" not in value.lower() and "<img" not in value.lower(), value
    joined = "\n".join(shown)
    for raw in ("<script>alert(1)</script>", "<img src=x onerror=alert(2)>", code, document,
                "<script>alert(4)</script>"):
        assert escape(raw) in joined, raw


# ================================================================================================ roll-up, near
def test_roll_up_to_level_one_counts_child_codes_as_their_parent(app, study):
    at = ok(app(study))
    assert at.selectbox(key="cooc_level").options == ["every code", "roll up to level 1"]
    ok(at.selectbox(key="cooc_level").set_value("roll up to level 1").run())
    result = core(study, scope=Scope.of(rollup_level=1))
    assert counts(at) == ROLLED == core_counts(result)
    assert table(at) == core_rows(result)
    assert at.selectbox(key="cooc_a").options == ["(choose a code)", "P", "Q", "R", "S", "W", "Z", "parent"]
    choose(at, "Z", "parent")
    assert "<div><b>2</b> counted for Z × parent; 2 passages.</div>" in values(at.markdown)


def test_distance_input_appears_only_for_near(app, study):
    at = ok(app(study))
    assert not [n for n in at.number_input if n.key == "cooc_distance"]
    set_unit(at, "near")
    assert at.number_input(key="cooc_distance").value == 200
    assert "at most 200 characters apart" in explanation(at)
    assert table(at) == core_rows(core(study, "near", 200))
    set_unit(at, "sentence")
    assert not [n for n in at.number_input if n.key == "cooc_distance"]


def test_near_uses_the_distance(app, study):
    at = set_unit(ok(app(study)), "near")
    ok(at.number_input(key="cooc_distance").set_value(0).run())
    assert counts(at) == NEAR_0 == core_counts(core(study, "near", 0))
    assert "at most 0 characters apart" in explanation(at)
    ok(at.number_input(key="cooc_distance").set_value(1).run())
    assert counts(at) == NEAR_1 == core_counts(core(study, "near", 1))
    assert "at most 1 characters apart" in explanation(at)


# ================================================================================================ other tabs
def test_frequencies_per_coder_toggle(app, study):
    at = show(ok(app(study)), "Frequencies")
    assert at.toggle(key="cooc_per_coder").value is True
    with open_project(study) as project:
        per_coder = [f.as_dict() for f in frequencies(project, Scope(), by_coder=True)]
        overall = [f.as_dict() for f in frequencies(project, Scope(), by_coder=False)]
    rows = frame(at, "words").to_dict("records")
    assert rows == per_coder
    assert {"code": "Y", "coder": "daan", "segments": 1, "documents": 1, "cases": 1, "words": 2} in rows
    ok(at.toggle(key="cooc_per_coder").set_value(False).run())
    rows = frame(at, "words").to_dict("records")
    assert rows == overall
    assert {r["coder"] for r in rows} == {"all coders"}
    by_code = {r["code"]: r for r in rows}
    # X: 6 + 3 + 3 words; Y: "twee drie" (the two overlapping segments once) + "beta"
    assert by_code["X"] == {"code": "X", "coder": "all coders", "segments": 3, "documents": 3, "cases": 3,
                            "words": 12}
    assert by_code["Y"] == {"code": "Y", "coder": "all coders", "segments": 3, "documents": 2, "cases": 2,
                            "words": 3}


@pytest.mark.parametrize("measure, view, x_row", [
    ("segments", "counts", {"professional": 1, "resident": 2}),
    ("cases", "row %", {"professional": 33.3, "resident": 66.7}),
    ("documents", "column %", {"professional": 50.0, "resident": 18.2}),  # X is in 2 of the 11 resident cells
])
def test_codes_by_attribute_matrix(app, study, measure, view, x_row):
    at = show(ok(app(study)), "Codes × attribute")
    assert at.selectbox(key="cooc_attribute").options == ["age", "role"]
    at.selectbox(key="cooc_attribute").set_value("role")
    at.selectbox(key="cooc_measure").set_value(measure)
    at.radio(key="cooc_matrix_view").set_value(view)
    ok(at.run())
    with open_project(study) as project:
        matrix = attribute_matrix(project, "role", measure, Scope())
    cell = {"counts": lambda r, c: matrix.counts[r][c], "row %": lambda r, c: round(matrix.row_percent(r, c), 1),
            "column %": lambda r, c: round(matrix.column_percent(r, c), 1)}[view]
    expected = [{"code": code, **{v: cell(r, c) for c, v in enumerate(matrix.values)}}
                for r, code in enumerate(matrix.codes)]
    rows = frame(at, "professional").to_dict("records")
    assert rows == expected
    assert {k: v for k, v in next(r for r in rows if r["code"] == "X").items() if k != "code"} == x_row
    assert any("Cases per role: professional: 1, resident: 2." in c for c in values(at.caption))


def test_download_buttons(app, study):
    at = ok(app(study))
    always = {"cooc_matrix_csv", "cooc_matrix_xlsx", "cooc_pairs_csv", "cooc_svg", "cooc_freq_csv",
              "cooc_report_md", "cooc_report_html", "cooc_attr_csv", "cooc_attr_xlsx"}
    passages = {"cooc_passages_csv", "cooc_passages_xlsx"}

    def keys() -> set[str]:  # on every tab
        return {b.key for tab in TABS for b in show(at, tab).get("download_button")}

    assert always <= keys() and not passages & keys()
    choose(at, "X", "Y")
    assert always | passages <= keys()


# ================================================================================================ changes, errors
def test_a_change_to_the_project_shows_on_the_next_run(app, study):
    at = ok(app(study))
    assert counts(at)[("X", "Y")] == 3
    with open_project(study) as project:
        before = project.data_version()
        add_codings(project, [("X", "daan", "v", "Alfa beta gamma.")])  # meets marloes's Y and Z in v
        assert project.data_version() != before
    ok(at.run())
    result = core(study)
    assert counts(at) == core_counts(result) == OVERLAP | {("X", "Y"): 4, ("X", "Z"): 3}
    assert "(15 segments; all coders; 3 documents)" in explanation(at)
    assert {r["code"]: r["segments"] for r in frame(show(at, "Frequencies"), "words").to_dict("records")
            if r["coder"] == "all coders"}["X"] == 4


def test_an_unknown_attribute_value_cannot_be_chosen(app, study):
    at = ok(app(study))
    widget = at.multiselect(key="cooc_attr_role")
    with open_project(study) as project:
        assert widget.options == project.attribute_values("role") == ["professional", "resident"]
    widget.set_value(["nobody"])
    ok(at.run())
    assert at.multiselect(key="cooc_attr_role").value == []
    assert not at.error
    assert "role =" not in explanation(at) and "3 documents)" in explanation(at)
    assert counts(at) == OVERLAP


def test_an_error_from_the_core_is_shown_not_raised(app, study, monkeypatch):
    """Another process deletes coder daan (and daan's segments) while the page runs: after the page listed the
    coders for the filter (it reads the documents next), before the core reads the segments. The core refuses the
    filter; the page says so. (The store has no call to delete a coder, so the other process does it in SQL.)"""
    at = ok(app(study))
    real = Project.document_names
    armed = []

    def coders_then_deleted(self: Project) -> dict:
        listed = real(self)
        if armed:
            armed.clear()
            with open_project(study) as other:
                other.conn.execute("DELETE FROM segments WHERE coder_id = (SELECT id FROM coders WHERE name = ?)",
                                   ("daan",))
                other.conn.execute("DELETE FROM coders WHERE name = ?", ("daan",))
                # recorded like every change through the core, so the data version moves on
                other.conn.execute("INSERT INTO audit_log (at, who, action, target) VALUES (datetime('now'), "
                                   "'admin', 'coder.delete', 'daan')")
        return listed

    monkeypatch.setattr(Project, "document_names", coders_then_deleted)
    armed.append(True)
    at.multiselect(key="cooc_coders").set_value(["daan"])
    ok(at.run())
    assert not armed  # the race happened
    assert [e.value for e in at.error] == ["no coder named 'daan' (coders: marloes)"]
    assert not at.dataframe and not at.tabs  # the page stopped there
    ok(at.run())  # the next run no longer offers daan, and works
    assert at.multiselect(key="cooc_coders").options == ["marloes"]
    assert not at.error
    assert counts(at) == core_counts(core(study))


# ================================================================================================ edge cases


def test_page_runs_on_an_empty_project(app, templates, tmp_path):
    at = app(Path(shutil.copy(templates["empty"], tmp_path / "empty.wbproj")))
    assert not at.exception, [e.value for e in at.exception]
    assert "(0 segments; all coders; 0 documents)" in explanation(at)
    assert at.subheader[0].value == "Where two codes meet"


def test_page_runs_when_no_pair_is_counted_more_than_once(app, tmp_path):
    path = tmp_path / "once.wbproj"
    with create_project(path) as project:
        import_sources(project, [("t.txt", TEXT.encode())], language="nl")
        project.add_code("A")
        project.add_code("B")
        add_codings(project, [("A", "m", "t", "Een twee drie."), ("B", "m", "t", "twee")])
    at = app(path)
    assert not at.exception, [e.value for e in at.exception]
    assert counts(at) == {("A", "B"): 1}
    choose(at, "A", "B")
    assert "<div><b>1</b> counted for A × B; 1 passage.</div>" in values(at.markdown)


def test_a_segment_that_starts_before_the_sentence_is_still_marked(app, study):
    at = choose(set_unit(ok(app(study)), "sentence"), "X", "Z")
    first = passage_html(at)[0]  # t, the sentence "Vier vijf zes." inside X; Z is "Vier vijf"
    assert [m for m in values(at.markdown) if m.startswith("<div><b>t</b>")] == [
        "<div><b>t</b> · A · case Tess · 18–32</div>"]
    assert "text-decoration:underline" in first  # X covers the whole sentence
    assert "font-weight:600" in first  # and "Vier vijf" carries both codes


def test_drill_down_colours_codes_that_share_a_name_by_their_own_colour(app, tmp_path):
    path = tmp_path / "names.wbproj"
    with create_project(path) as project:
        import_sources(project, [("t.txt", TEXT.encode())], language="nl")
        a, b = project.add_code("a"), project.add_code("b")
        project.add_code("other", parent_id=a, colour="#111111")
        project.add_code("other", parent_id=b, colour="#222222")
        project.add_code("K", colour="#333333")
        add_codings(project, [("a/other", "m", "t", "Een twee drie."), ("K", "m", "t", "twee"),
                              ("a/other", "m", "t", "Zeven acht negen."), ("K", "m", "t", "acht")])
    at = choose(ok(app(path)), "a/other", "K")
    (legend,) = [m for m in values(at.markdown) if "underlined" in m]
    assert "background:#111111" in legend and "#222222" not in legend
