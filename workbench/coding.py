"""Coding a document: the transcript cut into display pieces, applying codes to a span, and undoing changes.

Pure Python: the coding page renders what :func:`transcript_pieces` returns and calls :func:`apply_codes`,
:func:`remove_segments`, :func:`resize_segment` and :func:`undo`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .errors import WorkbenchError
from .models import Segment, Span, Turn
from .store import Project, normalise_name
from .turns import label_end


class Piece(NamedTuple):
    """A run of text ``[start, end)`` with one set of segments over it; ``label`` marks a speaker label."""

    start: int
    end: int
    segment_ids: tuple[int, ...]
    label: bool = False


def transcript_pieces(text: str, segments: Sequence[Segment], turns: Sequence[Turn]) -> list[Piece]:
    """Split the text at every segment and speaker-label boundary (flat pieces, never nested), so overlapping
    segments render as pieces that each carry all segments covering them. O((n + s) log s)."""
    labels = [(t.start, label_end(text, t)) for t in turns if t.speaker]
    labels = [(s, e) for s, e in labels if e > s]
    opening: dict[int, list[int]] = defaultdict(list)
    closing: dict[int, list[int]] = defaultdict(list)
    for seg in segments:
        opening[seg.start].append(seg.id)
        closing[seg.end].append(seg.id)
    label_at = {start: end for start, end in labels}
    bounds = sorted({0, len(text), *opening, *closing, *label_at, *label_at.values()})
    bounds = [b for b in bounds if 0 <= b <= len(text)]
    active: dict[int, None] = {}
    label_until = -1
    pieces: list[Piece] = []
    for start, end in zip(bounds, bounds[1:]):
        for seg_id in closing.get(start, ()):
            active.pop(seg_id, None)
        for seg_id in opening.get(start, ()):
            active[seg_id] = None
        if start in label_at:
            label_until = label_at[start]
        pieces.append(Piece(start, end, tuple(active), start < label_until))
    return pieces


def segments_at(segments: Iterable[Segment], offset: int) -> list[Segment]:
    """Segments that contain ``offset`` (a click on a highlight)."""
    return [s for s in segments if s.start <= offset < s.end]


def enclosing_turn(turns: Sequence[Turn], offset: int) -> Span | None:
    """The speaker turn around ``offset``, as a span."""
    for turn in turns:
        if turn.start <= offset < max(turn.end, turn.start + 1):
            return Span(turn.start, turn.end)
    return None


@dataclass
class Change:
    """What one coding action did, so it can be undone: segments added, removed (their records) and updated
    (their id with the values before)."""

    label: str
    added: list[int] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    updated: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def apply_codes(project: Project, document_id: int, start: int, end: int, code_ids: Sequence[int], coder: str,
                memo: str = "") -> Change:
    """Code ``[start, end)`` with each code, in one transaction. Where the coder already has an overlapping
    segment of that code, that segment is widened to cover both (and further overlapping ones are joined into
    it) instead of adding a second one, as MAXQDA does."""
    if not code_ids:
        raise WorkbenchError("choose at least one code")
    coder = normalise_name(coder)
    if not coder:
        raise WorkbenchError("a coding needs the coder's name")
    project._check_span(document_id, start, end)
    change = Change(label=f"code {start}–{end}")
    with project.transaction():
        for code_id in dict.fromkeys(code_ids):
            own = [s for s in project.segments(document_ids=[document_id], code_ids=[code_id], coders=[coder])
                   if s.start < end and s.end > start]
            if not own:
                change.added.append(project.add_segment(document_id, start, end, code_id, coder, memo=memo))
                continue
            keeper, others = own[0], own[1:]
            for other in others:
                change.removed.append(project.remove_segment(other.id, coder, reason="joined into a wider segment"))
            new_start = min([start, keeper.start] + [o.start for o in others])
            new_end = max([end, keeper.end] + [o.end for o in others])
            memos = [m for m in [keeper.memo, *(o.memo for o in others), memo] if m]
            change.updated.append((keeper.id, {"start": keeper.start, "end": keeper.end, "memo": keeper.memo}))
            project.update_segment(keeper.id, coder, start=new_start, end=new_end, memo="\n".join(dict.fromkeys(memos)))
    return change


def remove_segments(project: Project, segment_ids: Sequence[int], who: str) -> Change:
    """Remove codings (their full records are kept in the change and the audit log)."""
    change = Change(label="remove coding")
    with project.transaction():
        for seg_id in segment_ids:
            change.removed.append(project.remove_segment(seg_id, who))
    return change


def edit_segment(project: Project, segment_id: int, who: str, start: int | None = None, end: int | None = None,
                 memo: str | None = None) -> Change:
    """Widen, narrow or re-memo one segment."""
    before = project.segment(segment_id, with_text=False)
    project.update_segment(segment_id, who, start=start, end=end, memo=memo)
    return Change(label="edit coding",
                  updated=[(segment_id, {"start": before.start, "end": before.end, "memo": before.memo})])


def undo(project: Project, change: Change, who: str) -> None:
    """Reverse a change: remove what it added, put back what it updated and what it removed (all audited)."""
    with project.transaction():
        for seg_id in change.added:
            project.remove_segment(seg_id, who, reason="undo")
        for seg_id, before in change.updated:
            project.update_segment(seg_id, who, start=before["start"], end=before["end"], memo=before["memo"])
        for record in change.removed:
            project.restore_segment(record, who)
