"""Text extraction, one function per file format. Each takes the file's bytes and returns plain text
(with turns for timed transcripts), or raises :class:`WorkbenchError` with a message for the user."""

from __future__ import annotations

import html
import io
import logging
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..errors import WorkbenchError
from ..models import Turn
from ..textnorm import normalise_text
from ..turns import looks_like_label
from .encoding import decode_text


MAX_CHARACTERS = 5_000_000  # of extracted text: about 850,000 words; an interview has 5,000–50,000


def check_characters(count: int, source: str) -> None:
    """Refuse extracted text longer than MAX_CHARACTERS."""
    if count > MAX_CHARACTERS:
        raise WorkbenchError(f"{source} holds over {MAX_CHARACTERS:,} characters of text, the limit for one "
                             "document; split it into several files")


@dataclass
class Extracted:
    """Raw extracted text; ``turns`` is set only when the format itself marks speakers (VTT, SRT);
    ``paragraph_per_line`` when each line is a paragraph of the source (Word and OpenDocument files)."""

    text: str
    turns: list[Turn] | None = None
    metadata: dict[str, object] = field(default_factory=dict)
    paragraph_per_line: bool = False


def extract_plain(data: bytes, source: str) -> Extracted:
    """``.txt`` and ``.md``: decoded as they are (Markdown is shown literally, never rendered)."""
    text, encoding = decode_text(data, source)
    return Extracted(text, metadata={"encoding": encoding})


# Limits for the members of a .docx or .odt (ZIP) file, checked from the archive's directory before anything is
# unpacked: a small file must not unpack into gigabytes (a "zip bomb"). Python's zipfile never reads past a member's
# declared size, so these limits hold even when the directory lies.
MAX_UNPACKED_MB = 100
MAX_RATIO = 100  # for members over 1 MB; real documents compress 3–20 times
_RATIO_FROM = 1024 * 1024


def _open_zip(data: bytes, source: str, kind: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError):
        raise WorkbenchError(f"{source} is not a valid {kind} file (damaged, or another format renamed)") from None
    check_unpacked(members, source)
    return archive


def check_unpacked(members: list[zipfile.ZipInfo], source: str) -> None:
    """Refuse an archive whose members unpack to more than MAX_UNPACKED_MB in all, or with a member over 1 MB
    that is more than MAX_RATIO times its compressed size."""
    total = sum(member.file_size for member in members)
    if total > MAX_UNPACKED_MB * 1024 * 1024:
        raise WorkbenchError(f"{source} would unpack to {total / 1024 / 1024:,.0f} MB, over the limit of "
                             f"{MAX_UNPACKED_MB} MB (a zip bomb?)")
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _RATIO_FROM and ratio > MAX_RATIO:
            raise WorkbenchError(f"{source}: {member.filename[:60]!r} is compressed {ratio:,.0f} to 1, over the limit "
                                 f"of {MAX_RATIO} to 1 (a zip bomb?)")


