"""The coding page: read a transcript, select any passage, apply codes, see codings as highlights and stripes.

Deep link: ``/code?document=<name>&start=<offset>`` opens that document scrolled to that offset.
"""

from __future__ import annotations

import html
import time

import streamlit as st

from workbench.app import login, reads, state
from workbench.app.coding_actions import (
    apply_pending, apply_quick_code, cancel_selection, drop_memo_offer, on_highlighter_event, on_name_typed,
    redo_last, remove_coding, save_segment, select_by_offsets, select_unit, span_to_selection, take_memo_offer,
    undo_last,
)
from workbench.app.comments import comment_threads
from workbench.app.highlighter import highlighter, highlighter_data, known
from workbench.app.widgets import escaped, html_block, md, swatch
from workbench.coding import NUMBERING, enclosing_turn, gutter_marks, segments_at
from workbench.models import Segment

project = state.project()
notices = state.show_flash()

reader = state.privileges()  # asked once: it is built anew on every call
names = [name for doc_id, name in reads.read(project, "document_names").items()  # names only, kept per version
         if reader.can_read_document(doc_id)]
if not names:
    st.title("Code")
    st.info("There are no documents yet. Import transcripts on the Project page.")
    st.page_link("views/project.py", label="Go to the Project page", icon="📁")
    st.stop()

codes = {c.id: c for c in reads.read(project, "codes")}


# ------------------------------------------------------------------------------------------- deep links
# The shown document lives in "current_document" (widget state is dropped when another page is shown). A link
# `?document=…&start=…` is handled once per navigation: its start is taken out of the URL after scrolling there.
linked_document = st.query_params.get("document")
linked_start = st.query_params.get("start")
if linked_document and (linked_start is not None or linked_document != st.session_state.get("current_document")):
    if linked_document in names:
        if linked_document != st.session_state.get("current_document") or linked_start is not None:
            cancel_selection()
            st.session_state.pop("cursor", None)
        st.session_state["current_document"] = linked_document
        if linked_start is not None:
            try:
                offset = int(linked_start)
            except ValueError:
                notices.warning(md(f"The link's start {linked_start!r} is not a number; showing the document's "
                                   "beginning."))
            else:
                serial = st.session_state.get("_link_serial", 0) + 1
                st.session_state["_link_serial"] = serial
                st.session_state["scroll"] = (offset, f"{linked_document}|{offset}#{serial}")
            del st.query_params["start"]
    else:
        notices.warning(md(f"The link names document {linked_document!r}, which is not in this project."))

if st.session_state.get("current_document") not in names:
    st.session_state["current_document"] = names[0]
st.session_state["code_document"] = st.session_state["current_document"]


def on_document_change() -> None:
    st.session_state["current_document"] = st.session_state["code_document"]
    cancel_selection()
    st.session_state.pop("cursor", None)
    st.session_state.pop("scroll", None)
    st.query_params.clear()
    st.query_params["document"] = st.session_state["current_document"]


# ------------------------------------------------------------------------------------------- sidebar
with st.sidebar:
    st.selectbox("Document", names, key="code_document", on_change=on_document_change)
    coder_names = sorted(state.privileges().visible_coders(project.coder_names().values()))
    scope = st.radio("Show codings of", ["all coders", "my codings", "one coder"], key="code_scope",
                     horizontal=False)
    chosen_coder = None
    if scope == "one coder":
        chosen_coder = st.selectbox("Coder", coder_names or ["(nobody has coded yet)"], key="code_scope_coder")
    only_codes = st.multiselect("Show only these codes", list(codes), format_func=lambda c: codes[c].path,
                                key="code_only", placeholder="all codes")
    stripe_labels = st.toggle("Code names beside the stripes", value=True, key="code_stripe_labels")
    numbering = st.selectbox("Numbers", NUMBERING, key="code_numbers",
                             format_func=lambda n: {"none": "no numbers", "lines": "line numbers",
                                                    "paragraphs": "paragraph numbers"}[n])
    show_times = st.toggle("Turn timestamps (VTT/SRT)", value=True, key="code_times")

