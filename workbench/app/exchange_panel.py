"""Exchange controls shared by the Project and Codebook pages: REFI-QDA (QDPX, QDC) out and in, merging another
copy, and the documents for writing (DOCX, Markdown). Files are prepared on a button press (not on every rerun)
and offered for download; every report is shown as text."""

from __future__ import annotations

from typing import Any

import streamlit as st

from workbench.app import state
from workbench.app.widgets import md

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _prepared(label: str, key: str, make: Any, file_name: str, mime: str, disabled: bool = False) -> None:
    """A "Prepare …" button that builds the file once, then its download button."""
    if st.button(f"Prepare {label}", key=f"prepare_{key}", disabled=disabled):
        data = state.attempt(make)
        if data is not None:
            st.session_state[f"_file_{key}"] = data
    data = st.session_state.get(f"_file_{key}")
    if data is not None and not disabled:
        st.download_button(f"Download {label}", data, file_name=file_name, mime=mime, key=f"download_{key}")


def project_exchange(project: Any, privileges: Any, who: str) -> None:
    """The Project page's exchange section."""
    from workbench.exchange.importing import qdpx_bytes
    from workbench.exchange.merge import merge_data
    from workbench.exchange.writing import quote_bank_docx

    stem = project.path.stem
    allowed = privileges.can_export()
    st.caption("REFI-QDA project (.qdpx) for ATLAS.ti, MAXQDA, NVivo, QualCoder and others: documents, codes, "
               "codings with coders, memos, cases with variables. Positions in code points.")
    _prepared("REFI-QDA project (.qdpx)", "qdpx", lambda: qdpx_bytes(project, f"{stem}.qdpx")[0], f"{stem}.qdpx",
              "application/zip", disabled=not allowed)
    _prepared("quote bank (.docx)", "quotes", lambda: quote_bank_docx(project)[0], f"{stem}-quotes.docx", DOCX,
              disabled=not allowed)
    upload = st.file_uploader("Merge another copy into this project (.qdpx from any tool, or a team member's "
                              ".wbproj): documents matched by content, codes by GUID then path, coders by name; "
                              "nothing here is overwritten", type=["qdpx", "wbproj"], key="merge_upload")
    if upload is not None and st.button("Merge", key="merge_button", disabled=not privileges.can_import()):
        report = state.attempt(lambda: merge_data(project, upload.getvalue(), upload.name, who=who))
        if report is not None:
            st.session_state["_merge_report"] = report.text()
    if st.session_state.get("_merge_report"):
        st.text(st.session_state["_merge_report"])


def import_project_panel(project: Any, privileges: Any, who: str) -> None:
    """Import a REFI-QDA project (.qdpx from any tool) as a new project beside this one; its report is shown as
    text, with a button that opens the new project in this tab. A refusal is one line under the button, and no
    file is left behind."""
    from pathlib import Path

    from workbench.exchange.importing import import_project_data, project_beside

    folder = Path(project.path).resolve().parent
    st.caption(md(f"The new project is made in the folder of this one ({folder}); this project is not changed."))
    upload = st.file_uploader("REFI-QDA project (.qdpx) from ATLAS.ti, MAXQDA, NVivo, QualCoder, Taguette …",
                              type=["qdpx"], key="import_project_upload")
    name = st.text_input("Name of the new project", key="import_project_name",
                         placeholder=Path(upload.name).stem if upload is not None else "e.g. nvivo-study")
    allowed = privileges.can_import()
    if st.button("Import as a new project", key="import_project_button", disabled=upload is None or not allowed,
                 help=None if allowed else "a supervisor or admin imports"):
        def run() -> tuple[str, str]:
            target = project_beside(project.path, name or Path(upload.name).stem)
            report = import_project_data(target, upload.getvalue(), upload.name, who=who)
            return str(target), report.text()

        made = state.attempt(run, place="import_project")
        if made is not None:
            st.session_state["_imported_project"] = made
    state.show_flash("import_project")
    made = st.session_state.get("_imported_project")
    if made:
        path, report = made
        st.success(md(f"Created {Path(path).name}."))
        st.text(report)
        st.button(md(f"Open {Path(path).name}"), key="open_imported_project", on_click=_open_project, args=(path,))


def _open_project(path: str) -> None:
    """Switch this tab to the project at ``path``: what this session held of the old project (prepared files,
    reports, selections, undo) is dropped; the coder's name is kept."""
    for key in list(st.session_state):
        if key != "coder":
            del st.session_state[key]
    st.session_state["project_path"] = path


def codebook_exchange(project: Any, privileges: Any, who: str) -> None:
    """The Codebook page's exchange section (beside the YAML import and export)."""
    from workbench.exchange.importing import import_qdc_data, qdc_bytes
    from workbench.exchange.writing import codebook_docx, codebook_markdown

    stem = project.path.stem
    _prepared("REFI-QDA codebook (.qdc)", "qdc", lambda: qdc_bytes(project), f"{stem}.qdc", "application/xml")
    _prepared("methods appendix (.docx)", "codebook_docx", lambda: codebook_docx(project), f"{stem}-codebook.docx",
              DOCX)
    _prepared("methods appendix (Markdown)", "codebook_md", lambda: codebook_markdown(project).encode("utf-8"),
              f"{stem}-codebook.md", "text/markdown")
    upload = st.file_uploader("Import a REFI-QDA codebook (.qdc): new codes are added; codes already here (same "
                              "GUID or path) are kept as they are", type=["qdc"], key="qdc_upload")
    if upload is not None and st.button("Import .qdc codebook", key="import_qdc",
                                        disabled=not privileges.can_edit_codebook()):
        report = state.attempt(lambda: import_qdc_data(project, upload.getvalue(), upload.name, who=who))
        if report is not None:
            state.flash(f"Codebook imported: {report.imported.get('codes', 0)} codes added, "
                        f"{report.imported.get('codes already in the project', 0)} already here.")
            st.rerun()
