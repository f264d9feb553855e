"""Every page runs on an empty and a full project; the app without a project.

Driven headlessly with Streamlit's AppTest through the shared harness (``tests/app_harness.py``); what the page did
is checked in the project file through a separate connection."""

from __future__ import annotations

import pytest

from .app_harness import app, empty_path, full_path, seeded_path, templates  # noqa: F401 - fixtures
from .app_harness import PAGES, TITLES, values


# ================================================================================================ every page
@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_runs_on_an_empty_project(app, empty_path, page):
    at = app(empty_path, page)
    assert values(at.title) == [TITLES.get(page, "Code")]
    assert not at.error


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_runs_on_a_project_with_documents_and_codings(app, seeded_path, page):
    at = app(seeded_path, page)
    assert values(at.title) == [TITLES.get(page, "ria")]
    assert not at.error


def test_code_page_on_an_empty_project_says_to_import_first(app, empty_path):
    at = app(empty_path, "code")
    assert any("Import transcripts on the Project page" in i for i in values(at.info))
    assert not at.button  # nothing to code
    assert len(at.page_link) == 1


def test_project_can_be_given_as_command_line_option(app, full_path):
    at = app(None, "project", argv=["--project", str(full_path)])
    assert any(full_path.name in c for c in values(at.sidebar.caption))
    assert "2" in [m.value for m in at.metric if m.label == "Documents"]


def test_app_without_a_project_explains_how_to_start(app):
    at = app(None, "project")
    assert any("No project given" in e for e in values(at.error))


def test_a_page_that_stops_early_still_records_its_run_time(app, empty_path, monkeypatch, tmp_path):
    log = tmp_path / "runs.tsv"
    monkeypatch.setenv("WORKBENCH_RUN_LOG", str(log))
    at = app(empty_path, "training")                  # no exercises: the page stops after its notice
    assert any("No exercises yet" in i for i in values(at.info))
    pages = [line.split("\t")[0] for line in log.read_text().splitlines()]
    assert pages[-1] == "training" and float(log.read_text().splitlines()[-1].split("\t")[1]) >= 0


def test_reruns_do_not_grow_sys_path(app, seeded_path):
    # The script puts the checkout on sys.path when run as a file; on every rerun again would make each new
    # AppTest (and Streamlit's component discovery, which walks sys.path) slower than the last.
    import sys

    at = app(seeded_path)
    before = len(sys.path)
    for _ in range(3):
        at.run()
    app(seeded_path, page="codebook")
    assert len(sys.path) == before
