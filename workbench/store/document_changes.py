"""Changing documents after import: rename, reorder, delete (with its codings, audited; refused while the document
is in an exercise)."""

from __future__ import annotations

from typing import Any

from ..errors import WorkbenchError
from . import actions
from .base import StoreBase
from .groups import clean_name


class DocumentChangesMixin(StoreBase):
    """Rename, reorder and delete documents."""

    def exercises_with_document(self, document_id: int) -> list[str]:
        """The names of the exercises that use this document (such a document is not deleted)."""
        return [r[0] for r in self.conn.execute(
            "SELECT e.name FROM exercise_documents ed JOIN exercises e ON e.id = ed.exercise_id "
            "WHERE ed.document_id = ? ORDER BY e.name", (document_id,))]

    def rename_document(self, document_id: int, name: str, who: str = "") -> None:
        """Give a document another name (unique in the project); its codings stay."""
        name = clean_name(name, "document", 300)
        with self.transaction():
            who = self._allowed(who, "can_import", "rename documents").name
            old = self._one("SELECT name FROM documents WHERE id = ?", (document_id,))
            if old is None:
                raise WorkbenchError(f"no document with id {document_id}")
            if old == name:
                return
            clash = self._one("SELECT name FROM documents WHERE lower(name) = lower(?) AND id != ?",
                              (name, document_id))
            if clash is not None:
                raise WorkbenchError(f"a document named {clash!r} already exists; choose another name")
            self.conn.execute("UPDATE documents SET name = ? WHERE id = ?", (name, document_id))
            self._audit(who, actions.document_renamed(
                self._one("SELECT guid FROM documents WHERE id = ?", (document_id,)), old, name))

    def move_document(self, document_id: int, position: int, who: str = "") -> None:
        """Put a document at ``position`` (0 = first) in the project's order of documents."""
        with self.transaction():
            who = self._allowed(who, "can_import", "reorder documents").name
            order = [r[0] for r in self.conn.execute("SELECT id FROM documents ORDER BY position, id")]
            if document_id not in order:
                raise WorkbenchError(f"no document with id {document_id}")
            before = order.index(document_id)
            position = max(0, min(int(position), len(order) - 1))
            if before == position:
                return
            order.remove(document_id)
            order.insert(position, document_id)
            self.conn.executemany("UPDATE documents SET position = ? WHERE id = ?",
                                  [(i + 1, doc) for i, doc in enumerate(order)])
            self._audit(who, actions.document_moved(
                self._one("SELECT guid FROM documents WHERE id = ?", (document_id,)), before, position))

    def document_deletion(self, document_id: int) -> dict[str, int]:
        """What deleting a document takes with it: its codings, memos and case and group links."""
        one = self._one
        return {
            "segments": one("SELECT count(*) FROM segments WHERE document_id = ?", (document_id,)),
            "memos": one("SELECT count(*) FROM memos WHERE document_id = ?", (document_id,)),
            "cases": one("SELECT count(*) FROM document_cases WHERE document_id = ?", (document_id,)),
            "groups": one("SELECT count(*) FROM group_documents WHERE document_id = ?", (document_id,)),
        }

    def delete_document(self, document_id: int, who: str = "") -> int:
        """Delete a document with its codings, memos, units and links, in one audited transaction (the audit entry
        keeps every deleted coding and memo). Refused while the document is in an exercise. Returns the number
        of codings deleted."""
        with self.transaction():
            who = self._allowed(who, "can_import", "delete documents").name
            row = self.conn.execute("SELECT guid, name, sha256, characters FROM documents WHERE id = ?",
                                    (document_id,)).fetchone()
            if row is None:
                raise WorkbenchError(f"no document with id {document_id}")
            exercises = self.exercises_with_document(document_id)
            if exercises:
                raise WorkbenchError(f"document {row[1]!r} is used in exercise(s) {', '.join(exercises)}; remove it "
                                     "from the exercise first")
            segments = [self._segment_record(r[0]) for r in self.conn.execute(
                "SELECT id FROM segments WHERE document_id = ? ORDER BY start, id", (document_id,)).fetchall()]
            memos = [dict(zip(("guid", "author", "title", "text", "created"), r)) for r in self.conn.execute(
                "SELECT guid, author, title, text, created FROM memos WHERE document_id = ?", (document_id,))]
            before: dict[str, Any] = {"name": row[1], "sha256": row[2], "characters": row[3],
                                      "segments": segments, "memos": memos}
            for table in ("segments", "memos", "turns", "units", "document_cases", "group_documents"):
                self.conn.execute(f"DELETE FROM {table} WHERE document_id = ?", (document_id,))
            self.conn.execute("DELETE FROM documents WHERE id = ?", (document_id,))
            self._audit(who, actions.document_deleted(row[0], before, len(segments)))
        return len(segments)
