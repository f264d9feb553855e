"""Making a bundle fit the workbench's rules before it is stored, every change counted in the report.

- Codes: at most :data:`MAX_DEPTH` levels below the top (a deeper codebook is refused). Code names: no ``/`` (it
  separates paths; replaced by ``∕``), not empty, at most 200 characters, unique among siblings (a second ``x``
  becomes ``x (2)``); an unknown parent makes a code top-level.
- Documents: a name, unique (``name (2)``); two sources with the same text become one document.
- Segments: inside their document, with a known code; one coder's overlapping (or identical) selections of one
  code in one document are merged into one segment, as the coding page does, and counted.
- Cases: unique names; members that are imported documents. Memos on something not imported go to the project.
- Document groups (sets): unique names (regardless of case); members that are imported documents.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from operator import attrgetter

from ..errors import WorkbenchError
from .model import Bundle, ExSegment, Report

MAX_NAME = 200
MAX_DEPTH = 100  # levels of codes below the top: real codebooks use a handful; deeper is a damaged file
_SPAN = attrgetter("start", "end")


def _unique(name: str, taken: set[str]) -> str:
    if name not in taken:
        taken.add(name)
        return name
    number = 2
    while f"{name} ({number})" in taken:
        number += 1
    taken.add(f"{name} ({number})")
    return f"{name} ({number})"


def tidy_codes(bundle: Bundle, report: Report) -> None:
    known = {c.guid for c in bundle.codes}
    seen: set[str] = set()
    siblings: dict[str | None, set[str]] = defaultdict(set)
    depth: dict[str, int] = {}
    codes = []
    for code in bundle.codes:
        if code.guid in seen:
            report.skip("codes", "a second code with the same GUID")
            continue
        seen.add(code.guid)
        if code.parent is not None and code.parent not in known:
            code.parent = None
            report.convert("codes whose parent is unknown put at the top level")
        name = " ".join(code.name.split())
        if "/" in name:
            name = name.replace("/", "∕")
            report.convert("'/' in code names replaced by '∕' (a slash separates parent and child in paths)")
        if not name:
            name = "unnamed code"
            report.convert("codes without a name called 'unnamed code'")
        if len(name) > MAX_NAME:
            name = name[:MAX_NAME].rstrip()
            report.convert(f"code names longer than {MAX_NAME} characters shortened")
        unique = _unique(name, siblings[code.parent])
        if unique != name:
            report.convert("a code name repeated among siblings numbered, e.g. 'x (2)'")
        code.name = unique
        if not code.codable:
            report.convert("codes marked not codable imported as ordinary codes")
        depth[code.guid] = depth.get(code.parent, -1) + 1 if code.parent is not None else 0
        if depth[code.guid] > MAX_DEPTH:
            raise WorkbenchError(f"{report.source}: its codebook nests codes more than {MAX_DEPTH} levels deep; "
                                 "nothing was imported")
        codes.append(code)
    bundle.codes = codes


def tidy(bundle: Bundle, report: Report) -> None:
    """Apply the rules above in place."""
    tidy_codes(bundle, report)
    names: set[str] = set()
    by_hash: dict[str, str] = {}
    same: dict[str, str] = {}
    documents = []
    guids: set[str] = set()
    for doc in bundle.documents:
        digest = doc.sha256 = hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
        if doc.guid in guids:
            report.skip("text sources", "a second source with the same GUID")
            continue
        guids.add(doc.guid)
        if digest in by_hash:
            same[doc.guid] = by_hash[digest]
            report.convert("sources with the same text imported as one document")
            continue
        by_hash[digest] = doc.guid
        name = " ".join(doc.name.split()) or "source"
        unique = _unique(name, names)
        if unique != name:
            report.convert("a document name repeated numbered, e.g. 'x (2)'")
        doc.name = unique
        documents.append(doc)
    bundle.documents = documents
    lengths = {d.guid: len(d.text) for d in documents}
    codes = {c.guid for c in bundle.codes}
    kept: list[ExSegment] = []
    keep = kept.append
    for segment in bundle.segments:
        if same and segment.document in same:
            segment.document = same[segment.document]
        length = lengths.get(segment.document)
        if length is None or segment.code not in codes:
            report.skip("codings", "their source or code was not imported")
            continue
        if not 0 <= segment.start < segment.end <= length:
            report.skip("codings", "outside the text")
            continue
        keep(segment)
    bundle.segments = merge_overlaps(kept, report)
    case_names: set[str] = set()
    for case in bundle.cases:
        case.name = _unique(" ".join(case.name.split()) or "case", case_names)
        members = [same.get(g, g) for g in case.documents]
        case.documents = list(dict.fromkeys(g for g in members if g in lengths))
    _tidy_groups(bundle, same, lengths, report)
    for memo in bundle.memos:
        if memo.kind == "document" and memo.target not in lengths or memo.kind == "code" and memo.target not in codes:
            memo.kind, memo.target = "project", None
            report.convert("memos on something not imported kept as project memos")


def unique_ignoring_case(name: str, taken: set[str]) -> str:
    """``name``, or ``name (2)``, ``name (3)`` … when it is taken regardless of case; ``taken`` (lower case)
    gains it."""
    unique, number = name, 2
    while unique.lower() in taken:
        unique, number = f"{name} ({number})", number + 1
    taken.add(unique.lower())
    return unique


def _tidy_groups(bundle: Bundle, same: dict[str, str], documents: dict[str, int], report: Report) -> None:
    """Groups: unique GUIDs, names unique regardless of case (``x (2)``), at most 200 characters; members that are
    imported documents (a source merged into another by its text counts as that one)."""
    names: set[str] = set()
    guids: set[str] = set()
    groups = []
    for group in bundle.groups:
        if group.guid in guids:
            report.skip("sets", "a second set with the same GUID")
            continue
        guids.add(group.guid)
        name = " ".join(group.name.split())[:MAX_NAME].rstrip() or "set"
        group.name = unique_ignoring_case(name, names)
        if group.name != name:
            report.convert("a set name repeated numbered, e.g. 'x (2)'")
        group.documents = list(dict.fromkeys(same.get(g, g) for g in group.documents
                                             if same.get(g, g) in documents))
        groups.append(group)
    bundle.groups = groups


def merge_overlaps(segments: list[ExSegment], report: Report | None = None) -> list[ExSegment]:
    """One coder's overlapping segments of one code in one document → one segment (the first's GUID, the widest
    span, memos joined); the count of merged selections goes to the report."""
    groups: dict[tuple[str, str, str], list[ExSegment]] = defaultdict(list)
    for segment in segments:
        groups[(segment.document, segment.code, segment.coder)].append(segment)
    gone: set[int] = set()
    for group in groups.values():
        if len(group) < 2:
            continue
        group.sort(key=_SPAN)
        keeper: ExSegment | None = None
        for segment in group:
            if keeper is not None and segment.start < keeper.end:
                keeper.end = max(keeper.end, segment.end)
                if segment.memo and segment.memo not in keeper.memo.split("\n"):
                    keeper.memo = "\n".join(p for p in (keeper.memo, segment.memo) if p)
                gone.add(id(segment))
            else:
                keeper = segment
    absorbed = len(gone)
    if absorbed and report is not None:
        report.convert(f"{absorbed} overlapping selections of one code by one coder merged into the segment "
                       "they overlap (as the coding page does)")
        report.imported["overlapping selections merged"] = absorbed
    return [s for s in segments if id(s) not in gone] if gone else list(segments)
