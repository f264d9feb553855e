"""The app's side of copies and locks: the Backup buttons on the Project page, the daily automatic backup, and a
project locked longer than the busy timeout (the command line's one line, the selection kept, a retry works)."""

from __future__ import annotations

import sqlite3

from workbench.store.backup import automatic_backups

from .app_harness import (  # noqa: F401  (fixtures)
    VERTROUW, app, code_id, full_path, ok, phrase_span, segments, templates, values,
)

LOCKED = ("the project file is busy: another program or coder kept it locked too long (database is locked); "
          "nothing was changed, try again")


def test_back_up_now_writes_a_checked_copy_beside_the_project(app, full_path):
    at = app(full_path)
    ok(at.button(key="backup_now").click().run())
    made = automatic_backups(full_path)
    assert len(made) == 1
    conn = sqlite3.connect(str(made[0]))
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 2
    conn.close()
    assert any("Backed up to" in s for s in values(at.success))


def test_the_app_takes_the_daily_backup_when_serve_asked_for_backups(app, full_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_BACKUPS", "3")
    app(full_path)
    app(full_path)  # a second session the same day takes none
    assert len(automatic_backups(full_path)) == 1


def test_no_automatic_backup_without_serve(app, full_path, monkeypatch):
    monkeypatch.delenv("WORKBENCH_BACKUPS", raising=False)
    app(full_path)
    assert automatic_backups(full_path) == []


def test_a_locked_project_shows_the_one_line_keeps_the_selection_and_a_retry_codes(app, full_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_BUSY_TIMEOUT", "0.3")
    start, end = phrase_span(full_path, "ria", VERTROUW)
    at = app(full_path, "code", pending={"start": start, "end": end})
    at.text_input(key="coder_name_input").input("anna")
    at.multiselect(key="pick_codes").select(code_id(full_path, "distrust"))
    holder = sqlite3.connect(str(full_path), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        ok(at.button(key="apply_codes").click().run())
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert LOCKED in [e.value for e in at.error]
    assert segments(full_path) == []
    assert at.session_state["pending"] == {"start": start, "end": end}
    assert at.session_state["pick_codes"] == [code_id(full_path, "distrust")]
    ok(at.button(key="apply_codes").click().run())
    assert [(s.start, s.end, s.coder) for s in segments(full_path)] == [(start, end, "anna")]
