"""Unit tests for the importers: every fixture file is built here, in pytest's ``tmp_path``."""

from __future__ import annotations

import codecs
import io
import random
import re
import zipfile
from pathlib import Path

import docx
import pytest
from odf.opendocument import OpenDocumentText
from odf.text import H, P, S, Tab
from pypdf import PdfReader, PdfWriter

from workbench.errors import WorkbenchError
from workbench.importers import parse_bytes, parse_path
from workbench.ingest import import_paths, import_sources
from workbench.store import create_project, open_project
from workbench.turns import label_end
from workbench.units import detect_language

BLANK_LINE = re.compile(r"\n[ \t]*\n")


# ----------------------------------------------------------------------------------------------- fixture builders
def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def make_pdf(lines: list[str]) -> bytes:
    """A minimal, valid one-page PDF whose text layer holds ``lines`` (Helvetica, WinAnsi), with a correct xref."""

    def literal(line: str) -> bytes:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return b"(" + escaped.encode("cp1252") + b")"

    operations = [b"BT", b"/F1 12 Tf", b"14 TL", b"72 720 Td"]
    for index, line in enumerate(lines):
        operations.append(literal(line) + (b" Tj" if index == 0 else b" '"))  # ' = next line, then show
    operations.append(b"ET")
    stream = b"\n".join(operations)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n" % (len(objects) + 1)
    out += b"0000000000 65535 f \n"
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref_at)
    return bytes(out)


def make_blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def make_docx() -> bytes:
    document = docx.Document()
    document.core_properties.title = "Interview Fatima"
    document.add_paragraph("Interview met Fatima")
    document.add_paragraph("")
    document.add_paragraph("Interviewer: Hoe lang woont u hier al?")
    document.add_paragraph("R: Al twintig jaar.")
    document.add_paragraph("Het is een fijne buurt.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Cel A1"
    table.cell(0, 1).text = "Cel B1"
    table.cell(1, 0).text = "Cel A2"
    table.cell(1, 1).text = "Cel B2"
    document.add_paragraph("Interviewer: Dank u wel.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


DOCX_TEXT = (
    "Interview met Fatima\n"
    "\n"
    "Interviewer: Hoe lang woont u hier al?\n"
    "R: Al twintig jaar.\n"
    "Het is een fijne buurt.\n"
    "Cel A1\nCel B1\nCel A2\nCel B2\n"
    "Interviewer: Dank u wel."
)


def make_odt() -> bytes:
    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text="Interview Jan"))
    document.text.addElement(P(text=""))
    document.text.addElement(P(text="Interviewer: Wat doet u hier?"))
    answer = P(text="R: Ik werk")
    answer.addElement(S(c=3))  # three spaces as one <text:s text:c="3"/>
    answer.addText("in de wijk.")
    answer.addElement(Tab())
    answer.addText("Al jaren.")
    document.text.addElement(answer)
    document.text.addElement(P(text="Interviewer: Dank u."))
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def assert_turns_agree(text: str, turns) -> None:
    """Every labelled turn's text begins with ``Speaker:`` and the turns are ordered, disjoint and in bounds."""
    previous_end = 0
    for turn in turns:
        assert previous_end <= turn.start < turn.end <= len(text)
        previous_end = turn.end
        if turn.speaker:
            assert text[turn.start:turn.end].startswith(turn.speaker + ":"), (turn, text[turn.start:turn.end])


def refusal(excinfo: pytest.ExceptionInfo[WorkbenchError]) -> str:
    message = str(excinfo.value)
    assert message and "\n" not in message, message
    return message


