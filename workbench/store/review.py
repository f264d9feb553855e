"""Review decisions: how a supervisor resolved each passage where two coders differ, and the consensus coding
that resulted (segments of the consensus coder). One row per item of a review (coder A, coder B, consensus coder),
so progress survives a reload; a later decision on the same item replaces the earlier one and its segments."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..models import NewSegment
from . import actions
from .base import StoreBase, new_guid, now


@dataclass(frozen=True)
class Decision:
    """A stored review decision. ``segments`` are the GUIDs of the consensus segments it created."""

    guid: str
    item: str
    coder_a: str
    coder_b: str
    consensus: str
    document_guid: str
    code_guid: str
    decision: str
    start: int | None
    end: int | None
    segments: tuple[str, ...]
    who: str
    at: str

    def as_json(self) -> dict[str, Any]:
        return {"item": self.item, "decision": self.decision, "start": self.start, "end": self.end,
                "consensus": self.consensus, "segments": list(self.segments), "who": self.who, "at": self.at}


_COLUMNS = ("guid, item_key, coder_a, coder_b, consensus, document_guid, code_guid, decision, start, end, "
            "segments, who, at")


def _decision(row: Sequence[Any]) -> Decision:
    return Decision(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], row[9],
                    tuple(json.loads(row[10] or "[]")), row[11] or "", row[12])


class ReviewMixin(StoreBase):
    """Store and read review decisions."""

    def review_decisions(self, coder_a: str, coder_b: str, consensus: str) -> dict[str, Decision]:
        """The decisions of one review, by item key."""
        rows = self.conn.execute(
            f"SELECT {_COLUMNS} FROM review_decisions WHERE coder_a = ? AND coder_b = ? AND consensus = ?",
            (coder_a, coder_b, consensus)).fetchall()
        return {row[1]: _decision(row) for row in rows}

    def record_decision(self, *, item: str, coder_a: str, coder_b: str, consensus: str, document_id: int,
                        document_guid: str, code_id: int, code_guid: str, decision: str,
                        spans: Sequence[tuple[int, int]], who: Any, start: int | None = None,
                        end: int | None = None, memo: str = "") -> Decision:
        """Store a decision and write its consensus segments, in one transaction: the segments an earlier decision
        on the same item created are removed first (those still there), then ``spans`` are coded with the code by
        the consensus coder (the usual checks: a clash with the consensus coder's other segments refuses all).
        ``who``: the reviewer's name or Privileges (the segment writes ask it whether they may code for the
        consensus coder)."""
        with self.transaction():
            name = who.name if hasattr(who, "name") else who
            earlier = self.conn.execute(
                f"SELECT {_COLUMNS} FROM review_decisions WHERE coder_a = ? AND coder_b = ? AND consensus = ? "
                "AND item_key = ?", (coder_a, coder_b, consensus, item)).fetchone()
            before = _decision(earlier) if earlier else None
            if before:
                for guid in before.segments:
                    seg_id = self._one("SELECT id FROM segments WHERE guid = ?", (guid,))
                    if seg_id is not None:
                        self.remove_segment(seg_id, who, reason=f"review decision on item {item} replaced")
            ids = self.add_segments([NewSegment(document_id, s, e, code_id, consensus, memo) for s, e in spans],
                                    who=who) if spans else []
            guids = [self._one("SELECT guid FROM segments WHERE id = ?", (i,)) for i in ids]
            stamp = now()
            values = (before.guid if before else new_guid(), item, coder_a, coder_b, consensus, document_guid,
                      code_guid, decision, start, end, json.dumps(guids), name, stamp)
            self.conn.execute("DELETE FROM review_decisions WHERE coder_a = ? AND coder_b = ? AND consensus = ? "
                              "AND item_key = ?", (coder_a, coder_b, consensus, item))
            self.conn.execute(f"INSERT INTO review_decisions ({_COLUMNS}) VALUES ({', '.join('?' * 13)})", values)
            after = _decision(values)
            self._audit(name, actions.review_decided(item, before.as_json() if before else None,
                                                    {**after.as_json(), "coders": [coder_a, coder_b],
                                                     "document": document_guid, "code": code_guid}))
        return after
