"""One large read in two halves at once: this connection reads the first half of the documents while a second,
read-only connection reads the rest in a thread (SQLite lets go of Python's lock while it works, so on two cores
the read takes about half the time).

Both halves must come from the same state of the project. Every change writes its audit entry in its own
transaction, so two read transactions that see the same last audit entry see the same project; when they do not
(a change was committed between their starts), the caller reads again in one piece.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HALVES_FROM = 200_000  # segments in the project: below this one read is quick enough
_STATE = "SELECT max(id) FROM audit_log"


def split_document(conn: sqlite3.Connection, path: Path) -> int | None:
    """The document id that starts the second half, or None when the read should stay in one piece: a small
    project, a connection inside a transaction (the other connection would not see its changes), a file in
    memory."""
    if conn.in_transaction or not Path(path).is_file():
        return None
    if (conn.execute("SELECT max(id) FROM segments").fetchone()[0] or 0) < HALVES_FROM:
        return None
    return conn.execute("SELECT id FROM documents ORDER BY id LIMIT 1 OFFSET (SELECT count(*) / 2 FROM documents)"
                        ).fetchone()[0]


def read_halves(conn: sqlite3.Connection, path: Path, first: tuple[str, Sequence[Any]],
                second: tuple[str, Sequence[Any]]) -> tuple[tuple[Any, ...], tuple[Any, ...]] | None:
    """The single row of ``first`` (read on ``conn``) and of ``second`` (read at the same time on a read-only
    connection of its own); None when the two reads did not see the same state of the project."""
    try:
        other = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
    except sqlite3.Error:
        return None  # read in one piece instead
    found: dict[str, Any] = {}

    def read_second() -> None:
        try:
            found["second"] = _read(other, second)
        except BaseException as exc:  # handed to the caller's thread
            found["error"] = exc

    try:
        worker = threading.Thread(target=read_second, name="workbench-second-half")
        worker.start()
        try:
            mine = _read(conn, first)
        finally:
            worker.join()
    finally:
        other.close()
    if isinstance(found.get("error"), sqlite3.Error):
        return None  # the one-piece read says what is wrong, if anything is
    if "error" in found:
        raise found["error"]
    theirs = found["second"]
    if mine[0] != theirs[0]:
        return None
    return mine[1], theirs[1]


def _read(conn: sqlite3.Connection, query: tuple[str, Sequence[Any]]) -> tuple[Any, tuple[Any, ...]]:
    """(the last audit entry's id, the query's row), both in one read transaction."""
    conn.execute("BEGIN")
    try:
        state = conn.execute(_STATE).fetchone()[0]
        row = conn.execute(query[0], list(query[1])).fetchone()
    finally:
        conn.execute("COMMIT")
    return state, tuple(row)
