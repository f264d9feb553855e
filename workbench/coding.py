"""Coding a document: the transcript cut into display pieces, applying codes to a span, and undoing changes.

Pure Python: the coding page renders what :func:`transcript_pieces` returns and calls :func:`apply_codes`,
:func:`remove_segments`, :func:`resize_segment` and :func:`undo`.
"""

from __future__ import annotations

from bisect import bisect_left
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


BLOCK_SIZE = 4_000


def block_bounds(text: str, turns: Sequence[Turn], size: int = BLOCK_SIZE) -> list[int]:
    """Where a long transcript is cut into blocks the browser can lay out one at a time: ``[0, c1, …, len(text)]``.
    Every cut lies just after a line break, so the blocks read exactly as the whole text (a block ends a line
    where the text does); a cut is made at the first turn start at least ``size`` code points into the block,
    or, when no turn starts within ``2 * size``, at the first line break from there on."""
    length = len(text)
    starts = sorted({t.start for t in turns if 0 < t.start < length and text[t.start - 1] == "\n"})
    bounds = [0]
    while bounds[-1] + size < length:
        begin = bounds[-1]
        at = bisect_left(starts, begin + size)
        if at < len(starts) and starts[at] < begin + 2 * size:
            cut = starts[at]
        else:
            cut = text.find("\n", begin + size - 1) + 1
            if cut <= 0:
                break
        if cut >= length:
            break
        bounds.append(cut)
    bounds.append(length)
    return bounds if length else [0]


def speaker_labels(text: str, turns: Sequence[Turn]) -> list[tuple[int, int]]:
    """The spans ``[start, end)`` of the turns' speaker labels (``Ria:``)."""
    labels = [(t.start, label_end(text, t)) for t in turns if t.speaker]
    return [(s, e) for s, e in labels if e > s]


def transcript_pieces(text: str, segments: Sequence[Segment], turns: Sequence[Turn],
                      cuts: Iterable[int] = (), within: tuple[int, int] | None = None,
                      labels: Sequence[tuple[int, int]] | None = None) -> list[Piece]:
    """Split the text at every segment and speaker-label boundary (flat pieces, never nested), so overlapping
    segments render as pieces that each carry all segments covering them; also at every offset in ``cuts``
    (block bounds: no piece crosses one). ``within``: only the pieces of ``[lo, hi)``, as if the text were cut
    there; ``labels``: the speaker labels when already known (:func:`speaker_labels` of ``turns``).
    O((n + s) log s)."""
    lo, hi = within if within else (0, len(text))
    spans = speaker_labels(text, turns) if labels is None else labels
    opening: dict[int, list[int]] = defaultdict(list)
    closing: dict[int, list[int]] = defaultdict(list)
    for seg in sorted(segments, key=lambda s: s.start):  # stable: segments that start together keep their order
        if seg.end > lo and seg.start < hi:
            opening[max(seg.start, lo)].append(seg.id)
            closing[min(seg.end, hi)].append(seg.id)
    label_at = {max(start, lo): min(end, hi) for start, end in spans if start < hi and end > lo}
    bounds = sorted({lo, hi, *opening, *closing, *label_at, *label_at.values(), *cuts})
    bounds = [b for b in bounds if lo <= b <= hi]
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


SAME_STATE = ("document_guid", "start", "end", "code_guid", "coder", "memo")


@dataclass
class Change:
    """What one coding action did, so it can be undone and redone: for each segment it touched (by GUID), its
    record before and after (``None``: it did not exist)."""

    label: str
    steps: list[tuple[str, dict[str, Any] | None, dict[str, Any] | None]] = field(default_factory=list)

    def record(self, project: Project, guid: str, before: dict[str, Any] | None) -> None:
        """Note what became of segment ``guid`` (call after the write, inside its transaction)."""
        self.steps.append((guid, before, project.segment_record(guid)))

    def added(self) -> list[str]:
        """GUIDs of the segments this change created."""
        return [guid for guid, before, after in self.steps if before is None and after is not None]

    def inverse(self) -> Change:
        """The change that takes every segment back to its state before this one (same label: what was done)."""
        return Change(self.label, [(guid, after, before) for guid, before, after in reversed(self.steps)])


def apply_codes(project: Project, document_id: int, start: int, end: int, code_ids: Sequence[int], coder: str,
                memo: str = "", who: str | None = None) -> Change:
    """Code ``[start, end)`` with each code, in one transaction. Where the coder already has an overlapping
    segment of that code, that segment is widened to cover both (and further overlapping ones are joined into
    it) instead of adding a second one, as MAXQDA does. Audited as done by ``who`` (default: the coder)."""
    if not code_ids:
        raise WorkbenchError("choose at least one code")
    coder = normalise_name(coder)
    if not coder:
        raise WorkbenchError("a coding needs the coder's name")
    who = who or coder
    change = Change(label=f"code {start}–{end}")
    with project.transaction():
        project._check_span(document_id, start, end)
        for code_id in dict.fromkeys(code_ids):
            own = [s for s in project.segments(document_ids=[document_id], code_ids=[code_id], coders=[coder])
                   if s.start < end and s.end > start]
            if not own:
                seg_id = project.add_segment(document_id, start, end, code_id, coder, memo=memo, who=who)
                change.record(project, project.segment(seg_id, with_text=False).guid, None)
                continue
            keeper, others = own[0], own[1:]
            for other in others:
                before = project.remove_segment(other.id, who, reason="joined into a wider segment")
                change.record(project, other.guid, before)
            new_start = min([start, keeper.start] + [o.start for o in others])
            new_end = max([end, keeper.end] + [o.end for o in others])
            memos = [m for m in [keeper.memo, *(o.memo for o in others), memo] if m]
            before = project.segment_record(keeper.guid)
            project.update_segment(keeper.id, who, start=new_start, end=new_end, memo="\n".join(dict.fromkeys(memos)))
            change.record(project, keeper.guid, before)
    return change


