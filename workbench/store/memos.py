"""Memos on the project, a document or a code."""

from __future__ import annotations

from typing import Any

from ..errors import WorkbenchError
from ..models import Memo
from .base import StoreBase, new_guid, now


class MemosMixin(StoreBase):
    """Write and read memos."""

    def add_memo(self, text: str, author: str, kind: str = "project", document_id: int | None = None,
                 code_id: int | None = None, title: str = "") -> int:
        """Write a memo on the project, a document or a code."""
        if kind not in ("project", "document", "code"):
            raise WorkbenchError(f"a memo is on the project, a document or a code, not {kind!r}")
        if kind == "document" and document_id is None or kind == "code" and code_id is None:
            raise WorkbenchError(f"a {kind} memo needs its {kind}")
        if not text.strip():
            raise WorkbenchError("a memo needs some text")
        stamp = now()
        with self.transaction():
            author = self._allowed(author, "can_write_memo", "write memos").name or author
            guid = new_guid()
            memo_id = int(self.conn.execute(
                "INSERT INTO memos (guid, kind, document_id, code_id, author, title, text, created, updated) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (guid, kind, document_id, code_id, author, title, text, stamp, stamp),
            ).lastrowid)
            self._audit(author, "memo.add", guid, None, {"kind": kind, "document_id": document_id,
                                                         "code_id": code_id, "title": title, "text": text})
            return memo_id

    def update_memo(self, memo_id: int, text: str, title: str | None = None) -> None:
        with self.transaction():
            self.conn.execute("UPDATE memos SET text = ?, title = coalesce(?, title), updated = ? WHERE id = ?",
                              (text, title, now(), memo_id))

    def memos(self, kind: str | None = None) -> list[Memo]:
        sql = ("SELECT m.id, m.guid, m.kind, d.name, c.name, coalesce(m.author, ''), coalesce(m.title, ''), "
               "coalesce(m.text, ''), m.created, m.updated FROM memos m LEFT JOIN documents d ON d.id = m.document_id "
               "LEFT JOIN codes c ON c.id = m.code_id")
        params: tuple[Any, ...] = ()
        if kind:
            sql += " WHERE m.kind = ?"
            params = (kind,)
        return [Memo(*row) for row in self.conn.execute(sql + " ORDER BY m.created, m.id", params)]
