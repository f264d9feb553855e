"""The Project page's management panels: documents (rename, reorder, cases, groups, delete) and the cases and
attributes table, edited in place. Every change goes through the store (audited); pages never write SQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from workbench.app import reads, state
from workbench.app.widgets import md
from workbench.errors import WorkbenchError
from workbench.store import Project


def _names(cell: Any) -> list[str]:
    return [part.strip() for part in str(cell or "").replace(";", ",").split(",") if part.strip()]


def _who() -> str:
    return state.coder() or ""


def save_button(what: str, save: Callable[[], int]) -> None:
    """A "Save …" button under a table; its message (saved, nothing changed, or why not) appears right below."""
    notices = st.container()
    if st.button(f"Save {what}", key=f"save_{what}"):
        try:
            changed = save()
        except WorkbenchError as exc:
            notices.error(md(str(exc)))
        else:
            state.flash(f"Saved {changed} change(s) to the {what}." if changed else "Nothing changed.",
                        "success" if changed else "info", what)
            st.rerun()
    state.show_flash(what)


def documents_manager(project: Project) -> None:
    """Edit the documents' names, order, cases and groups in one table; delete one with its codings."""
    documents = reads.read(project, "documents")
    if not documents:
        return
    groups: dict[str, list[str]] = {}
    for group in reads.read(project, "groups"):
        for name in group.documents:
            groups.setdefault(name, []).append(group.name)
    original = pd.DataFrame([{"position": i + 1, "document": d.name, "cases": ", ".join(d.cases),
                              "groups": ", ".join(groups.get(d.name, []))} for i, d in enumerate(documents)])
    version = project.data_version()
    st.caption("Change a name, a position (1 = first), the cases a document belongs to or its document groups "
               "(sets, such as residents; separate several with commas), then save.")
    edited = st.data_editor(
        original, key=f"documents_editor_{version}", hide_index=True, width="stretch", num_rows="fixed",
        column_config={"position": st.column_config.NumberColumn("position", min_value=1,
                                                                 max_value=len(documents), step=1),
                       "document": st.column_config.TextColumn("document", required=True)})
    save_button("documents", lambda: save_documents(project, documents, original, edited))
    delete_panel(project, documents)


def save_documents(project: Project, documents: list, original: pd.DataFrame, edited: pd.DataFrame) -> int:
    """Apply the table's edits: renames, group and case memberships, then the new order. Each store call is one
    audited transaction; a refused one stops here with its message."""
    changed = 0
    group_names = {g.name for g in project.groups()}
    for doc, (_, before), (_, after) in zip(documents, original.iterrows(), edited.iterrows()):
        name = str(after["document"] or "").strip()
        if name != before["document"]:
            project.rename_document(doc.id, name, who=_who())
            changed += 1
        if _names(after["cases"]) != _names(before["cases"]):
            project.set_document_cases(doc.id, _names(after["cases"]), who=_who())
            changed += 1
        wanted, had = set(_names(after["groups"])), set(_names(before["groups"]))
        current = project.document(doc.id).name
        for group in sorted(wanted - had):
            project.add_to_group(group, [current], who=_who())
            changed += 1
        for group in sorted(had - wanted):
            if group in group_names:
                project.remove_from_group(group, [current], who=_who())
                changed += 1
    positions = [int(p) if pd.notna(p) else i + 1 for i, p in enumerate(edited["position"])]
    if positions != list(range(1, len(documents) + 1)):
        # a document given a new position goes before one that kept it
        order = sorted(range(len(documents)), key=lambda i: (positions[i], i == positions[i] - 1, i))
        for target, index in enumerate(order):
            project.move_document(documents[index].id, target, who=_who())
        changed += 1
    return changed


def delete_panel(project: Project, documents: list) -> None:
    """Delete a document: asks first, and says how many codings (and memos, links) go with it."""
    names = {d.id: d.name for d in documents}
    left, right = st.columns([3, 1])
    chosen = left.selectbox("Delete a document", [None, *names], key="delete_document_choice",
                            format_func=lambda d: "(choose a document)" if d is None else names[d])
    right.button("Delete…", key="delete_document_ask", disabled=chosen is None,
                 on_click=lambda: st.session_state.update(delete_document_confirm=chosen))
    asked = st.session_state.get("delete_document_confirm")
    if asked is not None and asked in names:
        going = project.document_deletion(asked)
        exercises = project.exercises_with_document(asked)
        with st.container(border=True):
            if exercises:
                st.warning(md(f"{names[asked]} is used in exercise(s) {', '.join(exercises)}; it cannot be deleted "
                              "while it is."))
            st.warning(md(f"Delete {names[asked]}? Its {going['segments']} coding(s) and {going['memos']} memo(s) "
                          f"are deleted with it, and it leaves {going['cases']} case link(s) and {going['groups']} "
                          "group(s). The audit log keeps a record of every deleted coding."))
            yes, no = st.columns(2)
            yes.button("Yes, delete it", key="delete_document_yes", type="primary", on_click=_delete, args=(asked,),
                       disabled=bool(exercises))
            no.button("Keep it", key="delete_document_no",
                      on_click=lambda: st.session_state.pop("delete_document_confirm", None))
    state.show_flash("delete_document")


