"""What the coding page's controls do: the pending selection (kept in session state until codes are applied or
it is dropped), applying and removing codings, editing one, undo and redo. Streamlit calls these as callbacks,
before the page runs again."""

from __future__ import annotations

import streamlit as st

from workbench.app import reads, state
from workbench.app.highlighter import forget
from workbench.coding import apply_codes, edit_segment, redo, remove_segments, undo, widened
from workbench.errors import WorkbenchError
from workbench.textnorm import normalise_name


def _code_names(code_ids: list[int]) -> str:
    codes = {c.id: c.name for c in reads.read(state.project(), "codes")}
    return ", ".join(codes[c] for c in code_ids if c in codes)


def offer_typed_memo(pending: dict[str, int]) -> None:
    """A memo typed for ``pending``, which is being dropped: kept as an offer and taken out of the memo box."""
    memo = (st.session_state.get("pick_memo") or "").strip()
    if memo:
        st.session_state["memo_offer"] = {"memo": memo, "start": pending["start"], "end": pending["end"]}
    st.session_state["pick_memo"] = ""


def cancel_selection() -> None:
    """Drop the pending selection with the codes picked for it (a typed memo is offered back)."""
    pending = st.session_state.pop("pending", None)
    if pending:
        offer_typed_memo(pending)
        st.session_state["pick_codes"] = []


def set_pending(start: int, end: int) -> None:
    """Make ``[start, end)`` the pending selection. Codes picked while nothing was selected are kept for it; a
    selection that replaces another starts with no codes and no memo (recent codes stay one click away), and a
    memo typed for the replaced selection is offered back, never applied."""
    before = st.session_state.get("pending")
    if before and (before["start"], before["end"]) == (start, end):
        return
    if before:
        offer_typed_memo(before)
        st.session_state["pick_codes"] = []
    st.session_state["pending"] = {"start": start, "end": end}


def take_memo_offer() -> None:
    offer = st.session_state.pop("memo_offer", None)
    if offer:
        st.session_state["pick_memo"] = offer["memo"]


def drop_memo_offer() -> None:
    st.session_state.pop("memo_offer", None)


def select_span(start: int, end: int, selected: str | None = None) -> None:
    """Keep ``[start, end)`` as the pending selection, after checking the browser's text against the slice."""
    project = state.project()
    doc_text = project.document_text(project.document_id(st.session_state["current_document"]))
    start, end = max(0, min(start, len(doc_text))), max(0, min(end, len(doc_text)))
    if selected is not None and doc_text[start:end] != selected:
        near = doc_text.find(selected, max(0, start - 40), end + 40 + len(selected)) if selected else -1
        if near >= 0:
            start, end = near, near + len(selected)
        elif selected.strip() and doc_text[start:end].split() != selected.split():
            state.flash("The selection could not be matched to the transcript exactly; please select it again.",
                        "warning", "coding")
            return
    while start < end and doc_text[start].isspace():
        start += 1
    while end > start and doc_text[end - 1].isspace():
        end -= 1
    if start >= end:
        return
    set_pending(start, end)
    st.session_state.pop("cursor", None)


def select_unit(start: int, end: int) -> None:
    set_pending(start, end)


def select_by_offsets() -> None:
    select_span(int(st.session_state["manual_start"]), int(st.session_state["manual_end"]))


def on_highlighter_event() -> None:
    """A selection, click or Ctrl+Z from the browser; kept pending in session state."""
    value = st.session_state.get("highlighter") or {}
    event = value.get("event") if hasattr(value, "get") else None
    if not event or event.get("nonce") == st.session_state.get("_last_nonce"):
        return
    st.session_state["_last_nonce"] = event.get("nonce")
    if event.get("document") != st.session_state.get("current_document"):
        return  # an event from a transcript that is no longer shown
    kind = event.get("type")
    if kind == "selection":
        select_span(int(event["start"]), int(event["end"]), event.get("text"))
    elif kind in ("caret", "click"):
        st.session_state["cursor"] = {"offset": int(event["offset"]), "segment": event.get("segment")}
    elif kind == "undo":
        undo_last()
    elif kind == "redo":
        redo_last()
    elif kind == "need_text":
        st.session_state.setdefault("_texts_sent", set()).clear()
        forget("highlighter")
    elif kind == "need_full":
        forget("highlighter")


def ensure_coder(place: str = "coding") -> str | None:
    """The coder's name, taken from the name box the first time someone codes."""
    if state.coder():
        return state.coder()
    typed = st.session_state.get("coder_name_input", "")
    try:
        state.set_coder(typed)
    except WorkbenchError as exc:
        state.flash(str(exc), "error", place)
        return None
    redraw_whole_page()  # the sidebar shows the coder
    return state.coder()


