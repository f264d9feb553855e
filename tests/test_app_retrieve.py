"""The Retrieve page: every filter, the export, links to the transcript.

Driven headlessly with Streamlit's AppTest through the shared harness (``tests/app_harness.py``); what the page did
is checked in the project file through a separate connection."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from workbench.store import open_project

from .app_harness import app, full_path, seeded_path, templates  # noqa: F401 - fixtures
from .app_harness import SEEDED, code_id, ok, retrieved, values


# ================================================================================================ retrieve page
def expected_retrieve(path: Path, codes: Sequence[str] | None = None, children: bool = True,
                      coders: Sequence[str] | None = None, documents: Sequence[str] | None = None) -> list:
    """What the filters should find, worked out with Project.segments."""
    with open_project(path) as project:
        code_ids = None
        if codes is not None:
            roots = [project.resolve_code(c) for c in codes]
            code_ids = [c.id for c in project.codes()
                        if any(c.id == r.id or children and c.path.startswith(r.path + "/") for r in roots)]
        document_ids = None if documents is None else [project.document_id(d) for d in documents]
        return project.segments(code_ids=code_ids, coders=coders, document_ids=document_ids)


def test_retrieve_without_filters_lists_every_segment_and_offers_the_export(app, seeded_path):
    at = app(seeded_path, "retrieve")
    assert retrieved(at) == len(SEEDED)
    assert len(at.page_link) == len(SEEDED)
    assert not at.download_button  # the file is built when asked for, never on every rerun
    at.button(key="ret_prepare").click().run()
    assert at.download_button(key="ret_export")
    at.multiselect(key="ret_coders").select("bob").run()  # other filters: prepare again
    assert not at.download_button and at.button(key="ret_prepare")


@pytest.mark.parametrize("children", [True, False])
def test_retrieve_by_code_with_and_without_child_codes(app, seeded_path, children):
    at = app(seeded_path, "retrieve")
    at.multiselect(key="ret_codes").select(code_id(seeded_path, "link work"))
    at.checkbox(key="ret_children").set_value(children).run()
    want = expected_retrieve(seeded_path, ["link work"], children)
    assert len(want) == (4 if children else 3)
    assert retrieved(ok(at)) == len(want)
    heads = [m for m in values(at.markdown) if " · coder " in m]
    assert len(heads) == len(want)
    assert any("link work/best persons" in h for h in heads) is children


def test_retrieve_by_coder(app, seeded_path):
    at = app(seeded_path, "retrieve")
    assert at.multiselect(key="ret_coders").options == ["anna", "bob"]
    at.multiselect(key="ret_coders").select("bob").run()
    want = expected_retrieve(seeded_path, coders=["bob"])
    assert retrieved(ok(at)) == len(want) == 3
    heads = [m for m in values(at.markdown) if " · coder " in m]
    assert all("coder bob" in h for h in heads) and len(heads) == 3


def test_retrieve_by_document(app, seeded_path):
    at = app(seeded_path, "retrieve")
    at.multiselect(key="ret_documents").select(2).run()
    want = expected_retrieve(seeded_path, documents=["jan"])
    assert retrieved(ok(at)) == len(want) == 2
    assert any("in 1 documents" in m for m in values(at.markdown))


def test_retrieve_by_case_attribute(app, seeded_path):
    at = app(seeded_path, "retrieve")
    assert at.multiselect(key="ret_attr_role").options == ["resident", "volunteer"]
    assert at.multiselect(key="ret_attr_age").options == ["45", "78"]
    at.multiselect(key="ret_attr_role").select("volunteer").run()
    assert retrieved(ok(at)) == len(expected_retrieve(seeded_path, documents=["jan"])) == 2
    assert all("case Jan" in m for m in values(at.markdown) if " · coder " in m)
    at.multiselect(key="ret_attr_age").select("78").run()  # volunteer and 78: nobody
    assert retrieved(ok(at)) == 0


def test_retrieve_combines_filters(app, seeded_path):
    at = app(seeded_path, "retrieve")
    at.multiselect(key="ret_codes").select(code_id(seeded_path, "link work"))
    at.multiselect(key="ret_coders").select("anna")
    at.multiselect(key="ret_documents").select(1).run()
    want = expected_retrieve(seeded_path, ["link work"], True, ["anna"], ["ria"])
    assert retrieved(ok(at)) == len(want) == 2


def test_retrieve_with_no_results_offers_no_export(app, full_path):
    at = app(full_path, "retrieve")
    assert retrieved(at) == 0
    assert not at.download_button
    assert not at.page_link


def test_retrieve_links_each_segment_to_its_place_in_the_transcript(app, seeded_path):
    at = app(seeded_path, "retrieve")
    at.multiselect(key="ret_documents").select(2).run()
    starts = sorted(s.start for s in expected_retrieve(seeded_path, documents=["jan"]))
    assert {link.proto.page for link in at.page_link} == {"code"}
    queries = [parse_qs(link.proto.query_string) for link in at.page_link]
    assert all(q["document"] == ["jan"] for q in queries)
    assert sorted(int(q["start"][0]) for q in queries) == starts