def _delete(document_id: int) -> None:
    from workbench.app.state import project as current

    name = current().document(document_id).name
    deleted = state.attempt(lambda: current().delete_document(document_id, who=_who()), place="delete_document")
    st.session_state.pop("delete_document_confirm", None)
    if deleted is not None:
        st.session_state.pop("delete_document_choice", None)
        state.flash(f"Deleted {name} and its {deleted} coding(s).", place="delete_document")


def cases_editor(project: Project) -> None:
    """The cases and their attribute values as an editable table: rename a case in its cell, add a row for a new
    case, delete a row to delete a case without documents; and a new attribute. Rows are matched by the case's
    GUID (a hidden column), so a renamed case stays the same case."""
    cases = reads.read(project, "cases")
    types = reads.read(project, "attributes")
    original = pd.DataFrame([{"guid": c.guid, "case": c.name, "documents": ", ".join(c.documents),
                              **{a: c.values.get(a, "") for a in types}} for c in cases],
                            columns=["guid", "case", "documents", *types])
    version = project.data_version()
    st.caption("Rename a case or change a value in its cell, add a row for a new case, or delete a row to delete a "
               "case that has no documents; a number or date attribute takes only numbers or dates. Which "
               "documents belong to a case is set under Documents above.")
    edited = st.data_editor(
        original.astype({a: "string" for a in types}) if types else original,
        key=f"cases_editor_{version}", hide_index=True, width="stretch", num_rows="dynamic",
        column_order=["case", "documents", *types],
        column_config={"documents": st.column_config.TextColumn("documents", disabled=True,
                                                                help="assign documents under Documents above"),
                       **{a: st.column_config.TextColumn(f"{a} ({t})") for a, t in types.items()}})
    save_button("cases", lambda: save_cases(project, original, edited, list(types)))
    with st.form("add_attribute_form", clear_on_submit=True, border=False):
        a, b, c = st.columns([3, 2, 1], vertical_alignment="bottom")
        name = a.text_input("New attribute", key="new_attribute_name", placeholder="e.g. organisation")
        kind = b.selectbox("Type", ["text", "number", "date"], key="new_attribute_kind")
        if c.form_submit_button("Add attribute"):
            state.attempt(lambda: project.add_attribute(name, kind, who=_who()), f"Added attribute {name}.",
                          "attribute")
            st.rerun()
    state.show_flash("attribute")


def _cell(row: Any, column: str) -> str:
    value = row.get(column)
    return "" if value is None or pd.isna(value) else str(value).strip()


def save_cases(project: Project, original: pd.DataFrame, edited: pd.DataFrame, attributes: list[str]) -> int:
    """Apply the cases table: deleted rows first (a case with documents is refused), then renames (by GUID, so
    the case keeps its documents and values), new rows, and changed values. Each store call is one audited
    transaction; a refused one stops here with its message."""
    changed = 0
    before = {row["guid"]: row for _, row in original.iterrows()}
    rows = [(before.get(_cell(row, "guid")), row) for _, row in edited.iterrows()]
    kept = {_cell(row, "guid") for _, row in edited.iterrows()}
    for guid, row in before.items():
        if guid not in kept:
            project.delete_case(row["case"], who=_who())
            changed += 1
    for old, row in rows:
        if old is not None and _cell(row, "case") != old["case"]:
            project.rename_case(old["case"], _cell(row, "case"), who=_who())
            changed += 1
    for old, row in rows:
        case = _cell(row, "case")
        if old is None:
            if not case:
                continue
            project.add_case(case, who=_who())
            changed += 1
        for attribute in attributes:
            value = _cell(row, attribute)
            if value != ("" if old is None else _cell(old, attribute)):
                project.set_case_value(case, attribute, value, who=_who())
                changed += 1
    return changed
