"""Entry point of the app (``workbench serve PROJECT``): one project, several pages."""

from __future__ import annotations

import sys
import time
from pathlib import Path

STARTED = time.perf_counter()

if __package__ in (None, ""):  # run by `streamlit run path/to/main.py`
    ROOT = str(Path(__file__).resolve().parents[2])
    if ROOT not in sys.path:  # once: the script runs again on every rerun (each entry slows package discovery)
        sys.path.insert(0, ROOT)

import streamlit as st  # noqa: E402

from workbench.app import login, state  # noqa: E402
from workbench.app.widgets import md  # noqa: E402

st.set_page_config(page_title="Case-Study Coding Workbench", page_icon="🗂️", layout="wide")
HERE = Path(__file__).parent / "views"

PAGES = [
    st.Page(str(HERE / "project.py"), title="Project", icon="📁", url_path="project", default=True),
    st.Page(str(HERE / "code.py"), title="Code", icon="🖍️", url_path="code"),
    st.Page(str(HERE / "codebook.py"), title="Codebook", icon="📚", url_path="codebook"),
    st.Page(str(HERE / "retrieve.py"), title="Retrieve", icon="🔎", url_path="retrieve"),
    st.Page(str(HERE / "cooccurrence.py"), title="Co-occurrence", icon="🕸️", url_path="cooccurrence"),
    st.Page(str(HERE / "agreement.py"), title="Agreement", icon="🤝", url_path="agreement"),
    st.Page(str(HERE / "review.py"), title="Review", icon="⚖️", url_path="review"),
    st.Page(str(HERE / "training.py"), title="Training", icon="🎓", url_path="training"),
]

project = state.project()
privileges = login.gate(project)  # the login page (and a stop) while nobody is logged in
with st.sidebar:
    st.caption(f"Project: **{md(Path(project.path).name)}**")
    state.remember_browser()
    if privileges.is_local:
        who = state.coder()
        st.caption(f"Coder: **{md(who)}**" if who else "Coder: not set (asked when you first code)")
    login.sidebar(privileges)

page = st.navigation(PAGES)
try:
    page.run()
finally:  # also when the page stops early (st.stop) or reruns
    state.record_run_time(page.url_path, (time.perf_counter() - STARTED) * 1000)
