"""The agreement page driven headlessly with Streamlit's AppTest, on the hand-worked project of
tests/test_agreement.py: the table equals the core, every number has its sentence, the 2×2 table behind κ, the
disagreement passages with their links, and user strings shown as text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from workbench.agreement import compute_agreement
from workbench.app.widgets import md
from workbench.models import NewSegment
from workbench.store import open_project

from .test_agreement import build

TRICKY = "**vet** [klik](javascript:alert(1)) <img src=x onerror=alert(1)>"


@pytest.fixture(autouse=True)
def fresh_caches() -> None:
    st.cache_resource.clear()


@pytest.fixture
def study(tmp_path: Path) -> Path:
    return build(tmp_path / "agreement.wbproj")


@pytest.fixture
def app(app_on) -> Callable[[Path], AppTest]:
    """``app(path)``: an AppTest on ``path`` showing the agreement page."""
    return lambda path: app_on(path, "agreement")


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def frame_with(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_table_equals_the_core(app, study) -> None:
    at = app(study)
    assert at.multiselect(key="agr_coders").value == ["ann", "bob"]
    table = frame_with(at, "Krippendorff's α")
    with open_project(study) as project:
        expected = compute_agreement(project, ["ann", "bob"])
    assert list(table["code"]) == ["X", "Y", "overall"]
    for row, entry in zip(table.to_dict("records"), expected.codes + [expected.overall]):
        assert row["units"] == entry.units
        assert row["percent agreement"] == pytest.approx(entry.percent_agreement)
        assert row["Cohen's κ"] == pytest.approx(entry.cohen_kappa)
        assert row["Krippendorff's α"] == pytest.approx(entry.krippendorff_alpha)
        assert row["|uα"] == pytest.approx(entry.unitized_alpha)
        assert row["segments matched"] == f"{entry.segments_matched} of " \
                                          f"{entry.segments_matched + entry.segments_unmatched}"
    assert all(row["warning"] for row in table.to_dict("records")[:2])   # five segments or fewer: rare


def test_every_number_has_its_sentence_and_the_2x2_table(app, study) -> None:
    at = app(study)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Units"] == "50" and metrics["Cohen's κ"] == f"{0.16 / 0.26:.3f}"
    assert metrics["Segments matched"] == "0 of 2"
    captions = " ".join(c.value for c in at.caption)
    for phrase in ("50 characters in the 1 document", "gave the same answer", "beyond chance",
                   "Krippendorff's α (nominal)", "|uα on the continuum", "overlapping at least 90 %"):
        assert phrase in captions, phrase
    table = frame_with(at, "bob: coded")
    assert table.to_dict("records") == [
        {"": "ann: coded", "bob: coded": 5, "bob: not coded": 5},
        {"": "ann: not coded", "bob: coded": 0, "bob: not coded": 40}]
    per_coder = frame_with(at, "unmatched")
    assert per_coder.to_dict("records") == [{"coder": "ann", "segments": 1, "matched": 0, "unmatched": 1},
                                            {"coder": "bob", "segments": 1, "matched": 0, "unmatched": 1}]


def test_disagreement_passages_link_to_the_coding_page(app, study) -> None:
    at = app(study)
    passages = frame_with(at, "not coded by")
    assert passages.to_dict("records") == [{
        "document": "t", "from": 0, "to": 5, "speaker": "", "coded by": "ann", "not coded by": "bob",
        "text": "Dit i", "open": "/code?document=t&start=0"}]
    at.selectbox(key="agr_code").set_value("Y").run()
    ok(at)
    assert any("Nowhere" in c.value for c in at.caption)


def test_three_coders_sentence_unit_and_overall(app, study) -> None:
    at = app(study)
    at.multiselect(key="agr_coders").set_value(["ann", "bob", "cat"]).run()
    at.selectbox(key="agr_unit").set_value("sentence").run()
    ok(at)
    table = frame_with(at, "Krippendorff's α")
    with open_project(study) as project:
        expected = compute_agreement(project, ["ann", "bob", "cat"], "sentence")
    assert list(table["units"]) == [e.units for e in expected.codes] + [expected.overall.units]
    assert table["Cohen's κ"].isna().all()
    assert not any("bob: coded" in d.value.columns for d in at.dataframe)  # no 2×2 table for three coders
    assert any("compares exactly two coders" in c.value for c in at.caption)
    at.selectbox(key="agr_code").set_value("overall").run()
    ok(at)
    assert "cuα (which code)" in [m.label for m in at.metric]


def test_one_coder_is_not_enough(app, study) -> None:
    at = app(study)
    at.multiselect(key="agr_coders").set_value(["ann"]).run()
    ok(at)
    assert "Choose at least two coders." in [i.value for i in at.info]


def test_names_are_shown_as_text(app, study) -> None:
    with open_project(study) as project:
        code = project.add_code(TRICKY)
        doc = project.document_id("t")
        project.add_segments([NewSegment(doc, 30, 40, code, "ann"), NewSegment(doc, 31, 40, code, "bob")])
    at = app(study)
    table = frame_with(at, "Krippendorff's α")
    assert TRICKY in list(table["code"])                     # a dataframe cell: plain text
    at.selectbox(key="agr_code").set_value(TRICKY).run()
    ok(at)
    assert md(TRICKY) in [h.value for h in at.subheader]     # links and HTML escaped in the heading


def test_a_large_project_compares_its_first_documents_until_all_are_asked_for(app, study, monkeypatch) -> None:
    import workbench.app.reads as reads

    monkeypatch.setattr(reads, "FIRST_DOCUMENTS", 1)  # t, u, v: "large" beyond one document
    at = app(study)
    at.multiselect(key="agr_coders").set_value(["ann", "bob", "cat"]).run()
    ok(at)
    table = frame_with(at, "Krippendorff's α")
    with open_project(study) as project:
        first = compute_agreement(project, ["ann", "bob", "cat"], documents=["t"])
        every = compute_agreement(project, ["ann", "bob", "cat"])
    assert first.documents == ["t"] and every.documents == ["t", "u"]   # u: ann and cat; v: ann alone
    assert list(table["units"]) == [e.units for e in first.codes] + [first.overall.units]
    assert any("the first 1 of the 2 documents coded by at least two of ann, bob, cat" in c.value
               for c in at.caption)
    at.toggle(key="agr_all").set_value(True).run()
    ok(at)
    table = frame_with(at, "Krippendorff's α")
    assert list(table["units"]) == [e.units for e in every.codes] + [every.overall.units]
    assert list(table["Krippendorff's α"].fillna(-9)) == pytest.approx(
        [-9 if e.krippendorff_alpha is None else e.krippendorff_alpha for e in every.codes + [every.overall]])
    assert any("Compared: 2 documents" in c.value for c in at.caption)


def test_the_comparison_is_computed_once_per_data_version(app, study, monkeypatch) -> None:
    import workbench.agreement.core as core

    calls = []
    real = core.agreement_of
    monkeypatch.setattr(core, "agreement_of", lambda *a, **k: calls.append(1) or real(*a, **k))
    at = app(study)
    at.run()
    ok(at)
    assert len(calls) == 1                                   # a rerun computes nothing
    with open_project(study) as project:                     # a change (audited) is seen on the next run
        project.add_segments([NewSegment(project.document_id("t"), 40, 45, project.resolve_code("X").id, "bob")])
    at.run()
    ok(at)
    assert len(calls) == 2
    with open_project(study) as project:
        expected = compute_agreement(project, ["ann", "bob"])
    x = expected.codes[0]
    assert list(frame_with(at, "Krippendorff's α")["segments matched"])[0] == \
        f"{x.segments_matched} of {x.segments_matched + x.segments_unmatched}"
