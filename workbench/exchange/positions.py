"""Selection positions in other tools' files, and which convention they were counted in.

The standard counts Unicode code points of the plain-text file, start inclusive, end exclusive. Real exports
differ: NVivo counts UTF-16 code units (an emoji is two) and a CRLF as two, after a BOM it does not count; other
tools count bytes, or a CRLF as one. For each source we read the selections in every convention that makes a
difference for its text, score each reading by how many selection ends fall on word boundaries of the text, and
keep the best (the standard wins ties). Positions are then mapped to code points of the stored text (NFC, ``\\n``).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

from ..textnorm import normalise_text

SAMPLE = 4000  # selections scored per source at most (evenly spread)
MARGIN = 3  # selection ends on word boundaries by which another reading must beat the standard


@dataclass(frozen=True)
class Convention:
    unit: str            # "code points" | "UTF-16 code units" | "UTF-8 bytes"
    crlf_as_one: bool
    bom_counted: bool

    def describe(self) -> str:
        crlf = "a CRLF as one" if self.crlf_as_one else "a CRLF as two"
        bom = "the BOM counted" if self.bom_counted else "no BOM counted"
        return f"{self.unit}, {crlf}, {bom}"


STANDARD = Convention("code points", False, False)
_BOM_WEIGHT = {"code points": 1, "UTF-16 code units": 1, "UTF-8 bytes": 3}


def is_boundary(text: str, offset: int) -> bool:
    """Is ``offset`` between two characters that are not both letters or digits (or at an end of the text)?"""
    return offset <= 0 or offset >= len(text) or not (text[offset - 1].isalnum() and text[offset].isalnum())


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")
_NON_ASCII = re.compile("[^\x00-\x7f]")


class SourceText:
    """A source's text as the other tool stored it (maybe with BOM, CRLF, not NFC) and its stored form.

    Conversions are kept sparse: only the characters whose weight differs from one (emoji in UTF-16, non-ASCII
    in UTF-8, the CR of a CRLF counted as one) are listed, and positions are found by binary search."""

    def __init__(self, raw: str) -> None:
        self.has_bom = raw.startswith("\ufeff")
        self.base = raw[1:] if self.has_bom else raw
        self.text = normalise_text(raw)
        self.ascii = self.base.isascii()
        self.crs = [m.start() for m in re.finditer("\r\n", self.base)]
        self.has_crlf = bool(self.crs)
        self.has_astral = not self.ascii and _ASTRAL.search(self.base) is not None
        self._nfc: list[int] | None = None
        lf = self.base.replace("\r\n", "\n").replace("\r", "\n") if "\r" in self.base else self.base
        if lf != self.text:
            self._nfc = _nfc_map(lf)
        self._tables: dict[tuple[str, bool], tuple[list[int], list[int], list[int], list[int]]] = {}
        self.identity = not self.has_bom and not self.crs and self._nfc is None and "\r" not in self.base

    def describe(self, convention: Convention) -> str:
        """The convention in words, leaving out what makes no difference for this text."""
        parts = [convention.unit]
        if self.has_crlf:
            parts.append("a CRLF as one" if convention.crlf_as_one else "a CRLF as two")
        if self.has_bom:
            parts.append("the BOM counted" if convention.bom_counted else "no BOM counted")
        return ", ".join(parts)

    def conventions(self) -> list[Convention]:
        """The readings that differ for this text, the standard first."""
        units = ["code points"]
        if self.has_astral:
            units.append("UTF-16 code units")
        if not self.ascii:
            units.append("UTF-8 bytes")
        result = []
        for bom in ([False, True] if self.has_bom else [False]):
            for unit in units:
                for crlf_one in ([False, True] if self.has_crlf else [False]):
                    result.append(Convention(unit, crlf_one, bom))
        return result

    def _table(self, unit: str, crlf_one: bool) -> tuple[list[int], list[int], list[int], list[int]]:
        """Special characters' indices, extra weights, extras before them, and their first unit positions."""
        key = (unit, crlf_one)
        if key not in self._tables:
            extra: dict[int, int] = {}
            if unit == "UTF-16 code units" and self.has_astral:
                extra.update((m.start(), 1) for m in _ASTRAL.finditer(self.base))
            elif unit == "UTF-8 bytes" and not self.ascii:
                extra.update((m.start(), len(m.group().encode("utf-8", "surrogatepass")) - 1)
                             for m in _NON_ASCII.finditer(self.base))
            if crlf_one:
                extra.update((position, -1) for position in self.crs)
            indices = sorted(extra)
            weights = [extra[i] for i in indices]
            before = [0, *accumulate(weights)][:-1] if weights else []
            starts = [i + b for i, b in zip(indices, before)]
            self._tables[key] = (indices, weights, before, starts)
        return self._tables[key]

    def stored_offset(self, index: int) -> int:
        """An offset of the source's text (without BOM) → the offset in the stored text."""
        offset = index - bisect_left(self.crs, index) if self.crs else index
        return self._nfc[offset] if self._nfc is not None else offset

    def to_text(self, convention: Convention, position: int, is_end: bool) -> tuple[int, bool] | None:
        """The stored-text offset of ``position`` and whether it fell exactly between two characters; None when
        it lies outside the text."""
        if convention.bom_counted:
            position -= _BOM_WEIGHT[convention.unit]
        indices, weights, before, starts = self._table(convention.unit, convention.crlf_as_one)
        total = len(self.base) + (before[-1] + weights[-1] if weights else 0)
        if position < 0 or position > total:
            return None
        exact = True
        k = bisect_right(starts, position) - 1
        if k < 0:
            index = position
        elif position == starts[k]:
            index = indices[k]
        elif position < starts[k] + 1 + weights[k]:
            exact = False
            index = indices[k] + 1 if is_end else indices[k]
        else:
            index = position - before[k] - weights[k]
        return self.stored_offset(index), exact