# ----------------------------------------------------------------------------------------------- plain text
@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        pytest.param("Interviewer: café – €5 ‘quote’ 😀\n".encode("utf-8"), "utf-8", id="utf-8"),
        pytest.param(codecs.BOM_UTF8 + "Interviewer: café – €5 ‘quote’ 😀\n".encode("utf-8"), "utf-8",
                     id="utf-8-bom"),
        pytest.param(codecs.BOM_UTF16_LE + "Interviewer: café – €5 ‘quote’ 😀\n".encode("utf-16-le"), "utf-16-le",
                     id="utf-16-le-bom"),
        pytest.param(codecs.BOM_UTF16_BE + "Interviewer: café – €5 ‘quote’ 😀\n".encode("utf-16-be"), "utf-16-be",
                     id="utf-16-be-bom"),
    ],
)
def test_txt_unicode_encodings(tmp_path: Path, data: bytes, encoding: str) -> None:
    doc = parse_path(write(tmp_path, "interview.txt", data))
    assert doc.text == "Interviewer: café – €5 ‘quote’ 😀"
    assert "\ufeff" not in doc.text
    assert doc.metadata["encoding"] == encoding
    assert [t.speaker for t in doc.turns] == ["Interviewer"]


def test_txt_legacy_cp1252(tmp_path: Path) -> None:
    data = "café – €5 ‘quote’ “dubbel” naïef".encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the fixture really is not UTF-8
    doc = parse_path(write(tmp_path, "oud.txt", data))
    assert doc.text == "café – €5 ‘quote’ “dubbel” naïef"
    assert doc.metadata["encoding"] == "cp1252"


def test_txt_utf16_without_bom_is_detected(tmp_path: Path) -> None:
    doc = parse_path(write(tmp_path, "zonder-bom.txt", "R: Dag allemaal, één twee.".encode("utf-16-le")))
    assert doc.text == "R: Dag allemaal, één twee."


def test_txt_line_endings_become_newlines(tmp_path: Path) -> None:
    data = b"Interviewer: een\r\nR: twee\rdrie\r\n\r\nvier\n"
    doc = parse_path(write(tmp_path, "regels.txt", data))
    assert doc.text == "Interviewer: een\nR: twee\ndrie\n\nvier"
    assert "\r" not in doc.text
    assert [doc.text[t.start:t.end] for t in doc.turns] == ["Interviewer: een", "R: twee\ndrie\n\nvier"]


def test_txt_line_endings_in_utf16(tmp_path: Path) -> None:
    data = codecs.BOM_UTF16_LE + "a\r\nb\rc".encode("utf-16-le")
    assert parse_path(write(tmp_path, "regels16.txt", data)).text == "a\nb\nc"


def test_txt_decomposed_text_is_stored_nfc(tmp_path: Path) -> None:
    doc = parse_path(write(tmp_path, "nfd.txt", "R: Rene\u0301 zei cafe\u0301.".encode("utf-8")))
    assert doc.text == "R: René zei café."
    assert "\u0301" not in doc.text
    assert len(doc.text) == len("R: René zei café.")


def test_same_text_in_different_encodings_has_one_hash(tmp_path: Path) -> None:
    utf8 = parse_bytes("R: café\n".encode("utf-8"), "a.txt")
    cp1252 = parse_bytes("R: café\r\n".encode("cp1252"), "b.txt")
    nfd = parse_bytes(codecs.BOM_UTF16_BE + "R: cafe\u0301".encode("utf-16-be"), "c.txt")
    assert utf8.sha256 == cp1252.sha256 == nfd.sha256


def test_md_is_read_literally(tmp_path: Path) -> None:
    source = ("# Interview\n\n**Interviewer**: <b>Hallo</b> &amp; welkom\n\n- punt een\n"
              "[link](https://example.org) `code`\n")
    doc = parse_path(write(tmp_path, "notities.md", source.encode("utf-8")))
    assert doc.text == source.rstrip("\n")
    assert doc.name == "notities"


def test_header_block_becomes_metadata(tmp_path: Path) -> None:
    source = "Interview Geuzenveld\nDatum: 17 maart 2026\nInterviewer: Marloes\n\nInterviewer: Zo.\nRia: Nou.\n"
    doc = parse_path(write(tmp_path, "ria.txt", source.encode()))
    assert doc.metadata["header"] == {"Datum": "17 maart 2026", "Interviewer": "Marloes"}
    assert [t.speaker for t in doc.turns] == ["Interviewer", "Ria"]


