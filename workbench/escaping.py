"""Escaping user strings (code, document, coder, case names, definitions, quotes) for every output format.

One helper per output, all built on one rule for control characters: C0 and C1 controls, DEL and the bidirectional
overrides that can reorder or recolour what a reader sees (ESC sequences in a terminal, "Trojan source" reordering)
are shown as visible escapes such as ``\\x1b``. Names are also cleaned where they are accepted
(:func:`workbench.textnorm.normalise_name`); the escaping here covers texts and projects made before that.

- :func:`terminal_text`: plain text for the terminal.
- :func:`markup_text`: HTML and XML (SVG) text and attribute values: valid XML 1.0 whatever the input.
- :func:`markdown_text`: Markdown that a CommonMark renderer shows literally (no HTML, links, emphasis or
  headings out of user text).
"""

from __future__ import annotations

import html
import re

_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff"
_UNSAFE = re.compile(f"[{_CONTROLS}]")
_UNSAFE_WITH_LINES = re.compile(f"[{_CONTROLS}\t\n\r]")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]!<>&~|])")  # what can start markup anywhere in a line
_MARKDOWN_LINE_START = re.compile(r"^(\d{1,9}(?=[.)])|)([#+\-=>.)])")  # headings, lists, quotes, rules


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible_controls(text: str, keep_lines: bool = True) -> str:
    """``text`` with every control character shown as an escape (tabs and line ends kept when ``keep_lines``)."""
    return (_UNSAFE if keep_lines else _UNSAFE_WITH_LINES).sub(_visible, str(text))


def terminal_text(text: object) -> str:
    """One table cell or line for the terminal: no raw control characters (so no ESC sequences) and no line
    breaks or tabs that would break the layout."""
    return visible_controls("" if text is None else str(text), keep_lines=False)


def markup_text(text: object) -> str:
    """Text for HTML or XML (element content or a quoted attribute value)."""
    return html.escape(visible_controls("" if text is None else str(text)), quote=True)


def markdown_text(text: object, keep_lines: bool = False) -> str:
    """Text for a Markdown document, shown literally by any CommonMark renderer: white space folded into single
    spaces (one line), backslash escapes for every character that can start HTML, a link or image, emphasis, a
    code span, an entity, a table or strikethrough anywhere in a line, and for a first character that would start
    a heading, list, quote or rule. Safe at the start of a line and after ``# ``, ``> `` or ``- ``. With
    ``keep_lines`` each line is escaped on its own and the line breaks stay."""
    if keep_lines:
        return "\n".join(markdown_text(line) for line in ("" if text is None else str(text)).split("\n"))
    folded = visible_controls(" ".join(("" if text is None else str(text)).split()))
    return _MARKDOWN_LINE_START.sub(r"\1\\\2", _MARKDOWN_SPECIAL.sub(r"\\\1", folded), count=1)
