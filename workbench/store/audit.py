"""The audit log: who changed what, when, with the record before and after."""

from __future__ import annotations

import json

from ..models import AuditEntry
from .base import StoreBase


class AuditMixin(StoreBase):
    """Read the audit log."""

    def audit_log(self, limit: int | None = None) -> list[AuditEntry]:
        """The audit log, newest first."""
        sql = "SELECT id, at, who, action, target, before, after FROM audit_log ORDER BY id DESC"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [AuditEntry(r[0], r[1], r[2] or "", r[3], r[4] or "", json.loads(r[5]) if r[5] else None,
                           json.loads(r[6]) if r[6] else None) for r in self.conn.execute(sql)]

    def data_version(self) -> int:
        """A number that changes with every audited change (imports, codes, segments, cases): a cache key."""
        return int(self._one("SELECT coalesce(max(id), 0) FROM audit_log"))
