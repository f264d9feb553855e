"""Reading REFI-QDA as other tools write it: the real NVivo 12 sample and one test per known variation."""

from __future__ import annotations

import io
import re
import threading
import zipfile
from pathlib import Path

import pytest

from workbench.errors import WorkbenchError
from workbench.exchange.positions import SourceText, choose, is_boundary, map_span
from workbench.exchange.qdpx_read import read_qdc, read_qdpx
from workbench.exchange.tidy import tidy

SAMPLE = Path("/work/shared/refi-qda/samples/nvivo12-windows-hungarian.qdpx")
if not SAMPLE.exists():
    SAMPLE = Path(__file__).parent / "data" / "nvivo12-windows-hungarian.qdpx"

USER = "29518289-d0e3-447b-b7dd-ae1d8cd880a0"
CODE = "5067d381-1dc9-4816-81dd-ae1dbfea2ad7"
SOURCE = "ddbebe1b-306f-4271-acdd-ae1da7c06fcd"


def qdpx(qde: str, files: dict[str, bytes] | None = None, qde_name: str = "project.qde") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(qde_name, qde.encode("utf-8"))
        for name, data in (files or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def project(sources: str, ns: str = "urn:QDA-XML:project:1.0", codes: str | None = None, extra: str = "") -> str:
    codes = codes if codes is not None else f'<Code guid="{CODE}" name="trust" isCodable="true" color="#FF0000"/>'
    return (f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="{ns}" name="t" {extra}>'
            f'<Users><User guid="{USER}" name="Ann"/></Users><CodeBook><Codes>{codes}</Codes></CodeBook>'
            f"<Sources>{sources}</Sources></Project>")


def selection(start: int, end: int, guid: str = "11111111-2222-3333-4444-555555555555", code: str = CODE) -> str:
    return (f'<PlainTextSelection guid="{guid}" startPosition="{start}" endPosition="{end}" creatingUser="{USER}">'
            f'<Coding guid="{guid[:-4]}9999"><CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>')


def texts(bundle) -> list[str]:
    docs = {d.guid: d.text for d in bundle.documents}
    return [docs[s.document][s.start:s.end] for s in bundle.segments]


# ------------------------------------------------------------------------------------------- the NVivo sample
def _expected_nvivo_selections() -> list[tuple[str, str]]:
    """Independent oracle: slice the plain-text file the way NVivo counts (UTF-16 code units after the BOM, a CRLF
    as two), then normalise line ends; one (code GUID, text) per selection."""
    with zipfile.ZipFile(SAMPLE) as archive:
        qde = archive.read("project.qde").decode("utf-8")
        expected = []
        for guid, body in re.findall(r'<TextSource [^>]*guid="([^"]+)"[^>]*>(.*?)</TextSource>', qde, re.S):
            raw = archive.read(f"Sources/{guid}.txt")
            units = raw.decode("utf-8-sig").encode("utf-16-le")
            for attrs, inner in re.findall(r"<PlainTextSelection ([^>]*)>(.*?)</PlainTextSelection>", body, re.S):
                start = int(re.search(r'startPosition="(\d+)"', attrs).group(1))
                end = int(re.search(r'endPosition="(\d+)"', attrs).group(1))
                code = re.search(r'CodeRef targetGUID="([^"]+)"', inner).group(1).upper()
                expected.append((code, units[2 * start:2 * end].decode("utf-16-le").replace("\r\n", "\n")))
    return expected


@pytest.mark.skipif(not SAMPLE.exists(), reason="the NVivo sample is not available")
def test_nvivo_sample_every_selection_gives_the_text_nvivo_shows() -> None:
    bundle, report = read_qdpx(SAMPLE.read_bytes(), SAMPLE.name)
    expected = _expected_nvivo_selections()
    assert len(expected) == 330 and len(bundle.segments) == 330
    assert sorted(zip((s.code for s in bundle.segments), texts(bundle))) == sorted(expected)
    assert {u for u in {s.coder for s in bundle.segments}} <= {"Gergo", "floriansipos", "test_user"}
    assert len(bundle.codes) == 152 and len(bundle.documents) == 2
    assert any("\U0001F602" in d.text or any(ord(ch) > 0xFFFF for ch in d.text) for d in bundle.documents)
    [reading] = report.positions  # only one source has selections
    assert reading["convention"].startswith("UTF-16 code units, a CRLF as two, no BOM counted")


@pytest.mark.skipif(not SAMPLE.exists(), reason="the NVivo sample is not available")
def test_nvivo_repeated_spans_per_code_and_merging_of_one_coders_overlaps() -> None:
    bundle, report = read_qdpx(SAMPLE.read_bytes(), SAMPLE.name)
    spans = [(s.document, s.start, s.end) for s in bundle.segments]
    assert len(set(spans)) < len(spans)  # NVivo repeats a span once per code
    before = len(bundle.segments)
    tidy(bundle, report)
    keys = [(s.document, s.code, s.coder) for s in bundle.segments]
    for key in set(keys):
        mine = sorted((s.start, s.end) for s in bundle.segments if (s.document, s.code, s.coder) == key)
        assert all(e1 <= s2 for (_, e1), (s2, _) in zip(mine, mine[1:]))
    merged = report.imported.get("overlapping selections merged", 0)
    assert len(bundle.segments) == before - merged


# ------------------------------------------------------------------------------------------- positions
def test_position_conventions_are_detected_by_word_boundaries() -> None:
    raw = "\ufeffIntro 😀 line\r\nSecond 😀😀 line with words\r\nThird line here"
    text = SourceText(raw)
    assert text.text == "Intro 😀 line\nSecond 😀😀 line with words\nThird line here"
    words = ["line", "Second", "words", "Third", "here"]
    targets = [(text.text.index(w), text.text.index(w) + len(w)) for w in words]

    def units(index: int, crlf_two: bool, utf16: bool) -> int:
        prefix = text.text[:index]
        count = len(prefix.encode("utf-16-le")) // 2 if utf16 else len(prefix)
        return count + (prefix.count("\n") if crlf_two else 0)

    for crlf_two, utf16, name in ((True, True, "UTF-16 code units, a CRLF as two"),
                                  (False, False, "code points, a CRLF as one"),
                                  (True, False, "code points, a CRLF as two")):
        spans = [(units(s, crlf_two, utf16), units(e, crlf_two, utf16)) for s, e in targets]
        reading = choose(text, spans)
        assert reading.convention.describe().startswith(name)
        assert [text.text[a:b] for a, b in (map_span(text, reading.convention, s, e) for s, e in spans)] == words


def test_boundaries() -> None:
    assert is_boundary("ab cd", 0) and is_boundary("ab cd", 2) and not is_boundary("ab cd", 1)
    assert is_boundary("ab cd", 5)


# ------------------------------------------------------------------------------------------- variations
@pytest.mark.parametrize("ns", ["urn:QDA-XML:project:1.0", "urn:QDA-XML:project:1:0", "urn:QDA-XML:project:0:4"])
def test_namespace_versions(ns: str) -> None:
    qde = project(f'<TextSource guid="{SOURCE}" name="s"><PlainTextContent>Hello world</PlainTextContent>'
                  f"{selection(6, 11)}</TextSource>", ns=ns)
    bundle, _ = read_qdpx(qdpx(qde), "x.qdpx")
    assert texts(bundle) == ["world"]
    assert bundle.codes[0].colour == "#FF0000" and bundle.segments[0].coder == "Ann"


def test_guids_with_braces_in_any_case_and_sources_folder_in_either_case() -> None:
    braced = "{" + CODE.upper() + "}"
    sources = (f'<TextSource guid="{{{SOURCE.upper()}}}" name="a" plainTextPath="internal://{SOURCE}.txt">'
               f"{selection(0, 5, code=braced)}</TextSource>"
               f'<TextSource guid="{SOURCE[:-1]}0" name="b" plainTextPath="internal://b.txt">'
               f"{selection(6, 11, guid='11111111-2222-3333-4444-555555555556', code=CODE.upper())}</TextSource>")
    data = qdpx(project(sources), {f"Sources/{SOURCE}.txt": b"Hello world", "sources/b.txt": b"Other words"})
    bundle, _ = read_qdpx(data, "x.qdpx")
    assert texts(bundle) == ["Hello", "words"]
    assert {s.code for s in bundle.segments} == {CODE.upper()}
    assert bundle.documents[0].guid == SOURCE.upper()


def test_atlas_ti_project_file_name() -> None:
    qde = project(f'<TextSource guid="{SOURCE}" name="s"><PlainTextContent>Hello world</PlainTextContent>'
                  "</TextSource>")
    bundle, _ = read_qdpx(qdpx(qde, qde_name="My Study.qde"), "atlas.qdpx")
    assert [d.text for d in bundle.documents] == ["Hello world"]


def test_qualcoder_extra_attributes_are_ignored() -> None:
    sources = (f'<TextSource guid="{SOURCE}" name="s" qualcoder:id="7" xmlns:qualcoder="urn:qualcoder" '
               f'plainTextPath="internal://{SOURCE}.txt">{selection(0, 5)}</TextSource>')
    bundle, report = read_qdpx(qdpx(project(sources, extra='origin="QualCoder 3.5"'),
                                    {f"sources/{SOURCE}.txt": b"Hello world"}), "q.qdpx")
    assert texts(bundle) == ["Hello"] and not report.not_imported


def test_missing_plain_text_is_read_from_the_docx(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Hello world")
    buffer = io.BytesIO()
    document.save(buffer)
    sources = (f'<TextSource guid="{SOURCE}" name="s" plainTextPath="internal://{SOURCE}.txt" '
               f'richTextPath="internal://{SOURCE}.docx">{selection(6, 11)}</TextSource>')
    for files in ({f"sources/{SOURCE}.docx": buffer.getvalue()},
                  {f"sources/{SOURCE}.docx": buffer.getvalue(), f"sources/{SOURCE}.txt": b""}):
        bundle, report = read_qdpx(qdpx(project(sources), files), "d.qdpx")
        assert texts(bundle) == ["world"]
        assert any(".docx" in c for c in report.conversions)


def test_codes_without_sources_give_the_codebook() -> None:
    codes = (f'<Code guid="{CODE}" name="parent" isCodable="true"><Description>Def.\n\nWhen to use: often'
             '</Description><Code guid="{AAAAAAAA-1111-2222-3333-444444444444}" name="child" isCodable="false"/>'
             "</Code>")
    qde = (f'<Project xmlns="urn:QDA-XML:project:1.0" name="t"><CodeBook><Codes>{codes}</Codes></CodeBook>'
           "</Project>")
    bundle, _ = read_qdpx(qdpx(qde), "c.qdpx")
    assert [(c.name, c.parent) for c in bundle.codes] == [("parent", None), ("child", CODE.upper())]
    assert bundle.codes[0].definition == "Def." and bundle.codes[0].when_to_use == "often"
    assert not bundle.documents


def test_media_sources_and_unknown_elements_are_reported() -> None:
    sources = ('<PictureSource guid="22222222-2222-3333-4444-555555555555" name="p"><PictureSelection '
               'guid="33333333-2222-3333-4444-555555555555" firstX="0" firstY="0" secondX="1" secondY="1"/>'
               '</PictureSource><Gadget/>')
    bundle, report = read_qdpx(qdpx(project(sources)), "m.qdpx")
    whats = {entry["what"]: entry["count"] for entry in report.not_imported}
    assert whats["pictures"] == 1 and whats["selections in pictures"] == 1 and whats["<Gadget> elements"] == 1


def test_taguette_codebook_with_empty_sets() -> None:
    qdc = ('<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="Taguette">'
           f'<Codes><Code guid="{CODE}" name="interesting" isCodable="true" color="#aabbcc">'
           "<Description>Worth a look</Description></Code></Codes><Sets/></CodeBook>")
    bundle, report = read_qdc(qdc.encode("utf-8"), "taguette.qdc")
    assert [(c.name, c.colour, c.definition) for c in bundle.codes] == [("interesting", "#aabbcc", "Worth a look")]
    assert not report.not_imported


def test_not_a_qdpx() -> None:
    with pytest.raises(WorkbenchError, match="not a QDPX"):
        read_qdpx(b"plain text", "x.qdpx")
    with pytest.raises(WorkbenchError, match="no project.qde"):
        read_qdpx(qdpx("<x/>", qde_name="readme.txt"), "x.qdpx")
    with pytest.raises(WorkbenchError, match="not valid XML"):
        read_qdpx(qdpx("<Project"), "x.qdpx")


def test_overlapping_selections_of_one_code_by_one_coder_are_merged_and_counted() -> None:
    sources = (f'<TextSource guid="{SOURCE}" name="s"><PlainTextContent>Hello wide world out there</PlainTextContent>'
               f"{selection(0, 10)}{selection(6, 16, guid='11111111-2222-3333-4444-555555555556')}"
               f"{selection(16, 20, guid='11111111-2222-3333-4444-555555555557')}</TextSource>")
    bundle, report = read_qdpx(qdpx(project(sources)), "o.qdpx")
    tidy(bundle, report)
    assert texts(bundle) == ["Hello wide world", " out"]  # touching is not overlap
    assert report.imported["overlapping selections merged"] == 1
    assert any("1 overlapping selections" in c for c in report.conversions)


def _unknown_oracle(qde: str) -> dict[str, int]:
    """The documented rule, walked independently: every element not in REFI-QDA 1.5, except inside a text
    selection, where only its children and grandchildren count."""
    from lxml import etree

    from workbench.exchange.qdpx_unknown import KNOWN

    root = etree.fromstring(qde.encode("utf-8").replace(b' xmlns="urn:QDA-XML:project:1.0"', b""))
    counts: dict[str, int] = {}
    for element in root.iter():
        depth, parent, inside = 0, element.getparent(), None
        while parent is not None:
            depth += 1
            if parent.tag == "PlainTextSelection" and parent.getparent() is not None and \
                    parent.getparent().getparent() is not None and parent.getparent().getparent().tag == "Sources":
                inside = depth
            parent = parent.getparent()
        if element.tag not in KNOWN and (inside is None or inside <= 2):
            counts[element.tag] = counts.get(element.tag, 0) + 1
    return counts


def test_unknown_elements_are_counted_everywhere_they_are_looked_for() -> None:
    odd = "<Odd><Deeper/></Odd>"
    coded = (f'<PlainTextSelection guid="{{guid}}" startPosition="{{start}}" endPosition="{{end}}" '
             f'creatingUser="{USER}"><Coding guid="{{guid}}"><CodeRef targetGUID="{CODE}"/><InCoding>{odd}'
             f'</InCoding></Coding><Description>memo<InMemo/></Description><Extra>{odd}</Extra>'
             f'<NoteRef targetGUID="{CODE}"><InNote/></NoteRef></PlainTextSelection>')

    def sel(n: int, start: int, end: int) -> str:
        return coded.format(guid=f"{n:08d}-2222-3333-4444-555555555555", start=start, end=end)

    sources = (f'<TextSource guid="{SOURCE}" name="a"><PlainTextContent>Hello world, hello.</PlainTextContent>'
               f'{sel(1, 0, 5)}{sel(2, 50, 60)}<Stray>{odd}</Stray></TextSource>'
               f'<TextSource guid="aaaaaaaa-2222-3333-4444-555555555555" name="no text">{sel(3, 0, 1)}</TextSource>'
               f'<TextSource guid="bbbbbbbb-2222-3333-4444-555555555555" name="blank"><PlainTextContent>  '
               f'</PlainTextContent>{sel(4, 0, 1)}</TextSource>'
               f'<PictureSource guid="cccccccc-2222-3333-4444-555555555555" name="p">{sel(5, 0, 1)}</PictureSource>'
               f'<OddSource>{sel(6, 0, 1)}</OddSource>'
               f'<TextSource guid="dddddddd-2222-3333-4444-555555555555" name="uncoded"><PlainTextContent>x y'
               f'</PlainTextContent><PlainTextSelection guid="{7:08d}-2222-3333-4444-555555555555" '
               f'startPosition="0" endPosition="1"><Lonely>{odd}</Lonely></PlainTextSelection></TextSource>')
    qde = project(sources, extra='origin="elsewhere"') + ""
    qde = qde.replace("</Project>", f"<Top>{odd}</Top></Project>")
    _, report = read_qdpx(qdpx(qde), "u.qdpx")
    found = {e["what"][1:-len("> elements")]: e["count"] for e in report.not_imported
             if e["why"] == "not part of REFI-QDA 1.5"}
    expected = _unknown_oracle(qde)
    assert found == expected
    assert expected["Odd"] > 0 and "InMemo" in expected and "Lonely" in expected and "OddSource" in expected
    assert "Deeper" in expected  # outside selections, or as a grandchild of one
    unknown_entries = [e for e in report.not_imported if e["why"] == "not part of REFI-QDA 1.5"]
    assert report.not_imported[:len(unknown_entries)] == unknown_entries  # listed first, by tag
    assert [e["what"] for e in unknown_entries] == sorted(e["what"] for e in unknown_entries)


@pytest.mark.parametrize("sel_guid, code, coding_user, selection_user, stamps", [
    ("11111111-2222-3333-4444-555555555555", CODE, USER, "", ("2020-01-01T00:00:00Z", "")),
    ("{11111111-2222-3333-4444-55555555555a}", CODE.upper(), "", USER, ("", "2021-02-02T00:00:00Z")),
    ("not-a-guid", "{" + CODE + "}", "", "", ("", "")),
    ("11111111-2222-3333-4444-555555555555", "99999999-2222-3333-4444-555555555555", USER, USER, ("", "")),
])
def test_a_selection_of_one_coding_reads_as_the_general_path_does(sel_guid, code, coding_user, selection_user,
                                                                   stamps) -> None:
    """The one-Coding selection is read in fewer steps; an extra unknown child sends the same selection through the
    general path, and both give the same segments and report (the unknown element apart)."""
    def source(extra: str) -> str:
        coding_attrs = (f' creatingUser="{coding_user}"' if coding_user else "") + (
            f' creationDateTime="{stamps[0]}"' if stamps[0] else "")
        selection_attrs = (f' creatingUser="{selection_user}"' if selection_user else "") + (
            f' creationDateTime="{stamps[1]}"' if stamps[1] else "")
        return (f'<TextSource guid="{SOURCE}" name="a" plainTextPath="internal://{SOURCE}.txt">'
                f'<PlainTextSelection guid="{sel_guid}" startPosition="0" endPosition="5"{selection_attrs}>'
                f'<Coding guid="22222222-2222-3333-4444-555555555555"{coding_attrs}><CodeRef targetGUID="{code}"/>'
                f"</Coding>{extra}</PlainTextSelection></TextSource>")

    results = []
    for extra in ("", "<Extra/>"):
        data = qdpx(project(source(extra)), {f"sources/{SOURCE}.txt": b"Hello world"})
        bundle, report = read_qdpx(data, "x.qdpx")
        report.not_imported = [e for e in report.not_imported if "Extra" not in e["what"]]
        results.append((bundle.segments, report.as_dict()))
    assert results[0] == results[1]
    segments, report = results[0]
    if code.startswith("9999"):
        assert segments == [] and any(e["what"] == "codings" for e in report["not_imported"])
    else:
        assert [(s.start, s.end, s.code, s.coder) for s in segments] == [
            (0, 5, CODE.upper(), "Ann" if coding_user or selection_user else "unknown coder")]
        assert segments[0].created == (stamps[0] or stamps[1])


@pytest.mark.parametrize("member", ["project.qde", f"sources/{SOURCE}.txt"])
def test_a_damaged_archive_member_is_refused_in_one_line(member: str) -> None:
    sources = (f'<TextSource guid="{SOURCE}" name="a" plainTextPath="internal://{SOURCE}.txt">'
               f"{selection(0, 5)}</TextSource>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", project(sources).encode("utf-8"))
        archive.writestr(f"sources/{SOURCE}.txt", b"Hello world, " * 200)
    data = bytearray(buffer.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo(member)
    body = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[body + info.compress_size // 2] ^= 0xFF  # one byte of the compressed data flipped
    with pytest.raises(WorkbenchError, match="damaged in the archive") as caught:
        read_qdpx(bytes(data), "x.qdpx")
    assert "\n" not in str(caught.value)


def _large_source(words: int = 400_000) -> str:
    """A source of several MB inline: its project.qde is unpacked and parsed a chunk at a time."""
    text = " ".join(f"woord{i % 997}" for i in range(words))
    return (f'<TextSource guid="{SOURCE}" name="a"><PlainTextContent>{text}</PlainTextContent>'
            f"{selection(0, 5)}</TextSource>")


def _unpacking_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "unpack" and t.is_alive()]


def test_a_large_project_file_is_read_while_it_unpacks() -> None:
    bundle, _ = read_qdpx(qdpx(project(_large_source())), "x.qdpx")
    assert len(bundle.documents[0].text) > 3_000_000 and [(s.start, s.end) for s in bundle.segments] == [(0, 5)]
    assert not _unpacking_threads()


def test_damage_late_in_a_large_project_file_is_refused_in_one_line_and_no_unpacking_is_left() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:  # stored: a flipped byte breaks the CRC only
        archive.writestr("project.qde", project(_large_source()).encode("utf-8"))
    data = bytearray(buffer.getvalue())
    data[len(data) * 3 // 4] ^= 0x01  # inside the text, megabytes after the start: found at the member's end
    with pytest.raises(WorkbenchError, match="damaged in the archive") as caught:
        read_qdpx(bytes(data), "x.qdpx")
    assert "\n" not in str(caught.value) and not _unpacking_threads()


def test_invalid_xml_inside_a_large_project_file_stops_the_unpacking() -> None:
    whole = project(_large_source())
    broken = whole[:2_000_000] + "</Oops>" + whole[2_000_000:]  # after the first chunks, before the last
    with pytest.raises(WorkbenchError, match="not valid XML"):
        read_qdpx(qdpx(broken), "x.qdpx")
    assert not _unpacking_threads()


# ------------------------------------------------------------------------------------------- read while parsed
def test_each_source_is_handed_over_as_it_is_parsed_and_then_dropped() -> None:
    from workbench.exchange.qdpx_files import parse_xml

    filler = "woord " * 250_000  # 1.5 MB a source: the project file is fed to the parser 1 MB at a time
    sources = "".join(f'<TextSource guid="{n:08d}-2222-3333-4444-555555555555" name="s{n}"><PlainTextContent>'
                      f"text {n} {filler}</PlainTextContent>{selection(0, 4)}</TextSource>" for n in range(6))
    sources = sources.replace("<TextSource guid=\"00000003", "<Odd/><TextSource guid=\"00000003")
    qde = project(sources + "<Wrapper><TextSource guid=\"x\"/></Wrapper>").replace(
        "</Project>", '<Sets><Set guid="y" name="z"/></Sets></Project>')
    seen = []

    def handle(root, element) -> None:
        held = root.find("Sources")
        seen.append((element.get("name"), element.findtext("PlainTextContent")[:6], len(held)))

    root = parse_xml(qde.encode("utf-8"), "p.qde", handle)
    assert [(name, text) for name, text, _ in seen] == [(f"s{n}", f"text {n}") for n in range(6)]
    assert max(held for _, _, held in seen) <= 4  # the one before, this one, the next begun, the odd element
    assert [child.tag for child in root.find("Sources")] == ["Odd", "Wrapper"]  # what was not handed over stays
    assert root.find("Sets/Set").get("name") == "z"


def test_a_project_that_puts_the_codebook_after_its_sources_reads_as_one_in_order() -> None:
    sources = (f'<TextSource guid="{SOURCE}" name="s"><PlainTextContent>Hello world</PlainTextContent>'
               f"{selection(6, 11)}</TextSource>")
    in_order = project(sources)
    head, rest = in_order.split("<Users>", 1)
    preamble, after = rest.split("<Sources>", 1)
    out_of_order = f"{head}<Sources>{after.replace('</Project>', '')}<Users>{preamble}</Project>"
    assert out_of_order.index("<CodeBook>") > out_of_order.index("</Sources>")
    results = [read_qdpx(qdpx(qde), "x.qdpx") for qde in (in_order, out_of_order)]
    assert texts(results[1][0]) == ["world"] and results[1][0].segments[0].coder == "Ann"
    assert results[0][0] == results[1][0] and results[0][1].as_dict() == results[1][1].as_dict()


def test_a_prefixed_namespace_is_read_from_the_whole_tree() -> None:
    plain = project(f'<TextSource guid="{SOURCE}" name="s"><PlainTextContent>Hello world</PlainTextContent>'
                    f"{selection(6, 11)}</TextSource>")
    prefixed = re.sub(r"<(/?)(?=[A-Z])", r"<\1q:", plain).replace('xmlns="', 'xmlns:q="')
    assert "<q:Project xmlns:q=" in prefixed and "<q:CodeRef " in prefixed
    bundle, _ = read_qdpx(qdpx(prefixed), "x.qdpx")
    assert texts(bundle) == ["world"] and bundle.segments[0].coder == "Ann"


def test_an_unreadable_text_that_no_source_needs_does_not_stop_the_import() -> None:
    sources = (f'<TextSource guid="{SOURCE}" name="a" plainTextPath="internal://{SOURCE}.txt">'
               f"{selection(0, 5)}</TextSource>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", project(sources).encode("utf-8"))
        archive.writestr(f"sources/{SOURCE}.txt", b"Hello world")
        archive.writestr("sources/unused.txt", b"Never read, " * 200)
    data = bytearray(buffer.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("sources/unused.txt")
    body = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[body + info.compress_size // 2] ^= 0xFF
    bundle, _ = read_qdpx(bytes(data), "x.qdpx")
    assert texts(bundle) == ["Hello"]


def test_a_selection_outside_the_text_leaves_the_other_codings_of_its_source() -> None:
    odd_one = selection(6, 11, guid="22222222-2222-3333-4444-555555555555").replace("</Coding>", "</Coding><Foo/>")
    sources = (f'<TextSource guid="{SOURCE}" name="s"><PlainTextContent>Hello world</PlainTextContent>'
               f'{selection(50, 60)}{odd_one}<Coding guid="33333333-2222-3333-4444-555555555555">'
               f'<CodeRef targetGUID="{CODE}"/></Coding></TextSource>')
    bundle, report = read_qdpx(qdpx(project(sources)), "x.qdpx")
    assert sorted((s.start, s.end) for s in bundle.segments) == [(0, 11), (6, 11)]
    notes = report.as_dict()
    assert {"what": "<Foo> elements", "count": 1, "why": "not part of REFI-QDA 1.5"} in notes["not_imported"]
    assert any(e["what"] == "selections" and e["count"] == 1 for e in notes["not_imported"])


def test_a_project_element_inside_the_file_is_not_taken_for_the_project() -> None:
    def source(name: str, guid: str) -> str:
        return (f'<TextSource guid="{guid}" name="{name}"><PlainTextContent>Hello world</PlainTextContent>'
                f"{selection(6, 11, guid=guid)}</TextSource>")

    nested = source("inner", "aaaaaaaa-2222-3333-4444-555555555555")
    inner = f"<Foo><Project><Sources>{nested}</Sources></Project></Foo>"
    qde = project(source("outer", SOURCE)).replace("<Sources>", inner + "<Sources>")
    bundle, _ = read_qdpx(qdpx(qde), "x.qdpx")
    assert [d.name for d in bundle.documents] == ["outer"]
    only_inner = project("").replace("<Sources></Sources>", inner)
    bundle, _ = read_qdpx(qdpx(only_inner), "x.qdpx")
    assert bundle.documents == [] and [c.name for c in bundle.codes] == ["trust"]


def test_an_error_of_the_source_handler_comes_out_as_it_is_and_stops_the_unpacking() -> None:
    from workbench.exchange.qdpx_files import parse_xml

    filler = "woord " * 250_000
    sources = "".join(f'<TextSource guid="{n:08d}-2222-3333-4444-555555555555" name="s{n}"><PlainTextContent>'
                      f"{filler}</PlainTextContent></TextSource>" for n in range(4))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", project(sources).encode("utf-8"))
    calls = []

    def handle(root, element) -> None:
        calls.append(element.get("name"))
        raise RuntimeError("the handler's own")

    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive, archive.open("project.qde") as member:
        with pytest.raises(RuntimeError, match="the handler's own"):
            parse_xml(member, "x.qdpx: project.qde", handle)
    assert calls == ["s0"] and not _unpacking_threads()


def test_plain_texts_read_ahead_stay_within_their_budget(monkeypatch) -> None:
    from workbench.exchange import qdpx_files

    sources = "".join(f'<TextSource guid="{n:08d}-2222-3333-4444-555555555555" name="s{n}" '
                      f'plainTextPath="internal://{n}.txt">'
                      f'{selection(0, 5, guid=f"{n:08d}-2222-3333-4444-5555555555aa")}</TextSource>' for n in range(3))
    files = {f"sources/{n}.txt": f"Hello {n} ".encode() * 100 for n in range(3)}  # 800 bytes each
    files["sources/unused.txt"] = b"x" * 5000
    data = qdpx(project(sources), files)
    monkeypatch.setattr(qdpx_files, "TEXTS_AHEAD", 2000)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        ahead = qdpx_files.read_texts_ahead(archive, qdpx_files.zip_members(archive))
    assert sorted(ahead) == ["sources/0.txt", "sources/1.txt"]  # 1,600 bytes; the third would pass 2,000
    bundle, _ = read_qdpx(data, "x.qdpx")
    assert texts(bundle) == ["Hello"] * 3 and [d.text[:7] for d in bundle.documents] == ["Hello 0", "Hello 1",
                                                                                          "Hello 2"]


@pytest.mark.parametrize("depth, refused", [(101, False), (102, True), (1500, True)])
def test_a_codebook_nested_more_than_a_hundred_levels_deep_is_refused_in_one_line(depth: int, refused: bool) -> None:
    codes = "".join(f'<Code guid="{n:08d}-2222-3333-4444-555555555555" name="c{n}" isCodable="true">'
                    for n in range(depth)) + "</Code>" * depth
    bundle, report = read_qdpx(qdpx(project("", codes=codes)), "deep.qdpx")
    assert [c.parent for c in bundle.codes[:2]] == [None, bundle.codes[0].guid] and len(bundle.codes) == depth
    if not refused:
        tidy(bundle, report)
        return
    with pytest.raises(WorkbenchError, match="more than 100 levels deep") as caught:
        tidy(bundle, report)
    assert "\n" not in str(caught.value)
