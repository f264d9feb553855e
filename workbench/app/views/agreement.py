"""The agreement page: do the coders apply the codebook the same way, and where not? A table per code, the
numbers of one code with a sentence under each saying what it counts, the 2×2 table behind κ, segment matching
per coder, and the passages where the coders disagree (with links to the coding page)."""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from workbench.agreement import UNITS, AgreementResult, compute_agreement, disagreements
from workbench.agreement.words import explanations
from workbench.app import reads, state
from workbench.app.widgets import md
from workbench.errors import WorkbenchError
from workbench.store import Project

UNIT_LABELS = {"character": "character", "sentence": "sentence", "turn": "speaker turn", "paragraph": "paragraph",
               "document": "document"}
PASSAGE_LIMIT = 300

project = state.project()
st.title("Intercoder agreement")
state.refuse_unless(state.privileges().can_read_project(), "Your role may not open the analysis of the whole project.")

coder_rows = sorted(reads.read(project, "coders"), key=lambda c: (-c["segments"], c["name"]))
coder_names = [c["name"] for c in coder_rows]
active = [c["name"] for c in coder_rows if c["segments"]]
codes = reads.read(project, "codes")
documents = list(reads.read(project, "document_names").values())
def comparison(current: Project, coders: tuple[str, ...], unit: str, chosen_codes: tuple[str, ...],
               scope: tuple[str, ...], overlap: int, progress=None) -> AgreementResult:
    return compute_agreement(current, list(coders), unit, list(chosen_codes) or None, list(scope) or None, overlap,
                             progress=progress)


def passages(current: Project, coders: tuple[str, ...], unit: str, code: str, scope: tuple[str, ...],
             progress=None) -> list:
    return disagreements(current, list(coders), unit, code, list(scope) or None, limit=PASSAGE_LIMIT)


