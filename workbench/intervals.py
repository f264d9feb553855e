"""Joining overlapping spans: the one rule shared by the store (merging codes), the analysis (rolled-up codes) and
the codings import (one coder's overlapping rows). Touching spans (``end == start``) are not overlap."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

T = TypeVar("T")


def join_overlapping(spans: Iterable[tuple[int, int, T]]) -> list[tuple[int, int, list[T]]]:
    """Sort ``(start, end, payload)`` spans and join those that overlap: ``(start, end, payloads)`` in text order,
    each with the payloads of the spans it joined, in order."""
    joined: list[tuple[int, int, list[T]]] = []
    for start, end, payload in sorted(spans, key=lambda span: (span[0], span[1])):
        if joined and start < joined[-1][1]:
            first, last, payloads = joined[-1]
            joined[-1] = (first, max(last, end), payloads + [payload])
        else:
            joined.append((start, end, [payload]))
    return joined
