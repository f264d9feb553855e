"""The transcript highlighter component (Streamlit components v2; JS and CSS vendored beside this file)."""

from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import streamlit as st

from workbench.coding import block_bounds, speaker_labels, transcript_pieces
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
    stripe_labels: bool = False, gutter: Sequence[Sequence[Any]] = (), known: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything the browser needs to draw a transcript: its blocks, flat pieces with code-point offsets, the
    segments with their codes' names and colours, and what to mark (pending selection, focused segment) or scroll
    to. The text itself travels only when ``send_text`` (the browser keeps it under ``text_key``). The version
    covers what the pieces look like, not the marks: the browser draws a new selection or focus over the text it
    has.

    ``known``: what this browser tab was sent last (the ``sent`` record of that data, kept by :func:`highlighter`).
    The same version then travels without segments, pieces and gutter; a new version with only the pieces of the
    blocks that changed, ``base`` naming the version they apply to. A browser that has something else asks for
    everything again (a ``need_full`` event, see :func:`forget`)."""
    signature = (document, len(text), hash(text), tuple((s.id, s.start, s.end, s.code_id, s.coder)
                                                                 for s in segments),
                 tuple((c, codes[c].name, codes[c].colour) for c in sorted({s.code_id for s in segments})))
    version = hashlib.sha1(repr(signature).encode("utf-8")).hexdigest()
    gutter_rows = [list(g) for g in gutter]
    gutter_key = hash(repr(gutter_rows))
    data: dict[str, Any] = {
        "document": document, "version": version, "length": len(text), "base": None, "blocks": None,
        "pieces": None, "segments": None, "codes": None, "coders": None, "gutter": None,
        "text_key": text_key, "text": text if send_text else None,
        "pending": list(pending) if pending else None, "focus": list(focus) if focus else None,
        "scroll_to": scroll_to, "scroll_key": scroll_key, "height": height, "stripe_labels": bool(stripe_labels),
    }
    same_text = bool(known) and known.get("text_key") == text_key and known.get("length") == len(text)
    if same_text and known.get("version") == version:
        if known.get("gutter") != gutter_key:
            data["gutter"] = gutter_rows
        data["sent"] = {**known, "gutter": gutter_key}
        return data
    blocks = block_bounds(text, turns)
    labels = speaker_labels(text, turns)
    # what a block looks like: the segments over it, with their codes and coders (recolouring a code redraws
    # every block, which is rare); hashed, compared with what the browser was sent, drawn only when it differs
    over: list[list[Segment]] = [[] for _ in blocks[1:]]
    for s in segments:
        for b in range(max(0, bisect_right(blocks, s.start) - 1), bisect_left(blocks, s.end)):
            over[b].append(s)
    colours = hash(signature[-1])
    digests = [hash((colours, tuple((s.id, s.start, s.end, s.code_id, s.coder) for s in over[b])))
               for b in range(len(over))]
    index = {seg.id: i for i, seg in enumerate(segments)}

    def rows(b: int) -> list[list[Any]]:
        lo, hi = blocks[b], blocks[b + 1]
        inside = labels[max(0, bisect_left(labels, (lo, -1)) - 1):bisect_left(labels, (hi, -1))]
        return [[p.start, p.end, 1 if p.label else 0, [index[s] for s in p.segment_ids]]
                for p in transcript_pieces(text, over[b], (), within=(lo, hi), labels=inside)]

    if same_text and known.get("bounds") == blocks:
        data["base"] = known.get("version")
        data["pieces"] = [[b, rows(b)] for b in range(len(over)) if digests[b] != known["digests"][b]]
    else:
        data["pieces"] = [row for b in range(len(over)) for row in rows(b)]
    code_index: dict[int, int] = {}
    coder_index: dict[str, int] = {}
    compact = [[s.id, s.start, s.end, code_index.setdefault(s.code_id, len(code_index)),
                coder_index.setdefault(s.coder, len(coder_index))] for s in segments]
    data.update(blocks=blocks, segments=compact, gutter=gutter_rows,
                codes=[[codes[c].name, codes[c].colour] for c in code_index], coders=list(coder_index))
    data["sent"] = {"version": version, "text_key": text_key, "length": len(text), "bounds": blocks,
                    "digests": digests, "gutter": gutter_key}
    return data


def known(key: str) -> dict[str, Any] | None:
    """What the highlighter mounted under ``key`` was sent last in this session (for :func:`highlighter_data`)."""
    return st.session_state.get(f"_sent_{key}")


def forget(key: str) -> None:
    """The browser asked for everything again (it was reloaded or missed a rerun): send it all next time."""
    st.session_state.pop(f"_sent_{key}", None)


def highlighter(data: dict[str, Any], key: str, on_event: Callable[[], None]) -> Any:
    """Mount the highlighter; ``on_event`` runs when the browser sends a selection, click or undo."""
    sent = data.pop("sent", None)
    shown = _COMPONENT(key=key, data=data, on_event_change=on_event, height="content")
    st.session_state[f"_sent_{key}"] = sent
    return shown
