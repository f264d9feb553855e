"""The disagreement queue: every passage where two coders applied a code differently.

Definition (per code C, per document D that BOTH coders have coded, i.e. where each has at least one segment of
any code; a document one coder has not touched is missing for them, not a disagreement):

1. Take coder A's and coder B's segments of C in D (exactly C, not its child codes).
2. A segment is *matched* when the other coder has a segment of C in D that overlaps it by at least ``overlap`` %
   of the longer of the two (the MAXQDA-style segment matching of the agreement statistics, default 90 %).
3. Group the segments of both coders into *passages*: the connected groups of segments that overlap (share at
   least one character; touching is not overlap), transitively. A passage spans from its first start to its last
   end.
4. A passage is a queue item when at least one of its segments is not matched: one coder coded it and the other
   did not (``only_a`` / ``only_b``), or both did with spans that do not match (``differ``). Passages in which
   every segment is matched are agreements and not in the queue.

Each item has a key computed from its document, code, the two coders and its segments (GUID, start, end), so a
decision stays attached to it across reloads, and an item whose segments change becomes a new item.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..agreement.stats import segments_match
from ..errors import WorkbenchError
from ..models import Code, Segment

DEFAULT_OVERLAP = 90
DECISIONS = ("accept-a", "accept-b", "both", "neither", "edit")


def spans_match(a: tuple[int, int], b: tuple[int, int], overlap: int) -> bool:
    """Two spans match when they share at least ``overlap`` % of the longer one's characters (the agreement
    statistics' segment matching, MAXQDA's rule)."""
    return segments_match(a, b, overlap)


def passages(a: Sequence[tuple[int, int]], b: Sequence[tuple[int, int]], overlap: int = DEFAULT_OVERLAP,
             agreements: bool = False) -> list[tuple[list[int], list[int], list[bool], list[bool]]]:
    """The disagreeing passages of two coders' spans of one code in one document (with ``agreements`` also the
    passages where every span is matched): for each passage (in text order) the indices of A's and B's spans in it
    and whether each of them is matched. Pure: spans only."""
    matched_a = [any(spans_match(x, y, overlap) for y in b) for x in a]
    matched_b = [any(spans_match(y, x, overlap) for x in a) for y in b]
    events = sorted([(s, e, 0, i) for i, (s, e) in enumerate(a)] + [(s, e, 1, i) for i, (s, e) in enumerate(b)])
    groups: list[list[tuple[int, int]]] = []
    reach = None
    for start, end, side, index in events:
        if reach is None or start >= reach:
            groups.append([])
            reach = end
        groups[-1].append((side, index))
        reach = max(reach, end)
    result = []
    for group in groups:
        ia = sorted(i for side, i in group if side == 0)
        ib = sorted(i for side, i in group if side == 1)
        ma = [matched_a[i] for i in ia]
        mb = [matched_b[i] for i in ib]
        if all(ma) and all(mb) and not agreements:
            continue
        result.append((ia, ib, ma, mb))
    return result


@dataclass(frozen=True)
class Side:
    """One coder's segment in a queue item."""

    id: int
    guid: str
    start: int
    end: int
    text: str
    memo: str
    matched: bool

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "guid": self.guid, "start": self.start, "end": self.end, "text": self.text,
                "memo": self.memo, "matched": self.matched}


def side_by_side(a: Sequence[Segment], b: Sequence[Segment], overlap: int = DEFAULT_OVERLAP,
                 agreements: bool = False) -> list[tuple[tuple[Side, ...], tuple[Side, ...], int, int]]:
    """Two coders' segments of one code in one document, grouped into :func:`passages`: per passage each side's
    segments (with whether each is matched) and the passage's start and end."""
    result = []
    for ia, ib, ma, mb in passages([(s.start, s.end) for s in a], [(s.start, s.end) for s in b], overlap,
                                   agreements):
        sides = tuple(tuple(Side(s.id, s.guid, s.start, s.end, s.text, s.memo, m) for s, m in zip(segs, flags))
                      for segs, flags in (([a[i] for i in ia], ma), ([b[i] for i in ib], mb)))
        spans = [(x.start, x.end) for x in sides[0] + sides[1]]
        result.append((sides[0], sides[1], min(s for s, _ in spans), max(e for _, e in spans)))
    return result