def widened(change: Change) -> list[tuple[int, int, int, int]]:
    """The existing segments a coding widened instead of adding one: ``(start, end)`` before and after each."""
    return [(before["start"], before["end"], after["start"], after["end"])
            for _, before, after in change.steps if before and after]


def remove_segments(project: Project, segment_ids: Sequence[int], who: str) -> Change:
    """Remove codings (their full records are kept in the change and the audit log)."""
    change = Change(label="remove coding")
    with project.transaction():
        for seg_id in segment_ids:
            record = project.remove_segment(seg_id, who)
            change.record(project, record["guid"], record)
    return change


def edit_segment(project: Project, segment_id: int, who: str, start: int | None = None, end: int | None = None,
                 memo: str | None = None) -> Change:
    """Widen, narrow or re-memo one segment."""
    change = Change(label="edit coding")
    with project.transaction():
        guid = project.segment(segment_id, with_text=False).guid
        before = project.segment_record(guid)
        project.update_segment(segment_id, who, start=start, end=end, memo=memo)
        change.record(project, guid, before)
    return change


def undo(project: Project, change: Change, who: str) -> Change:
    """Reverse a change, all or nothing; returns the change that redoes it. Refused (one line saying who changed
    it and when) when a segment it touched has since been changed or removed: an undo never touches anyone
    else's work."""
    return _replay(project, change.inverse(), who, "undo")


def redo(project: Project, undone: Change, who: str) -> Change:
    """Apply again a change that :func:`undo` reversed (``undone`` is what undo returned); returns its undo."""
    return _replay(project, undone.inverse(), who, "redo")


def _replay(project: Project, change: Change, who: str, verb: str) -> Change:
    with project.transaction():
        for guid, expected, _ in change.steps:
            current = project.segment_record(guid)
            if _state(current) != _state(expected):
                raise WorkbenchError(_changed_since(project, guid, current, verb))
        for guid, current, target in change.steps:
            if target is None:
                project.remove_segment(project.segment_record(guid)["id"], who, reason=verb)
            elif current is None:
                project.restore_segment(target, who)
            else:
                project.update_segment(current["id"], who, start=target["start"], end=target["end"],
                                       memo=target["memo"])
    return Change(change.label, change.steps)


def _state(record: dict[str, Any] | None) -> tuple[Any, ...] | None:
    return None if record is None else tuple(record.get(key) for key in SAME_STATE)


def _changed_since(project: Project, guid: str, current: dict[str, Any] | None, verb: str) -> str:
    last = project.last_audit_entry(guid)
    what = "removed" if current is None else "changed"
    if last is None:
        return f"cannot {verb}: that coding was {what} since"
    return f"cannot {verb}: that coding was {what} by {last.who or 'someone'} at {last.at[:19].replace('T', ' ')} UTC"


NUMBERING = ("none", "lines", "paragraphs")


def gutter_marks(text: str, turns: Sequence[Turn], numbers: str = "none", times: bool = True) -> list[list[Any]]:
    """What the transcript's gutter shows: ``[offset, label, kind]`` for every numbered line or paragraph
    (``numbers``: lines of the stored text, counting blank ones; paragraphs: blocks between blank lines) and every
    turn's timestamp (VTT/SRT cue times, ``times``). Marks at one offset are joined ("12 · 00:01:02")."""
    if numbers not in NUMBERING:
        raise WorkbenchError(f"numbers are one of {', '.join(NUMBERING)}")
    marks: dict[int, list[str]] = {}
    kinds: dict[int, str] = {}
    if numbers != "none":
        offset = 0
        paragraph = 0
        previous_blank = True
        for number, line in enumerate(text.split("\n"), start=1):
            blank = not line.strip()
            if not blank:
                start = offset + (len(line) - len(line.lstrip()))
                if numbers == "lines":
                    marks.setdefault(start, []).append(str(number))
                    kinds[start] = "line"
                elif previous_blank:
                    paragraph += 1
                    marks.setdefault(start, []).append(f"¶{paragraph}")
                    kinds[start] = "paragraph"
            previous_blank = blank
            offset += len(line) + 1
    if times:
        for turn in turns:
            if turn.timestamp and 0 <= turn.start < len(text):
                marks.setdefault(turn.start, []).append(turn.timestamp)
                kinds[turn.start] = "time"
    return [[offset, " · ".join(labels), kinds[offset]] for offset, labels in sorted(marks.items())]
