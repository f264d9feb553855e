"""Per-session state of the app: the open project, the coder's name, and the undo stack."""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from workbench.coding import Change
from workbench.errors import WorkbenchError, store_error_message
from workbench.privileges import Privileges
from workbench.store import Project, open_project

T = TypeVar("T")
UNDO_DEPTH = 50


def launch_options() -> argparse.Namespace:
    """``--project`` and ``--coder`` given after ``--`` to ``streamlit run`` (``workbench serve`` does that); the
    project may also come from ``$WORKBENCH_PROJECT``."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--project", default=os.environ.get("WORKBENCH_PROJECT"))
    parser.add_argument("--coder", default=None)
    options, _ = parser.parse_known_args(sys.argv[1:])
    return options


def project() -> Project:
    """This session's open project (opened on first use, kept for the session)."""
    options = launch_options()
    path = st.session_state.get("project_path") or options.project
    if not path:
        st.error("No project given. Start the app with: workbench serve PROJECT")
        st.stop()
    current = st.session_state.get("_project")
    if current is None or str(current.path) != str(path):
        try:
            current = open_project(path)
        except WorkbenchError as exc:
            from workbench.app.widgets import md

            st.error(md(str(exc)))
            st.stop()
        st.session_state["_project"] = current
        st.session_state["project_path"] = str(path)
        daily_backup(str(path))
    return current


def backups_to_keep() -> int:
    """How many automatic backups ``workbench serve`` keeps (``--backups N``, passed as ``$WORKBENCH_BACKUPS``);
    0 when the app was not started by it."""
    try:
        return max(int(os.environ.get("WORKBENCH_BACKUPS", "0")), 0)
    except ValueError:
        return 0


def daily_backup(path: str) -> None:
    """The daily automatic backup, taken when a session opens the project and the newest is a day old."""
    from workbench.store.backup import rotate_backup

    keep = backups_to_keep()
    if keep:
        try:
            rotate_backup(path, keep, max_age_hours=24)
        except (WorkbenchError, OSError, sqlite3.Error) as exc:
            flash(f"The daily backup failed: {exc}", "warning")


def coder() -> str | None:
    """Who am I: the one function that decides who this session is. In a project with accounts, the logged-in
    account (see ``app/login.py``). Else ``--coder`` presets it; else the name this browser remembers (sent by the
    memory component, see :func:`remember_browser`); else the name typed on the coding page (:func:`set_coder`).
    None until one of them gave a name."""
    current = st.session_state.get("_project")
    if current is not None and current.has_accounts():
        return st.session_state.get("_account")
    if "coder" not in st.session_state:
        preset = launch_options().coder
        st.session_state["coder"] = " ".join(preset.split()) if preset and preset.strip() else None
    return st.session_state["coder"]


def privileges() -> Privileges:
    """What this session's user may do (the pages ask it what to show; the core asks it again on every write)."""
    current = project()
    return current.viewer if current.viewer is not None else current.privileges(coder() or "")


def refuse_unless(allowed: bool, message: str) -> None:
    """Stop the page with ``message`` unless ``allowed`` (a page the user's role may not open)."""
    if not allowed:
        from workbench.app.widgets import md

        st.error(md(message))
        st.stop()


def set_coder(name: str) -> None:
    """The name typed on the coding page; this browser remembers it for the next reload or tab."""
    name = " ".join((name or "").split())
    if not name:
        raise WorkbenchError("type your name to start coding")
    st.session_state["coder"] = name
    st.session_state["_coder_to_remember"] = name


def _adopt_remembered_coder(name: Any) -> None:
    if coder() is None and isinstance(name, str) and " ".join(name.split()):
        st.session_state["coder"] = " ".join(name.split())[:200]


DRAFT_KEYS = ("pending", "pick_codes", "pick_memo")


def draft() -> dict[str, Any] | None:
    """The unfinished coding of this session (selection, chosen codes, memo), or None."""
    pending = st.session_state.get("pending")
    document = st.session_state.get("current_document")
    if not pending or not document:
        return None
    return {"document": document, "start": int(pending["start"]), "end": int(pending["end"]),
            "codes": [int(c) for c in st.session_state.get("pick_codes") or []],
            "memo": str(st.session_state.get("pick_memo") or "")}


def _restore_draft(kept: Any) -> None:
    """A draft the browser kept over a reload: checked against the project before it becomes the selection."""
    st.session_state["_draft_answered"] = True
    if st.session_state.get("pending") or not isinstance(kept, dict):
        return
    try:
        current = project()
        names = set(current.document_names().values())
        document, start, end = str(kept["document"]), int(kept["start"]), int(kept["end"])
        if document not in names:
            return
        length = len(current.document_text(current.document_id(document)))
        if not 0 <= start < end <= length:
            return
        known = {c.id for c in current.codes()}
        codes = [int(c) for c in kept.get("codes") or [] if int(c) in known]
        memo = str(kept.get("memo") or "")
    except (KeyError, TypeError, ValueError, WorkbenchError):
        return
    st.session_state["current_document"] = document
    st.session_state["pending"] = {"start": start, "end": end}
    st.session_state["pick_codes"] = codes
    st.session_state["pick_memo"] = memo
    flash(f"Your unfinished selection {start}–{end} in {document} was kept over the reload.", "info")


