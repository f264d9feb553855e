"""The review page: the queue of passages where two coders differ, one at a time, side by side with the code's
guidance; each decision (accept one side, both, neither, or an edited span) writes the consensus coding."""

from __future__ import annotations

import html

import streamlit as st

from workbench.app import reads, state
from workbench.app.comments import comment_threads
from workbench.app.widgets import escaped, html_block, md, quote_block, swatch
from workbench.context import context_words
from workbench.review.consensus import DEFAULT_CONSENSUS, decide, load_review
from workbench.review.queue import ReviewItem

LABELS = {"accept-a": "Accept {a}", "accept-b": "Accept {b}", "both": "Both", "neither": "Neither",
          "edit": "Edited span"}

project = state.project()
st.title("Review")
st.caption("Resolve the passages where two coders applied a code differently into a consensus coding. A passage is "
           "in the queue when one coder's segment of the code is not matched by the other's (overlap of at least "
           "the threshold, of the longer segment), in documents both have coded.")
privileges = state.privileges()
state.refuse_unless(privileges.can_review(), f"{privileges.describe()} may not review codings.")

coders = [c["name"] for c in reads.read(project, "coders") if c["segments"]]
if len(coders) < 2:
    st.info("Review needs two coders with codings in the project.")
    st.stop()

with st.container(border=True):
    c1, c2, c3, c4 = st.columns([2, 2, 2, 1])
    coder_a = c1.selectbox("Coder A", coders, index=0, key="rev_a")
    others = [c for c in coders if c != coder_a]
    coder_b = c2.selectbox("Coder B", others, index=0, key="rev_b")
    consensus = c3.text_input("Consensus coder", value=DEFAULT_CONSENSUS, key="rev_consensus")
    overlap = c4.number_input("Overlap %", min_value=1, max_value=100, value=90, key="rev_overlap")
    codes = {c.id: c for c in reads.read(project, "codes")}
    d1, d2 = st.columns([3, 1])
    chosen = d1.multiselect("Codes", list(codes), format_func=lambda c: codes[c].path, key="rev_codes",
                            placeholder="all codes")
    documents = reads.read(project, "document_names")
    first = reads.FIRST_REVIEWED  # reviewed when none are chosen (all, when the project has no more)
    many = len(documents) > first
    chosen_documents = d1.multiselect("Documents", list(documents), format_func=documents.get, key="rev_documents",
                                      placeholder=f"the first {first} both coded" if many else "all documents")
    whole = d2.toggle("All documents", key="rev_all", disabled=bool(chosen_documents),
                      help="The queue of every document both coders coded; in a large project it takes a while "
                           "the first time (a progress bar shows how far it is).") if many else True
    undecided_only = d2.toggle("Only undecided passages", key="rev_undecided")

together: list[int] = []
if chosen_documents:
    scope = tuple(documents[d] for d in chosen_documents)
elif whole:
    scope = ()
else:  # the first documents both coders coded: the page stays quick in a large project
    together = list(reads.read(project, "documents_coded_together", (coder_a, coder_b)))
    scope = tuple(documents[d] for d in together[:first]) or tuple(list(documents.values())[:first])


def queue_of(current, pair: tuple[str, str], consensus: str, paths: tuple[str, ...], scope: tuple[str, ...],
             overlap: int, progress=None):
    return load_review(current, pair, consensus=consensus, codes=list(paths) or None, documents=list(scope) or None,
                       overlap=overlap, progress=progress)


state.show_flash()
review = state.attempt(lambda: reads.computed(
    project, "review", queue_of, (coder_a, coder_b), consensus, tuple(codes[c].path for c in chosen), scope,
    int(overlap), text="Finding the passages where the coders differ…"))
if review is None:
    state.show_flash()
    st.stop()
if len(together) > first:
    st.caption(md(f"The queue of the first {first} of the {len(together):,} documents both {coder_a} and {coder_b} "
                  "coded. Choose documents above, or switch on All documents."))

st.progress(review.decided / review.total if review.total else 1.0, text=review.progress())
items: list[ReviewItem] = [i for i in review.items if not (undecided_only and review.decision(i))]
if not items:
    st.success("Nothing to decide here." if review.total else f"{coder_a} and {coder_b} agree on every passage.")
    st.stop()

index = min(st.session_state.get("rev_index", 0), len(items) - 1)


def go(step: int) -> None:
    st.session_state["rev_index"] = max(0, min(len(items) - 1, index + step))