@dataclass(frozen=True)
class ReviewItem:
    """A passage where coders A and B differ on one code, with everything a reviewer needs beside it."""

    key: str
    number: int
    document: str
    document_id: int
    document_guid: str
    code_id: int
    code_guid: str
    code: str
    colour: str
    start: int
    end: int
    a: tuple[Side, ...]
    b: tuple[Side, ...]
    definition: str
    when_to_use: str
    when_not_to_use: str

    @property
    def kind(self) -> str:
        if not self.b:
            return "only_a"
        if not self.a:
            return "only_b"
        return "differ"

    def spans_for(self, decision: str, start: int | None = None, end: int | None = None) -> list[tuple[int, int]]:
        """The consensus spans a decision gives: one side's spans, the union of both (overlaps joined), none, or
        the edited span (which must overlap the passage)."""
        if decision == "accept-a":
            return [(s.start, s.end) for s in self.a]
        if decision == "accept-b":
            return [(s.start, s.end) for s in self.b]
        if decision == "neither":
            return []
        if decision == "both":
            joined: list[list[int]] = []
            for s, e in sorted((x.start, x.end) for x in self.a + self.b):
                if joined and s < joined[-1][1]:
                    joined[-1][1] = max(joined[-1][1], e)
                else:
                    joined.append([s, e])
            return [(s, e) for s, e in joined]
        if decision == "edit":
            if start is None or end is None:
                raise WorkbenchError("an edited span needs its start and end", cli="span")
            if start >= end:
                raise WorkbenchError(f"the edited span's start {start} must be before its end {end}")
            if not (max(start, self.start) < min(end, self.end)):
                raise WorkbenchError(f"the edited span {start}–{end} does not overlap the passage "
                                     f"{self.start}–{self.end}")
            return [(start, end)]
        raise WorkbenchError(f"unknown decision {decision!r}; choose one of {', '.join(DECISIONS)}")

    def as_json(self) -> dict[str, Any]:
        return {
            "item": self.key, "number": self.number, "document": self.document, "code": self.code,
            "kind": self.kind, "start": self.start, "end": self.end,
            "a": [s.as_json() for s in self.a], "b": [s.as_json() for s in self.b],
            "definition": self.definition, "when_to_use": self.when_to_use,
            "when_not_to_use": self.when_not_to_use,
        }


@dataclass
class Queue:
    """The queue of two coders, in document and text order."""

    coders: tuple[str, str]
    overlap: int
    items: list[ReviewItem] = field(default_factory=list)

    def find(self, ref: str) -> ReviewItem:
        """An item by its key (or a unique prefix of at least 4 characters) or by its number in the queue (``12`` or
        ``#12``)."""
        ref = (ref or "").strip().lower()
        numbered = ref.startswith("#")
        ref = ref.removeprefix("#")
        found = [] if numbered else [item for item in self.items if item.key == ref] or (
            [item for item in self.items if item.key.startswith(ref)] if len(ref) >= 4 else [])
        if ref.isdigit() and 1 <= int(ref) <= len(self.items) and str(int(ref)) == ref:
            if found:
                raise WorkbenchError(f"item {ref!r} is both a number in the queue and the start of a key; "
                                     f"give #{ref} for the number or more of the key")
            return self.items[int(ref) - 1]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise WorkbenchError(f"item {ref!r} is ambiguous; give more of its key")
        raise WorkbenchError(f"no item {ref!r} in the review queue of {self.coders[0]} and {self.coders[1]} "
                             "(it may have changed since: list the queue again)")


def item_key(document_guid: str, code_guid: str, coders: tuple[str, str], a: Sequence[Side],
             b: Sequence[Side]) -> str:
    parts = [document_guid, code_guid, coders[0], coders[1], "A"]
    parts += [f"{s.guid}:{s.start}:{s.end}" for s in a] + ["B"] + [f"{s.guid}:{s.start}:{s.end}" for s in b]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]