def extract_docx(data: bytes, source: str) -> Extracted:
    """``.docx``: paragraphs in order, including those in tables (one line each)."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    archive = _open_zip(data, source, ".docx")
    if "word/document.xml" not in archive.namelist():
        raise WorkbenchError(f"{source} is not a valid .docx file (no word/document.xml inside)")
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise WorkbenchError(f"{source} is not a valid .docx file ({exc})") from None
    except Exception as exc:  # lxml parse errors and friends: the file is damaged
        raise WorkbenchError(f"{source} could not be read as .docx ({type(exc).__name__})") from None
    lines: list[str] = []
    size = 0
    body = document.element.body
    for block in body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1] if isinstance(block.tag, str) else ""
        if tag == "p":
            found = [_docx_paragraph_text(block)]
        elif tag == "tbl":
            found = [_docx_paragraph_text(paragraph) for paragraph in
                     block.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p")]
        else:
            continue
        lines.extend(found)
        size += sum(len(line) + 1 for line in found)
        check_characters(size, source)
    return Extracted("\n".join(lines), metadata=_docx_properties(document), paragraph_per_line=True)


def _docx_paragraph_text(element: object) -> str:
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    parts: list[str] = []
    for node in element.iter():  # type: ignore[attr-defined]
        tag = node.tag
        if tag == w + "t":
            parts.append(node.text or "")
        elif tag == w + "tab":
            parts.append("\t")
        elif tag in (w + "br", w + "cr"):
            parts.append("\n")
    return "".join(parts)


def _docx_properties(document: object) -> dict[str, object]:
    props = document.core_properties  # type: ignore[attr-defined]
    found = {"title": props.title, "author": props.author}
    return {key: value for key, value in found.items() if value}


_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_ODT_MIMETYPES = ("application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.text-template")
_ODF_KINDS = {"spreadsheet": ".ods", "presentation": ".odp", "graphics": ".odg", "chart": ".odc", "formula": ".odf"}
MAX_SPACES = 1000  # one <text:s text:c="…"/> gives at most this many spaces


def extract_odt(data: bytes, source: str) -> Extracted:
    """``.odt``: headings and paragraphs in document order (``content.xml`` read with lxml, walked without
    recursion, so deep nesting cannot exhaust the stack)."""
    from lxml import etree

    archive = _open_zip(data, source, ".odt")
    names = archive.namelist()
    if "content.xml" not in names:
        raise WorkbenchError(f"{source} is not a valid .odt file (no content.xml inside)")
    try:
        mimetype = archive.read("mimetype").decode("ascii", "replace").strip() if "mimetype" in names else ""
        content = archive.read("content.xml")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, ValueError, EOFError, OSError,
            NotImplementedError) as exc:
        raise WorkbenchError(f"{source} is not a valid .odt file (damaged: {type(exc).__name__})") from None
    kind = mimetype.rsplit(".", 1)[-1].split("-")[0] if mimetype.startswith("application/vnd.oasis") else ""
    if kind in _ODF_KINDS:
        raise WorkbenchError(f"{source} is an OpenDocument {kind} ({_ODF_KINDS[kind]}) renamed to .odt; save it as "
                             "a text document first")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        raise WorkbenchError(f"{source} is not a valid .odt file (content.xml: {str(exc)[:80]})") from None
    body = root.find(f"{_OFFICE}body")
    text_root = body.find(f"{_OFFICE}text") if body is not None else None
    if text_root is None:
        found = [child.tag.rsplit("}", 1)[-1] for child in body] if body is not None else []
        shown = next((_ODF_KINDS[k] for k in found if k in _ODF_KINDS), "")
        raise WorkbenchError(f"{source} has no text body" + (f" (it is a {shown} renamed to .odt)" if shown else "")
                             + "; save it as a text document first")
    lines: list[str] = []
    size = 0
    for element in text_root.iter(f"{_TEXT}p", f"{_TEXT}h"):
        if any(a.tag in (f"{_TEXT}p", f"{_TEXT}h") for a in element.iterancestors()):
            continue  # a paragraph inside a paragraph (a note) is part of the outer one's text
        lines.append(_odt_paragraph_text(element))
        size += len(lines[-1]) + 1
        check_characters(size, source)
    return Extracted("\n".join(lines), paragraph_per_line=True)


def _odt_paragraph_text(paragraph: object) -> str:
    """A paragraph's text with ``<text:s>``, ``<text:tab>`` and ``<text:line-break>`` unwrapped, iteratively."""
    parts: list[str] = []
    stack: list[object] = [paragraph]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        tag = item.tag  # type: ignore[attr-defined]
        if item is not paragraph and tag == f"{_TEXT}s":
            count = item.get(f"{_TEXT}c") or "1"  # type: ignore[attr-defined]
            parts.append(" " * min(int(count) if count.isdigit() else 1, MAX_SPACES))
            continue
        if item is not paragraph and tag == f"{_TEXT}tab":
            parts.append("\t")
            continue
        if item is not paragraph and tag == f"{_TEXT}line-break":
            parts.append("\n")
            continue
        if isinstance(tag, str) and item.text:  # type: ignore[attr-defined]
            parts.append(item.text)  # type: ignore[attr-defined]
        for child in reversed(item):  # type: ignore[call-overload]
            if child.tail:
                stack.append(child.tail)
            stack.append(child)
    return "".join(parts)


def extract_pdf(data: bytes, source: str) -> Extracted:
    """``.pdf``: the text layer, page by page. A PDF without text (a scan) is refused."""
    if not data.lstrip()[:5] == b"%PDF-":
        raise WorkbenchError(f"{source} is not a valid PDF file")
    with _quiet_pdf_library():
        pages = _pdf_pages(data, source)
    text = "\n\n".join(page.strip("\n") for page in pages)
    if not text.strip():
        raise WorkbenchError(f"{source} has no text layer (a scanned PDF?); run OCR on it first, then import the "
                             "result")
    return Extracted(text, metadata={"pages": len(pages)})


