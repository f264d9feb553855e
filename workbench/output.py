"""Writing command-line output: UTF-8 whatever the locale, JSON, plain aligned tables, CSV."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any


def out(text: str) -> None:
    """Write text to standard output as UTF-8."""
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.flush()


def print_json(value: Any) -> None:
    out(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def table(rows: Sequence[Sequence[Any]], header: Sequence[str]) -> str:
    """A plain aligned text table."""
    cells = [[str(h) for h in header]] + [["" if c is None else str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"