# ----------------------------------------------------------------------------------------------- docx / odt / pdf
def test_docx_paragraphs_table_and_turns(tmp_path: Path) -> None:
    doc = parse_path(write(tmp_path, "fatima.docx", make_docx()))
    assert doc.text == DOCX_TEXT
    assert doc.name == "fatima"
    assert doc.metadata.get("title") == "Interview Fatima"
    assert [t.speaker for t in doc.turns] == ["Interviewer", "R", "Interviewer"]
    assert doc.text[doc.turns[1].start:doc.turns[1].end] == (
        "R: Al twintig jaar.\nHet is een fijne buurt.\nCel A1\nCel B1\nCel A2\nCel B2")
    assert_turns_agree(doc.text, doc.turns)


def test_odt_paragraphs_spaces_tabs_and_turns(tmp_path: Path) -> None:
    doc = parse_path(write(tmp_path, "jan.odt", make_odt()))
    assert doc.text == (
        "Interview Jan\n\nInterviewer: Wat doet u hier?\nR: Ik werk   in de wijk.\tAl jaren.\nInterviewer: Dank u.")
    assert [t.speaker for t in doc.turns] == ["Interviewer", "R", "Interviewer"]
    assert_turns_agree(doc.text, doc.turns)


def test_pdf_with_text_layer(tmp_path: Path) -> None:
    data = make_pdf(["Interviewer: Hoe gaat het met u?", "R: Goed, dank u (echt waar)."])
    assert len(PdfReader(io.BytesIO(data), strict=True).pages) == 1  # the hand-made file is well-formed
    doc = parse_path(write(tmp_path, "gesprek.pdf", data))
    assert doc.text == "Interviewer: Hoe gaat het met u?\nR: Goed, dank u (echt waar)."
    assert doc.metadata["pages"] == 1
    assert [t.speaker for t in doc.turns] == ["Interviewer", "R"]


def test_pdf_without_text_layer_is_refused(tmp_path: Path) -> None:
    with pytest.raises(WorkbenchError) as excinfo:
        parse_path(write(tmp_path, "scan.pdf", make_blank_pdf()))
    message = refusal(excinfo)
    assert "scan.pdf" in message
    assert "no text layer" in message and "scanned" in message


# ----------------------------------------------------------------------------------------------- captions
VTT_VOICES = """WEBVTT

00:00:01.000 --> 00:00:03.000
<v Fatima>Hallo daar.

00:00:04.000 --> 00:00:06.000
<v Fatima>Nog iets</v>
op twee regels.

00:00:07.000 --> 00:00:08.000
<v.loud Interviewer>En toen?

01:02:03.000 --> 01:02:05.000
<v Fatima><i>Toen</i> niets.</v>
"""


def test_vtt_voice_tags(tmp_path: Path) -> None:
    doc = parse_path(write(tmp_path, "fatima.vtt", VTT_VOICES.encode()))
    assert doc.text == ("Fatima: Hallo daar. Nog iets op twee regels.\n\n"
                        "Interviewer: En toen?\n\n"
                        "Fatima: Toen niets.")
    assert [(t.speaker, t.timestamp, t.seconds) for t in doc.turns] == [
        ("Fatima", "00:00:01", 1.0),  # two cues joined, first cue's time
        ("Interviewer", "00:00:07", 7.0),
        ("Fatima", "01:02:03", 3723.0),
    ]
    assert doc.metadata["cues"] == 4
    assert_turns_agree(doc.text, doc.turns)


def test_vtt_name_prefix_in_cues(tmp_path: Path) -> None:
    source = ("WEBVTT\n\n"
              "00:00:01.000 --> 00:00:02.000\nInterviewer: Hoe gaat het?\n\n"
              "00:00:02.500 --> 00:00:04.000\nJan de Vries: Goed hoor.\n\n"
              "00:00:04.000 --> 00:00:05.000\nJan de Vries: Echt goed.\n\n"
              "00:00:05.000 --> 00:00:06.000\nInterviewer: Mooi.\n")
    doc = parse_path(write(tmp_path, "jan.vtt", source.encode()))
    assert doc.text == "Interviewer: Hoe gaat het?\n\nJan de Vries: Goed hoor. Echt goed.\n\nInterviewer: Mooi."
    assert [(t.speaker, t.timestamp, t.seconds) for t in doc.turns] == [
        ("Interviewer", "00:00:01", 1.0), ("Jan de Vries", "00:00:02", 2.0), ("Interviewer", "00:00:05", 5.0)]
    assert_turns_agree(doc.text, doc.turns)


