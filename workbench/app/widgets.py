"""Small rendering helpers shared by pages. Every user string reaches the browser as text: either escaped into
HTML by :func:`text_html` (and the helpers built on it) or, in Markdown contexts, by :func:`md`."""

from __future__ import annotations

import html
import re

# Line ends as CommonMark counts them: a blank line would end an HTML block, and the text after it would be
# parsed as Markdown (``\r\r![p](http://…)`` → an image fetched from outside). The others are folded too.
_LINE_END = re.compile(r"\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
# Characters that start Markdown links, images, HTML, formulas, emphasis, code and entities in running text.
_MARKDOWN = re.compile(r"([\\\[\]<>$*_`~&|])")
# Block markers that only count at the start of the text: headings, lists, quotes, setext underlines.
_LEADING = re.compile(r"^(\s*)(?:([#+\-=>])|(\d+)([.)]))")


def text_html(text: object) -> str:
    """User text inside HTML: escaped (``< > & " '``) and with every line end as ``<br>``, so no blank line can end
    the HTML block and let Markdown loose on the rest."""
    return _LINE_END.sub("<br>", html.escape(str(text), quote=True))


def swatch(colour: str, label: str = "", size: int = 12) -> str:
    """An inline colour square with an escaped label, for ``st.markdown(..., unsafe_allow_html=True)``."""
    box = (f'<span style="display:inline-block;width:{size}px;height:{size}px;border-radius:2px;'
           f'background:{safe_colour(colour)};vertical-align:middle;margin-right:6px;border:1px solid rgba(0,0,0,.2)">'
           "</span>")
    return box + text_html(label)


def escaped(text: str) -> str:
    """Text shown literally inside HTML: escaped, line breaks kept (as ``<br>``)."""
    return text_html(text)


def safe_colour(colour: str, default: str = "#999999") -> str:
    """A code colour for a style attribute: only ``#rgb`` / ``#rrggbb`` pass."""
    return colour if re.fullmatch(r"#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}", colour or "") else default


def quote_block(before: str, text: str, after: str, colour: str = "#999999", limit: int = 900) -> str:
    """A retrieved passage with its context, the coded part marked in the code's colour."""
    shown = text if len(text) <= limit else text[:limit] + " …"
    colour = safe_colour(colour)
    return (
        '<div style="font-family:Georgia,serif;line-height:1.6;border-left:4px solid '
        f'{colour};padding:4px 10px;margin:2px 0 6px 0">'
        f'<span style="color:#6e7781">…{text_html(before)} </span>'
        f'<mark style="background:{colour}33;padding:0 1px">{text_html(shown)}</mark>'
        f'<span style="color:#6e7781"> {text_html(after)}…</span></div>'
    )


def md(text: object) -> str:
    """Text for a Markdown context (titles, captions, messages, widget labels): line ends become spaces and the
    characters that make links, images, HTML, formulas, emphasis and code are backslash-escaped (as is a heading,
    list or quote marker at the start), so a name like ``![x](http://…)`` or ``<img …>`` shows as typed and
    loads nothing."""
    escaped_text = _MARKDOWN.sub(r"\\\1", _LINE_END.sub(" ", str(text)))
    return _LEADING.sub(lambda m: m.group(1) + (f"\\{m.group(2)}" if m.group(2) else f"{m.group(3)}\\{m.group(4)}"),
                        escaped_text, count=1)


def html_block(inner: str) -> str:
    """Wrap HTML in a block-level element, so Markdown is not applied to the (escaped) user text inside it."""
    return f"<div>{inner}</div>"
