"""Writing REFI-QDA (QDPX, QDC) and the documents for writing (Markdown, DOCX)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from workbench.exchange.project_bundle import project_bundle
from workbench.exchange.qdpx_write import codebook_xml, project_xml, write_qdpx
from workbench.exchange.writing import codebook_docx, codebook_markdown, md, quote_bank_docx
from workbench.ingest import import_sources
from workbench.store import Project

XSD = Path("/work/shared/refi-qda/Project.xsd")
if not XSD.exists():
    XSD = Path(__file__).parent / "data" / "Project.xsd"


def validate(xml: str) -> None:
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(XSD)))
    document = etree.fromstring(xml.encode("utf-8"))
    assert schema.validate(document), schema.error_log


@pytest.fixture
def coded(project: Project) -> Project:
    """The small project with an emoji document, codings with memos, memos on everything and a case."""
    import_sources(project, [("emoji.txt", "R: Wij 😀 zijn <hier> & \"daar\".\nNog een regel.".encode("utf-8"))])
    ria, emoji = (d.id for d in project.documents())
    codes = {c.name: c.id for c in project.codes()}
    project.add_segment(ria, 0, 9, codes["link work"], "marloes", memo="eerste\nregel")
    project.add_segment(emoji, 6, 7, codes["distrust"], "daan")
    project.add_segment(emoji, 3, 11, codes["best persons"], "Jan <b>Smit</b>")
    project.update_code(codes["distrust"], when_to_use="Als iemand <wantrouwt>", example="*geen* meter",
                        when_not_to_use="Bij twijfel")
    project.add_memo("Projectmemo & <tags>", "marloes")
    project.add_memo("Over Ria.", "daan", kind="document", document_id=ria, title="Ria")
    project.add_memo("Breed.", "daan", kind="code", code_id=codes["distrust"])
    from workbench.store import CaseRow

    project.set_cases([CaseRow("ria", "Ria", {"role": "resident", "age": "73", "since": "1968-05-01"}),
                       CaseRow("emoji", "Em", {"role": "newcomer", "age": "31.5", "since": "2020-01-02"})],
                      {"role": "text", "age": "number", "since": "date"})
    return project


def test_project_qde_validates_against_the_schema(coded: Project) -> None:
    validate(project_xml(project_bundle(coded)))


def test_empty_project_validates(empty_project: Project) -> None:
    validate(project_xml(project_bundle(empty_project)))


def test_guids_stable_no_local_paths_code_points(coded: Project) -> None:
    first, second = write_qdpx(project_bundle(coded)), write_qdpx(project_bundle(coded))
    with zipfile.ZipFile(io.BytesIO(first)) as a, zipfile.ZipFile(io.BytesIO(second)) as b:
        assert a.read("project.qde") == b.read("project.qde")
        qde = a.read("project.qde").decode("utf-8")
        names = a.namelist()
    assert str(coded.path.parent) not in qde and "absolute://" not in qde and "relative://" not in qde
    emoji = next(d for d in coded.documents() if d.name == "emoji")
    assert f"sources/{emoji.guid}.txt" in names
    segment = next(s for s in coded.segments() if s.code == "distrust")
    assert f'guid="{segment.guid}" startPosition="6" endPosition="7"' in qde  # code points: the emoji is one


def test_code_guidance_goes_into_the_description(coded: Project) -> None:
    qde = project_xml(project_bundle(coded))
    assert "When to use: Als iemand &lt;wantrouwt&gt;" in qde and "When not to use: Bij twijfel" in qde
    assert "Keywords: linkwerk, warme overdracht" in qde


def test_qdc_codebook(coded: Project) -> None:
    from workbench.exchange.project_bundle import codebook_bundle
    from workbench.exchange.qdpx_read import read_qdc

    xml = codebook_xml(codebook_bundle(coded))
    assert xml.count("<Code ") == len(coded.codes())
    bundle, _ = read_qdc(xml.encode("utf-8"), "x.qdc")
    distrust = next(c for c in bundle.codes if c.name == "distrust")
    assert (distrust.when_to_use, distrust.example, distrust.when_not_to_use) == (
        "Als iemand <wantrouwt>", "*geen* meter", "Bij twijfel")


def test_codebook_markdown_escapes_user_text(coded: Project) -> None:
    text = codebook_markdown(coded)
    assert "## distrust" in text and r"Als iemand \<wantrouwt\>" in text and r"\*geen\* meter" in text
    assert "**Counts:** 1 segments in 1 documents by 1 coders" in text
    assert md("[a](b) <i>\n- x\n12. y") == "\\[a\\](b) \\<i\\>\n\\- x\n12\\. y"


def _docx_text(data: bytes) -> str:
    import docx

    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def test_codebook_docx(coded: Project) -> None:
    text = _docx_text(codebook_docx(coded))
    assert "When to use: Als iemand <wantrouwt>" in text and "Example: *geen* meter" in text
    assert "link work/best persons" in text and "Counts: 1 segments in 1 documents by 1 coders" in text


def test_quote_bank_groups_by_code_and_case(coded: Project) -> None:
    data, count = quote_bank_docx(coded, [coded.resolve_code("link work")])
    text = _docx_text(data)
    assert count == 2  # link work and its child best persons
    assert text.index("link work") < text.index("Ria") < text.index("Memo: eerste")
    assert "coded by Jan <b>Smit</b>" in text and "Wij 😀 zi" in text
    assert "distrust" not in text.split("\n", 2)[2]
