"""Plain records of a whole project as it travels between tools (REFI-QDA QDPX/QDC, other workbench copies).

Everything refers to everything else by GUID (upper case, no braces), never by a database id, so a bundle can be
read from a file, written to a file or merged into a project without knowing either side's ids. Offsets are code
points into the document's stored (NFC, ``\\n``) text, half-open ``[start, end)``.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from ..errors import WorkbenchError

_GUID = re.compile(r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$")
# Names → GUIDs for things the store keeps without one (coders, attributes): stable across exports.
_NAMESPACE = uuid.UUID("6f1b2c4e-8a57-4f0e-9d3b-5e7a1c2d9b40")


def normalise_guid(value: str | None) -> str:
    """``{abc…}``, ``ABC…`` or ``abc…`` → ``ABC…``; anything else is refused."""
    match = _GUID.match((value or "").strip())
    if not match:
        raise WorkbenchError(f"{value!r} is not a GUID")
    return match.group(1).upper()


def parse_guid(value: str) -> str | None:
    """:func:`normalise_guid` of ``value``, or None when it is not a GUID (one match: fast per selection)."""
    match = _GUID.match(value.strip())
    return match.group(1).upper() if match else None


def is_guid(value: str | None) -> bool:
    return bool(_GUID.match((value or "").strip()))


def derived_guid(kind: str, *parts: str) -> str:
    """A GUID that depends only on ``kind`` and ``parts`` (the same project exports the same GUIDs): a name-based
    (version 5, SHA-1) UUID, formatted directly (fast enough for hundreds of thousands)."""
    digest = hashlib.sha1(_NAMESPACE.bytes + "\x1f".join((kind, *parts)).encode("utf-8")).hexdigest().upper()
    variant = "89AB"[int(digest[16], 16) & 3]
    return f"{digest[:8]}-{digest[8:12]}-5{digest[13:16]}-{variant}{digest[17:20]}-{digest[20:32]}"


@dataclass(slots=True)
class ExUser:
    guid: str
    name: str


@dataclass(slots=True)
class ExCode:
    guid: str
    name: str
    parent: str | None = None          # the parent's GUID
    colour: str = ""
    definition: str = ""
    when_to_use: str = ""
    when_not_to_use: str = ""
    example: str = ""
    keywords: list[str] = field(default_factory=list)
    codable: bool = True


@dataclass(slots=True)
class ExDocument:
    guid: str
    name: str
    text: str                          # normalised: NFC, "\n" line ends
    metadata: dict[str, Any] = field(default_factory=dict)
    created: str = ""
    units: dict[str, Any] | None = None  # language, turns, sentences, paragraphs as the workbench stored them
    sha256: str = ""                   # of the text, once known (tidying computes it; storing needs it again)


@dataclass(slots=True)
class ExSegment:
    guid: str
    document: str                      # document GUID
    start: int
    end: int
    code: str                          # code GUID
    coder: str                         # coder name
    memo: str = ""
    created: str = ""


@dataclass(slots=True)
class ExMemo:
    guid: str
    kind: str                          # project, document, code
    target: str | None                 # GUID of the document or code
    author: str
    title: str
    text: str
    created: str = ""


@dataclass(slots=True)
class ExCase:
    guid: str
    name: str
    values: dict[str, str] = field(default_factory=dict)
    documents: list[str] = field(default_factory=list)   # document GUIDs


@dataclass(slots=True)
class ExGroup:
    """A document group (a REFI-QDA ``Set`` of sources)."""

    guid: str
    name: str
    documents: list[str] = field(default_factory=list)   # document GUIDs


@dataclass
class Bundle:
    """A whole project (or only its codebook) in transit."""

    name: str = ""
    codes: list[ExCode] = field(default_factory=list)  # parents before children, siblings in order
    documents: list[ExDocument] = field(default_factory=list)
    segments: list[ExSegment] = field(default_factory=list)
    memos: list[ExMemo] = field(default_factory=list)
    cases: list[ExCase] = field(default_factory=list)
    attributes: dict[str, str] = field(default_factory=dict)  # name → number | date | text
    coders: list[str] = field(default_factory=list)
    groups: list[ExGroup] = field(default_factory=list)


@dataclass
class Report:
    """What an import, export or merge did: counts, what was left out and why, conversions, conventions."""

    action: str
    source: str
    imported: dict[str, int] = field(default_factory=dict)
    not_imported: list[dict[str, Any]] = field(default_factory=list)   # {"what", "count", "why"}
    conversions: list[str] = field(default_factory=list)
    positions: list[dict[str, Any]] = field(default_factory=list)      # per source: convention and score
    conflicts: list[str] = field(default_factory=list)

    def skip(self, what: str, why: str, count: int = 1) -> None:
        for entry in self.not_imported:
            if entry["what"] == what and entry["why"] == why:
                entry["count"] += count
                return
        self.not_imported.append({"what": what, "count": count, "why": why})

    def convert(self, message: str) -> None:
        if message not in self.conversions:
            self.conversions.append(message)

    def as_dict(self) -> dict[str, Any]:
        return {"action": self.action, "source": self.source, "imported": self.imported,
                "not_imported": self.not_imported, "conversions": self.conversions, "positions": self.positions,
                "conflicts": self.conflicts}

    def text(self) -> str:
        lines = [f"{self.action} {self.source}"]
        lines.append("imported: " + (", ".join(f"{n} {what}" for what, n in self.imported.items()) or "nothing"))
        for entry in self.not_imported:
            lines.append(f"not imported: {entry['count']} {entry['what']}: {entry['why']}")
        for message in self.conversions:
            lines.append(f"converted: {message}")
        for pos in self.positions:
            score = (f" ({pos['on_boundaries']} of {pos['ends']} selection ends on word boundaries)"
                     if pos["ends"] else "")
            lines.append(f"positions of {pos['source']}: {pos['convention']}{score}")
        for message in self.conflicts:
            lines.append(f"conflict: {message}")
        return "\n".join(lines) + "\n"
