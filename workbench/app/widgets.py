"""Small rendering helpers shared by pages. Every user text is escaped before it reaches HTML."""

from __future__ import annotations

import html
import re

_MARKDOWN = re.compile(r"([\\\[\]<>$])")


def swatch(colour: str, label: str = "", size: int = 12) -> str:
    """An inline colour square with an escaped label, for ``st.markdown(..., unsafe_allow_html=True)``."""
    safe_colour = colour if colour.startswith("#") and len(colour) in (4, 7) else "#999999"
    box = (f'<span style="display:inline-block;width:{size}px;height:{size}px;border-radius:2px;'
           f'background:{safe_colour};vertical-align:middle;margin-right:6px;border:1px solid rgba(0,0,0,.2)">'
           "</span>")
    return box + html.escape(label)


def escaped(text: str) -> str:
    """Text shown literally inside HTML: escaped, line breaks kept."""
    return html.escape(text).replace("\n", "<br>")


def quote_block(before: str, text: str, after: str, colour: str = "#999999", limit: int = 900) -> str:
    """A retrieved passage with its context, the coded part marked in the code's colour."""
    shown = text if len(text) <= limit else text[:limit] + " …"
    return (
        '<div style="font-family:Georgia,serif;line-height:1.6;border-left:4px solid '
        f'{colour if colour.startswith("#") else "#999"};padding:4px 10px;margin:2px 0 6px 0">'
        f'<span style="color:#6e7781">…{html.escape(before)} </span>'
        f'<mark style="background:{colour}33;padding:0 1px">{escaped(shown)}</mark>'
        f'<span style="color:#6e7781"> {html.escape(after)}…</span></div>'
    )


def md(text: str) -> str:
    """Text for a Markdown context (titles, captions, messages, button labels): the characters that make links,
    images, HTML and formulas are backslash-escaped, so a name like ``![x](http://…)`` or ``<img …>`` shows as
    typed and loads nothing (emphasis characters stay: they cannot fetch anything)."""
    return _MARKDOWN.sub(r"\\\1", str(text))


def html_block(inner: str) -> str:
    """Wrap HTML in a block-level element, so Markdown is not applied to the (escaped) user text inside it."""
    return f"<div>{inner}</div>"
