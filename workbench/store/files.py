"""Creating and opening project files: the connection's settings, the file's marks, migrations."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import WorkbenchError
from .base import busy_timeout
from .project import Project
from .schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=busy_timeout())
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = FULL")
    return conn


def refuse_stale_journal(path: Path) -> None:
    """A ``-wal`` or ``-shm`` beside a project file that does not exist belongs to an earlier file of that name:
    SQLite would replay it into the new file and damage it. Refuse (deleting it could throw away someone's work)."""
    for suffix in ("-wal", "-shm"):
        stale = Path(f"{path}{suffix}")
        if stale.exists():
            raise WorkbenchError(f"{stale} is left over from an earlier project file of that name; move it away or "
                                 "delete it first")


def create_project(path: str | Path) -> Project:
    """Create a new, empty project file; refuses to overwrite an existing file."""
    path = Path(path)
    if path.exists():
        raise WorkbenchError(f"{path} already exists; choose another file name")
    if not path.parent.exists():
        raise WorkbenchError(f"folder {path.parent} does not exist")
    refuse_stale_journal(path)
    conn = _connect(path)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        project = Project(path, conn)
        with project.transaction():
            conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
            conn.execute("INSERT INTO schema_version (version) VALUES (0)")
            _migrate(project)
    except BaseException:
        conn.close()
        remove_project_files(path)
        raise
    return project


def remove_project_files(path: Path) -> None:
    """Delete a project file with its ``-wal`` and ``-shm``."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


@contextmanager
def building_project(path: Path, purpose: str) -> Iterator[Project]:
    """A new project built under a hidden name beside ``path``, moved into place when the block succeeds; after
    any failure nothing is left behind."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.{purpose}")
    project = create_project(partial)
    try:
        # Nobody else can see the file yet and a failure deletes it: it is written once, without the
        # write-ahead log's second copy or a sync per commit; it is synced and given its WAL mode at the end.
        project.conn.execute("PRAGMA journal_mode = MEMORY")
        project.conn.execute("PRAGMA synchronous = OFF")
        yield project
        project.conn.execute("PRAGMA journal_mode = WAL")
        project.close()
        with open(partial, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(partial, path)
    except BaseException:
        project.close()
        remove_project_files(partial)
        raise


def _migrate(project: Project) -> None:
    version = project._one("SELECT version FROM schema_version")
    if version > SCHEMA_VERSION:
        raise WorkbenchError(f"{project.path} was made by a newer workbench (schema {version}); upgrade the workbench")
    if version == SCHEMA_VERSION:
        return
    with project.transaction():
        for step in range(version + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[step](project.db)
        project.conn.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION,))


def open_project(path: str | Path) -> Project:
    """Open an existing project file (migrating it forward if it is older); never creates a file."""
    path = Path(path)
    if not path.exists():
        raise WorkbenchError(f"no project at {path} (create one with: workbench init {path})")
    if not path.is_file():
        raise WorkbenchError(f"{path} is not a file")
    # The file is never opened by Python itself: closing any descriptor of a file drops all of this process's
    # POSIX locks on it, including those of other SQLite connections (the app keeps one per session).
    conn: sqlite3.Connection | None = None
    try:
        conn = _connect(path)
        if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            raise WorkbenchError(f"{path} is not a workbench project file")
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        project = Project(path, conn)
        _migrate(project)
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        if "not a database" in str(exc):
            raise WorkbenchError(f"{path} is not a workbench project file") from None
        raise WorkbenchError(f"{path} is not a readable workbench project ({exc})") from None
    except BaseException:
        if conn is not None:
            conn.close()
        raise
    return project
