"""The audit log: who changed what, when, with the record before and after.

The catalogue: one constructor per action gives the entry's action name, target (a GUID or key) and records, so
every write of that action is logged alike. The store's parts write them with ``self._audit(who, *entry)`` in the
transaction of the change.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from ..models import AuditEntry
from .base import StoreBase


class Entry(NamedTuple):
    """An audit entry before it is written: action, target, record before, record after."""

    action: str
    target: str
    before: Any = None
    after: Any = None


def review_decide(item: str, before: dict[str, Any] | None, after: dict[str, Any]) -> Entry:
    """A review decision on queue item ``item`` (replacing ``before``, if any); its consensus segments are
    logged as ``segment.add`` / ``segment.delete`` beside it."""
    return Entry("review.decide", item, before, after)


def comment_add(comment: dict[str, Any]) -> Entry:
    """A comment on a segment or a code, or an answer in a thread."""
    return Entry("comment.add", comment["guid"], None, comment)


def exercise_add(exercise: dict[str, Any]) -> Entry:
    """A new training exercise: documents, reference coder, students."""
    return Entry("exercise.add", exercise["guid"], None, exercise)


def exercise_students(before: dict[str, Any], after: dict[str, Any]) -> Entry:
    """Students added to an exercise."""
    return Entry("exercise.students", after["guid"], before, after)


def exercise_submit(guid: str, exercise: str, student: str, submitted: str) -> Entry:
    """A student handed an exercise in."""
    return Entry("exercise.submit", guid, None, {"exercise": exercise, "student": student, "submitted": submitted})


class AuditMixin(StoreBase):
    """Read the audit log."""

    def audit_log(self, limit: int | None = None) -> list[AuditEntry]:
        """The audit log, newest first."""
        sql = "SELECT id, at, who, action, target, before, after FROM audit_log"
        if self.viewer is not None and not self.privileges(self.viewer).can_see_audit():
            sql += " WHERE who = ? COLLATE NOCASE"  # one's own changes only
            params: tuple[str, ...] = (self.viewer.name,)
        else:
            params = ()
        sql += " ORDER BY id DESC"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [AuditEntry(r[0], r[1], r[2] or "", r[3], r[4] or "", json.loads(r[5]) if r[5] else None,
                           json.loads(r[6]) if r[6] else None) for r in self.conn.execute(sql, params)]

    def data_version(self) -> int:
        """A number that changes with every audited change (imports, codes, segments, cases): a cache key."""
        return int(self._one("SELECT coalesce(max(id), 0) FROM audit_log"))
