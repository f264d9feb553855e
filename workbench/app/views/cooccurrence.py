"""The co-occurrence page: which codes occur together, where and for whom, and the passages behind every number.
Also the frequencies table, the code × attribute matrix and the theme report."""

from __future__ import annotations


import pandas as pd
import streamlit as st

from workbench.analysis.cooccurrence import (
    PASSAGE_COLUMNS, UNITS, Cooccurrence, cooccurrence, matrix_rows, meetings, passage_rows,
)
from workbench.analysis.bins import BINNABLE, parse_edges, suggest_edges
from workbench.analysis.data import AnalysisData, Scope, load
from workbench.analysis.frequencies import MEASURES, attribute_matrix, frequencies
from workbench.analysis.report import heatmap_svg, theme_report_html, theme_report_markdown
from workbench.app import state
from workbench.app.cooccurrence_charts import heatmap_chart, network_chart, vega_lite_spec
from workbench.app.widgets import html_block, md, swatch, text_html
from workbench.coding import transcript_pieces
from workbench.errors import WorkbenchError
from workbench.exchange.segments_table import rows_to_csv, rows_to_xlsx
from workbench.models import Segment
from workbench.store import Project

UNIT_LABELS = {"overlap": "overlapping segments", "near": "segments near each other", "sentence": "sentence",
               "turn": "speaker turn", "paragraph": "paragraph", "document": "document"}
PASSAGE_LIMIT = 200

project = state.project()
notices = state.show_flash()
st.title("Co-occurrence")
state.refuse_unless(state.privileges().can_read_project(),
                    "Your role may not open the analysis of the whole project.")

codes = project.codes()
code_by_id = {c.id: c for c in codes}
attributes = project.attributes()
version = (project.data_version(), project.visibility_key())  # the cache key: the data and who reads it
documents = project.document_names()
depth = max((c.path.count("/") + 1 for c in codes), default=1)


# ------------------------------------------------------------------------------------------- cached analysis
@st.cache_resource(max_entries=8, show_spinner="Reading the segments…")
def analysis_data(_project: Project, path: str, data_version: int, scope: Scope) -> AnalysisData:
    return load(_project, scope)


@st.cache_resource(max_entries=16, show_spinner="Counting co-occurrences…")
def analysis(_project: Project, path: str, data_version: int, unit: str, distance: int | None,
             scope: Scope) -> Cooccurrence:
    return cooccurrence(_project, unit, distance, scope,
                        data=analysis_data(_project, path, data_version, scope))


@st.cache_resource(max_entries=8, show_spinner="Counting frequencies…")
def frequency_rows(_project: Project, path: str, data_version: int, scope: Scope, per_coder: bool) -> list[dict]:
    data = analysis_data(_project, path, data_version, scope)
    return [f.as_dict() for f in frequencies(_project, scope, by_coder=per_coder, data=data)]


@st.cache_resource(max_entries=8, show_spinner="Counting per group…")
def group_matrix(_project: Project, path: str, data_version: int, scope: Scope, attribute: str, measure: str,
                 edges: tuple | None = None):
    return attribute_matrix(_project, attribute, measure, scope,
                            data=analysis_data(_project, path, data_version, scope), edges=edges)


# The charts as Vega-Lite specs, made (and validated by Altair, the slow part) once per data version and filters;
# a copy for each run (cache_data), so Streamlit never sees one it changed before.
@st.cache_data(max_entries=16, show_spinner=False)
def heatmap(_project: Project, path: str, data_version: int, unit: str, distance: int | None, scope: Scope,
            minimum: int) -> dict | None:
    return vega_lite_spec(heatmap_chart(analysis(_project, path, data_version, unit, distance, scope), minimum))


@st.cache_data(max_entries=16, show_spinner=False)
def network(_project: Project, path: str, data_version: int, unit: str, distance: int | None, scope: Scope,
            threshold: int) -> dict | None:
    colours = {c.id: c.colour for c in _project.codes()}
    return vega_lite_spec(network_chart(analysis(_project, path, data_version, unit, distance, scope), threshold,
                                        colours))