def redraw_whole_page() -> None:
    """After a change that shows outside the coding area (the coder's name, a new coder): the next run is the
    whole page's, not the coding area's alone."""
    st.session_state["_redraw_page"] = True


def on_name_typed() -> None:
    if (st.session_state.get("coder_name_input") or "").strip():
        ensure_coder()


def apply_pending(code_ids: list[int] | None = None) -> None:
    pending = st.session_state.get("pending")
    who = ensure_coder("apply")
    if not pending or not who:
        return
    chosen = code_ids if code_ids is not None else list(st.session_state.get("pick_codes", []))
    if not chosen:
        state.flash("Choose one or more codes to apply.", "warning", "apply")
        return
    memo = st.session_state.get("pick_memo", "").strip()
    doc = st.session_state["current_document"]
    project = state.project()
    if normalise_name(who) not in project.coder_names().values():
        redraw_whole_page()  # the sidebar's list of coders grows
    change = state.attempt(lambda: apply_codes(project, project.document_id(doc), pending["start"],
                                               pending["end"], chosen, who, memo), place="apply")
    if change:
        change.label = f"code {_code_names(chosen)} at {pending['start']}–{pending['end']}"
        state.push_undo(change, doc)
        state.remember_codes(chosen)
        st.session_state.pop("pending", None)
        st.session_state["pick_codes"] = []
        st.session_state["pick_memo"] = ""
        st.session_state.pop("cursor", None)
        st.session_state.pop("memo_offer", None)
        grown = "".join(f" Widened your segment {s}–{e} to {s2}–{e2}." for s, e, s2, e2 in widened(change))
        state.flash(f"Coded {pending['end'] - pending['start']} characters with "
                    f"{_code_names(chosen)}.{grown}", place="coding")


def apply_quick_code() -> None:
    """One of the recent codes was clicked: apply it alone to the pending selection."""
    code_id = st.session_state.get("quick_code")
    if code_id is None:
        return
    st.session_state["quick_code"] = None  # set, not popped: the browser is told to deselect the pill
    if not st.session_state.get("pending"):
        state.flash("Select a passage in the transcript first; then a click on a recent code applies it.", "info",
                    "apply")
        return
    apply_pending([code_id])


def undo_last() -> None:
    entry = state.last_undo()
    if not entry:
        state.flash("Nothing to undo.", "info", "coding")
        return
    change, doc = entry
    try:
        undone = undo(state.project(), change, state.coder() or "unknown")
    except WorkbenchError as exc:
        state.pop_undo()
        state.flash(f"Could not undo {change.label}: {exc}. It was taken off the undo list.", "error",
                    "coding")
        return
    state.pop_undo()
    state.push_redo(undone, doc)
    state.flash(f"Undone: {change.label} ({doc}).", "info", "coding")


def redo_last() -> None:
    entry = state.last_redo()
    if not entry:
        state.flash("Nothing to redo.", "info", "coding")
        return
    undone, doc = entry
    state.pop_redo()
    try:
        change = redo(state.project(), undone, state.coder() or "unknown")
    except WorkbenchError as exc:
        state.flash(f"Could not redo {undone.label}: {exc}. It was taken off the redo list.", "error",
                    "coding")
        return
    state.push_undo_keeping_redo(change, doc)
    state.flash(f"Redone: {change.label} ({doc}).", "info", "coding")


def remove_coding(segment_id: int) -> None:
    who = ensure_coder()
    if not who:
        return
    change = state.attempt(lambda: remove_segments(state.project(), [segment_id], who), "Coding removed.", "coding")
    if change:
        state.push_undo(change, st.session_state["current_document"])


def save_segment(segment_id: int) -> None:
    who = ensure_coder()
    if not who:
        return
    start = st.session_state.get(f"seg_start_{segment_id}")
    end = st.session_state.get(f"seg_end_{segment_id}")
    memo = st.session_state.get(f"seg_memo_{segment_id}")
    change = state.attempt(lambda: edit_segment(state.project(), segment_id, who, start=start, end=end, memo=memo),
                           "Coding updated.", f"segment{segment_id}")
    if change:
        state.push_undo(change, st.session_state["current_document"])


def span_to_selection(segment_id: int) -> None:
    pending = st.session_state.get("pending")
    if pending:
        st.session_state[f"seg_start_{segment_id}"] = pending["start"]
        st.session_state[f"seg_end_{segment_id}"] = pending["end"]
        save_segment(segment_id)
        cancel_selection()