document_name = st.session_state["current_document"]
document = project.document(project.document_id(document_name))
text = project.document_text(document.id)
turns = project.turns(document.id).get(document.id, [])
me = state.coder()

if scope == "my codings":
    coders_filter = [me] if me else []
elif scope == "one coder":
    coders_filter = [chosen_coder] if chosen_coder in coder_names else []
else:
    coders_filter = None


# ------------------------------------------------------------------------------------------- panels
def selection_panel(pending: dict[str, int] | None) -> None:
    """The pending selection, the codes and memo to apply to it, and the recent codes one click away."""
    if pending:
        selected = text[pending["start"]:pending["end"]]
        st.markdown(f"**Selection** {pending['start']}–{pending['end']} · {len(selected):,} characters")
        preview = selected if len(selected) <= 400 else selected[:200] + " … " + selected[-150:]
        st.markdown(f'<div style="font-family:Georgia,serif;color:#333">“{escaped(preview)}”</div>',
                    unsafe_allow_html=True)
    else:
        st.markdown("**No selection**")
        st.markdown(html_block("Select any passage in the transcript with the mouse to code it; the codes "
                               "picked here are applied to it. Click a highlight to see its codes, coders "
                               "and memos."), unsafe_allow_html=True)
    with st.container():
        offer = st.session_state.get("memo_offer")
        if offer:
            st.info(md(f"The memo you typed for {offer['start']}–{offer['end']} was not applied: "
                       f"“{offer['memo']}”"))
            use_col, drop_col = st.columns(2)
            use_col.button("Use that memo here", on_click=take_memo_offer, key="memo_offer_use",
                           width="stretch")
            drop_col.button("Discard it", on_click=drop_memo_offer, key="memo_offer_drop", width="stretch")
    apply_col, cancel_col = st.columns(2)
    apply_col.button("Apply codes", type="primary", on_click=apply_pending, key="apply_codes",
                     width="stretch", disabled=not pending)
    cancel_col.button("Cancel", on_click=cancel_selection, key="cancel_selection", width="stretch",
                      disabled=not pending)
    recent = [c for c in state.recent_codes() if c in codes]
    ordered = recent + [c for c in codes if c not in recent]
    st.multiselect("Codes to apply", ordered, key="pick_codes", format_func=lambda c: codes[c].path,
                   placeholder="type to filter codes")
    with st.container():
        picked = st.session_state.get("pick_codes") or []
        if picked:
            st.markdown(html_block(" &nbsp; ".join(swatch(codes[c].colour, codes[c].name) for c in picked)),
                        unsafe_allow_html=True)
    st.text_area("Memo (optional)", key="pick_memo", height=68)
    state.show_flash("apply")
    # one element whatever the number of recent codes: a new one adds an option, it does not add an element
    st.pills("Recent codes: one click applies" if recent else "Recent codes: the codes you apply come here",
             recent[:6], key="quick_code",
             format_func=lambda c: md(codes[c].path), on_change=apply_quick_code,
             help="The codes you applied last; a click applies one to the selection.")


