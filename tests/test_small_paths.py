"""Smaller paths that used to lose or hide work: codebook re-import, NFC names, $WORKBENCH_CODER, report colours."""

from __future__ import annotations

import unicodedata

from workbench.analysis.report import theme_report_html
from workbench.codebook import export_codebook, import_codebook
from workbench.ingest import import_sources
from workbench.models import CaseRow, NewSegment


def test_reimport_after_a_rename_matches_by_guid_and_adds_no_duplicate(project) -> None:
    team_file = export_codebook(project)
    code = project.resolve_code("participation fatigue")
    project.update_code(code.id, who="x", name="inspraakmoeheid")
    before = len(project.codes())
    counts = import_codebook(project, team_file, who="x")
    assert counts == {"added": 0, "updated": 0}
    assert len(project.codes()) == before
    assert project.code(code.id).name == "inspraakmoeheid"


def test_an_equivalent_colour_is_not_an_update(project) -> None:
    entries = len(project.audit_log())
    counts = import_codebook(project, 'codes:\n  - name: distrust\n    colour: "#D62728"\n', who="x")
    assert counts["updated"] == 0 and len(project.audit_log()) == entries
    project.update_code(project.resolve_code("distrust").id, who="x", colour="#aabbcc")
    counts = import_codebook(project, 'codes:\n  - name: distrust\n    colour: "#ABC"\n', who="x")
    assert counts["updated"] == 0


def test_names_are_nfc_like_texts(project) -> None:
    nfd = unicodedata.normalize("NFD", "café")
    assert nfd != "café"
    import_sources(project, [(f"{nfd}.txt", "Jan: Goed.\n".encode())])
    assert project.document_id("café") == project.document_id(nfd)
    assert "café" in [d.name for d in project.documents()]
    code = project.add_code(unicodedata.normalize("NFD", "coördinatie"), who="x")
    assert project.resolve_code("coördinatie").id == code
    doc = project.document_id("café")
    project.add_segments([NewSegment(doc, 0, 3, code, unicodedata.normalize("NFD", "Zoë"))])
    assert [c["name"] for c in project.coders()] == ["Zoë"]
    project.set_cases([CaseRow("café", unicodedata.normalize("NFD", "Renée"), {"rôle": "x"})], {"rôle": "text"})
    assert [c.name for c in project.cases()] == ["Renée"] and "rôle" in project.attributes()


def test_code_import_honours_workbench_coder(cli, project_file, tmp_path) -> None:
    csv = tmp_path / "c.csv"
    csv.write_text("document,start,end,code\nria,0,5,distrust\n", encoding="utf-8")
    result = cli("code", "import", project_file, csv, env={"WORKBENCH_CODER": "fatima"})
    assert result.returncode == 0, result.stderr
    assert [s["coder"] for s in cli("segments", project_file, "--json").json()] == ["fatima"]
    entries = cli("audit", project_file, "--json").json()["entries"]
    assert entries[0]["action"] == "segment.add" and entries[0]["who"] == "fatima"


def test_theme_report_colours_by_code_id_not_name(project) -> None:
    first = project.add_code("overig", project.resolve_code("link work").id, colour="#111111", who="x")
    second = project.add_code("overig", project.resolve_code("distrust").id, colour="#222222", who="x")
    doc = project.documents()[0].id
    project.add_segments([NewSegment(doc, 0, 5, first, "m"), NewSegment(doc, 10, 15, second, "m")])
    html = theme_report_html(project)
    assert "background:#111111" in html and "background:#222222" in html