@contextmanager
def _quiet_pdf_library() -> Iterator[None]:
    """pypdf logs its repairs of damaged files as warnings; the user gets one message from us instead."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _pdf_pages(data: bytes, source: str) -> list[str]:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise WorkbenchError(f"{source} is password-protected; remove the password and import it again")
        pages, size = [], 0
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            size += len(pages[-1]) + 2
            check_characters(size, source)
        return pages
    except WorkbenchError:
        raise
    except Exception as exc:  # pypdf raises many kinds of errors on damaged files
        raise WorkbenchError(f"{source} could not be read as PDF ({type(exc).__name__})") from None


_CUE_LABEL = re.compile(r"^\s*(?P<label>[^\W\d_][^:\n]{0,39}?)\s*:\s+(?P<rest>.*)$", re.DOTALL)
# No "<" inside a tag: each match attempt stops at the next "<", so 29 KB of "<" take linear time, not minutes.
_VOICE = re.compile(r"<v(?:\.[^\s<>]*)?\s+(?P<name>[^<>]+)>")
_ANY_TAG = re.compile(r"<[^<>]*>")
_TIMING_LINE = re.compile(r"^[^\n]*-->[^\n]*$", re.MULTILINE)


def _cue_parts(raw: str) -> list[tuple[str | None, str]]:
    """Split a cue's raw text into (voice, text) parts: one cue may hold several ``<v Name>`` spans."""
    parts: list[tuple[str | None, str]] = []
    matches = list(_VOICE.finditer(raw))
    if not matches:
        return [(None, raw)]
    if raw[:matches[0].start()].strip():
        parts.append((None, raw[:matches[0].start()]))
    for index, match in enumerate(matches):
        finish = matches[index + 1].start() if index + 1 < len(matches) else len(raw)
        parts.append((match.group("name").strip(), raw[match.end():finish]))
    return parts


def _clean_cue_text(text: str) -> str:
    """Drop markup and inline timestamps, decode character references, fold lines into one."""
    text = html.unescape(_ANY_TAG.sub("", text))
    return " ".join(line.strip() for line in text.split("\n") if line.strip())


def extract_captions(data: bytes, source: str, kind: str) -> Extracted:
    """``.vtt`` and ``.srt``: cues become speaker turns ``Speaker: text`` with the cue's start time. Consecutive
    cues of one speaker join into one turn; the speaker comes from a voice tag ``<v Name>`` or a ``Name:``
    prefix that reads like a name (the rule of :mod:`workbench.turns`)."""
    import webvtt
    from webvtt.errors import MalformedFileError

    text, _ = decode_text(data, source)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        captions = webvtt.from_buffer(io.StringIO(text), format=kind).captions
    except (MalformedFileError, ValueError, IndexError) as exc:
        raise WorkbenchError(f"{source} is not a valid {kind.upper()} file ({exc})") from None
    if not captions:
        raise WorkbenchError(f"{source} has no cues (an empty {kind.upper()} file)")
    timings = len(_TIMING_LINE.findall(text))
    if timings != len(captions):
        raise WorkbenchError(f"{source}: {timings - len(captions)} of its {timings} cues could not be read (check "
                             "their timestamps); nothing was imported")
    merged: list[tuple[str | None, str, float, list[str]]] = []
    for caption in captions:
        for speaker, raw in _cue_parts(caption.raw_text):
            body = _clean_cue_text(raw)
            if not speaker:
                match = _CUE_LABEL.match(body)
                if match and looks_like_label(match.group("label").strip()):
                    speaker, body = match.group("label").strip(), match.group("rest").strip()
            body = normalise_text(body)
            speaker = normalise_text(speaker) if speaker else None
            if not body:
                continue
            if merged and speaker and merged[-1][0] == speaker:
                merged[-1][3].append(body)
            else:
                merged.append((speaker, caption.start.split(".")[0], caption.start_in_seconds, [body]))
    parts: list[str] = []
    turns: list[Turn] = []
    position = 0
    for speaker, stamp, seconds, bodies in merged:
        line = (f"{speaker}: " if speaker else "") + " ".join(bodies)
        turns.append(Turn(position, position + len(line), speaker, stamp, float(seconds)))
        parts.append(line)
        position += len(line) + 2
    return Extracted("\n\n".join(parts), turns=turns, metadata={"cues": len(captions)})
