"""Reading the audit log: who changed what, when, with the record before and after (the catalogue of actions is
``actions``)."""

from __future__ import annotations

import json
from ..models import AuditEntry
from .base import StoreBase


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
        return [_entry(row) for row in self.conn.execute(sql, params)]

    def last_audit_entry(self, target: str) -> AuditEntry | None:
        """The latest audit entry about ``target`` (a GUID), or None."""
        row = self.conn.execute("SELECT id, at, who, action, target, before, after FROM audit_log WHERE target = ? "
                                "ORDER BY id DESC LIMIT 1", (target,)).fetchone()
        return None if row is None else _entry(row)

    def changed_by_others(self, since: int, who: str) -> bool:
        """Whether an audited change after entry ``since`` was made by anyone but ``who``."""
        return self._one("SELECT 1 FROM audit_log WHERE id > ? AND who != ? COLLATE NOCASE LIMIT 1",
                         (since, who or "")) is not None

    def data_version(self) -> int:
        """A number that changes with every audited change (imports, codes, segments, cases): a cache key."""
        return int(self._one("SELECT coalesce(max(id), 0) FROM audit_log"))


def _entry(row: tuple) -> AuditEntry:
    return AuditEntry(row[0], row[1], row[2] or "", row[3], row[4] or "", json.loads(row[5]) if row[5] else None,
                      json.loads(row[6]) if row[6] else None)