@st.cache_data(max_entries=8, show_spinner=False)
def coder_names(_project: Project, path: str, data_version: int) -> list[str]:
    return [c["name"] for c in _project.coders()]


@st.cache_resource(max_entries=16, show_spinner="Finding the passages…")
def passages(_project: Project, path: str, data_version: int, unit: str, distance: int | None, scope: Scope,
             a_id: int, b_id: int) -> list:
    result = analysis(_project, path, data_version, unit, distance, scope)
    return meetings(_project, result, a_id, b_id, data=analysis_data(_project, path, data_version, scope))


# ------------------------------------------------------------------------------------------- controls
coders = coder_names(project, str(project.path), version)
with st.container(border=True):
    row = st.columns([2, 1, 2, 2])
    unit = row[0].selectbox("Unit of analysis", UNITS, format_func=lambda u: UNIT_LABELS[u], key="cooc_unit",
                            help="What counts as occurring together.")
    distance = None
    if unit == "near":
        distance = int(row[1].number_input("Within characters", min_value=0, max_value=100_000, value=200,
                                           step=50, key="cooc_distance"))
    chosen_coders = row[2].multiselect("Coders", coders, key="cooc_coders", placeholder="all coders")
    chosen_documents = row[3].multiselect("Documents", list(documents.values()), key="cooc_documents",
                                          placeholder="all documents")
    group_names = [g.name for g in project.groups()]
    chosen_groups = row[3].multiselect("Document groups", group_names, key="cooc_groups",
                                       placeholder="all documents", help="only documents in any of these groups",
                                       ) if group_names else []
    row = st.columns([2, 2, 2])
    subtree = row[0].multiselect("Codes (with their child codes)", [c.path for c in codes], key="cooc_codes",
                                 placeholder="all codes")
    levels = ["every code"] + [f"roll up to level {n}" for n in range(1, depth)]
    level_choice = row[1].selectbox("Code level", levels, key="cooc_level",
                                    help="Count child codes as their ancestor at this level (level 1 = top-level "
                                         "codes); a passage coded with two children then counts once.")
    minimum = row[2].number_input("Hide pairs counted fewer than", min_value=1, value=1, step=1, key="cooc_min")
    where: dict[str, list[str]] = {}
    if attributes:
        columns = st.columns(min(4, len(attributes)))
        for i, attribute in enumerate(attributes):
            values = columns[i % len(columns)].multiselect(md(attribute), project.attribute_values(attribute),
                                                           key=f"cooc_attr_{attribute}", placeholder="any")
            if values:
                where[attribute] = values

scope = Scope.of(coders=chosen_coders, documents=chosen_documents, where=where, codes=subtree, groups=chosen_groups,
                 rollup_level=None if level_choice == "every code" else levels.index(level_choice))
try:
    result = analysis(project, str(project.path), version, unit, distance, scope)
except WorkbenchError as exc:
    st.error(md(str(exc)))
    st.stop()

st.info(md(result.explanation))
shown_pairs = [p for p in result.pairs if p.count >= minimum]
present = [c for c in result.code_ids if result.frequency.get(c)]
name_to_id = {result.names[c]: c for c in result.code_ids}
order = [result.names[c] for c in present]


def choose_pair(a: str, b: str) -> None:
    st.session_state["cooc_pair"] = (a, b)


TABS = ["Heatmap", "Table", "Network", "Frequencies", "Codes × attribute", "Theme report"]
# Only the open tab runs (the others cost nothing until chosen: frequencies and the matrix at a million segments)
tab_heat, tab_table, tab_network, tab_frequencies, tab_matrix, tab_report = st.tabs(TABS, key="cooc_tab",
                                                                                    on_change="rerun")

