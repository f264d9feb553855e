"""The project page: overview, documents, cases and attributes, upload of transcripts and a cases table."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pandas as pd
import streamlit as st

from workbench.app import login, manage, reads, state
from workbench.app.exchange_panel import import_project_panel, project_exchange
from workbench.app.widgets import html_block, md, text_html
from workbench.errors import WorkbenchError
from workbench.importers import DEFAULT_MAX_MB, SUPPORTED_EXTENSIONS
from workbench.ingest import import_sources
from workbench.store.backup import DEFAULT_KEEP, backup_bytes, backup_folder, rotate_backup

project = state.project()
state.show_flash()

st.title("Project")
st.caption(md(project.path))
privileges = state.privileges()
working = login.sessions().working_now() if project.has_accounts() else []
if working:
    st.caption(md("Working now: " + ", ".join(f"{p.name} ({p.role})" for p in working)))
stats = reads.read(project, "stats", sentences=False)  # the page does not show them
columns = st.columns(6)
for column, (label, key) in zip(columns, [("Documents", "documents"), ("Words", "words"), ("Speaker turns", "turns"),
                                          ("Codes", "codes"), ("Segments", "segments"), ("Coders", "coders")]):
    column.metric(label, f"{stats[key]:,}")

st.subheader("Documents")


def documents_table(current) -> pd.DataFrame:
    documents = reads.read(current, "documents")  # built by columns: several times faster for 5,000 documents
    return pd.DataFrame({
        "document": [d.name for d in documents], "open": [f"code?document={quote(d.name)}" for d in documents],
        "words": [d.words for d in documents], "characters": [d.characters for d in documents],
        "turns": [d.turns for d in documents], "speakers": [", ".join(d.speakers) for d in documents],
        "cases": [", ".join(d.cases) for d in documents], "segments": [d.segments for d in documents],
        "language": [d.language for d in documents], "source": [d.source_name for d in documents]})


documents = reads.read(project, "documents")
if documents:
    table = reads.derived(project, "documents_table", documents_table)
    st.dataframe(
        table, hide_index=True, width="stretch",
        column_config={"open": st.column_config.LinkColumn("open", display_text="code ›", width="small")},
    )
    if privileges.can_import():
        with st.expander("Manage documents: rename, reorder, cases, groups, delete"):
            manage.documents_manager(project)
else:
    st.info("No documents yet: import transcripts below.")

st.subheader("Import transcripts")
st.caption(f"Formats: {' '.join(SUPPORTED_EXTENSIONS)}. Importing several files is all or nothing: one unreadable "
           "file stops the whole import and the project stays as it was.")
with st.form("import_form", clear_on_submit=True):
    uploads = st.file_uploader("Transcripts", type=[e.lstrip(".") for e in SUPPORTED_EXTENSIONS],
                               accept_multiple_files=True, key="upload_files")
    cases_upload = st.file_uploader("Cases and attributes (optional CSV: document,case,<attribute>…)", type=["csv"],
                                    key="upload_cases")
    language_choice = st.selectbox("Language", ["detect", "nl", "en"], key="upload_language")
    max_mb = st.number_input("Size limit per file (MB)", min_value=1.0, max_value=200.0, value=DEFAULT_MAX_MB,
                             step=1.0, key="upload_max_mb")
    submitted = st.form_submit_button("Import", type="primary", disabled=not privileges.can_import(),
                                      help=None if privileges.can_import() else "a supervisor or admin imports")

if submitted:
    sources = [(f.name, f.getvalue()) for f in uploads or []]
    cases = (cases_upload.name, cases_upload.getvalue()) if cases_upload else None
    if not sources and not cases:
        st.warning("Choose one or more files to import.")
    else:
        progress = st.progress(0.0, text="Reading files…")

        def report(done: int, total: int, name: str) -> None:
            fraction = done / total if total else 1.0
            progress.progress(fraction, text=f"Reading {name} ({done + 1} of {total})" if name else "Storing…")

        try:
            parsed = import_sources(project, sources, cases, language=None if language_choice == "detect"
                                    else language_choice, max_mb=max_mb, who=state.coder() or "",
                                    progress=report)
        except WorkbenchError as exc:
            progress.empty()
            st.error(md(f"Nothing was imported: {exc}"))
        else:
            progress.progress(1.0, text="Done")
            names = ", ".join(d.name for d in parsed)
            state.flash(f"Imported {len(parsed)} document(s){': ' + names if names else ''}"
                        + (" and the cases table." if cases else "."))
            st.rerun()

st.subheader("Cases and attributes")
cases = reads.read(project, "cases")
if cases:
    types = reads.read(project, "attributes")
    st.dataframe(pd.DataFrame([{"case": c.name, "documents": ", ".join(c.documents),
                                **{f"{a} ({t})": c.values.get(a, "") for a, t in types.items()}} for c in cases]),
                 hide_index=True, width="stretch")
else:
    st.caption("No cases yet. Upload a cases CSV with the transcripts (columns document,case,<attribute>…), or "
               "add them here.")
if documents and privileges.can_import():
    with st.expander("Edit cases and attributes"):
        manage.cases_editor(project)

memos = reads.read(project, "memos")
with st.expander(f"Memos ({len(memos)})"):
    for memo in memos:
        on = f"{memo.kind} {memo.document or memo.code}" if memo.kind != "project" else "project"
        st.markdown(html_block(f"<b>{text_html(memo.title or 'Memo')}</b> · {text_html(on)} · "
                               f"{text_html(memo.author)} · {memo.created[:16]}"), unsafe_allow_html=True)
        st.text(memo.text)
    with st.form("memo_form", clear_on_submit=True):
        names = reads.read(project, "document_names")
        kinds = {"project": None, **{f"document {n}": ("document", i) for i, n in names.items()},
                 **{f"code {c.path}": ("code", c.id) for c in reads.read(project, "codes")}}
        target = st.selectbox("On", list(kinds), key="memo_on")
        title = st.text_input("Title", key="memo_title")
        text = st.text_area("Memo", key="memo_text")
        if st.form_submit_button("Add memo", disabled=not privileges.can_write_memo()):
            chosen = kinds[target]
            try:
                project.add_memo(text, author=state.coder() or "", kind=chosen[0] if chosen else "project",
                                 document_id=chosen[1] if chosen and chosen[0] == "document" else None,
                                 code_id=chosen[1] if chosen and chosen[0] == "code" else None, title=title)
            except WorkbenchError as exc:
                st.error(md(str(exc)))
            else:
                state.flash("Memo added.")
                st.rerun()

with st.expander("Backups"):
    keep = state.backups_to_keep()
    st.caption(md(f"A backup holds every saved coding, also while others are coding. Automatic backups go to "
                  f"{backup_folder(project.path)}" + (f" (one when the server starts and one a day, the newest {keep} "
                  "kept)." if keep else " (off: start the app with workbench serve --backups N).")
                  + " Restore one with: workbench restore BACKUP PROJECT --force"))
    left, right = st.columns(2)
    if left.button("Back up now (beside the project)", key="backup_now"):
        made = state.attempt(lambda: rotate_backup(project.path, keep=max(keep, DEFAULT_KEEP)))
        if made is not None:
            state.flash(f"Backed up to {made}.")
        st.rerun()
    right.download_button("Download a backup", lambda: backup_bytes(project.path), key="backup_download",
                          file_name=f"{Path(project.path).stem}-backup.wbproj", mime="application/octet-stream")

with st.expander("Exchange: REFI-QDA project, merge a copy, quote bank"):
    project_exchange(project, privileges, state.coder() or "")

with st.expander("Import a REFI-QDA project as a new project"):
    import_project_panel(project, privileges, state.coder() or "")

with st.expander("Audit log (latest 200 changes)"):
    entries = project.audit_log(limit=200)
    if entries:
        st.dataframe(pd.DataFrame([{"at": e.at, "who": e.who, "action": e.action, "target": e.target}
                                   for e in entries]), hide_index=True, width="stretch")
    else:
        st.caption("Nothing recorded yet.")