def number(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


# ------------------------------------------------------------------------------------------------ controls
if len(active) < 2:
    st.info("Agreement needs two coders who coded the same documents; so far "
            + (md(f"only {active[0]} has coded.") if active else "nobody has coded."))
    st.stop()
with st.container(border=True):
    top = st.columns([3, 1, 1])
    coders = top[0].multiselect("Coders", coder_names, default=active[:2], key="agr_coders",
                                help="Two or more. Cohen's κ needs exactly two.")
    unit = top[1].selectbox("Unit", UNITS, format_func=lambda u: UNIT_LABELS[u], key="agr_unit",
                            help="A unit is coded with a code by a coder when one of the coder's segments of that "
                                 "code overlaps it.")
    overlap = top[2].number_input("Segment overlap %", min_value=1, max_value=100, value=90, step=5,
                                  key="agr_overlap", help="Segment matching (MAXQDA): two segments agree when they "
                                                          "overlap by at least this share of the longer one.")
    bottom = st.columns(2)
    chosen_codes = bottom[0].multiselect("Codes (none chosen: every code the coders used)",
                                         [c.path for c in codes], key="agr_codes")
    first = reads.FIRST_DOCUMENTS  # compared when none are chosen (all, when the project has no more)
    many = len(documents) > first
    chosen_documents = bottom[1].multiselect(
        f"Documents (none chosen: {f'the first {first} compared' if many else 'all'})", documents,
        key="agr_documents")
    whole = bottom[1].toggle("All documents", key="agr_all", disabled=bool(chosen_documents),
                             help="Compare every document the coders coded; in a large project the first "
                                  "comparison takes a while (a progress bar shows how far it is).") if many else True

if len(coders) < 2:
    st.info("Choose at least two coders.")
    st.stop()
together: list[int] = []
if chosen_documents:
    scope = tuple(chosen_documents)
elif whole:
    scope = ()
else:  # the first documents that two of the coders coded: the page stays quick in a large project
    together = list(reads.read(project, "documents_coded_together", tuple(coders)))
    names_by_id = reads.read(project, "document_names")
    scope = tuple(names_by_id[d] for d in together[:first])
try:
    result = reads.computed(project, "agreement", comparison, tuple(coders), unit, tuple(chosen_codes), scope,
                            int(overlap), text="Comparing the coders…")
except WorkbenchError as exc:
    st.error(md(str(exc)))
    st.stop()

compared = len(result.documents)
if len(together) > first:
    st.caption(md(f"Compared: the first {compared} of the {len(together):,} documents coded by at least two of "
                  f"{', '.join(result.coders)}. Choose documents above, or switch on All documents."))
else:
    st.caption(md(f"Compared: {compared} document{'s' if compared != 1 else ''} coded by at least two of "
                  f"{', '.join(result.coders)}.")
               + (md(f" Left out (coded by fewer than two of them): {', '.join(result.skipped)}.")
                  if result.skipped else ""))
if not result.codes:
    st.info("These coders have no segments in the same documents yet.")
    st.stop()

# ------------------------------------------------------------------------------------------------ per code
rows = []
for entry in result.codes + [result.overall]:
    matched_total = entry.segments_matched + entry.segments_unmatched
    rows.append({
        "code": entry.code, "units": entry.units,
        "percent agreement": entry.percent_agreement, "Cohen's κ": entry.cohen_kappa,
        "Krippendorff's α": entry.krippendorff_alpha, "|uα": entry.unitized_alpha,
        "segments matched": f"{entry.segments_matched} of {matched_total}", "warning": entry.warning,
    })
frame = pd.DataFrame(rows)
number_format = {c: st.column_config.NumberColumn(format="%.3f") for c in
                 ("percent agreement", "Cohen's κ", "Krippendorff's α", "|uα")}
st.subheader("Per code")
selection = st.dataframe(frame, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                         key="agr_table", column_config=number_format)
st.caption(md(f"Units: {UNIT_LABELS[unit]}s. The last row pools every code's decisions, as if each code's coding "
              "of the documents were laid end to end. “–” or empty: undefined (no variation, or κ with more than "
              f"two coders). cuα over all codes: {number(result.cu_alpha)}. Click a row to see that code below."))

names = [e.code for e in result.codes]
picked = selection.selection.rows if selection and selection.selection else []
if picked and picked[0] < len(names):
    st.session_state["agr_code"] = names[picked[0]]
if st.session_state.get("agr_code") not in names + ["overall"]:
    st.session_state["agr_code"] = names[0]
shown = st.selectbox("Code", names + ["overall"], key="agr_code")
entry = result.overall if shown == "overall" else result.code(shown)
words = explanations(result, entry)

# ------------------------------------------------------------------------------------------------ one code
st.subheader(md(shown))
if entry.warning:
    st.warning(md(entry.warning))
metrics = [("Units", f"{entry.units:,}", "units"), ("Percent agreement", number(entry.percent_agreement),
                                                      "percent_agreement"),
           ("Cohen's κ", number(entry.cohen_kappa), "cohen_kappa"),
           ("Krippendorff's α", number(entry.krippendorff_alpha), "krippendorff_alpha"),
           ("|uα (unitized)", number(entry.unitized_alpha), "unitized_alpha"),
           ("Segments matched", f"{entry.segments_matched} of {entry.segments_matched + entry.segments_unmatched}",
            "segments")]
if shown == "overall":
    metrics.append(("cuα (which code)", number(result.cu_alpha), "cu_alpha"))
for start in range(0, len(metrics), 4):
    columns = st.columns(4)
    for column, (label, value, key) in zip(columns, metrics[start:start + 4]):
        with column:
            st.metric(label, value)
            st.caption(md(words[key]))

if len(result.coders) == 2 and entry.table is not None:
    first, second = result.coders
    t = entry.table
    st.markdown("**The 2×2 table behind κ**")
    st.dataframe(pd.DataFrame({"": [f"{first}: coded", f"{first}: not coded"],
                               f"{second}: coded": [t["both"], t["second_only"]],
                               f"{second}: not coded": [t["first_only"], t["neither"]]}),
                 hide_index=True, column_config={"": st.column_config.TextColumn()})
    st.caption(md(words["table"]))

if entry.matched_by_coder:
    st.markdown("**Segments matched per coder**")
    st.dataframe(pd.DataFrame([{"coder": coder, "segments": entry.segments.get(coder, 0), "matched": m,
                                "unmatched": u} for coder, (m, u) in entry.matched_by_coder.items()]),
                 hide_index=True)

# ------------------------------------------------------------------------------------------------ passages
if shown != "overall":
    st.subheader("Where the coders disagree")
    found = reads.computed(project, "disagreements", passages, tuple(coders), unit, entry.code, scope,
                           text="Finding the disagreements…")
    if not found:
        st.caption("Nowhere: on every unit the coders who coded it agree about this code.")
    else:
        st.caption(md(f"{len(found)}{'+' if len(found) >= PASSAGE_LIMIT else ''} passage"
                      f"{'s' if len(found) != 1 else ''} where some coders applied {shown} and others did not "
                      f"(per {UNIT_LABELS[unit]}"
                      + ("; adjacent characters with the same split joined" if unit == "character" else "")
                      + "). Open one to code or discuss it."))
        st.dataframe(pd.DataFrame([{
            "document": p.document, "from": p.start, "to": p.end, "speaker": p.speaker,
            "coded by": ", ".join(p.coded_by), "not coded by": ", ".join(p.not_coded_by),
            "text": " ".join(p.text.split()),
            "open": "/code?" + urlencode({"document": p.document, "start": p.start})} for p in found]),
            hide_index=True, width="stretch",
            column_config={"open": st.column_config.LinkColumn("open", display_text="open in the coding page"),
                           "text": st.column_config.TextColumn(width="large")})