def remember_browser() -> None:
    """Mount the browser memory once per run: it remembers the coder's name in this browser and keeps this
    tab's coding draft over a reload."""
    from workbench.app import memory

    name = st.session_state.pop("_coder_to_remember", None)
    current = draft()
    if current:
        st.session_state["_draft_answered"] = True
    memory.mount(str(project().path), coder=name, ask_coder=coder() is None and not project().has_accounts(),
                 draft=current,
                 restore=not st.session_state.get("_draft_answered"), on_coder=_adopt_remembered_coder,
                 on_draft=_restore_draft)


def keep_draft() -> None:
    """The coding draft written from the coding page's own reruns too (see :func:`memory.keep_draft`)."""
    from workbench.app import memory

    current = draft()
    if current:  # as in remember_browser: a draft of this session is written, not asked for
        st.session_state["_draft_answered"] = True
    if st.session_state.get("_draft_answered"):
        memory.keep_draft(str(project().path), current)


def push_undo(change: Change, document: str) -> None:
    """Put a new action on the undo list (a new action empties the redo list)."""
    stack = st.session_state.setdefault("undo_stack", [])
    stack.append((change, document))
    del stack[:-UNDO_DEPTH]
    st.session_state["redo_stack"] = []


def last_undo() -> tuple[Change, str] | None:
    stack = st.session_state.get("undo_stack") or []
    return stack[-1] if stack else None


def pop_undo() -> tuple[Change, str] | None:
    stack = st.session_state.get("undo_stack") or []
    return stack.pop() if stack else None


def push_redo(undone: Change, document: str) -> None:
    st.session_state.setdefault("redo_stack", []).append((undone, document))


def last_redo() -> tuple[Change, str] | None:
    stack = st.session_state.get("redo_stack") or []
    return stack[-1] if stack else None


def pop_redo() -> tuple[Change, str] | None:
    stack = st.session_state.get("redo_stack") or []
    return stack.pop() if stack else None


def push_undo_keeping_redo(change: Change, document: str) -> None:
    """Put a redone action back on the undo list without emptying the redo list."""
    stack = st.session_state.setdefault("undo_stack", [])
    stack.append((change, document))
    del stack[:-UNDO_DEPTH]


def flash(message: str, kind: str = "success", place: str = "page") -> None:
    """A message to show once on the next run (after a callback changed something), at ``place``: the page
    shows it next to the control that caused it (``show_flash(place)``); "page" is the top of the page."""
    st.session_state.setdefault("_flash", []).append((kind, message, place))


def show_flash(place: str = "page", into: Any = None) -> Any:
    """Show the pending messages of ``place`` in a container that always exists, so the elements below keep
    their place in the page (a component that moved would be mounted again and lose its scroll position).
    Messages of other places wait for their place; returns the container for messages of this run."""
    from workbench.app.widgets import md

    notices = into if into is not None else st.container()
    waiting = st.session_state.get("_flash", [])
    mine = [m for m in waiting if (m[2] if len(m) > 2 else "page") == place]
    st.session_state["_flash"] = [m for m in waiting if m not in mine]
    for kind, message, *_ in mine:
        {"success": notices.success, "error": notices.error, "info": notices.info,
         "warning": notices.warning}[kind](md(message))
    return notices


def show_all_flash(into: Any = None) -> None:
    """Show the messages whose place was not drawn in this run (so none is lost)."""
    for place in {m[2] if len(m) > 2 else "page" for m in st.session_state.get("_flash", [])}:
        show_flash(place, into)


def attempt(action: Callable[[], T], success: str | None = None, place: str = "page") -> T | None:
    """Run a core call; a WorkbenchError becomes a one-line error message (in the app's words) at ``place``
    instead of a traceback."""
    try:
        result = action()
    except WorkbenchError as exc:
        flash(str(exc), "error", place)
        return None
    except sqlite3.Error as exc:  # busy longer than the timeout (or damaged): the command line's one line
        flash(store_error_message(exc), "error", place)
        return None
    if success:
        flash(success, place=place)
    return result


def recent_codes() -> list[int]:
    return list(st.session_state.get("recent_codes", []))


def remember_codes(code_ids: list[int]) -> None:
    recent = [c for c in st.session_state.get("recent_codes", []) if c not in code_ids]
    st.session_state["recent_codes"] = (list(code_ids) + recent)[:12]


def get(key: str, default: Any = None) -> Any:
    return st.session_state.get(key, default)


def fragment_rerun() -> bool:
    """Whether this run is a fragment's own rerun (the page's script around it does not run)."""
    context = get_script_run_ctx()
    return bool(context and context.fragment_ids_this_run)


def record_run_time(page: str, milliseconds: float) -> None:
    """Keep how long this script run took: ``$WORKBENCH_RUN_LOG`` appends it to a file (benchmarks read it), and
    session state keeps it unless the page stopped early (``st.stop``: Streamlit refuses session state then)."""
    log = os.environ.get("WORKBENCH_RUN_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{page}\t{milliseconds:.2f}\n")
    st.session_state["_last_run_ms"] = milliseconds
