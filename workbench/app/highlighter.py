"""The transcript highlighter component (Streamlit components v2; JS and CSS vendored beside this file)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import streamlit as st

from workbench.coding import block_bounds, transcript_pieces
from workbench.models import Code, Segment, Turn

ASSETS = Path(__file__).parent / "components" / "highlighter"
JS_PARTS = ("text.js", "layers.js", "highlighter.js")  # one module, split by concern
_COMPONENT = st.components.v2.component(
    "workbench.highlighter",
    js="\n".join((ASSETS / part).read_text(encoding="utf-8") for part in JS_PARTS),
    css=(ASSETS / "highlighter.css").read_text(encoding="utf-8"),
    isolate_styles=False,
)


def highlighter_data(
    document: str, text: str, segments: Sequence[Segment], turns: Sequence[Turn], codes: dict[int, Code],
    text_key: str, send_text: bool = True,
    pending: tuple[int, int] | None = None, focus: tuple[int, int] | None = None,
    scroll_to: int | None = None, scroll_key: str | None = None, height: int = 640,
    stripe_labels: bool = False, gutter: Sequence[Sequence[Any]] = (),
) -> dict[str, Any]:
    """Everything the browser needs to draw a transcript: flat pieces with code-point offsets, the segments
    with their colours, and what to mark (pending selection, focused segment) or scroll to. The text itself
    travels only when ``send_text`` (the browser keeps it under ``text_key``). The version covers what the
    pieces look like, not the marks: the browser draws a new selection or focus over the text it has."""
    blocks = block_bounds(text, turns)
    pieces = transcript_pieces(text, segments, turns, cuts=blocks)
    index = {seg.id: i for i, seg in enumerate(segments)}
    rows = [[p.start, p.end, 1 if p.label else 0, [index[s] for s in p.segment_ids if s in index]]
            for p in pieces]
    shown = [{"id": s.id, "start": s.start, "end": s.end, "code": codes[s.code_id].name,
              "colour": codes[s.code_id].colour, "coder": s.coder} for s in segments]
    signature = (document, len(text), hash(text), tuple((s.id, s.start, s.end, s.code_id, s.coder)
                                                                 for s in segments),
                 tuple((c, codes[c].name, codes[c].colour) for c in sorted({s.code_id for s in segments})))
    version = hashlib.sha1(repr(signature).encode("utf-8")).hexdigest()
    return {
        "document": document, "version": version, "length": len(text), "blocks": blocks, "pieces": rows,
        "segments": shown,
        "text_key": text_key, "text": text if send_text else None,
        "pending": list(pending) if pending else None, "focus": list(focus) if focus else None,
        "scroll_to": scroll_to, "scroll_key": scroll_key, "height": height,
        "stripe_labels": bool(stripe_labels), "gutter": [list(g) for g in gutter],
    }


def highlighter(data: dict[str, Any], key: str, on_event: Callable[[], None]) -> Any:
    """Mount the highlighter; ``on_event`` runs when the browser sends a selection, click or undo."""
    return _COMPONENT(key=key, data=data, on_event_change=on_event, height="content")
