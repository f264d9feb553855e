"""The ``Project``: one open project file, composed of the store's parts (one module per concern)."""

from __future__ import annotations

from .accounts import AccountsMixin
from .audit import AuditMixin
from .case_changes import CaseChangesMixin
from .cases import CasesMixin
from .coders import CodersMixin
from .codes import CodesMixin
from .comments import CommentsMixin
from .document_changes import DocumentChangesMixin
from .documents import DocumentsMixin
from .exchange import ExchangeMixin
from .exercises import ExercisesMixin
from .groups import GroupsMixin
from .memos import MemosMixin
from .review import ReviewMixin
from .segments import SegmentsMixin
from .streams import StreamsMixin


class Project(DocumentsMixin, DocumentChangesMixin, CodersMixin, CodesMixin, SegmentsMixin, StreamsMixin, CasesMixin,
              MemosMixin, ExchangeMixin, AuditMixin, ReviewMixin, CommentsMixin, ExercisesMixin, AccountsMixin,
              GroupsMixin, CaseChangesMixin):
    """An open project file. Use :func:`create_project` / :func:`open_project`; close it (or use ``with``)."""

    def stats(self, sentences: bool = True) -> dict[str, int]:
        """Counts of documents, words, turns, sentences (unless ``sentences`` is false: counting them walks half a
        million index entries at a million codings), codes, segments, coders, cases and memos."""
        one = self._one
        # both sums in one pass (over the covering listing index: the texts are not read)
        words, characters = self.conn.execute(
            "SELECT coalesce(sum(words), 0), coalesce(sum(characters), 0) FROM documents").fetchone()
        counts = {"documents": one("SELECT count(*) FROM documents"), "words": words, "characters": characters,
                  "turns": one("SELECT count(*) FROM turns")}
        if sentences:
            counts["sentences"] = one("SELECT count(*) FROM units WHERE kind = 'sentence'")
        counts.update({table: one(f"SELECT count(*) FROM {table}")
                       for table in ("codes", "segments", "coders", "cases", "memos")})
        return counts
