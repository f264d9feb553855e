"""The text selections of a REFI-QDA source (``PlainTextSelection``): their spans and the segments they give."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .model import Bundle, ExSegment
from .qdpx_unknown import KNOWN, look

if TYPE_CHECKING:
    from .qdpx_read import Reader

_CANONICAL = re.compile(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}").fullmatch  # our form already


def read_selection(selection: Any, span: tuple[int, int], source: str, source_user: str, codes: set[str],
                   reader: Reader, bundle: Bundle, notes_target: dict[str, tuple[str, str | None]]) -> None:
    """One ``PlainTextSelection``: a segment per coding (the first keeps the selection's GUID). Its unknown
    children and grandchildren are counted on the way (as :func:`look_selection` would)."""
    if len(selection) == 1:  # the common case (one Coding of one CodeRef, nothing else): as below, in fewer steps
        coding = selection[0]
        if coding.tag == "Coding" and len(coding) == 1:
            ref = coding[0]
            if ref.tag == "CodeRef":
                raw = ref.get("targetGUID")
                code = reader.normalised.get(raw) or reader.guid(raw, "code")  # type: ignore[arg-type]
                if code not in codes:
                    reader.report.skip("codings", "their code is not in the codebook")
                    return
                raw = selection.get("guid")
                guid = raw if raw and _CANONICAL(raw) else reader.guid(raw, "selection")
                coder = reader.user(coding.get("creatingUser")) or reader.user(selection.get("creatingUser")) \
                    or source_user
                if not coder:
                    coder = "unknown coder"
                    reader.report.convert("codings without a known user given to 'unknown coder'")
                bundle.segments.append(ExSegment(guid, source, span[0], span[1], code, coder, "", coding.get(
                    "creationDateTime") or selection.get("creationDateTime") or ""))
                return
    codings, notes, memo = [], [], ""
    unknown = reader.unknown
    for child in selection:
        tag = child.tag
        if tag == "Coding":
            codings.append(child)  # its children are looked at below
            continue
        if tag == "NoteRef":
            notes.append(child.get("targetGUID"))
        elif tag == "Description":
            memo = (child.text or "").strip()
        elif tag not in KNOWN and isinstance(tag, str):
            unknown[tag] += 1
        if len(child):
            look(child, unknown)
    if not codings:
        reader.report.skip("selections without a coding", "a segment needs a code")
        return
    known = reader.normalised
    raw_guid = selection.get("guid")
    sel_guid = known.get(raw_guid) or reader.guid(raw_guid, "selection")  # type: ignore[arg-type]
    selection_user = reader.user(selection.get("creatingUser"))
    for note in notes:
        notes_target.setdefault(reader.guid(note, "note"), ("segment", sel_guid))
    noted = bool(notes)
    made: list[ExSegment] = []
    start, end = span
    for index, coding in enumerate(codings):
        code = ""
        for child in coding:
            tag = child.tag
            if tag == "CodeRef":
                target = child.get("targetGUID")
                code = known.get(target) or reader.guid(target, "code")  # type: ignore[arg-type]
            elif tag == "NoteRef":
                notes_target.setdefault(reader.guid(child.get("targetGUID"), "note"), ("segment", sel_guid))
                noted = True
            elif tag not in KNOWN and isinstance(tag, str):
                unknown[tag] += 1
        if code not in codes:
            reader.report.skip("codings", "their code is not in the codebook")
            continue
        coder = reader.user(coding.get("creatingUser")) or selection_user or source_user
        if not coder:
            coder = "unknown coder"
            reader.report.convert("codings without a known user given to 'unknown coder'")
        seg_guid = sel_guid if index == 0 else reader.guid(coding.get("guid"), "coding")
        made.append(ExSegment(seg_guid, source, start, end, code, coder, memo,
                              coding.get("creationDateTime") or selection.get("creationDateTime") or ""))
    bundle.segments.extend(made)
    if noted:  # only selections with notes are looked up again (the notes become the segments' memos)
        reader.selections[sel_guid].extend(made)


def selection_span(selection: Any) -> tuple[int, int]:
    """``(startPosition, endPosition)``, or ``(-1, -1)`` when either is missing or not a number."""
    try:
        return int(selection.get("startPosition")), int(selection.get("endPosition"))
    except (TypeError, ValueError):
        return -1, -1