SRT = """1
00:00:01,000 --> 00:00:03,000
Interviewer: Waar bent u geboren?

2
00:00:03,000 --> 00:00:05,000
R: In Tanger.

3
00:01:04,000 --> 00:01:07,000
R: En later
naar Amsterdam.
"""


@pytest.mark.parametrize("line_end", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_srt_name_prefix_cues(tmp_path: Path, line_end: str) -> None:
    doc = parse_path(write(tmp_path, "tanger.srt", SRT.replace("\n", line_end).encode()))
    assert doc.text == "Interviewer: Waar bent u geboren?\n\nR: In Tanger. En later naar Amsterdam."
    assert [(t.speaker, t.timestamp, t.seconds) for t in doc.turns] == [
        ("Interviewer", "00:00:01", 1.0), ("R", "00:00:03", 3.0)]
    assert_turns_agree(doc.text, doc.turns)


def test_caption_turn_offsets_survive_storage(tmp_path: Path) -> None:
    decomposed = VTT_VOICES.replace("Fatima", "Fe\u0301line").replace("niets", "cafe\u0301")
    with create_project(tmp_path / "p.wbproj") as project:
        import_sources(project, [("a.vtt", decomposed.encode()), ("b.srt", SRT.encode("utf-16"))])
        docs = project.documents()
        assert [d.turns for d in docs] == [3, 2]
        assert docs[0].speakers == ("Féline", "Interviewer")
        for info in docs:
            text = project.document_text(info.id)
            turns = project.turns(info.id)[info.id]
            assert_turns_agree(text, turns)
            for turn in turns:
                assert re.match(re.escape(turn.speaker) + r": \S", text[turn.start:turn.end])


def test_vtt_voice_cue_drops_inline_timestamp_tags() -> None:
    source = ("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Fatima>Eerst dit <00:00:02.000>en dan dat.</v>\n\n"
              "00:00:05.000 --> 00:00:06.000\nJan: Eerst dit <00:00:05.500>en dan dat.\n")
    doc = parse_bytes(source.encode(), "karaoke.vtt")
    assert doc.text == "Fatima: Eerst dit en dan dat.\n\nJan: Eerst dit en dan dat."


def test_vtt_character_references_are_decoded() -> None:
    source = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Fatima>Tom &amp; Jerry &lt;3\n"
    assert parse_bytes(source.encode(), "tekens.vtt").text == "Fatima: Tom & Jerry <3"


def test_vtt_speech_with_colon_is_not_a_speaker() -> None:
    source = ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nFatima: Hij vroeg of ik kwam.\n\n"
              "00:00:03.000 --> 00:00:04.000\nDus ik zei: nee\n")
    doc = parse_bytes(source.encode(), "citaat.vtt")
    assert [t.speaker for t in doc.turns if t.speaker] == ["Fatima"]


# ----------------------------------------------------------------------------------------------- refusals
def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


GARBAGE = random.Random(1234).randbytes(3000)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00\x5c\x72\xa8\x66"


