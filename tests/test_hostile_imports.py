"""Hostile input to every importer: zip bombs, deep nesting, renamed formats, long runs without spaces, huge blocks,
CR-only CSV line ends, NUL bytes. Each is refused with one message or imported correctly (issue 10, §1)."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from odf.opendocument import OpenDocumentSpreadsheet

from workbench.cases import read_cases_csv
from workbench.codebook import load_yaml
from workbench.errors import WorkbenchError
from workbench.exchange.codings import read_codings
from workbench.importers import formats, parse_bytes
from workbench.units import LONG_RUN, breakable, pieces

from .test_importers import make_docx, make_odt

ODF = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


def rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    """A copy of a ZIP file with some members replaced (or added)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename not in replace:
                target.writestr(info, source.read(info))
        for name, content in replace.items():
            target.writestr(name, content)
    return buffer.getvalue()


def odt_with(body: str) -> bytes:
    content = f'<?xml version="1.0"?><office:document-content {ODF}><office:body>{body}</office:body>' \
              "</office:document-content>"
    return rezip(make_odt(), {"content.xml": content.encode()})


def assert_sentences_valid(doc) -> None:
    previous = 0
    for span in doc.sentences:
        assert previous <= span.start < span.end <= len(doc.text)
        assert not doc.text[span.start].isspace() and not doc.text[span.end - 1].isspace()
        previous = span.end


# ------------------------------------------------------------------------------------------- zip bombs
def test_docx_member_compressed_over_the_ratio_is_refused_with_the_limit() -> None:
    original = zipfile.ZipFile(io.BytesIO(make_docx())).read("word/document.xml")
    bomb = original.replace(b"<w:body>", b"<w:body>" + b" " * 3_000_000, 1)  # 3 MB of spaces: ratio ~1000
    with pytest.raises(WorkbenchError) as excinfo:
        parse_bytes(rezip(make_docx(), {"word/document.xml": bomb}), "bom.docx")
    assert "over the limit of 100 to 1" in str(excinfo.value)
    assert "word/document.xml" in str(excinfo.value)


def test_odt_unpacking_over_the_total_limit_is_refused(monkeypatch) -> None:
    monkeypatch.setattr(formats, "MAX_UNPACKED_MB", 0.01)
    with pytest.raises(WorkbenchError, match="over the limit of 0.01 MB"):
        parse_bytes(odt_with("<office:text><text:p>" + "woord " * 3000 + "</text:p></office:text>"), "groot.odt")


@pytest.mark.parametrize("make, name", [(make_docx, "a.docx"), (make_odt, "a.odt")])
def test_extracted_text_over_the_limit_is_refused(monkeypatch, make, name) -> None:
    monkeypatch.setattr(formats, "MAX_CHARACTERS", 20)
    with pytest.raises(WorkbenchError, match="over 20 characters of text"):
        parse_bytes(make(), name)


def test_txt_over_the_character_limit_is_refused(monkeypatch) -> None:
    monkeypatch.setattr(formats, "MAX_CHARACTERS", 1000)
    with pytest.raises(WorkbenchError, match="over 1,000 characters"):
        parse_bytes(("R: " + "woord " * 400).encode(), "lang.txt")


# ------------------------------------------------------------------------------------------- ODF
def test_spreadsheet_renamed_odt_is_refused() -> None:
    buffer = io.BytesIO()
    OpenDocumentSpreadsheet().write(buffer)
    with pytest.raises(WorkbenchError, match=r"spreadsheet \(\.ods\) renamed to \.odt"):
        parse_bytes(buffer.getvalue(), "tabel.odt")


def test_presentation_body_without_mimetype_is_refused() -> None:
    data = odt_with("<office:presentation><text:p>x</text:p></office:presentation>")
    data = rezip(data, {"mimetype": b"application/octet-stream"})
    with pytest.raises(WorkbenchError, match=r"no text body \(it is a \.odp renamed to \.odt\)"):
        parse_bytes(data, "dia.odt")


@pytest.mark.parametrize("tag", ["text:span", "text:section"])
def test_odt_nested_2000_deep_is_refused_cleanly(tag: str) -> None:
    inner = "<text:p>hallo</text:p>" if tag == "text:section" else "hallo"
    body = "<office:text>" + f"<{tag}>" * 2000 + inner + f"</{tag}>" * 2000 + "</office:text>"
    if tag == "text:span":
        body = body.replace("<office:text>", "<office:text><text:p>").replace("</office:text>", "</text:p></office:text>")
    with pytest.raises(WorkbenchError, match="not a valid .odt file"):
        parse_bytes(odt_with(body), "diep.odt")


def test_odt_nested_spans_and_notes_read_without_recursion() -> None:
    body = ("<office:text><text:h>Kop</text:h><text:p>R: een" + "<text:span>" * 200 + " diep"
            + "</text:span>" * 200 + " woord<text:tab/>en<text:line-break/>meer<text:s text:c='2'/>eind"
            "<text:note><text:note-body><text:p>noot</text:p></text:note-body></text:note>.</text:p></office:text>")
    doc = parse_bytes(odt_with(body), "noot.odt")
    assert doc.text == "Kop\nR: een diep woord\ten\nmeer  eindnoot."