def parse_coders(value: str | Sequence[str]) -> tuple[str, str]:
    """``"A,B"`` (or a pair) → two distinct coder names."""
    names = [n.strip() for n in (value.split(",") if isinstance(value, str) else value) if n.strip()]
    if len(names) != 2:
        raise WorkbenchError("review compares exactly two coders", cli="coders")
    if names[0] == names[1]:
        raise WorkbenchError("choose two different coders to review")
    return names[0], names[1]


CHUNK = 200  # documents read at a time: memory follows the queue, not the project


def build_queue(project: Any, coders: str | Sequence[str], codes: Sequence[str] | None = None,
                documents: Sequence[str] | None = None, overlap: int = DEFAULT_OVERLAP,
                progress: Callable[[float], None] | None = None) -> Queue:
    """The disagreement queue of two coders (see the module docstring), optionally for some codes and documents
    (by name or path). Unknown coders, codes and documents are refused with a one-line message. The documents are
    read a chunk at a time; ``progress(fraction)``, if given, hears how far it is."""
    pair = parse_coders(coders)
    if isinstance(overlap, bool) or not isinstance(overlap, int) or not 1 <= overlap <= 100:
        raise WorkbenchError(f"the overlap is a percentage from 1 to 100, not {overlap!r}", cli="overlap")
    for name in pair:
        project.coder_id(name, create=False)
    all_codes: dict[int, Code] = {c.id: c for c in project.codes()}
    code_ids = [project.resolve_code(c).id for c in codes] if codes else None
    in_order = list(project.document_names())
    document_ids = list(dict.fromkeys(project.document_id(d) for d in documents)) if documents else in_order
    guids = project.document_guids()
    queue = Queue(pair, overlap)
    items: list[tuple[int, int, str, ReviewItem]] = []
    for done in range(0, len(document_ids), CHUNK):
        if progress is not None:
            progress(done / len(document_ids))
        chunk = document_ids[done:done + CHUNK]
        segments = project.segments(document_ids=chunk, coders=list(pair), with_text=True)
        items += _items(segments, pair, code_ids, all_codes, guids, overlap)
    position = {doc_id: i for i, doc_id in enumerate(in_order)}
    items.sort(key=lambda t: (position.get(t[0], 0), t[1], t[2]))
    queue.items = [ReviewItem(**{**item.__dict__, "number": n}) for n, (_, _, _, item) in enumerate(items, 1)]
    return queue


def _items(segments: Sequence[Segment], pair: tuple[str, str], code_ids: list[int] | None,
           all_codes: dict[int, Code], guids: dict[int, str],
           overlap: int) -> list[tuple[int, int, str, ReviewItem]]:
    """The queue items of some documents' segments (both coders'), unsorted."""
    coded: dict[str, set[int]] = defaultdict(set)
    grouped: dict[tuple[int, int], dict[str, list[Segment]]] = defaultdict(lambda: {pair[0]: [], pair[1]: []})
    order: list[tuple[int, int]] = []
    for seg in segments:
        coded[seg.coder].add(seg.document_id)
        if code_ids is not None and seg.code_id not in code_ids:
            continue
        key = (seg.document_id, seg.code_id)
        if key not in grouped:
            order.append(key)
        grouped[key][seg.coder].append(seg)
    both = coded[pair[0]] & coded[pair[1]]
    items: list[tuple[int, int, str, ReviewItem]] = []
    for doc_id, code_id in order:
        if doc_id not in both:
            continue
        sa, sb = grouped[(doc_id, code_id)][pair[0]], grouped[(doc_id, code_id)][pair[1]]
        code = all_codes[code_id]
        for a, b, start, end in side_by_side(sa, sb, overlap):
            item = ReviewItem(
                key=item_key(guids[doc_id], code.guid, pair, a, b), number=0, document=sa[0].document if sa
                else sb[0].document, document_id=doc_id, document_guid=guids[doc_id], code_id=code_id,
                code_guid=code.guid, code=code.path, colour=code.colour, start=start, end=end, a=a, b=b,
                definition=code.definition, when_to_use=code.when_to_use, when_not_to_use=code.when_not_to_use,
            )
            items.append((doc_id, start, code.path, item))
    return items
