"""Decisions on the disagreement queue, and the consensus coding they build.

A review is two coders (A, B) and a consensus coder (default ``consensus``). For each queue item the reviewer
decides:

- ``accept-a`` / ``accept-b``: the consensus coder gets that coder's segments of the passage (none if that coder
  did not code it);
- ``both``: the union of both coders' segments (overlapping ones joined into one);
- ``neither``: no consensus segment for the passage;
- ``edit``: one span the reviewer gives (it must overlap the passage).

The consensus segments are ordinary segments of the consensus coder with the item's code, so every analysis and
the agreement statistics can use them. Deciding an item again replaces its earlier decision and the consensus
segments that decision created. Each decision is stored (progress survives a reload) and audited
(``review.decide``) in the transaction that writes its segments; the item is looked up again inside that
transaction, so a decision never applies to a passage that changed under it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import WorkbenchError
from ..store import normalise_name
from .access import privileges_of
from .queue import DEFAULT_OVERLAP, Queue, ReviewItem, build_queue

DEFAULT_CONSENSUS = "consensus"


@dataclass
class Review:
    """The queue of a review with its stored decisions."""

    queue: Queue
    consensus: str
    decisions: dict[str, Any] = field(default_factory=dict)

    @property
    def items(self) -> list[ReviewItem]:
        return self.queue.items

    @property
    def total(self) -> int:
        return len(self.queue.items)

    @property
    def decided(self) -> int:
        return sum(1 for item in self.queue.items if item.key in self.decisions)

    def decision(self, item: ReviewItem) -> Any:
        return self.decisions.get(item.key)

    def progress(self) -> str:
        return f"{self.decided} of {self.total} decided"

    def as_json(self) -> dict[str, Any]:
        return {
            "coders": list(self.queue.coders), "consensus": self.consensus, "overlap": self.queue.overlap,
            "total": self.total, "decided": self.decided,
            "items": [{**item.as_json(), "decision": (self.decisions[item.key].as_json()
                                                       if item.key in self.decisions else None)}
                      for item in self.queue.items],
        }


def _consensus_name(consensus: str, coders: Sequence[str]) -> str:
    name = normalise_name(consensus)
    if not name:
        raise WorkbenchError("the consensus coding needs a coder name", cli="consensus")
    if name in coders:
        raise WorkbenchError(f"the consensus coder must not be one of the reviewed coders ({name!r})")
    return name


def check_may_review(project: Any, who: Any) -> Any:
    """The one permission question of reviewing: may ``who`` (a name or Privileges) review; returns their
    Privileges."""
    privileges = privileges_of(project, who)
    privileges.require(privileges.can_review(), "review codings")
    return privileges


def load_review(project: Any, coders: str | Sequence[str], consensus: str = DEFAULT_CONSENSUS,
                codes: Sequence[str] | None = None, documents: Sequence[str] | None = None,
                overlap: int = DEFAULT_OVERLAP, progress: Callable[[float], None] | None = None) -> Review:
    """The queue of two coders and the decisions taken on it so far (``progress``: see ``build_queue``)."""
    queue = build_queue(project, coders, codes=codes, documents=documents, overlap=overlap, progress=progress)
    name = _consensus_name(consensus, queue.coders)
    return Review(queue, name, project.review_decisions(queue.coders[0], queue.coders[1], name))


def decide(project: Any, coders: str | Sequence[str], item: str, decision: str, who: Any,
           start: int | None = None, end: int | None = None, consensus: str = DEFAULT_CONSENSUS,
           overlap: int = DEFAULT_OVERLAP, documents: Sequence[str] | None = None,
           codes: Sequence[str] | None = None) -> Any:
    """Decide one queue item (by key, unique key prefix, or number in the unfiltered queue) and write the
    consensus segments; returns the stored decision. ``documents`` and ``codes`` (the item's, say) narrow the
    queue the item is looked up in: an item's key does not depend on the rest of the queue, its number does."""
    with project.transaction():
        who = check_may_review(project, who)
        queue = build_queue(project, coders, codes=codes, documents=documents, overlap=overlap)
        name = _consensus_name(consensus, queue.coders)
        found = queue.find(item)
        spans = found.spans_for(decision, start, end)
        if decision != "edit" and (start is not None or end is not None):
            raise WorkbenchError("a start and an end belong to the edit decision only", cli="span")
        return project.record_decision(
            item=found.key, coder_a=queue.coders[0], coder_b=queue.coders[1], consensus=name,
            document_id=found.document_id, document_guid=found.document_guid, code_id=found.code_id,
            code_guid=found.code_guid, decision=decision, spans=spans, who=who,
            start=start if decision == "edit" else None, end=end if decision == "edit" else None,
            memo=f"review of {queue.coders[0]} and {queue.coders[1]}: {decision}",
        )
