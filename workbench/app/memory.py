"""What the browser remembers between reloads and tabs: the coder's name (localStorage) and the coding draft
(sessionStorage), through a small component that draws nothing (JS vendored beside this file, no CDN)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import streamlit as st

ASSETS = Path(__file__).parent / "components" / "memory"
_COMPONENT = st.components.v2.component(
    "workbench.memory", js=(ASSETS / "memory.js").read_text(encoding="utf-8"), isolate_styles=False,
)
KEY = "wb_memory"


def _answer(name: str) -> Any:
    value = st.session_state.get(KEY) or {}
    return value.get(name) if hasattr(value, "get") else None


def _project_key(project_path: str) -> str:
    return hashlib.sha1(str(project_path).encode("utf-8")).hexdigest()[:16]


def mount(project_path: str, coder: str | None, ask_coder: bool, draft: dict[str, Any] | None,
          restore: bool, on_coder: Any, on_draft: Any) -> None:
    """Mount the memory component (once per run, in the sidebar). ``coder``: a name to remember; ``ask_coder``:
    ask for the remembered name; ``draft``: the draft to keep (None: forget it); ``restore``: ask for a kept
    draft instead of writing one."""
    data = {"project": _project_key(project_path), "coder": coder, "ask_coder": ask_coder, "draft": draft,
            "restore": restore}
    _COMPONENT(key=KEY, data=data, on_coder_change=lambda: on_coder(_answer("coder")),
               on_draft_change=lambda: on_draft(_answer("draft")), height=0)


def keep_draft(project_path: str, draft: dict[str, Any] | None) -> None:
    """Write the coding draft from a fragment's rerun (which does not run the sidebar's memory); only after the
    sidebar's memory asked for a kept draft, so the kept one is never forgotten before it is read."""
    data = {"project": _project_key(project_path), "coder": None, "ask_coder": False, "draft": draft,
            "restore": False}
    _COMPONENT(key=f"{KEY}_draft", data=data, height=0)