def cursor_panel(offset: int, here: list[Segment], pending: dict[str, int] | None) -> None:
    """What is at the clicked offset: its turn and sentence to select, and the codings there to edit."""
    st.markdown(f"**At offset {offset}**")
    turn = enclosing_turn(turns, offset)
    sentence = project.unit_at("sentence", document.id, offset)
    q1, q2 = st.columns(2)
    if turn:
        q1.button("Select this speaker turn", on_click=select_unit, args=(turn.start, turn.end),
                  key="select_turn", width="stretch")
    if sentence:
        q2.button("Select this sentence", on_click=select_unit, args=(sentence.start, sentence.end),
                  key="select_sentence", width="stretch")
    if not here:
        st.caption("No coding here. Select text to code it.")
    for seg in here:
        code = codes[seg.code_id]
        if st.session_state.get(f"seg_version_{seg.id}") != seg.updated:
            for field in ("memo", "start", "end"):
                st.session_state.pop(f"seg_{field}_{seg.id}", None)
            st.session_state[f"seg_version_{seg.id}"] = seg.updated
        st.markdown(html_block(swatch(code.colour, code.path)
                               + f" · {html.escape(seg.coder)} · {seg.start}–{seg.end}"),
                    unsafe_allow_html=True)
        if seg.memo:
            st.markdown(f'<div style="color:#555;font-size:0.9em">Memo: {escaped(seg.memo)}</div>',
                        unsafe_allow_html=True)
        st.button("Remove", key=f"remove_{seg.id}", on_click=remove_coding, args=(seg.id,))
        state.show_flash(f"segment{seg.id}")
        with st.expander("Edit memo or span"):
            st.text_area("Memo", value=seg.memo, key=f"seg_memo_{seg.id}", height=68)
            s_col, e_col = st.columns(2)
            s_col.number_input("Start", min_value=0, max_value=len(text), value=seg.start,
                               key=f"seg_start_{seg.id}")
            e_col.number_input("End", min_value=0, max_value=len(text), value=seg.end,
                               key=f"seg_end_{seg.id}")
            b1, b2 = st.columns(2)
            b1.button("Save", key=f"save_{seg.id}", on_click=save_segment, args=(seg.id,),
                      width="stretch")
            b2.button("Span = selection", key=f"span_{seg.id}", on_click=span_to_selection,
                      args=(seg.id,), disabled=not pending, width="stretch")
            st.caption("Span = selection widens or narrows this coding to the text you have selected.")
        comment_threads(project, "segment", seg.guid, f"seg_c_{seg.id}", label="Comments on this coding")
        comment_threads(project, "code", code.guid, f"code_c_{seg.id}", label=md(f"Comments on {code.path}"))


# ------------------------------------------------------------------------------------------- layout
SEEN = "_code_seen_version"


def keep_seen_version() -> None:
    """The data version this page shows: moved on by this session's own changes (the coding area drew them), kept
    when someone else changed the project since, so the watcher below draws the whole page again."""
    seen = st.session_state.get(SEEN)
    current = project.data_version()
    if not state.fragment_rerun() or seen is None or not project.changed_by_others(seen, state.coder() or ""):
        st.session_state[SEEN] = current


st.title(md(document.name))


