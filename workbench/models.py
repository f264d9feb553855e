"""Plain data records passed between the store, the importers, the analysis and the pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple


class Turn(NamedTuple):
    """A speaker turn: ``[start, end)`` in the document text, from the label to the last character of speech (a
    named tuple, as :class:`Span`)."""

    start: int
    end: int
    speaker: str | None
    timestamp: str | None = None
    seconds: float | None = None


class Span(NamedTuple):
    """A half-open ``[start, end)`` range of code points in a document's text (a named tuple: imports make them by
    the hundred thousand, and a frozen dataclass costs several times more to build)."""

    start: int
    end: int


@dataclass
class ParsedDocument:
    """What an importer produces: normalised text, its speaker turns and metadata, before it is stored."""

    name: str
    text: str
    source_name: str
    turns: list[Turn] = field(default_factory=list)
    sentences: list[Span] = field(default_factory=list)
    paragraphs: list[Span] = field(default_factory=list)
    language: str = "nl"
    sha256: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    guid: str = ""  # kept when a document comes from another tool or copy; new documents get a fresh one


@dataclass(frozen=True)
class DocumentInfo:
    """A stored document without its text: what listings show."""

    id: int
    guid: str
    name: str
    source_name: str
    sha256: str
    imported_at: str
    language: str
    characters: int
    words: int
    turns: int
    speakers: tuple[str, ...]
    cases: tuple[str, ...]
    segments: int
    metadata: dict[str, Any]


@dataclass(frozen=True)
class Code:
    """A code of the codebook. ``path`` names it with its ancestors, e.g. ``distrust/distrust among residents``."""

    id: int
    guid: str
    name: str
    parent_id: int | None
    colour: str
    definition: str
    when_to_use: str
    when_not_to_use: str
    example: str
    keywords: tuple[str, ...]
    position: int
    path: str = ""


@dataclass(frozen=True)
class Segment:
    """A coded segment: one code applied by one coder to ``[start, end)`` of one document."""

    id: int
    guid: str
    document: str
    document_id: int
    start: int
    end: int
    code: str
    code_id: int
    coder: str
    memo: str
    created: str
    updated: str
    text: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape used by ``workbench segments --json``."""
        return {
            "id": self.id,
            "guid": self.guid,
            "document": self.document,
            "start": self.start,
            "end": self.end,
            "code": self.code,
            "coder": self.coder,
            "memo": self.memo,
            "created": self.created,
            "updated": self.updated,
            "text": self.text,
        }


class NewSegment(NamedTuple):
    """A segment to be added: refers to its document and code by id (a named tuple, as :class:`Span`)."""

    document_id: int
    start: int
    end: int
    code_id: int
    coder: str
    memo: str = ""


@dataclass(frozen=True)
class AuditEntry:
    """One recorded change: who did what, when, with the record before and after."""

    id: int
    at: str
    who: str
    action: str
    target: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class CaseRow:
    """One row of a cases CSV: a document belongs to a case, which carries attribute values."""

    document: str
    case: str
    values: dict[str, str]


@dataclass(frozen=True)
class CaseInfo:
    """A case with its documents and typed attribute values."""

    id: int
    guid: str
    name: str
    documents: tuple[str, ...]
    values: dict[str, str]


@dataclass(frozen=True)
class Memo:
    """A memo on the project, a document or a code."""

    id: int
    guid: str
    kind: str
    document: str | None
    code: str | None
    author: str
    title: str
    text: str
    created: str
    updated: str

