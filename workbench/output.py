"""Writing command-line output: UTF-8 whatever the locale, JSON, plain aligned tables, CSV."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any

from .escaping import terminal_text


def out(text: str) -> None:
    """Write text to standard output as UTF-8."""
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.flush()


def print_json(value: Any) -> None:
    out(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def json_scalar(value: Any) -> str | None:
    """A scalar as ``json.dumps`` writes it, or None for a list or dict."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return json.dumps(value)
    return None


def _element(item: Any) -> str:
    """One array element as ``json.dumps(array, indent=2)`` lays it out (flat dicts written without the slow
    indenting encoder)."""
    if isinstance(item, dict) and item:
        lines = []
        for key, value in item.items():
            encoded = json_scalar(value)
            if encoded is None or not isinstance(key, str):
                break
            lines.append(f"    {encode_basestring(key)}: {encoded}")
        else:
            return "  {\n" + ",\n".join(lines) + "\n  }"
    return "\n".join("  " + line for line in json.dumps(item, ensure_ascii=False, indent=2).split("\n"))


def print_json_array(items: Iterable[Any], laid_out: bool = False) -> int:
    """Stream an array to standard output exactly as :func:`print_json` would print the list, holding only a batch
    of elements at a time (``laid_out``: the items are elements already written as strings). Returns the number
    of elements."""
    write = sys.stdout.buffer.write
    count = 0
    batch: list[str] = []
    for item in items:
        batch.append(("[\n" if count == 0 else ",\n") + (item if laid_out else _element(item)))
        count += 1
        if len(batch) >= 2000:
            write("".join(batch).encode("utf-8"))
            batch.clear()
    batch.append("[]\n" if count == 0 else "\n]\n")
    write("".join(batch).encode("utf-8"))
    sys.stdout.flush()
    return count


def table(rows: Sequence[Sequence[Any]], header: Sequence[str]) -> str:
    """A plain aligned text table; control characters in cells are shown as escapes (no raw ESC sequences)."""
    cells = [[terminal_text(h) for h in header]] + [[terminal_text(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"