@pytest.mark.parametrize(
    ("filename", "data", "expected"),
    [
        pytest.param("leeg.txt", b"", "leeg.txt is empty", id="empty"),
        pytest.param("wit.txt", b" \r\n\t\n   \n", "wit.txt is empty", id="whitespace-only"),
        pytest.param("wit16.txt", codecs.BOM_UTF16_LE + " \n\t".encode("utf-16-le"), "wit16.txt contains no text",
                     id="whitespace-only-utf16"),
        pytest.param("plaatje.txt", PNG, "plaatje.txt looks like a binary file", id="binary-png"),
        pytest.param("ruis.md", GARBAGE, "ruis.md looks like a binary file", id="binary-random"),
        pytest.param("kapot.docx", GARBAGE, "kapot.docx is not a valid .docx file", id="corrupt-docx"),
        pytest.param("leeg.docx", _zip({"foo.xml": b"<x/>"}), "no word/document.xml inside", id="docx-wrong-zip"),
        pytest.param("stuk.docx", _zip({"[Content_Types].xml": b"<Types", "word/document.xml": b"<w:document"}),
                     "stuk.docx", id="docx-broken-xml"),
        pytest.param("kapot.odt", GARBAGE, "kapot.odt is not a valid .odt file", id="corrupt-odt"),
        pytest.param("leeg.odt", _zip({"mimetype": b"application/vnd.oasis.opendocument.text"}),
                     "no content.xml inside", id="odt-wrong-zip"),
        pytest.param("kapot.pdf", GARBAGE, "kapot.pdf is not a valid PDF file", id="corrupt-pdf"),
        pytest.param("half.pdf", b"%PDF-1.4\n" + GARBAGE, "half.pdf", id="corrupt-pdf-with-header"),
        pytest.param("oud.doc", b"Interviewer: hallo", "unsupported file type .doc", id="ext-doc"),
        pytest.param("opmaak.rtf", b"{\\rtf1 hallo}", "unsupported file type .rtf", id="ext-rtf"),
        pytest.param("README", b"Interviewer: hallo", "unsupported file type (none)", id="no-extension"),
        pytest.param("zonder-kop.vtt", b"00:00:01.000 --> 00:00:02.000\nFatima: hoi\n", "not a valid VTT file",
                     id="vtt-no-header"),
        pytest.param("kaal.vtt", b"WEBVTT\n\n", "has no cues", id="vtt-no-cues"),
        pytest.param("fout.srt", b"1\nhallo daar\n\n", "not a valid SRT file", id="srt-invalid"),
    ],
)
def test_refusals(tmp_path: Path, filename: str, data: bytes, expected: str) -> None:
    with pytest.raises(WorkbenchError) as excinfo:
        parse_path(write(tmp_path, filename, data))
    message = refusal(excinfo)
    assert expected in message
    assert filename in message