# ------------------------------------------------------------------------------------------- heatmap
if tab_heat.open:
    with tab_heat:
        if not shown_pairs:
            st.caption("No two codes co-occur with these settings.")
        chart = heatmap(project, str(project.path), version, unit, distance, scope, minimum)
        if chart is not None:
            # many codes make the heatmap wider than the column (its cells keep their size): it scrolls sideways
            st.html("<style>.st-key-cooc_heatmap { overflow-x: auto; }</style>")
            event = st.vega_lite_chart(spec=chart, on_select="rerun", key="cooc_heatmap", selection_mode="cell",
                                       width="content")
            picked = (event.selection.get("cell") or []) if event else []
            if picked and picked[0].get("a") and picked[0].get("b"):
                chosen = (picked[0]["a"], picked[0]["b"])
                if chosen != st.session_state.get("_cooc_last_cell"):
                    st.session_state["_cooc_last_cell"] = chosen
                    choose_pair(*chosen)
            st.caption("Click a cell to list the passages where the two codes meet. Hover for the c-coefficient and "
                       "containment.")

# ------------------------------------------------------------------------------------------- table
if tab_table.open:
    with tab_table:
        table = pd.DataFrame([{"code A": p.a, "code B": p.b, "count": p.count,
                               "c-coefficient": p.c_coefficient, "containment": p.containment,
                               "frequency A": p.frequency_a, "frequency B": p.frequency_b,
                               "note": "frequencies differ > 5×" if p.imbalanced else ""} for p in shown_pairs])
        if shown_pairs:
            selection = st.dataframe(
                table, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                key="cooc_table",
                column_config={"c-coefficient": st.column_config.NumberColumn(format="%.3f"),
                               "containment": st.column_config.NumberColumn(format="%.3f")})
            rows = selection.selection.rows if selection else []
            if rows:
                chosen = (shown_pairs[rows[0]].a, shown_pairs[rows[0]].b)
                if chosen != st.session_state.get("_cooc_last_row"):
                    st.session_state["_cooc_last_row"] = chosen
                    choose_pair(*chosen)
            st.caption("c-coefficient = n12 / (n1 + n2 − n12) (ATLAS.ti); containment = n12 / min(n1, n2). Where the "
                       "two frequencies differ more than fivefold the c-coefficient stays small even when the rarer "
                       "code always occurs with the other: read containment there.")
        else:
            st.caption("No pairs.")
        exports = st.columns(4)
        exports[0].download_button("Matrix CSV", lambda: rows_to_csv(
            matrix_rows(result), ["code", "frequency", *order]).encode("utf-8"), file_name="cooccurrence-matrix.csv",
            mime="text/csv", key="cooc_matrix_csv")
        exports[1].download_button("Matrix XLSX", lambda: rows_to_xlsx(
            matrix_rows(result), ["code", "frequency", *order], sheet="co-occurrence"),
            file_name="cooccurrence-matrix.xlsx", key="cooc_matrix_xlsx")
        exports[2].download_button("Pairs CSV", lambda: rows_to_csv(
            [p.as_dict() for p in result.pairs], ["a", "b", "count", "c_coefficient", "containment", "frequency_a",
                                                  "frequency_b", "imbalanced"]).encode("utf-8"),
            file_name="cooccurrence-pairs.csv", mime="text/csv", key="cooc_pairs_csv")
        exports[3].download_button("Heatmap SVG", lambda: heatmap_svg(result).encode("utf-8"),
                                   file_name="cooccurrence-heatmap.svg", mime="image/svg+xml", key="cooc_svg")

# ------------------------------------------------------------------------------------------- network
if tab_network.open:
    with tab_network:
        highest_count = max([p.count for p in result.pairs] + [1])
        threshold = 1
        if highest_count > 1:
            threshold = st.slider("Show links counted at least", min_value=1, max_value=highest_count,
                                  value=min(max(minimum, 1), highest_count), key="cooc_threshold")
        chart = network(project, str(project.path), version, unit, distance, scope, threshold)
        if chart is not None:
            st.vega_lite_chart(spec=chart, width="stretch")
            st.caption("Codes on a circle; a line joins two codes that co-occur, thicker for higher counts; dot size "
                       "is the code's frequency.")
        else:
            st.caption("No links at this threshold.")

# ------------------------------------------------------------------------------------------- frequencies
if tab_frequencies.open:
    with tab_frequencies:
        per_coder = st.toggle("Per coder", value=True, key="cooc_per_coder")
        rows = frequency_rows(project, str(project.path), version, scope, per_coder)
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        st.caption("segments: coded segments; documents and cases: how many contain the code; words: words inside the "
                   "code's segments, counting overlapping segments once.")
        st.download_button("Frequencies CSV", rows_to_csv(rows, ["code", "coder", "segments", "documents", "cases",
                                                                 "words"]).encode("utf-8"),
                           file_name="code-frequencies.csv", mime="text/csv", key="cooc_freq_csv")