@st.fragment
def coding_area() -> None:
    """The transcript and its panels: a selection, a click or an Apply reruns this part of the page only (the
    sidebar and the title are not sent again)."""
    if state.fragment_rerun():
        if st.session_state.pop("_redraw_page", False) or not login.still_active(project):
            st.rerun(scope="app")
        codes.update({c.id: c for c in reads.read(project, "codes")})  # another coder may have added one
    st.session_state.pop("_redraw_page", None)
    began = time.perf_counter()
    visible = project.segments(document_ids=[document.id], coders=coders_filter, code_ids=only_codes or None)
    meta = [f"{document.words:,} words", f"{document.turns} turns",
            f"speakers: {', '.join(document.speakers) or '—'}"]
    if document.cases:
        meta.append(f"case: {', '.join(document.cases)}")
    meta.append(f"{len(visible)} codings shown")
    st.caption(md(" · ".join(meta)))

    left, right = st.columns([3, 2], gap="medium")
    pending = st.session_state.get("pending")
    cursor = st.session_state.get("cursor")
    scroll = st.session_state.get("scroll")
    focus_segments = segments_at(visible, cursor["offset"]) if cursor else []
    focus = None
    if cursor and cursor.get("segment"):
        focus_segments = [s for s in visible if s.id == cursor["segment"]] or focus_segments
    if focus_segments:
        focus = (min(s.start for s in focus_segments), max(s.end for s in focus_segments))

    with left:
        texts_sent = st.session_state.setdefault("_texts_sent", set())
        data = highlighter_data(
            document.name, text, visible, turns, codes, text_key=document.sha256,
            send_text=document.sha256 not in texts_sent,
            pending=(pending["start"], pending["end"]) if pending else None, focus=focus,
            scroll_to=scroll[0] if scroll else None, scroll_key=scroll[1] if scroll else None,
            stripe_labels=stripe_labels, gutter=gutter_marks(text, turns, numbering, show_times),
            known=known("highlighter"),
        )
        highlighter(data, key="highlighter", on_event=on_highlighter_event)
        texts_sent.add(document.sha256)
        with st.expander("Select by offsets (keyboard)"):
            a, b, c = st.columns([2, 2, 1])
            a.number_input("Start", min_value=0, max_value=len(text), step=1, key="manual_start")
            b.number_input("End", min_value=0, max_value=len(text), step=1, key="manual_end")
            c.button("Select", on_click=select_by_offsets, key="manual_select")

    with right:
        entry, again = state.last_undo(), state.last_redo()
        undo_column, redo_column = st.columns(2)
        undo_column.button(f"↶ Undo: {md(entry[0].label)}" if entry else "↶ Undo", disabled=entry is None,
                           on_click=undo_last, key="undo_button", help="Ctrl+Z in the transcript")
        redo_column.button(f"↷ Redo: {md(again[0].label)}" if again else "↷ Redo", disabled=again is None,
                           on_click=redo_last, key="redo_button", help="Ctrl+Shift+Z or Ctrl+Y in the transcript")
        state.show_flash("coding")

        # Every part that comes and goes sits in a container of its own, so a selection or an Apply changes only
        # the elements it concerns: an element whose place moved is drawn anew, at a cost that grows with the page.
        with st.container():
            if not me and (pending or cursor):
                st.text_input("Your name (saved with every coding)", key="coder_name_input",
                              placeholder="e.g. marloes", on_change=on_name_typed)

        with st.container(border=True, key="selection_panel"):
            selection_panel(pending)

        with st.container():  # a click on the text or a highlight
            if cursor:
                with st.container(border=True):
                    cursor_panel(cursor["offset"], focus_segments, pending)

        used: dict[int, int] = {}
        for seg in visible:
            used[seg.code_id] = used.get(seg.code_id, 0) + 1
        with st.container():
            if used:
                with st.expander(f"Codes in this document ({len(used)})", expanded=False):
                    st.markdown(html_block("<br>".join(swatch(codes[c].colour, f"{codes[c].path} ({n})")
                                                       for c, n in sorted(used.items(), key=lambda kv: -kv[1]))),
                                unsafe_allow_html=True)

        memos = project.memos()
        used_names = {codes[c].name for c in used}
        document_memos = [m for m in memos if m.kind == "document" and m.document == document.name]
        code_memos = [m for m in memos if m.kind == "code" and m.code in used_names]
        with st.container():
            if document_memos or code_memos:
                with st.expander(f"Memos ({len(document_memos)} on this document, {len(code_memos)} on its codes)",
                                 expanded=True):
                    for memo in [*document_memos, *code_memos]:
                        about = "this document" if memo.kind == "document" else f"code {memo.code}"
                        heading = " · ".join(x for x in (memo.title, about, memo.author) if x)
                        st.markdown(html_block(f"<b>{html.escape(heading)}</b><br>{escaped(memo.text)}"),
                                    unsafe_allow_html=True)
        state.show_all_flash()

    state.keep_draft()
    keep_seen_version()
    if state.fragment_rerun():  # the page's own run is timed by main.py
        state.record_run_time("code", (time.perf_counter() - began) * 1000)


coding_area()


@st.fragment(run_every=3)
def watch_for_changes() -> None:
    """Every few seconds: when another coder (another tab, another machine) changed the project, draw again."""
    if project.data_version() != st.session_state.get(SEEN):
        st.rerun(scope="app")


watch_for_changes()
