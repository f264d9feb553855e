"""Copies of a project file that hold every committed change: online backups, rotating automatic backups, restore.

A plain file copy of an open project misses what is still in its ``-wal`` file; these copies go through SQLite's
online backup API on a connection, so they hold every committed transaction (also those only in the ``-wal``) and
can be taken while the app and other coders are working. Every copy is written to a temporary file beside its
target, checked (``PRAGMA integrity_check`` and the workbench's marks), made self-contained (no ``-wal``) and
synced, then renamed into place: a crash leaves either the old file or the complete new one.
"""

from __future__ import annotations

import os
import re
import sqlite3
import uuid
from datetime import datetime, timezone
from pathlib import Path

from ..errors import WorkbenchError
from . import actions
from .files import open_project, refuse_stale_journal
from .schema import APPLICATION_ID

DEFAULT_KEEP = 7
BACKUP_FOLDER_SUFFIX = ".backups"
_STAMP = re.compile(r"-(\d{8}T\d{6}\d{3}Z)\.wbproj$")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _check_copy(path: Path) -> None:
    """Refuse a copy that is damaged or no workbench project (raises WorkbenchError)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            raise WorkbenchError(f"{path} is not a workbench project file")
        result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        if result != ["ok"]:
            raise WorkbenchError(f"{path} is damaged ({'; '.join(result[:3])})")
    except sqlite3.DatabaseError as exc:
        raise WorkbenchError(f"{path} is not a readable workbench project ({exc})") from None
    finally:
        conn.close()


def _copy_database(source: sqlite3.Connection, target: Path) -> None:
    """Copy the database behind ``source`` into a new self-contained file ``target`` (through a temporary file
    beside it, checked and synced, then renamed)."""
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        dest = sqlite3.connect(str(temporary), isolation_level=None)
        try:
            source.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
        finally:
            dest.close()
        _check_copy(temporary)
        _sync(temporary)
        os.replace(temporary, target)
        _sync(target.parent)
    finally:
        for leftover in (temporary, Path(f"{temporary}-journal"), Path(f"{temporary}-wal"),
                         Path(f"{temporary}-shm")):
            leftover.unlink(missing_ok=True)


def backup_project(project_path: str | Path, out: str | Path, force: bool = False) -> Path:
    """Write an online backup of the project to ``out`` (refuses to overwrite a file unless ``force``, and never
    writes over the project itself, also not through a link). Returns the backup's path."""
    project_path, out = Path(project_path), Path(out)
    if out.is_dir():
        out = out / project_path.name
    if not out.parent.exists():
        raise WorkbenchError(f"folder {out.parent} does not exist")
    if _same_file(out, project_path) or out.resolve() == project_path.resolve() or out.resolve() in (
            Path(f"{project_path.resolve()}-wal"), Path(f"{project_path.resolve()}-shm")):
        raise WorkbenchError(f"{out} is the project file itself; choose another file name for the backup")
    if out.exists() and not force:
        raise WorkbenchError(f"{out} already exists; choose another name, or replace it", cli="force")
    with open_project(project_path) as project:
        _copy_database(project.conn, out)
    return out


def backup_bytes(project_path: str | Path) -> bytes:
    """An online backup of the project as bytes (for a download)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / Path(project_path).name
        backup_project(project_path, target)
        return target.read_bytes()


def restore_project(backup: str | Path, project_path: str | Path, force: bool = False) -> Path | None:
    """Put a backup in place of the project. An existing project is replaced only with ``force``, and then first
    saved beside itself (``<name>.before-restore-<time>.wbproj``, whose path is returned). The restore runs through
    SQLite on the project's own file, so an app that has it open sees the restored content, never a torn file."""
    backup, project_path = Path(backup), Path(project_path)
    if not backup.is_file():
        raise WorkbenchError(f"no backup at {backup}")
    if _same_file(backup, project_path):
        raise WorkbenchError(f"{backup} is the project file itself")
    _check_copy(backup)
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        if not project_path.exists():
            refuse_stale_journal(project_path)
            _copy_database(source, project_path)
            _record_restore(project_path, backup)
            return None
        if not force:
            raise WorkbenchError(f"{project_path} exists; replace it with the backup only when you mean to (the "
                                 "current file is then kept beside it)", cli="force")
        saved = project_path.with_name(f"{project_path.stem}.before-restore-{_stamp()}{project_path.suffix}")
        with open_project(project_path) as project:
            _copy_database(project.conn, saved)
            source.backup(project.conn)
            project.conn.execute("PRAGMA journal_mode = WAL")
        _record_restore(project_path, backup)
        return saved
    finally:
        source.close()


def _record_restore(project_path: Path, backup: Path) -> None:
    """Back in WAL mode, migrated forward if the backup is older, and the restore in the audit log."""
    with open_project(project_path) as project, project.transaction():
        project._audit("", actions.project_restored(backup.name))


# ------------------------------------------------------------------------------------------- automatic backups
def _stamp(moment: datetime | None = None) -> str:
    moment = moment or datetime.now(timezone.utc)
    return moment.strftime("%Y%m%dT%H%M%S") + f"{moment.microsecond // 1000:03d}Z"


def backup_folder(project_path: str | Path) -> Path:
    """Where the automatic backups of a project go: ``<project>.backups/`` beside it."""
    project_path = Path(project_path)
    return project_path.with_name(project_path.name + BACKUP_FOLDER_SUFFIX)


def automatic_backups(project_path: str | Path) -> list[Path]:
    """The automatic backups of a project, oldest first."""
    folder = backup_folder(project_path)
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if _STAMP.search(p.name)), key=lambda p: _STAMP.search(p.name)[1])


def rotate_backup(project_path: str | Path, keep: int = DEFAULT_KEEP, max_age_hours: float | None = None,
                  moment: datetime | None = None) -> Path | None:
    """Take an automatic backup into ``<project>.backups/`` and keep only the newest ``keep`` (0: none are taken).
    With ``max_age_hours`` a backup is only taken when the newest one is older than that (the daily backup).
    Returns the new backup's path, or None when none was taken."""
    if keep <= 0:
        return None
    project_path = Path(project_path)
    moment = moment or datetime.now(timezone.utc)
    existing = automatic_backups(project_path)
    if existing and max_age_hours is not None:
        newest = datetime.strptime(_STAMP.search(existing[-1].name)[1], "%Y%m%dT%H%M%S%fZ").replace(
            tzinfo=timezone.utc)
        if (moment - newest).total_seconds() < max_age_hours * 3600:
            return None
    folder = backup_folder(project_path)
    folder.mkdir(exist_ok=True)
    target = folder / f"{project_path.stem}-{_stamp(moment)}.wbproj"
    backup_project(project_path, target)
    for old in automatic_backups(project_path)[:-keep]:
        old.unlink(missing_ok=True)
    return target