# ------------------------------------------------------------------------------------------- code × attribute
if tab_matrix.open:
    with tab_matrix:
        if not attributes:
            st.caption("No case attributes yet: import a cases CSV on the Project page.")
        else:
            left, middle, right = st.columns(3)
            categorical = [a for a, kind in attributes.items() if kind not in BINNABLE]
            if st.session_state.get("cooc_attribute") not in attributes:  # open on a categorical attribute
                st.session_state["cooc_attribute"] = (categorical or list(attributes))[0]
            attribute = left.selectbox("Case attribute", list(attributes), key="cooc_attribute")
            measure = middle.selectbox("Count", MEASURES, key="cooc_measure",
                                       help="segments: coded segments in the group's documents; documents / cases: "
                                            "how many of the group's documents or cases contain the code")
            view = right.radio("Show", ["counts", "row %", "column %"], horizontal=True, key="cooc_matrix_view")
            edges = None
            kind = attributes[attribute]
            if kind in BINNABLE:
                binned = st.toggle("Group into bins", value=True, key=f"cooc_bin_on_{attribute}")
                if binned:
                    suggestion = suggest_edges(kind, project.attribute_values(attribute))
                    text = st.text_input(
                        "Bin edges (comma separated)", value=suggestion, key=f"cooc_bins_{attribute}",
                        help="Each edge starts a bin: 20, 40, 60 gives under 20, 20–39, 40–59 and 60+. Dates as "
                             "2026-03-01.")
                    if text.strip():
                        try:
                            edges = tuple(parse_edges(kind, text))
                        except WorkbenchError as exc:
                            st.error(md(str(exc)))
            matrix = group_matrix(project, str(project.path), version, scope, attribute, measure, edges)
            cells = {
                "counts": lambda r, c: matrix.counts[r][c],
                "row %": lambda r, c: round(matrix.row_percent(r, c), 1),
                "column %": lambda r, c: round(matrix.column_percent(r, c), 1),
            }[view]
            frame = pd.DataFrame([{"code": code, **{v: cells(r, c) for c, v in enumerate(matrix.values)}}
                                  for r, code in enumerate(matrix.codes)])
            st.dataframe(frame, hide_index=True, width="stretch")
            sizes = ", ".join(f"{v}: {matrix.group_sizes.get(v, 0)}" for v in matrix.values)
            st.caption(md(f"Cases per {attribute}: {sizes}.") + " Row % reads across a code (where is it talked "
                       "about); column % reads down a group (what does this group talk about).")
            records = matrix.records()
            columns = ["code", matrix.attribute, matrix.measure, "row_percent", "column_percent"]
            a, b = st.columns(2)
            a.download_button("Matrix CSV", rows_to_csv(records, columns).encode("utf-8"),
                              file_name=f"codes-by-{attribute}.csv", mime="text/csv", key="cooc_attr_csv")
            b.download_button("Matrix XLSX", lambda: rows_to_xlsx(records, columns, sheet=attribute),
                              file_name=f"codes-by-{attribute}.xlsx", key="cooc_attr_xlsx")

# ------------------------------------------------------------------------------------------- theme report
if tab_report.open:
    with tab_report:
        st.caption("Per code: its definition, counts, the codes it co-occurs with most (for the unit and filters "
                   "above) and three representative quotes from different interviews.")
        a, b = st.columns(2)
        a.download_button("Theme report (Markdown)",
                          lambda: theme_report_markdown(project, scope, unit, distance).encode("utf-8"),
                          file_name="theme-report.md", mime="text/markdown", key="cooc_report_md", type="primary")
        b.download_button("Theme report (HTML)",
                          lambda: theme_report_html(project, scope, unit, distance).encode("utf-8"),
                          file_name="theme-report.html", mime="text/html", key="cooc_report_html")

