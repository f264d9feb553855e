"""Per-session state of the app: the open project, the coder's name, and the undo stack."""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

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
    """Who this session is: in a project with accounts the logged-in account (see ``app/login.py``); else the
    coder's name, if set (``--coder`` presets it)."""
    current = st.session_state.get("_project")
    if current is not None and current.has_accounts():
        return st.session_state.get("_account")
    if "coder" not in st.session_state:
        preset = launch_options().coder
        st.session_state["coder"] = preset.strip() if preset and preset.strip() else None
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
    name = " ".join(name.split())
    if not name:
        raise WorkbenchError("type your name to start coding")
    st.session_state["coder"] = name


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


def flash(message: str, kind: str = "success") -> None:
    """A message to show once on the next run (after a callback changed something)."""
    st.session_state.setdefault("_flash", []).append((kind, message))


def show_flash() -> Any:
    """Show pending messages in a container that always exists, so the elements below keep their place in the
    page (a component that moved would be mounted again and lose its scroll position). Returns the container
    for messages of this run."""
    from workbench.app.widgets import md

    notices = st.container()
    for kind, message in st.session_state.pop("_flash", []):
        {"success": notices.success, "error": notices.error, "info": notices.info,
         "warning": notices.warning}[kind](md(message))
    return notices


def attempt(action: Callable[[], T], success: str | None = None) -> T | None:
    """Run a core call; a WorkbenchError becomes a one-line error message instead of a traceback."""
    try:
        result = action()
    except WorkbenchError as exc:
        flash(str(exc), "error")
        return None
    except sqlite3.Error as exc:  # busy longer than the timeout (or damaged): the command line's one line
        flash(store_error_message(exc), "error")
        return None
    if success:
        flash(success)
    return result


def recent_codes() -> list[int]:
    return list(st.session_state.get("recent_codes", []))


def remember_codes(code_ids: list[int]) -> None:
    recent = [c for c in st.session_state.get("recent_codes", []) if c not in code_ids]
    st.session_state["recent_codes"] = (list(code_ids) + recent)[:12]


def get(key: str, default: Any = None) -> Any:
    return st.session_state.get(key, default)


def record_run_time(page: str, milliseconds: float) -> None:
    """Keep how long this script run took (benchmarks read it; ``$WORKBENCH_RUN_LOG`` also appends it to a file)."""
    st.session_state["_last_run_ms"] = milliseconds
    log = os.environ.get("WORKBENCH_RUN_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{page}\t{milliseconds:.2f}\n")
