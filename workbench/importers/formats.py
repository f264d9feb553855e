"""Text extraction, one function per file format. Each takes the file's bytes and returns plain text
(with turns for timed transcripts), or raises :class:`WorkbenchError` with a message for the user."""

from __future__ import annotations

import html
import io
import logging
import re
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..errors import WorkbenchError
from ..models import Turn
from ..textnorm import normalise_text
from ..turns import looks_like_label
from .encoding import decode_text


@dataclass
class Extracted:
    """Raw extracted text; ``turns`` is set only when the format itself marks speakers (VTT, SRT)."""

    text: str
    turns: list[Turn] | None = None
    metadata: dict[str, object] = field(default_factory=dict)


def extract_plain(data: bytes, source: str) -> Extracted:
    """``.txt`` and ``.md``: decoded as they are (Markdown is shown literally, never rendered)."""
    text, encoding = decode_text(data, source)
    return Extracted(text, metadata={"encoding": encoding})


def _open_zip(data: bytes, source: str, kind: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise WorkbenchError(f"{source} is not a valid {kind} file (damaged, or another format renamed)") from None


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
    body = document.element.body
    for block in body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(_docx_paragraph_text(block))
        elif tag == "tbl":
            for paragraph in block.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"):
                lines.append(_docx_paragraph_text(paragraph))
    return Extracted("\n".join(lines), metadata=_docx_properties(document))


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


def extract_odt(data: bytes, source: str) -> Extracted:
    """``.odt``: headings and paragraphs in document order."""
    from odf import teletype
    from odf.opendocument import load
    from odf.namespaces import TEXTNS

    archive = _open_zip(data, source, ".odt")
    if "content.xml" not in archive.namelist():
        raise WorkbenchError(f"{source} is not a valid .odt file (no content.xml inside)")
    try:
        document = load(io.BytesIO(data))
    except Exception as exc:  # odfpy raises many kinds of errors on damaged files
        raise WorkbenchError(f"{source} could not be read as .odt ({type(exc).__name__})") from None
    lines: list[str] = []

    def walk(node: object) -> None:
        for child in node.childNodes:  # type: ignore[attr-defined]
            qname = getattr(child, "qname", None)
            if qname in ((TEXTNS, "p"), (TEXTNS, "h")):
                lines.append(teletype.extractText(child))
            elif getattr(child, "childNodes", None):
                walk(child)

    walk(document.text)
    return Extracted("\n".join(lines))


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
        return [page.extract_text() or "" for page in reader.pages]
    except WorkbenchError:
        raise
    except Exception as exc:  # pypdf raises many kinds of errors on damaged files
        raise WorkbenchError(f"{source} could not be read as PDF ({type(exc).__name__})") from None


_CUE_LABEL = re.compile(r"^\s*(?P<label>[^\W\d_][^:\n]{0,39}?)\s*:\s+(?P<rest>.*)$", re.DOTALL)
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+(?P<name>[^>]+)>")
_ANY_TAG = re.compile(r"<[^>]*>")
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
