"""Importers: a file's bytes → a :class:`ParsedDocument` (normalised text, turns, sentences), ready to store.

One function per format lives in :mod:`formats`; this module picks by extension and does the common work:
size limits, normalisation, turns, sentences, language and the content hash.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from ..errors import WorkbenchError
from ..models import ParsedDocument
from ..textnorm import normalise_name, normalise_text
from ..turns import header_fields, parse_turns
from ..units import SUPPORTED_LANGUAGES, detect_language, paragraphs, sentences
from .formats import MAX_CHARACTERS, Extracted, check_characters, extract_captions, extract_docx, extract_odt, extract_pdf, extract_plain

DEFAULT_MAX_MB = 20.0
EXTRACTORS: dict[str, Callable[[bytes, str], Extracted]] = {
    ".txt": extract_plain,
    ".md": extract_plain,
    ".docx": extract_docx,
    ".odt": extract_odt,
    ".pdf": extract_pdf,
    ".vtt": lambda data, source: extract_captions(data, source, "vtt"),
    ".srt": lambda data, source: extract_captions(data, source, "srt"),
}
SUPPORTED_EXTENSIONS = tuple(EXTRACTORS)
__all__ = ["DEFAULT_MAX_MB", "MAX_CHARACTERS", "SUPPORTED_EXTENSIONS", "check_size", "parse_bytes", "parse_path"]


def check_size(size: int, source: str, max_mb: float) -> None:
    """Refuse a file larger than ``max_mb`` megabytes."""
    if size > max_mb * 1024 * 1024:
        shown = f"{size / 1024 / 1024:.1f} MB" if size >= 100 * 1024 else f"{size / 1024:.1f} KB"
        raise WorkbenchError(f"{source} is {shown}, over the limit of {max_mb:g} MB; raise the size limit per file",
                             cli="max_mb")


def document_name(filename: str) -> str:
    """A document's default name: its file name without folder and extension."""
    return normalise_name(Path(filename).stem) or normalise_name(Path(filename).name) or "document"


def parse_bytes(
    data: bytes, filename: str, name: str | None = None, language: str | None = None,
    max_mb: float = DEFAULT_MAX_MB,
) -> ParsedDocument:
    """Turn an uploaded or read file into a document; raises :class:`WorkbenchError` for anything unusable."""
    source = Path(filename).name
    extension = Path(filename).suffix.lower()
    if extension not in EXTRACTORS:
        shown = extension or "(none)"
        raise WorkbenchError(f"{source}: unsupported file type {shown}; use one of {', '.join(SUPPORTED_EXTENSIONS)}")
    if language is not None and language not in SUPPORTED_LANGUAGES:
        raise WorkbenchError(f"language {language!r} is not supported; use one of {', '.join(SUPPORTED_LANGUAGES)}")
    if name is not None and not normalise_name(name):
        raise WorkbenchError("the document name must not be empty")
    check_size(len(data), source, max_mb)
    if not data.strip():
        raise WorkbenchError(f"{source} is empty")
    try:
        extracted = EXTRACTORS[extension](data, source)
    except RecursionError:
        raise WorkbenchError(f"{source} is nested too deeply to be read") from None
    check_characters(len(extracted.text), source)
    text = normalise_text(extracted.text)
    if extracted.turns is not None:
        turns = extracted.turns
    else:
        text = text.strip("\n")
        turns = parse_turns(text)
        header = header_fields(text)
        if header:
            extracted.metadata["header"] = header
    if not text.strip():
        raise WorkbenchError(f"{source} contains no text")
    language = language or detect_language(text)
    return ParsedDocument(
        name=normalise_name(name or document_name(filename)),
        text=text,
        source_name=source,
        turns=turns,
        sentences=sentences(text, turns, language),
        paragraphs=paragraphs(text, per_line=extracted.paragraph_per_line),
        language=language,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        metadata=extracted.metadata,
    )


def parse_path(path: str | Path, name: str | None = None, language: str | None = None,
               max_mb: float = DEFAULT_MAX_MB) -> ParsedDocument:
    """Read and parse a file from disk (see :func:`parse_bytes`); the size is checked before reading."""
    path = Path(path)
    if not path.is_file():
        raise WorkbenchError(f"no file at {path}")
    check_size(path.stat().st_size, path.name, max_mb)
    return parse_bytes(path.read_bytes(), path.name, name=name, language=language, max_mb=max_mb)
