"""The served app: Streamlit's ``main.py`` behind the door (``workbench serve`` runs this file).

``streamlit run`` finds the ``st.App`` below and serves it with uvicorn; :class:`workbench.door.DoorMiddleware`
checks every request before Streamlit sees it.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run by `streamlit run path/to/asgi.py`
    ROOT = str(Path(__file__).resolve().parents[2])
    if ROOT not in sys.path:  # once: the script runs again on every rerun (each entry slows package discovery)
        sys.path.insert(0, ROOT)

import streamlit as st  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402

from workbench.door import DoorMiddleware  # noqa: E402

app = st.App(str(Path(__file__).resolve().parent / "main.py"), middleware=[Middleware(DoorMiddleware)])
