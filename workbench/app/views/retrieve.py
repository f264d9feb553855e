"""The retrieve page: all segments of chosen codes across interviews, with speaker, context, memo and a link to the
place in the transcript; exported as CSV. Counted and paged in SQL; the export is prepared when asked for."""

from __future__ import annotations

import io

import streamlit as st

from workbench.app import reads, state
from workbench.app.widgets import escaped, html_block, md, quote_block, swatch, text_html
from workbench.exchange.segments_table import COLUMNS, iter_segment_rows
from workbench.retrieval import RetrieveQuery, resolve_query, retrieve_page
from workbench.safe_files import write_csv

PAGE_SIZE = 40

project = state.project()
state.show_flash()
st.title("Retrieve")
state.refuse_unless(state.privileges().can_read_project(),
                    "Your role may not retrieve across the whole project: open your exercise on the Code page.")
st.caption("Read a theme across interviews: every segment of the chosen codes, with who said it and its context.")

codes = {c.id: c for c in reads.read(project, "codes")}
documents = reads.read(project, "document_names")
coders = [c["name"] for c in reads.read(project, "coders")]
attributes = reads.read(project, "attributes")

with st.container(border=True):
    a, b = st.columns([3, 2])
    chosen_codes = a.multiselect("Codes", list(codes), format_func=lambda c: codes[c].path, key="ret_codes",
                                 placeholder="all codes")
    include_children = a.checkbox("Include child codes", value=True, key="ret_children")
    chosen_coders = b.multiselect("Coders", coders, key="ret_coders", placeholder="all coders")
    chosen_documents = b.multiselect("Documents", list(documents), format_func=documents.get, key="ret_documents",
                                     placeholder="all documents")
    groups = {g.name: g for g in reads.read(project, "groups")}
    chosen_groups = b.multiselect("Document groups", list(groups), key="ret_groups", placeholder="all documents",
                                  help="only documents in any of these groups") if groups else []
    where: dict[str, list[str]] = {}
    if attributes:
        columns = st.columns(min(4, len(attributes)))
        for i, attribute in enumerate(attributes):
            values = columns[i % len(columns)].multiselect(
                md(attribute), reads.read(project, "attribute_values", attribute), key=f"ret_attr_{attribute}",
                placeholder="any")
            if values:
                where[attribute] = values


def in_groups(chosen: list[int], names: list[str]) -> list[int] | None:
    """The chosen documents narrowed to the chosen groups' documents (None: every document)."""
    if not names:
        return chosen or None
    members = project.group_document_ids(names)
    return [d for d in (chosen or list(documents)) if d in members]


query = state.attempt(lambda: resolve_query(
    project, code_ids=chosen_codes or None, coders=chosen_coders or None,
    document_ids=in_groups(chosen_documents, chosen_groups), where=where or None,
    include_children=include_children))
state.show_flash()
query = query or RetrieveQuery((), None, None)

# The per-document counts of a query are kept until the project changes: a page turn reads one page only.
key = (query, project.data_version())
counts = reads.read(project, "segment_counts_by_document", document_ids=query.document_ids,
                    code_ids=query.code_ids, coders=query.coders)
total = sum(n for _, n in counts)

top = st.columns([3, 1])
top[0].markdown(f"**{total} segments** in {len(counts)} documents")


def prepare_export() -> None:
    """Build the CSV of every segment found (streamed from the store), with a progress bar."""
    bar = st.progress(0.0, text="Preparing the CSV…")

    def progress(done: int) -> None:
        bar.progress(min(done / max(total, 1), 1.0), text=f"Preparing the CSV… {done:,} of {total:,} segments")

    buffer = io.StringIO()
    rows = iter_segment_rows(project, query.document_ids, query.code_ids, query.coders)
    write_csv(rows, buffer, COLUMNS, progress=progress)
    st.session_state["_ret_export"] = (key, buffer.getvalue().encode("utf-8"))
    bar.empty()


if total:
    prepared = st.session_state.get("_ret_export")
    if prepared and prepared[0] == key:
        top[1].download_button("Download CSV", prepared[1], file_name="retrieved-segments.csv", mime="text/csv",
                               key="ret_export", width="stretch")
    else:
        top[1].button("Prepare CSV export", key="ret_prepare", on_click=prepare_export, width="stretch")

pages = max(1, -(-total // PAGE_SIZE))
page = st.number_input("Page", min_value=1, max_value=pages, value=1, key="ret_page") if pages > 1 else 1
found = retrieve_page(project, query, (page - 1) * PAGE_SIZE, PAGE_SIZE, counts=counts) if total else []
for item in found:
    seg = item.segment
    with st.container(border=True):
        head = (f"{swatch(item.colour, item.code_path)} · <b>{text_html(seg.document)}</b>"
                f" · {text_html(item.speaker or 'no speaker')}"
                + (f" · case {text_html(item.cases)}" if item.cases else "")
                + f" · coder {text_html(seg.coder)} · {seg.start}–{seg.end}")
        st.markdown(html_block(head), unsafe_allow_html=True)
        st.markdown(quote_block(item.before, seg.text, item.after, item.colour), unsafe_allow_html=True)
        if seg.memo:
            st.markdown(f'<div style="color:#555;font-size:0.9em">Memo: {escaped(seg.memo)}</div>',
                        unsafe_allow_html=True)
        st.page_link("views/code.py", label="Open in transcript", icon="↗",
                     query_params={"document": seg.document, "start": str(seg.start)})
