"""Where a segment sits: its speaker(s), case(s) and the words around it."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from .models import Turn


class TurnIndex:
    """Finds the speakers of the turns a span overlaps, by bisecting the turn starts of one document."""

    def __init__(self, turns: Sequence[Turn]) -> None:
        self.turns = list(turns)
        self.starts = [t.start for t in self.turns]
        self._ends = [t.end for t in self.turns]
        self._speakers = [t.speaker for t in self.turns]

    def overlapping(self, start: int, end: int) -> list[Turn]:
        """Turns that share at least one character with ``[start, end)`` (for empty spans: that contain it)."""
        index = max(bisect_right(self.starts, start) - 1, 0)
        found = []
        while index < len(self.turns) and self.turns[index].start < max(end, start + 1):
            turn = self.turns[index]
            if turn.end > start:
                found.append(turn)
            index += 1
        return found

    def speakers(self, start: int, end: int) -> list[str]:
        """Distinct speakers of the turns overlapping the span, in order (the hot path of exports: no objects)."""
        starts, ends, speakers = self.starts, self._ends, self._speakers
        index = bisect_right(starts, start) - 1
        if index < 0:
            index = 0
        stop = end if end > start else start + 1
        found: list[str] = []
        count = len(starts)
        while index < count and starts[index] < stop:
            speaker = speakers[index]
            if speaker and ends[index] > start and speaker not in found:
                found.append(speaker)
            index += 1
        return found

    def turn_at(self, offset: int) -> Turn | None:
        """The turn containing ``offset``, if any."""
        index = bisect_right(self.starts, offset) - 1
        if index >= 0 and self.turns[index].start <= offset < max(self.turns[index].end, self.turns[index].start + 1):
            return self.turns[index]
        return None


def context_words(text: str, start: int, end: int, words: int = 8) -> tuple[str, str]:
    """About ``words`` words of text before and after a span, on one line each."""
    before_text = text[max(0, start - words * 12):start]
    after_text = text[end:end + words * 12]
    before = " ".join(before_text.split()[-words:]) if before_text.strip() else ""
    after = " ".join(after_text.split()[:words]) if after_text.strip() else ""
    return before, after
