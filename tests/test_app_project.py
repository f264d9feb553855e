"""The Project page: counts, documents, cases, audit log, uploads.

Driven headlessly with Streamlit's AppTest through the shared harness (``tests/app_harness.py``); what the page did
is checked in the project file through a separate connection."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from workbench.ingest import import_sources
from workbench.store import open_project

from .app_harness import app, empty_path, full_path, seeded_path, templates  # noqa: F401 - fixtures
from .app_harness import CASES_CSV, JAN, PAGES, SEEDED, ok, values
from .conftest import TRANSCRIPT


# ================================================================================================ project page
def test_project_page_shows_the_counts_and_the_documents(app, seeded_path):
    at = app(seeded_path, "project")
    with open_project(seeded_path) as project:
        stats = project.stats()
        documents = project.documents()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Documents": "2", "Words": f"{stats['words']:,}", "Speaker turns": str(stats["turns"]),
                       "Codes": "6", "Segments": str(len(SEEDED)), "Coders": "2"}
    table = at.dataframe[0].value
    assert list(table["document"]) == ["ria", "jan"]
    assert list(table["segments"]) == [d.segments for d in documents] == [5, 2]
    assert list(table["speakers"]) == ["Interviewer, Ria", "Interviewer, Jan"]
    assert list(table["cases"]) == ["Ria", "Jan"]


def test_project_page_shows_the_cases_table(app, full_path):
    at = app(full_path, "project")
    cases = next(d.value for d in at.dataframe if "age (number)" in d.value.columns)  # the read-only table
    assert list(cases.columns) == ["case", "documents", "age (number)", "role (text)"]
    assert cases.to_dict("records") == [
        {"case": "Jan", "documents": "jan", "age (number)": "45", "role (text)": "volunteer"},
        {"case": "Ria", "documents": "ria", "age (number)": "78", "role (text)": "resident"},
    ]


def test_project_page_without_documents_or_cases(app, empty_path):
    at = app(empty_path, "project")
    assert {m.label: m.value for m in at.metric}["Documents"] == "0"
    assert any("No documents yet" in i for i in values(at.info))
    assert any("No cases yet" in c for c in values(at.caption))
    assert not at.dataframe


def test_project_page_shows_the_audit_log(app, seeded_path):
    at = app(seeded_path, "project")
    log = at.dataframe[-1].value
    assert list(log.columns) == ["at", "who", "action", "target"]
    assert list(log["action"]).count("segment.add") == len(SEEDED)


def test_project_page_open_links_lead_to_the_code_page(app, full_path):
    at = app(full_path, "project")
    table = at.dataframe[0].value
    link = urlsplit(table["open"][1])
    assert link.path == "code" and parse_qs(link.query) == {"document": ["jan"]}
    at.query_params.update({"document": "jan"})
    at.switch_page(PAGES["code"]).run()
    assert values(ok(at).title) == ["jan"]


def test_project_page_imports_uploaded_transcripts_and_cases(app, empty_path):
    at = app(empty_path, "project")
    at.file_uploader(key="upload_files").upload("ria.txt", TRANSCRIPT.encode("utf-8"), "text/plain")
    at.file_uploader(key="upload_files").upload("jan.txt", JAN.encode("utf-8"), "text/plain")
    at.file_uploader(key="upload_cases").upload("cases.csv", CASES_CSV, "text/csv")
    ok(at.form_submit_button[0].click().run())
    assert any("Imported 2 document(s): ria, jan and the cases table." in s for s in values(at.success))
    with open_project(empty_path) as project:
        assert [d.name for d in project.documents()] == ["ria", "jan"]
        assert [c.name for c in project.cases()] == ["Jan", "Ria"]
    assert list(at.dataframe[0].value["document"]) == ["ria", "jan"]


def test_project_page_import_is_all_or_nothing(app, empty_path):
    at = app(empty_path, "project")
    at.file_uploader(key="upload_files").upload("ria.txt", TRANSCRIPT.encode("utf-8"), "text/plain")
    at.file_uploader(key="upload_files").upload("leeg.txt", b"   \n", "text/plain")
    ok(at.form_submit_button[0].click().run())
    assert any("Nothing was imported: leeg.txt is empty" in e for e in values(at.error))
    with open_project(empty_path) as project:
        assert project.documents() == [] and project.audit_log() == []


def test_project_page_open_links_survive_special_characters_in_document_names(app, empty_path):
    names = ["Q&A buurt", "interview #3", "Jan+Piet"]
    with open_project(empty_path) as project:
        import_sources(project, [(f"{n}.txt", f"Interviewer: Vraag {i}?\n\nRia: Antwoord {i}.\n".encode())
                                 for i, n in enumerate(names)])
    at = app(empty_path, "project")
    links = list(at.dataframe[0].value["open"])
    assert [parse_qs(urlsplit(link).query).get("document") for link in links] == [[n] for n in names]
