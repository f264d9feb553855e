"""The training page. Supervisors make exercises (documents + a reference coder) and read the class table;
students see their exercises, code them blind on the Code page, submit, and then compare themselves with the
reference: agreement per code, their spans beside the reference's, and the guidance of the codes they missed or
over-applied. The reference is never shown to a student before they submit."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from workbench.app import reads, state
from workbench.app.widgets import escaped, html_block, md, swatch
from workbench.training.exercises import (class_table, create_exercise, feedback, student_privileges, submit,
                                          visible_exercises)

project = state.project()
st.title("Training")
st.caption("Exercises: students code documents blind, submit, and compare their coding with a reference coder's.")
state.show_flash()
privileges = student_privileges(project, state.privileges())
who = privileges.name
documents = reads.read(project, "document_names")


def _number(value: object) -> str:
    return "—" if value is None else f"{value:.2f}" if isinstance(value, float) else str(value)


def show_feedback(result) -> None:
    st.markdown(md(f"**{result.student}** against the reference **{result.reference}** "
                   f"(submitted {(result.submitted or 'not yet')[:16].replace('T', ' ')})"))
    rows = [{"code": c.code, "yours": c.student_segments, "reference": c.reference_segments,
             "found": c.matched_reference, "missed": c.missed, "over-applied": c.over_applied,
             "kappa": _number(c.agreement.get("cohen_kappa")),
             "|u-alpha": _number(c.agreement.get("unitized_alpha"))} for c in result.codes]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption("found: reference segments you matched (overlap of at least 90 % of the longer segment); missed: "
               "reference segments you did not match; over-applied: your segments the reference does not match; "
               "kappa and |u-alpha: agreement with the reference at character level.")
    for title, codes in (("Codes you missed", result.missed_codes), ("Codes you over-applied",
                                                                      result.over_applied_codes)):
        if codes:
            st.subheader(title)
            for c in codes:
                st.markdown(html_block(
                    f"{swatch(c.colour, c.code)}<br><b>Definition:</b> {escaped(c.definition or '—')}<br>"
                    f"<b>When to use:</b> {escaped(c.when_to_use or '—')}<br>"
                    f"<b>When not to use:</b> {escaped(c.when_not_to_use or '—')}"), unsafe_allow_html=True)
    st.subheader("Your spans beside the reference's")
    show_all = st.toggle("Also passages where you agree", key=f"tr_all_{result.student}")
    for passage in result.passages:
        if passage.agrees and not show_all:
            continue
        with st.container(border=True):
            st.markdown(html_block(f"{swatch(passage.colour, passage.code)} · <b>{html.escape(passage.document)}</b>"
                                   f" · {passage.start}–{passage.end}"
                                   + (" · agrees" if passage.agrees else "")), unsafe_allow_html=True)
            left, right = st.columns(2)
            for column, title, sides in ((left, "You", passage.student), (right, "Reference", passage.reference)):
                column.markdown(f"**{title}**")
                if not sides:
                    column.caption("not coded")
                for side in sides:
                    column.markdown(f'<div style="font-family:Georgia,serif">“{escaped(side.text)}”</div>',
                                    unsafe_allow_html=True)
                    column.caption(f"{side.start}–{side.end} · {'matched' if side.matched else 'not matched'}")


# ------------------------------------------------------------------------------------------------ supervisors
if privileges.can_manage_exercises():
    coders = [c["name"] for c in reads.read(project, "coders") if c["segments"]]
    with st.expander("New exercise", expanded=not project.exercises()):
        name = st.text_input("Name", key="tr_new_name")
        reference = st.selectbox("Reference coder", coders, key="tr_new_reference") if coders else None
        chosen = st.multiselect("Documents", list(documents), format_func=documents.get, key="tr_new_documents")
        students = st.text_input("Students (names, separated by commas)", key="tr_new_students")
        instructions = st.text_area("Instructions", key="tr_new_instructions", height=68)
        if st.button("Create exercise", key="tr_create", disabled=not coders):
            made = state.attempt(lambda: create_exercise(
                project, name, reference or "", [documents[d] for d in chosen],
                [s for s in students.split(",") if s.strip()], who=privileges, instructions=instructions),
                f"Exercise {name.strip()!r} created.")
            if made:
                st.rerun()
            state.show_flash()

exercises = visible_exercises(project, privileges)
if not exercises:
    st.info("No exercises yet." if privileges.can_manage_exercises() else
            md(f"{who or 'You'} have no exercises. Ask your supervisor to add you to one."))
    st.stop()

names = [e.name for e in exercises]
exercise = next(e for e in exercises if e.name == st.selectbox("Exercise", names, key="tr_exercise"))
st.markdown(md(f"Documents: {', '.join(documents[d] for d in exercise.document_ids)} · "
               f"reference: {exercise.reference if privileges.can_manage_exercises() else 'hidden until you submit'}"))
if exercise.instructions:
    st.markdown(html_block(escaped(exercise.instructions)), unsafe_allow_html=True)

if privileges.can_manage_exercises():
    st.subheader("Class table")
    table = class_table(project, exercise.name, privileges)
    rows = []
    for student in table.students:
        row = {"student": student, "submitted": "yes" if table.submitted[student] else "no"}
        for code in table.codes:
            cell = table.cells.get((student, code))
            row[code] = "" if cell is None else f"{cell.matched_reference}/{cell.reference_segments}" + (
                f" +{cell.over_applied}" if cell.over_applied else "")
        rows.append(row)
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption("Per student and code: reference segments found / reference segments, + segments over-applied.")
    if table.students:
        pick = st.selectbox("A student's results", table.students, key="tr_student")
        result = state.attempt(lambda: feedback(project, exercise.name, privileges, student=pick))
        state.show_flash()
        if result:
            show_feedback(result)
    st.stop()

# ------------------------------------------------------------------------------------------------ students
mine = next((s for s in exercise.students if privileges.is_me(s)), None)
if mine is None:
    st.stop()
if exercise.students[mine] is None:
    own = project.segments(document_ids=list(exercise.document_ids), coders=[mine])
    st.markdown(md(f"You have coded {len(own)} segment(s) in this exercise. Code the documents on the Code page; "
                   "you see only your own codings. Submit when you are done: then you see the reference."))
    for doc_id in exercise.document_ids:
        st.page_link("views/code.py", label=md(f"Code {documents[doc_id]}"), icon="🖍️",
                     query_params={"document": documents[doc_id], "start": "0"})
    sure = st.checkbox("I am done: hand in my coding (it cannot be changed afterwards)", key="tr_sure")
    if st.button("Submit", key="tr_submit", disabled=not sure):
        if state.attempt(lambda: submit(project, exercise.name, privileges), "Submitted."):
            st.rerun()
        state.show_flash()
else:
    result = state.attempt(lambda: feedback(project, exercise.name, privileges))
    state.show_flash()
    if result:
        show_feedback(result)