def _nfc_map(text: str) -> list[int]:
    """Offsets of ``text`` → offsets of its NFC form, composing runs that start at a starter."""
    mapping = [0] * (len(text) + 1)
    out = 0
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or (unicodedata.combining(text[i]) == 0 and not 0x1160 <= ord(text[i]) <= 0x11FF):
            chunk = unicodedata.normalize("NFC", text[start:i])
            length = len(chunk)
            for k in range(start, i):
                mapping[k] = out + min(k - start, length) if chunk == text[start:i] else out
            out += length
            start = i
    mapping[len(text)] = out
    return mapping


@dataclass
class Reading:
    convention: Convention
    score: int
    ends: int
    alternatives: dict[str, int]


def choose(source: SourceText, spans: Sequence[tuple[int, int]]) -> Reading:
    """The convention whose reading puts most selection ends on word boundaries (the standard wins ties)."""
    conventions = source.conventions()
    if len(spans) > SAMPLE:
        step = len(spans) / SAMPLE
        spans = [spans[int(k * step)] for k in range(SAMPLE)]
    scores: dict[Convention, int] = {}
    text = source.text
    for convention in conventions:
        score = 0
        for start, end in spans:
            a = source.to_text(convention, start, False)
            b = source.to_text(convention, end, True)
            if a is None or b is None or a[0] >= b[0]:
                continue
            score += (a[1] and is_boundary(text, a[0])) + (b[1] and is_boundary(text, b[0]))
        scores[convention] = score
    best = max(conventions, key=lambda c: (scores[c], -conventions.index(c)))
    if scores[best] - scores[STANDARD] < max(MARGIN, len(spans) // 10):
        best = STANDARD  # another reading must clearly beat the standard, not by chance on a few selections
    return Reading(best, scores[best], 2 * len(spans), {source.describe(c): s for c, s in scores.items()})


def map_span(source: SourceText, convention: Convention, start: int, end: int) -> tuple[int, int] | None:
    """A selection in ``convention`` → ``[start, end)`` in the stored text; None when outside or empty."""
    if source.identity and convention == STANDARD:
        return (start, end) if 0 <= start < end <= len(source.text) else None
    a = source.to_text(convention, start, False)
    b = source.to_text(convention, end, True)
    if a is None or b is None or a[0] >= b[0]:
        return None
    return a[0], b[0]
