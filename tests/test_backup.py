"""Copies, backups and restores: online backups hold every committed coding (also those still in the -wal while
another connection is open), automatic backups rotate, restore refuses to overwrite without --force, a stale -wal
beside a new project is refused, and a locked project gives one line on the command line and in the app."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from workbench.errors import WorkbenchError
from workbench.store import create_project, open_project
from workbench.store.backup import automatic_backups, backup_folder, backup_project, restore_project, rotate_backup

from .conftest import file_state


def segment_rows(path: Path) -> list[tuple]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT guid, document_id, start, end, code_id FROM segments ORDER BY guid").fetchall()
    finally:
        conn.close()


def integrity(path: Path) -> str:
    conn = sqlite3.connect(str(path))
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def code_twenty(project) -> None:
    code = project.resolve_code("distrust").id
    for i in range(20):
        project.add_segment(1, i * 3, i * 3 + 2, code, "anna")


def test_a_backup_holds_every_coding_still_in_the_wal_while_the_project_is_open(project, tmp_path, cli):
    code_twenty(project)  # the connection stays open: the 20 codings are in the -wal only
    path = Path(project.path)
    assert Path(f"{path}-wal").stat().st_size > 0
    plain = tmp_path / "plain-copy.wbproj"
    shutil.copyfile(path, plain)
    try:  # what a plain file copy gets (the "0 of 20"): here not even the tables
        assert len(segment_rows(plain)) == 0
    except sqlite3.OperationalError as exc:
        assert "no such table" in str(exc)
    done = cli("backup", path, tmp_path / "copy.wbproj")
    assert done.returncode == 0, done.stderr
    copy = tmp_path / "copy.wbproj"
    assert integrity(copy) == "ok"
    assert segment_rows(copy) == segment_rows(path) and len(segment_rows(copy)) == 20
    assert not Path(f"{copy}-wal").exists()  # self-contained
    with open_project(copy) as restored:
        assert restored.stats()["segments"] == 20


def test_backup_refuses_the_project_itself_an_existing_file_and_a_hard_link(project_file, tmp_path, cli):
    before = file_state(project_file)
    link = tmp_path / "link.wbproj"
    link.hardlink_to(project_file)
    other = tmp_path / "other.wbproj"
    other.write_bytes(b"keep me")
    for target, extra in ((project_file, ["--force"]), (link, ["--force"]), (other, [])):
        done = cli("backup", project_file, target, *extra)
        assert done.returncode == 2 and done.stderr.startswith("error: ") and done.stderr.count("\n") == 1
    assert file_state(project_file) == before and other.read_bytes() == b"keep me"
    assert cli("backup", project_file, other, "--force").returncode == 0
    assert integrity(other) == "ok"


def test_backup_into_a_folder_names_the_copy_after_the_project(project_file, tmp_path, cli):
    folder = tmp_path / "safe"
    folder.mkdir()
    assert cli("backup", project_file, folder).returncode == 0
    assert (folder / project_file.name).is_file()


def test_restore_refuses_to_overwrite_without_force_and_keeps_the_replaced_file(project_file, tmp_path, cli):
    backup = tmp_path / "b.wbproj"
    backup_project(project_file, backup)
    with open_project(project_file) as project:
        code_twenty(project)
    before = file_state(project_file)
    done = cli("restore", backup, project_file)
    assert done.returncode == 2 and "--force" in done.stderr and done.stderr.count("\n") == 1
    assert file_state(project_file) == before
    done = cli("restore", backup, project_file, "--force")
    assert done.returncode == 0, done.stderr
    assert segment_rows(project_file) == []
    kept = [p for p in tmp_path.iterdir() if ".before-restore-" in p.name]
    assert len(kept) == 1 and len(segment_rows(kept[0])) == 20
    with open_project(project_file) as project:
        assert project.audit_log(limit=1)[0].action == "project.restore"
        assert project.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_restore_while_another_connection_is_open_is_seen_by_it(project_file, tmp_path):
    backup = tmp_path / "b.wbproj"
    backup_project(project_file, backup)
    with open_project(project_file) as app_session:
        code_twenty(app_session)
        restore_project(backup, project_file, force=True)
        assert app_session.stats()["segments"] == 0
        assert app_session.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_restore_to_a_new_file_and_refusals(project_file, tmp_path, cli):
    backup = tmp_path / "b.wbproj"
    backup_project(project_file, backup)
    assert cli("restore", backup, tmp_path / "new.wbproj").returncode == 0
    assert integrity(tmp_path / "new.wbproj") == "ok"
    junk = tmp_path / "junk.wbproj"
    junk.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    for bad in (junk, tmp_path / "missing.wbproj"):
        done = cli("restore", bad, tmp_path / "new2.wbproj")
        assert done.returncode == 2 and done.stderr.startswith("error: ") and done.stderr.count("\n") == 1
        assert not (tmp_path / "new2.wbproj").exists()


def test_automatic_backups_rotate_keep_the_newest_and_the_daily_one_waits_a_day(project_file):
    start = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
    made = [rotate_backup(project_file, keep=3, moment=start + timedelta(days=i)) for i in range(5)]
    assert automatic_backups(project_file) == made[-3:]
    assert all(p.parent == backup_folder(project_file) for p in made)
    assert rotate_backup(project_file, keep=3, max_age_hours=24, moment=start + timedelta(days=4, hours=5)) is None
    later = rotate_backup(project_file, keep=3, max_age_hours=24, moment=start + timedelta(days=5, hours=1))
    assert later is not None and automatic_backups(project_file)[-1] == later
    assert rotate_backup(project_file, keep=0) is None
    assert all(integrity(p) == "ok" for p in automatic_backups(project_file))


def test_serve_takes_a_rotating_backup_at_start(project_file, monkeypatch):
    from workbench import backup_cli

    monkeypatch.delenv("WORKBENCH_BACKUPS", raising=False)
    backup_cli.serve_backup(str(project_file), 2)
    backup_cli.serve_backup(str(project_file), 2)
    backup_cli.serve_backup(str(project_file), 2)
    assert len(automatic_backups(project_file)) == 2
    backup_cli.serve_backup(str(project_file), 0)
    assert len(automatic_backups(project_file)) == 2


@pytest.mark.parametrize("command", [("init",), ("demo",)])
def test_a_stale_wal_beside_a_new_project_is_refused(tmp_path, cli, command):
    old = tmp_path / "old.wbproj"
    with create_project(old) as project:
        project.add_code("x")
        shutil.copyfile(f"{old}-wal", tmp_path / "p.wbproj-wal")  # the -wal of an earlier file named p.wbproj
    done = cli(*command, tmp_path / "p.wbproj")
    assert done.returncode == 2 and "p.wbproj-wal is left over" in done.stderr and done.stderr.count("\n") == 1
    assert not (tmp_path / "p.wbproj").exists() and (tmp_path / "p.wbproj-wal").exists()


def test_create_project_refuses_a_stale_shm(tmp_path):
    (tmp_path / "p.wbproj-shm").write_bytes(b"\x00" * 100)
    with pytest.raises(WorkbenchError, match="left over"):
        create_project(tmp_path / "p.wbproj")


def test_a_project_locked_longer_than_the_busy_timeout_gives_one_line_and_changes_nothing(project_file, cli):
    holder = sqlite3.connect(str(project_file), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        done = cli("codebook", "add", project_file, "new code", env={"WORKBENCH_BUSY_TIMEOUT": "0.3"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert done.returncode == 2
    assert done.stderr == ("error: the project file is busy: another program or coder kept it locked too long "
                           "(database is locked); nothing was changed, try again\n")
    with open_project(project_file) as project:
        assert "new code" not in [c.name for c in project.codes()]
