"""Document groups as REFI-QDA Sets (export, import, merge) and PDF sources read from their text version."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from workbench.exchange.importing import export_qdpx, import_project
from workbench.exchange.merge import merge_file
from workbench.exchange.qdpx_read import read_qdc, read_qdpx
from workbench.exchange.tidy import tidy
from workbench.ingest import import_sources
from workbench.store import create_project, open_project

from .test_exchange_read import CODE, SOURCE, USER, project, qdpx, selection, texts
from .test_exchange_roundtrip import _validate

OTHER = "aaaaaaaa-bbbb-cccc-dddd-000000000002"
PDF = "aaaaaaaa-bbbb-cccc-dddd-00000000000f"
REPR = "aaaaaaaa-bbbb-cccc-dddd-0000000000a1"
SET = "bbbbbbbb-bbbb-cccc-dddd-000000000001"


def _two_sources() -> str:
    return (f'<TextSource guid="{SOURCE}" name="ria"><PlainTextContent>Ria speaks here.</PlainTextContent>'
            f'</TextSource><TextSource guid="{OTHER}" name="kees"><PlainTextContent>Kees too.</PlainTextContent>'
            f'</TextSource><PictureSource guid="{PDF}" name="photo"/>')


def _with_sets(sets: str) -> str:
    return project(_two_sources()).replace("</Project>", f"<Sets>{sets}</Sets></Project>")


def _whats(report) -> dict[str, tuple[int, str]]:
    return {e["what"]: (e["count"], e["why"]) for e in report.not_imported}


# ------------------------------------------------------------------------------------------------- export
def _grouped(folder: Path) -> Path:
    path = folder / "a.wbproj"
    with create_project(path) as p:
        import_sources(p, [("ria.txt", b"R: Ria speaks."), ("kees.txt", b"K: Kees speaks."),
                           ("jan.txt", b"J: Jan speaks.")])
        p.add_to_group("residents", ["ria", "kees"])
        p.add_to_group("professionals", ["jan"])
        p.add_group("empty <one> & \"quoted\"")
    return path


def test_export_writes_every_group_as_a_set_and_validates(tmp_path: Path) -> None:
    path = _grouped(tmp_path)
    with open_project(path) as p:
        report = export_qdpx(p, tmp_path / "a.qdpx")
        groups = {g.name: g for g in p.groups()}
        docs = {d.name: d.guid for d in p.documents()}
    assert report.imported["document groups (sets)"] == 3
    from lxml import etree

    qde = zipfile.ZipFile(tmp_path / "a.qdpx").read("project.qde")
    _validate(qde)
    root = etree.fromstring(qde)
    ns = {"q": "urn:QDA-XML:project:1.0"}
    sets = root.findall("q:Sets/q:Set", ns)
    got = {s.get("name"): (s.get("guid"), [m.get("targetGUID") for m in s.findall("q:MemberSource", ns)])
           for s in sets}
    assert got == {name: (g.guid, [docs[d] for d in g.documents]) for name, g in groups.items()}
    assert [child.tag.split("}")[1] for child in root][-1] == "Sets"  # after Sources and Notes, as the XSD says


def test_round_trip_keeps_groups_with_their_guids(tmp_path: Path) -> None:
    path = _grouped(tmp_path)
    with open_project(path) as p:
        export_qdpx(p, tmp_path / "a.qdpx")
        before = [(g.guid, g.name, g.documents) for g in p.groups()]
    report = import_project(tmp_path / "b.wbproj", tmp_path / "a.qdpx", who="tester")
    assert report.imported["document groups"] == 3
    assert "3 document groups" in report.text()
    with open_project(tmp_path / "b.wbproj") as copy:
        assert [(g.guid, g.name, g.documents) for g in copy.groups()] == before
        entries = [e for e in copy.audit_log() if e.action == "group.import"]
        assert len(entries) == 3


# ------------------------------------------------------------------------------------------------- import
def test_sets_of_sources_become_groups_and_codes_in_sets_are_reported() -> None:
    sets = (f'<Set guid="{{{SET.lower()}}}" name="residents"><Description>Who lives there</Description>'
            f'<MemberCode targetGUID="{CODE}"/><MemberSource targetGUID="{SOURCE}"/>'
            f'<MemberSource targetGUID="{OTHER}"/><MemberSource targetGUID="{PDF}"/></Set>'
            f'<Set guid="bbbbbbbb-bbbb-cccc-dddd-000000000002" name="only codes">'
            f'<MemberCode targetGUID="{CODE}"/></Set>'
            f'<Set guid="bbbbbbbb-bbbb-cccc-dddd-000000000003" name="Residents"/>')
    bundle, report = read_qdpx(qdpx(_with_sets(sets)), "s.qdpx")
    tidy(bundle, report)
    assert [(g.guid, g.name, g.documents) for g in bundle.groups] == [
        (SET.upper(), "residents", [SOURCE.upper(), OTHER.upper()]), ("BBBBBBBB-BBBB-CCCC-DDDD-000000000003",
                                                                      "Residents (2)", [])]
    whats = _whats(report)
    assert whats["members of sets"][0] == 1 and "not imported as a document" in whats["members of sets"][1]
    assert whats["codes and notes in sets"][0] == 2 and "no sets of codes" in whats["codes and notes in sets"][1]
    assert whats["sets of codes or notes"][0] == 1
    assert whats["descriptions of sets"][0] == 1
    assert "sets" not in whats  # no longer all refused


def test_import_project_stores_the_groups_and_reports_them(cli, tmp_path: Path) -> None:
    sets = f'<Set guid="{SET}" name="residents"><MemberSource targetGUID="{OTHER}"/></Set>'
    (tmp_path / "s.qdpx").write_bytes(qdpx(_with_sets(sets)))
    result = cli("import-project", tmp_path / "s.wbproj", tmp_path / "s.qdpx", "--json")
    assert result.returncode == 0, result.stderr
    assert result.json()["imported"]["document groups"] == 1
    groups = cli("group", "list", tmp_path / "s.wbproj", "--json")
    assert groups.returncode == 0, groups.stderr
    assert "kees" in json.dumps(groups.json()) and "residents" in json.dumps(groups.json())
    text = cli("import-project", tmp_path / "t.wbproj", tmp_path / "s.qdpx")
    assert "1 document groups" in text.stdout


def test_a_qdc_codebook_keeps_reporting_its_sets_of_codes() -> None:
    qdc = ('<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0">'
           f'<Codes><Code guid="{CODE}" name="c" isCodable="true"/></Codes>'
           f'<Sets><Set guid="{SET}" name="s"><MemberCode targetGUID="{CODE}"/></Set></Sets></CodeBook>')
    bundle, report = read_qdc(qdc.encode("utf-8"), "c.qdc")
    assert not bundle.groups
    assert _whats(report)["sets of codes"][0] == 1


# ------------------------------------------------------------------------------------------------- merge
def test_merge_brings_groups_in_by_guid_then_name_and_overwrites_nothing(tmp_path: Path) -> None:
    mine = _grouped(tmp_path)
    theirs = tmp_path / "theirs.wbproj"
    with open_project(mine) as p:
        guid = next(g.guid for g in p.groups() if g.name == "residents")
    import shutil

    shutil.copy(mine, theirs)
    with open_project(theirs) as p:
        p.add_to_group("residents", ["jan"])           # a new member of a group matched by GUID
        p.remove_from_group("residents", ["kees"])     # kees stays in this project's group
        p.add_group("Professionals (extern)")
        p.add_to_group("new one", ["kees"])
    with open_project(theirs) as p:
        p.conn.execute("UPDATE groups SET name = 'bewoners' WHERE guid = ?", (guid,))  # renamed there
        p.conn.commit()
    with open_project(mine) as p:
        report = merge_file(p, theirs, who="lead")
        groups = {g.name: (g.guid, g.documents) for g in p.groups()}
    assert groups["residents"] == (guid, ("ria", "kees", "jan"))
    assert "bewoners" not in groups
    assert groups["new one"][1] == ("kees",) and "Professionals (extern)" in groups
    assert report.imported["document groups"] == 2 and report.imported["documents added to existing groups"] == 1
    assert any("'residents' is called 'bewoners'" in c for c in report.conflicts)
    assert any("'residents' holds 1 document(s) not in it" in c for c in report.conflicts)


def test_merge_matches_a_group_by_name_when_the_guid_differs(tmp_path: Path) -> None:
    mine = _grouped(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    theirs = _grouped(other)  # the same names, other GUIDs
    with open_project(theirs) as p:
        p.add_to_group("Professionals", ["ria"])
        p.conn.execute("UPDATE groups SET name = 'PROFESSIONALS' WHERE name = 'professionals'")
        p.conn.commit()
    with open_project(mine) as p:
        before = {g.name: g.guid for g in p.groups()}
        report = merge_file(p, theirs)
        after = {g.name: (g.guid, g.documents) for g in p.groups()}
    assert {name: guid for name, (guid, _) in after.items()} == before
    assert after["professionals"][1] == ("ria", "jan")
    assert report.imported["document groups"] == 0
    assert any("'professionals' is called 'PROFESSIONALS'" in c for c in report.conflicts)


# ------------------------------------------------------------------------------------------------- PDF sources
def _pdf(representation: bool = True, text_file: bool = True) -> bytes:
    rep = (f'<Representation guid="{REPR}" plainTextPath="internal://{REPR}.txt">'
           f"{selection(0, 5)}</Representation>") if representation else ""
    pdf = (f'<PDFSource guid="{PDF}" name="report.pdf" path="internal://{PDF}.pdf" creatingUser="{USER}">'
           f'<PDFSelection guid="cccccccc-bbbb-cccc-dddd-000000000001" page="1" firstX="1" firstY="2" secondX="30" '
           f'secondY="40"><Coding guid="cccccccc-bbbb-cccc-dddd-000000000002"><CodeRef targetGUID="{CODE}"/>'
           f"</Coding></PDFSelection>{rep}</PDFSource>")
    files = {f"sources/{PDF}.pdf": b"%PDF-1.4 not read"}
    if text_file:
        files[f"sources/{REPR}.txt"] = "Trust grows slowly.\n".encode("utf-8")
    sets = f'<Sets><Set guid="{SET}" name="reports"><MemberSource targetGUID="{PDF}"/></Set></Sets>'
    return qdpx(project(pdf).replace("</Project>", f"{sets}</Project>"), files)


def test_pdf_with_a_text_version_is_imported_as_that_text_with_its_selections() -> None:
    bundle, report = read_qdpx(_pdf(), "p.qdpx")
    tidy(bundle, report)
    [doc] = bundle.documents
    assert (doc.guid, doc.name, doc.text) == (PDF.upper(), "report.pdf", "Trust grows slowly.\n")
    assert texts(bundle) == ["Trust"] and bundle.segments[0].coder == "Ann"
    assert bundle.groups[0].documents == [PDF.upper()]
    whats = _whats(report)
    assert whats["PDF selections"][0] == 1 and "coordinates" in whats["PDF selections"][1]
    assert "PDF sources" not in whats and "PDF sources without a text version" not in whats


def test_pdf_without_a_text_version_is_reported_not_imported(tmp_path: Path) -> None:
    bundle, report = read_qdpx(_pdf(representation=False), "p.qdpx")
    assert not bundle.documents and not bundle.segments
    whats = _whats(report)
    assert whats["PDF sources without a text version"][0] == 1
    assert whats["PDF selections"][0] == 1
    assert whats["members of sets"][0] == 1


def test_import_project_of_a_pdf_representation(tmp_path: Path) -> None:
    (tmp_path / "p.qdpx").write_bytes(_pdf())
    report = import_project(tmp_path / "p.wbproj", tmp_path / "p.qdpx", who="t")
    assert report.imported["documents"] == 1 and report.imported["segments"] == 1
    with open_project(tmp_path / "p.wbproj") as p:
        [doc] = p.documents()
        [segment] = p.segments()
        assert p.document_text(doc.id)[segment.start:segment.end] == "Trust"