def take(key: str, decision: str) -> None:
    who = state.privileges()
    if not who.name:
        state.flash("Type your name in the sidebar before deciding.", "error")
        return
    target = next((i for i in items if i.key == key), None)  # looked up again in its document and code only
    start = end = None
    if decision == "edit":
        start, end = int(st.session_state["rev_edit_start"]), int(st.session_state["rev_edit_end"])
    done = state.attempt(lambda: decide(project, (coder_a, coder_b), key, decision, who, start=start, end=end,
                                        consensus=consensus, overlap=int(overlap),
                                        documents=[target.document] if target else None,
                                        codes=[target.code] if target else None),
                         f"Decided: {LABELS[decision].format(a=coder_a, b=coder_b)}.")
    if done and not undecided_only:
        st.session_state["rev_index"] = min(len(items) - 1, index + 1)


if not state.coder():
    name = st.sidebar.text_input("Your name (to decide)", key="rev_name")
    if name.strip():
        state.set_coder(name)

item = items[index]
nav = st.columns([1, 4, 1])
nav[0].button("◀ Previous", on_click=go, args=(-1,), disabled=index == 0, key="rev_prev", width="stretch")
nav[1].markdown(f"**Passage {index + 1} of {len(items)}** · item `{item.key}`")
nav[2].button("Next ▶", on_click=go, args=(1,), disabled=index >= len(items) - 1, key="rev_next", width="stretch")

text = project.document_text(item.document_id)
code = codes.get(item.code_id)
with st.container(border=True):
    st.markdown(html_block(f"{swatch(item.colour, item.code)} · <b>{html.escape(item.document)}</b> · "
                           f"{item.start}–{item.end} · {html.escape(item.kind.replace('_', ' '))}"),
                unsafe_allow_html=True)
    guidance = [("Definition", item.definition), ("When to use", item.when_to_use),
                ("When not to use", item.when_not_to_use)]
    st.markdown(html_block("<br>".join(f"<b>{label}:</b> {escaped(value or '—')}" for label, value in guidance)),
                unsafe_allow_html=True)

left, right = st.columns(2)
for column, name, sides in ((left, coder_a, item.a), (right, coder_b, item.b)):
    with column:
        st.markdown(f"**{md(name)}**")
        if not sides:
            st.caption(md(f"{name} did not code this passage with this code."))
        for side in sides:
            before, after = context_words(text, side.start, side.end)
            st.markdown(quote_block(before, side.text, after, item.colour), unsafe_allow_html=True)
            st.caption(f"{side.start}–{side.end} · {'matched' if side.matched else 'not matched'}"
                       + (f" · memo: {md(side.memo)}" if side.memo else ""))

decision = review.decision(item)
if decision:
    label = LABELS[decision.decision].format(a=coder_a, b=coder_b)
    st.info(md(f"Decided: {label} (by {decision.who}, {decision.at[:16].replace('T', ' ')}). "
               "Deciding again replaces it."))

buttons = st.columns(4)
for column, choice in zip(buttons, ("accept-a", "accept-b", "both", "neither")):
    column.button(md(LABELS[choice].format(a=coder_a, b=coder_b)), key=f"rev_{choice}", on_click=take,
                  args=(item.key, choice), width="stretch")
with st.expander("Edit the span"):
    if st.session_state.get("rev_edit_item") != item.key:
        st.session_state["rev_edit_item"] = item.key
        st.session_state["rev_edit_start"] = item.start
        st.session_state["rev_edit_end"] = item.end
    e1, e2, e3 = st.columns([1, 1, 2])
    e1.number_input("Start", min_value=0, max_value=len(text), key="rev_edit_start")
    e2.number_input("End", min_value=0, max_value=len(text), key="rev_edit_end")
    e3.button("Use this span", key="rev_edit", on_click=take, args=(item.key, "edit"), width="stretch")
    s, e = int(st.session_state["rev_edit_start"]), int(st.session_state["rev_edit_end"])
    if s < e:
        st.markdown(f'<div style="font-family:Georgia,serif">“{escaped(text[s:e])}”</div>', unsafe_allow_html=True)

st.page_link("views/code.py", label="Open in transcript", icon="↗",
             query_params={"document": item.document, "start": str(item.start)})
for side in item.a + item.b:
    comment_threads(project, "segment", side.guid, f"rev_c_{side.id}",
                    label=md(f"Comments on the segment {side.start}–{side.end}"))
