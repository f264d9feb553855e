"""Bins for number and date case attributes: chosen edges turn values into ranges (age 20–39, 40–59, 60+), so
the code × attribute matrix reads per group instead of one column per value."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta

from ..cases import _as_date
from ..errors import WorkbenchError

BINNABLE = ("number", "date")


def parse_edges(kind: str, text: str | Sequence[str]) -> list[float] | list[str]:
    """Edges from ``"20, 40, 60"`` (numbers) or ``"2026-01-01, 2026-03-01"`` (dates), sorted, distinct."""
    if kind not in BINNABLE:
        raise WorkbenchError(f"bins need a number or date attribute, not a {kind} one")
    parts = [p.strip() for p in (text.split(",") if isinstance(text, str) else text) if p.strip()]
    if not parts:
        raise WorkbenchError("give one or more bin edges, separated by commas")
    if kind == "number":
        try:
            edges: list = sorted({float(p) for p in parts})
        except ValueError:
            raise WorkbenchError(f"bin edges must be numbers, like 20, 40, 60 (got {', '.join(parts)!r})") from None
        if not all(math.isfinite(e) for e in edges):
            raise WorkbenchError("bin edges must be finite numbers")
        return edges
    dates = [_as_date(p) for p in parts]
    if not all(dates):
        raise WorkbenchError(f"bin edges must be dates like 2026-03-01 (got {', '.join(parts)!r})")
    return sorted(set(dates))  # type: ignore[arg-type]


def _number(value: float) -> str:
    return f"{value:g}"


def bin_labels(kind: str, edges: Sequence, integral: bool = True) -> list[str]:
    """Labels of the bins: below the first edge, between edges (lower edge included), from the last edge on."""
    if kind == "number":
        whole = integral and all(float(e).is_integer() for e in edges)
        labels = [f"under {_number(edges[0])}"]
        for low, high in zip(edges, edges[1:]):
            labels.append(f"{_number(low)}–{_number(high - 1)}" if whole and high - low >= 1
                          else f"{_number(low)} to under {_number(high)}")
        labels.append(f"{_number(edges[-1])}+")
        return labels
    labels = [f"before {edges[0]}"]
    for low, high in zip(edges, edges[1:]):
        last = (date.fromisoformat(high) - timedelta(days=1)).isoformat()
        labels.append(f"{low} to {last}")
    labels.append(f"{edges[-1]} or later")
    return labels


def bin_index(kind: str, edges: Sequence, value: str) -> int | None:
    """Which bin ``value`` falls in (0 = below the first edge), or None when it is not a number/date."""
    if kind == "number":
        try:
            number = float(value)
        except ValueError:
            return None
        return sum(1 for e in edges if number >= e)
    iso = _as_date(value)
    if not iso:
        return None
    return sum(1 for e in edges if iso >= e)


def suggest_edges(kind: str, values: Sequence[str]) -> str:
    """Round edges that cut the values into about three groups (numbers), or by year (dates); "" if none."""
    if kind == "number":
        numbers = sorted(float(v) for v in values if _is_number(v))
        if len(numbers) < 2 or numbers[0] == numbers[-1]:
            return ""
        span = numbers[-1] - numbers[0]
        raw = span / 3
        power = 10 ** math.floor(math.log10(raw))
        step = min((m * power for m in (1, 2, 5, 10)), key=lambda s: abs(s - raw))
        first = math.ceil((numbers[0] + step / 2) / step) * step
        edges = []
        edge = first
        while edge <= numbers[-1] and len(edges) < 8:
            edges.append(edge)
            edge += step
        return ", ".join(_number(e) for e in edges)
    years = sorted({v[:4] for v in (_as_date(x) for x in values) if v})
    return ", ".join(f"{y}-01-01" for y in years[1:])


def _is_number(value: str) -> bool:
    try:
        return math.isfinite(float(value))
    except ValueError:
        return False