# ------------------------------------------------------------------------------------------- drill-down
st.subheader("Where two codes meet")
pair_names = sorted(result.names[c] for c in result.code_ids)
picked = st.session_state.get("cooc_pair")
if picked and (picked[0] not in name_to_id or picked[1] not in name_to_id):
    picked = None
c1, c2 = st.columns(2)
if picked:
    st.session_state["cooc_a"], st.session_state["cooc_b"] = picked
    st.session_state.pop("cooc_pair", None)
first = c1.selectbox("Code A", [None, *pair_names], key="cooc_a", format_func=lambda n: n or "(choose a code)")
second = c2.selectbox("Code B", [None, *pair_names], key="cooc_b", format_func=lambda n: n or "(choose a code)")
if first and second and first != second:
    a_id, b_id = name_to_id[first], name_to_id[second]
    found = passages(project, str(project.path), version, unit, distance, scope, a_id, b_id)
    st.markdown(html_block(f"<b>{result.count(a_id, b_id)}</b> counted for {text_html(first)} × "
                           f"{text_html(second)}; {len(found)} passage{'s' if len(found) != 1 else ''}"
                           + (f" (showing the first {PASSAGE_LIMIT})" if len(found) > PASSAGE_LIMIT else "")
                           + "."), unsafe_allow_html=True)
    data = analysis_data(project, str(project.path), version, scope)
    export = st.columns(2)
    export[0].download_button("Passages CSV", lambda: rows_to_csv(passage_rows(found, result.names, data.coders),
                                                                  PASSAGE_COLUMNS).encode("utf-8"),
                              file_name="passages.csv", mime="text/csv", key="cooc_passages_csv")
    export[1].download_button("Passages XLSX", lambda: rows_to_xlsx(passage_rows(found, result.names, data.coders),
                                                                    PASSAGE_COLUMNS, sheet="passages"),
                              file_name="passages.xlsx", key="cooc_passages_xlsx")
    colour_a = code_by_id[a_id].colour if a_id in code_by_id else "#1f77b4"
    colour_b = code_by_id[b_id].colour if b_id in code_by_id else "#d62728"
    st.markdown(html_block(f"{swatch(colour_a, first)} underlined &nbsp; {swatch(colour_b, second)} shaded "
                           "&nbsp; <b>bold</b>: both"), unsafe_allow_html=True)
    for meeting in found[:PASSAGE_LIMIT]:
        items = (*meeting.a_items, *meeting.b_items)
        length = meeting.end - meeting.start
        relative = [Segment(i, "", "", 0, max(item.start - meeting.start, 0), min(item.end - meeting.start, length),
                            "", 0, "", "", "", "") for i, item in enumerate(items)]
        a_marks = set(range(len(meeting.a_items)))
        parts = []
        for piece in transcript_pieces(meeting.text, relative, []):
            text = text_html(meeting.text[piece.start:piece.end])
            in_a = any(s in a_marks for s in piece.segment_ids)
            in_b = any(s not in a_marks for s in piece.segment_ids)
            style = []
            if in_a:
                style.append(f"text-decoration:underline 3px {colour_a};text-underline-offset:3px")
            if in_b:
                style.append(f"background:{colour_b}33")
            if in_a and in_b:
                style.append("font-weight:600")
            parts.append(f'<span style="{";".join(style)}">{text}</span>' if style else text)
        with st.container(border=True):
            st.markdown(html_block(f"<b>{text_html(meeting.document)}</b> · "
                                   f"{text_html(meeting.speaker or 'no speaker')}"
                                   + (f" · case {text_html(meeting.case)}" if meeting.case else "")
                                   + f" · {meeting.start}–{meeting.end}"), unsafe_allow_html=True)
            st.markdown('<div style="font-family:Georgia,serif;line-height:1.65">' + "".join(parts) + "</div>",
                        unsafe_allow_html=True)
            st.page_link("views/code.py", label="Open in transcript", icon="↗",
                         query_params={"document": meeting.document, "start": str(meeting.start)})
elif first and first == second:
    st.caption("Choose two different codes.")
else:
    st.caption("Click a heatmap cell or a table row, or choose two codes here.")
