"""The retrieve page: all segments of chosen codes across interviews, with speaker, context, memo and a link to the
place in the transcript; exported as CSV."""

from __future__ import annotations

import html

import streamlit as st

from workbench.app import state
from workbench.app.widgets import escaped, html_block, quote_block, swatch
from workbench.exchange.segments_table import rows_to_csv, segment_rows
from workbench.retrieval import retrieve

PAGE_SIZE = 40

project = state.project()
state.show_flash()
st.title("Retrieve")
st.caption("Read a theme across interviews: every segment of the chosen codes, with who said it and its context.")

codes = {c.id: c for c in project.codes()}
documents = project.document_names()
coders = [c["name"] for c in project.coders()]
attributes = project.attributes()

with st.container(border=True):
    a, b = st.columns([3, 2])
    chosen_codes = a.multiselect("Codes", list(codes), format_func=lambda c: codes[c].path, key="ret_codes",
                                 placeholder="all codes")
    include_children = a.checkbox("Include child codes", value=True, key="ret_children")
    chosen_coders = b.multiselect("Coders", coders, key="ret_coders", placeholder="all coders")
    chosen_documents = b.multiselect("Documents", list(documents), format_func=documents.get, key="ret_documents",
                                     placeholder="all documents")
    where: dict[str, list[str]] = {}
    if attributes:
        columns = st.columns(min(4, len(attributes)))
        for i, attribute in enumerate(attributes):
            values = columns[i % len(columns)].multiselect(
                attribute, project.attribute_values(attribute), key=f"ret_attr_{attribute}", placeholder="any")
            if values:
                where[attribute] = values

found = state.attempt(lambda: retrieve(
    project, code_ids=chosen_codes or None, coders=chosen_coders or None,
    document_ids=chosen_documents or None, where=where or None, include_children=include_children))
state.show_flash()
found = found or []

top = st.columns([3, 1])
top[0].markdown(f"**{len(found)} segments** in {len({r.segment.document for r in found})} documents")
if found:
    rows = segment_rows(project, [r.segment for r in found])
    top[1].download_button("Export CSV", rows_to_csv(rows).encode("utf-8"), file_name="retrieved-segments.csv",
                           mime="text/csv", key="ret_export", width="stretch")

pages = max(1, -(-len(found) // PAGE_SIZE))
page = st.number_input("Page", min_value=1, max_value=pages, value=1, key="ret_page") if pages > 1 else 1
for item in found[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]:
    seg = item.segment
    with st.container(border=True):
        head = (f"{swatch(item.colour, item.code_path)} · <b>{html.escape(seg.document)}</b>"
                f" · {html.escape(item.speaker or 'no speaker')}"
                + (f" · case {html.escape(item.cases)}" if item.cases else "")
                + f" · coder {html.escape(seg.coder)} · {seg.start}–{seg.end}")
        st.markdown(html_block(head), unsafe_allow_html=True)
        st.markdown(quote_block(item.before, seg.text, item.after, item.colour), unsafe_allow_html=True)
        if seg.memo:
            st.markdown(f'<div style="color:#555;font-size:0.9em">Memo: {escaped(seg.memo)}</div>',
                        unsafe_allow_html=True)
        st.page_link("views/code.py", label="Open in transcript", icon="↗",
                     query_params={"document": seg.document, "start": str(seg.start)})
