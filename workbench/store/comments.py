"""Comments: threads on a segment or a code that coders and supervisors read and answer. A comment refers to its
target by GUID, so it outlives the target's id (a thread on a removed segment stays readable)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import WorkbenchError
from . import actions
from .base import StoreBase, new_guid, normalise_name, now

COMMENT_TARGETS = ("segment", "code")
MAX_COMMENT = 10_000


@dataclass(frozen=True)
class Comment:
    """One comment. ``thread`` is the GUID of the thread's first comment (its own GUID for a first comment)."""

    id: int
    guid: str
    kind: str
    target: str
    thread: str
    reply_to: str | None
    author: str
    text: str
    created: str

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "guid": self.guid, "on": self.kind, "target": self.target, "thread": self.thread,
                "reply_to": self.reply_to, "author": self.author, "text": self.text, "created": self.created}


_COLUMNS = "id, guid, target_kind, target_guid, thread_guid, reply_to, author, text, created"


class CommentsMixin(StoreBase):
    """Write and read comments."""

    def add_comment(self, kind: str, target_guid: str, text: str, author: str,
                    reply_to: int | None = None) -> Comment:
        """Comment on a segment or a code (by GUID), or answer comment ``reply_to`` (same target, same thread)."""
        author = normalise_name(author)
        text = (text or "").strip()
        if not author:
            raise WorkbenchError("a comment needs its author", cli="coder")
        if not text:
            raise WorkbenchError("a comment needs some text")
        if len(text) > MAX_COMMENT:
            raise WorkbenchError(f"a comment may be at most {MAX_COMMENT:,} characters")
        with self.transaction():
            if reply_to is not None:
                parent = self.comment(reply_to)
                kind, target_guid, thread, parent_guid = parent.kind, parent.target, parent.thread, parent.guid
            else:
                if kind not in COMMENT_TARGETS:
                    raise WorkbenchError(f"a comment is on a segment or a code, not {kind!r}")
                table = "segments" if kind == "segment" else "codes"
                if self._one(f"SELECT 1 FROM {table} WHERE guid = ?", (target_guid,)) is None:
                    raise WorkbenchError(f"no {kind} with GUID {target_guid}")
                thread, parent_guid = None, None
            guid = new_guid()
            comment_id = int(self.conn.execute(
                "INSERT INTO comments (guid, target_kind, target_guid, thread_guid, reply_to, author, text, created)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (guid, kind, target_guid, thread or guid, parent_guid, author, text, now()),
            ).lastrowid)
            comment = self.comment(comment_id)
            self._audit(author, actions.comment_added(comment.as_json()))
        return comment

    def comment(self, comment_id: int) -> Comment:
        row = self.conn.execute(f"SELECT {_COLUMNS} FROM comments WHERE id = ?", (comment_id,)).fetchone()
        if row is None:
            raise WorkbenchError(f"no comment with id {comment_id}")
        return Comment(*row)

    def comments(self, kind: str | None = None, targets: Sequence[str] | None = None) -> list[Comment]:
        """Comments, by thread (oldest thread first) and time within a thread; optionally on some targets."""
        sql = f"SELECT {_COLUMNS} FROM comments"
        clauses, params = [], []
        if kind is not None:
            clauses.append("target_kind = ?")
            params.append(kind)
        if targets is not None:
            if not targets:
                return []
            clauses.append(f"target_guid IN ({','.join('?' * len(targets))})")
            params.extend(targets)
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        rows = self.conn.execute(sql + " ORDER BY id", params).fetchall()
        first: dict[str, int] = {}
        for row in rows:
            first.setdefault(row[4], row[0])
        return [Comment(*row) for row in sorted(rows, key=lambda r: (first[r[4]], r[0]))]