def test_odt_space_count_is_capped() -> None:
    doc = parse_bytes(odt_with("<office:text><text:p>R: a<text:s text:c='100000'/>b</text:p></office:text>"),
                      "spaties.odt")
    assert doc.text == "R: a" + " " * formats.MAX_SPACES + "b"


# ------------------------------------------------------------------------------------------- spaCy
@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="=< a.\n\t", max_size=600))
def test_breakable_keeps_length_and_breaks_every_long_run(text: str) -> None:
    result = breakable(text)
    assert len(result) == len(text)
    assert all(a == b or b == " " for a, b in zip(text, result))
    assert all(len(run) <= LONG_RUN for run in result.split())


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet="ab .!\n", max_size=400), st.integers(4, 60), st.data())
def test_pieces_cover_the_range_in_order(text: str, size: int, data) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    found = list(pieces(text, start, end, size))
    if start == end:
        assert found == []
        return
    assert all(0 < p.end - p.start <= size for p in found)
    assert [p.start for p in found] == [start] + [p.end for p in found[:-1]]
    assert found[-1].end == end


@pytest.mark.parametrize("line", ["R: " + "=" * 20_000, "R: " + "<" * 29_000 + " en dan. Klaar."])
def test_long_runs_without_spaces_import(line: str) -> None:
    doc = parse_bytes(line.encode(), "lang.txt")
    assert doc.text == line and doc.turns[0].speaker == "R"
    assert_sentences_valid(doc)


def test_vtt_with_a_long_run_of_angle_brackets_imports() -> None:
    data = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Fatima>" + "<" * 29_000 + "\n"
    doc = parse_bytes(data.encode(), "haken.vtt")
    assert doc.turns[0].speaker == "Fatima" and doc.text.startswith("Fatima: <<<")


def test_block_over_a_million_characters_is_split_into_sentences() -> None:
    text = "Dit is een zin zonder einde en nog meer woorden. " * 22_000  # 1.08 M characters, one block
    doc = parse_bytes(text.encode(), "blok.txt")
    assert len(doc.text) > 1_000_000
    assert len(doc.sentences) == 22_000
    assert_sentences_valid(doc)


# ------------------------------------------------------------------------------------------- CSV, YAML, text
def test_codings_csv_with_cr_only_line_ends(project) -> None:
    data = b"document,start,end,code,coder\rria,0,9,distrust,ann\rria,10,20,link work,ann\r"
    segments = read_codings(project, data, "mac.csv")
    assert [(s.start, s.end) for s in segments] == [(0, 9), (10, 20)]


def test_cases_csv_with_cr_only_line_ends() -> None:
    rows, types = read_cases_csv(b"document,case,age\rria,Ria,73\rsem,Semhar,29\r", "mac.csv")
    assert [r.case for r in rows] == ["Ria", "Semhar"] and types == {"age": "number"}


def test_codings_csv_with_nul_is_refused(project) -> None:
    with pytest.raises(WorkbenchError, match="NUL"):
        read_codings(project, b"document,start,end,code,coder\nria,0,9,dis\x00trust,ann\n", "nul.csv")


@pytest.mark.parametrize("text", [
    "codes:\n" + "".join("  " * i + "- name: a\n" + "  " * i + "  children:\n" for i in range(2000)),
    "codes: " + "[" * 2000 + "]" * 2000,
    "codes:\n- name: x\n  children: " + "{a: " * 2000 + "1" + "}" * 2000,
])
def test_yaml_nested_2000_deep_is_refused(text: str) -> None:
    with pytest.raises(WorkbenchError, match="nested"):
        load_yaml(text, "diep.yaml")


def test_yaml_codes_deeper_than_the_limit_are_refused() -> None:
    text = "codes:\n" + "".join("  " * i + "- name: a\n" + "  " * i + "  children:\n" for i in range(40)) \
        + "  " * 40 + "- name: b\n"
    with pytest.raises(WorkbenchError, match="nested more than 30 levels"):
        load_yaml(text, "diep.yaml")


def test_yaml_with_non_text_keys_is_refused() -> None:
    with pytest.raises(WorkbenchError, match="unknown field"):
        load_yaml("codes:\n- name: a\n  1: x\n  zz: y\n", "sleutels.yaml")


def test_stray_nul_bytes_in_text_are_refused() -> None:
    with pytest.raises(WorkbenchError, match="NUL bytes"):
        parse_bytes(b"R: hallo\x00 daar, hoe gaat het? " * 50, "nul.txt")


def test_utf16_without_bom_still_imports() -> None:
    doc = parse_bytes("R: hallo daar, hoe gaat het?\n".encode("utf-16-le"), "zestien.txt")
    assert doc.text == "R: hallo daar, hoe gaat het?"