def test_corrupt_pdf_truncated(tmp_path: Path) -> None:
    data = make_pdf(["R: Dit bestand is afgebroken."])
    with pytest.raises(WorkbenchError) as excinfo:
        parse_path(write(tmp_path, "afgebroken.pdf", data[: len(data) // 3]))
    assert "afgebroken.pdf" in refusal(excinfo)


def test_file_over_size_limit_from_disk(tmp_path: Path) -> None:
    path = write(tmp_path, "groot.txt", b"R: " + b"x" * 2000)
    with pytest.raises(WorkbenchError) as excinfo:
        parse_path(path, max_mb=0.001)
    message = refusal(excinfo)
    assert "groot.txt" in message and "over the limit of 0.001 MB" in message and "raise the size limit" in message
    assert excinfo.value.cli == "max_mb"  # the command line adds its flag
    assert parse_path(path).text.startswith("R: x")  # fine under the default limit


def test_bytes_over_size_limit(tmp_path: Path) -> None:
    with pytest.raises(WorkbenchError) as excinfo:
        parse_bytes(make_docx(), "groot.docx", max_mb=0.001)
    assert "over the limit" in refusal(excinfo)


def test_missing_file_refused(tmp_path: Path) -> None:
    with pytest.raises(WorkbenchError) as excinfo:
        parse_path(tmp_path / "bestaat-niet.txt")
    assert "no file at" in refusal(excinfo)


def test_unsupported_language_refused() -> None:
    with pytest.raises(WorkbenchError) as excinfo:
        parse_bytes(b"R: hallo", "a.txt", language="fr")
    assert "'fr' is not supported" in refusal(excinfo)


# ----------------------------------------------------------------------------------------------- ingest
GOOD = "Interviewer: Hoe gaat het?\n\nR: Goed, dank je.\n"


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    path = tmp_path / "studie.wbproj"
    with create_project(path) as project:
        import_sources(project, [("eerste.txt", GOOD.encode())])
    return path


def test_same_content_twice_is_refused(project_path: Path) -> None:
    with open_project(project_path) as project:
        again = GOOD.replace("\n", "\r\n").encode("cp1252")  # other bytes, same normalised text
        with pytest.raises(WorkbenchError) as excinfo:
            import_sources(project, [("tweede.txt", again)])
        message = refusal(excinfo)
        assert "tweede.txt" in message and "'eerste'" in message and "same content" in message
        assert [d.name for d in project.documents()] == ["eerste"]


def test_same_content_twice_within_one_import_is_refused(tmp_path: Path) -> None:
    with create_project(tmp_path / "p.wbproj") as project:
        with pytest.raises(WorkbenchError) as excinfo:
            import_sources(project, [("a.txt", b"R: hallo"), ("b.txt", b"R: hallo\n")])
        assert "b.txt has the same content as a.txt" in refusal(excinfo)
        assert project.documents() == []


BAD_BATCHES = {
    "empty-file": [("goed.txt", b"R: prima"), ("leeg.txt", b""), ("ook-goed.md", b"R: ook prima")],
    "corrupt-docx": [("goed.txt", b"R: prima"), ("kapot.docx", GARBAGE)],
    "scanned-pdf": [("goed.txt", b"R: prima"), ("scan.pdf", make_blank_pdf())],
    "unknown-type": [("goed.txt", b"R: prima"), ("oud.doc", b"R: oud")],
    "duplicate-of-stored": [("goed.txt", b"R: prima"), ("kopie.txt", GOOD.encode())],
    "duplicate-name": [("goed.txt", b"R: prima"), ("map/goed.md", b"R: iets anders")],
    "existing-name": [("goed.txt", b"R: prima"), ("eerste.md", b"R: andere inhoud")],
}


@pytest.mark.parametrize("batch", list(BAD_BATCHES), ids=list(BAD_BATCHES))
def test_one_bad_file_stores_nothing(project_path: Path, batch: str) -> None:
    with open_project(project_path) as project:
        documents_before = project.documents()
        stats_before = project.stats()
    bytes_before = project_path.read_bytes()

    with open_project(project_path) as project:
        with pytest.raises(WorkbenchError) as excinfo:
            import_sources(project, BAD_BATCHES[batch])
        refusal(excinfo)
        assert project.documents() == documents_before
        assert project.stats() == stats_before
    assert project_path.read_bytes() == bytes_before
    assert not Path(f"{project_path}-wal").exists()


def test_import_paths_one_bad_file_stores_nothing(project_path: Path, tmp_path: Path) -> None:
    good = write(tmp_path, "in/goed.txt", b"Interviewer: hoi\nR: hallo")
    good_docx = write(tmp_path, "in/fatima.docx", make_docx())
    bad = write(tmp_path, "in/kapot.odt", GARBAGE)
    bytes_before = project_path.read_bytes()
    with open_project(project_path) as project:
        with pytest.raises(WorkbenchError) as excinfo:
            import_paths(project, [good, good_docx, bad])
        assert "kapot.odt" in refusal(excinfo)
        assert [d.name for d in project.documents()] == ["eerste"]
    assert project_path.read_bytes() == bytes_before
    with open_project(project_path) as project:  # without the bad file the same import goes through
        import_paths(project, [good, good_docx])
        assert [d.name for d in project.documents()] == ["eerste", "goed", "fatima"]


def test_duplicate_names_within_one_import_refused(tmp_path: Path) -> None:
    with create_project(tmp_path / "p.wbproj") as project:
        with pytest.raises(WorkbenchError) as excinfo:
            import_sources(project, [("a/interview.txt", b"R: een"), ("b/interview.md", b"R: twee")])
        message = refusal(excinfo)
        assert "'interview'" in message and "interview.txt" in message and "interview.md" in message
        assert project.documents() == []


def test_name_override_for_single_file(tmp_path: Path) -> None:
    with create_project(tmp_path / "p.wbproj") as project:
        parsed = import_sources(project, [("bestand_03.txt", GOOD.encode())], name="Ria (bewoner)")
        assert [d.name for d in parsed] == ["Ria (bewoner)"]
        [info] = project.documents()
        assert (info.name, info.source_name) == ("Ria (bewoner)", "bestand_03.txt")
        assert info.speakers == ("Interviewer", "R")


def test_name_override_refused_for_several_files(tmp_path: Path) -> None:
    with create_project(tmp_path / "p.wbproj") as project:
        with pytest.raises(WorkbenchError) as excinfo:
            import_sources(project, [("a.txt", b"R: een"), ("b.txt", b"R: twee")], name="Samen")
        assert "a name can only be given when importing a single file" in refusal(excinfo)
        assert project.documents() == []


def test_import_stores_text_turns_and_units(tmp_path: Path) -> None:
    with create_project(tmp_path / "p.wbproj") as project:
        [parsed] = import_sources(project, [("fatima.docx", make_docx())])
        [info] = project.documents()
        assert project.document_text(info.id) == DOCX_TEXT == parsed.text
        assert project.turns(info.id)[info.id] == parsed.turns
        assert project.units("sentence", info.id)[info.id] == parsed.sentences
        assert info.characters == len(DOCX_TEXT) and info.sha256 == parsed.sha256
        assert project.stats()["documents"] == 1


# ----------------------------------------------------------------------------------------------- sentences
DUTCH = """Interview Geuzenveld
Datum: 17 maart 2026

Interviewer: Hoe lang woont u hier al? Vertel eens.

R: Sinds achtenzestig. Mei achtenzestig. Henk en ik waren net getrouwd.
Toen kregen we deze flat. Wij waren zó blij!

Een douche! Dat hadden we nooit gehad.
Interviewer: En nu? Is het nog steeds goed?
[00:12:03] Jan de Vries: Nou, dat is een lastige vraag. Ik weet het niet.
I: Dank u wel. Dat was het.
"""

ENGLISH = """Interviewer: How long have you lived here? Tell me about it.

R: Since sixty-eight. We had just married, and then we got this flat. We were so happy with it!
It was the first place that was ours, and the children could play outside on the grass.
"""


def test_sentences_dutch(tmp_path: Path) -> None:
    doc = parse_path(write(tmp_path, "nl.txt", DUTCH.encode()))
    text = doc.text
    assert doc.language == "nl"
    assert len(doc.sentences) >= 12
    labels = [(turn.start, label_end(text, turn)) for turn in doc.turns]
    assert [text[a:b] for a, b in labels] == ["Interviewer: ", "R: ", "Interviewer: ", "[00:12:03] Jan de Vries: ",
                                              "I: "]
    previous_end = 0
    for span in doc.sentences:
        assert 0 <= previous_end <= span.start < span.end <= len(text)
        previous_end = span.end
        sentence = text[span.start:span.end]
        assert sentence.strip(), span
        assert not BLANK_LINE.search(sentence), sentence
        for start, end in labels:
            assert span.end <= start or span.start >= end, (sentence, text[start:end])
        assert not re.search(r"(?m)^\s*(?:\[[\d:]+\]\s*)?(?:Interviewer|R|I|Jan de Vries):", sentence), sentence
    found = {text[s.start:s.end].strip() for s in doc.sentences}
    assert {"Hoe lang woont u hier al?", "Vertel eens.", "Sinds achtenzestig.", "Een douche!",
            "Nou, dat is een lastige vraag.", "Dat was het."} <= found


def test_sentences_english() -> None:
    doc = parse_bytes(ENGLISH.encode(), "en.txt")
    assert doc.language == "en"
    found = [doc.text[s.start:s.end].strip() for s in doc.sentences]
    assert found[:3] == ["How long have you lived here?", "Tell me about it.", "Since sixty-eight."]
    assert not any(":" in sentence for sentence in found)


def test_language_detection() -> None:
    assert detect_language(DUTCH) == "nl"
    assert detect_language(ENGLISH) == "en"
    assert parse_bytes(ENGLISH.encode(), "en.txt", language="nl").language == "nl"  # explicit choice wins


def test_sentence_spans_are_trimmed() -> None:
    doc = parse_bytes(DUTCH.encode(), "nl.txt")
    for span in doc.sentences:
        sentence = doc.text[span.start:span.end]
        assert sentence == sentence.strip(), repr(sentence)
