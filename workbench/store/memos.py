"""Memos on the project, a document or a code; every change audited."""

from __future__ import annotations

from typing import Any

from ..errors import WorkbenchError
from ..models import Memo
from . import actions
from .base import StoreBase, new_guid, now

MEMO_KINDS = ("project", "document", "code")


class MemosMixin(StoreBase):
    """Write and read memos."""

    def add_memo(self, text: str, author: str, kind: str = "project", document_id: int | None = None,
                 code_id: int | None = None, title: str = "") -> int:
        """Write a memo on the project, a document or a code."""
        if kind not in MEMO_KINDS:
            raise WorkbenchError(f"a memo is on the project, a document or a code, not {kind!r}")
        if kind == "document" and document_id is None or kind == "code" and code_id is None:
            raise WorkbenchError(f"a {kind} memo needs its {kind}")
        if not text.strip():
            raise WorkbenchError("a memo needs some text")
        stamp = now()
        with self.transaction():
            author = self._allowed(author, "can_write_memo", "write memos").name or author
            memo_id = int(self.conn.execute(
                "INSERT INTO memos (guid, kind, document_id, code_id, author, title, text, created, updated) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (new_guid(), kind, document_id, code_id, author, title, text, stamp, stamp),
            ).lastrowid)
            self._audit(author, actions.memo_added(self._memo_record(memo_id)))
        return memo_id

    def update_memo(self, memo_id: int, text: str, title: str | None = None, who: str = "") -> None:
        """Change a memo's text (and title)."""
        if not text.strip():
            raise WorkbenchError("a memo needs some text")
        with self.transaction():
            who = self._allowed(who, "can_write_memo", "write memos").name
            before = self._memo_record(memo_id)
            self.conn.execute("UPDATE memos SET text = ?, title = coalesce(?, title), updated = ? WHERE id = ?",
                              (text, title, now(), memo_id))
            self._audit(who, actions.memo_updated(before, self._memo_record(memo_id)))

    def _memo_record(self, memo_id: int) -> dict[str, Any]:
        row = self.conn.execute(
            "SELECT m.guid, m.kind, d.guid, c.guid, coalesce(m.author, ''), coalesce(m.title, ''), "
            "coalesce(m.text, '') FROM memos m LEFT JOIN documents d ON d.id = m.document_id "
            "LEFT JOIN codes c ON c.id = m.code_id WHERE m.id = ?", (memo_id,)).fetchone()
        if row is None:
            raise WorkbenchError(f"no memo with id {memo_id}")
        keys = ("guid", "kind", "document_guid", "code_guid", "author", "title", "text")
        return {"id": memo_id, **dict(zip(keys, row))}

    def _reattach_memos(self, code_id: int, target_id: int | None, who: str) -> None:
        """Move a code's memos to another code (a merge) or detach them (``None``: the code is deleted)."""
        for memo_id, in self.conn.execute("SELECT id FROM memos WHERE code_id = ?", (code_id,)).fetchall():
            before = self._memo_record(memo_id)
            self.conn.execute("UPDATE memos SET code_id = ?, updated = ? WHERE id = ?", (target_id, now(), memo_id))
            self._audit(who, actions.memo_updated(before, self._memo_record(memo_id)))

    def memos(self, kind: str | None = None) -> list[Memo]:
        sql = ("SELECT m.id, m.guid, m.kind, d.name, c.name, coalesce(m.author, ''), coalesce(m.title, ''), "
               "coalesce(m.text, ''), m.created, m.updated FROM memos m LEFT JOIN documents d ON d.id = m.document_id "
               "LEFT JOIN codes c ON c.id = m.code_id")
        params: tuple[Any, ...] = ()
        if kind:
            sql += " WHERE m.kind = ?"
            params = (kind,)
        return [Memo(*row) for row in self.conn.execute(sql + " ORDER BY m.created, m.id", params)]
