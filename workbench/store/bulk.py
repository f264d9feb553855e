"""Inserting many rows at once (imports of hundreds of thousands of segments, sentences, audit rows)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import chain
from typing import Any

BULK_ROWS = 10_000  # from this many rows into an empty table, its indexes are built after the rows
_PARAMETERS = 999  # per statement: the smallest limit any SQLite build has


def insert_many(conn: sqlite3.Connection, table: str, columns: Sequence[str],
                rows: Sequence[Sequence[Any]]) -> None:
    """Insert ``rows`` (values of ``columns``, in order) inside the caller's transaction, many rows per statement
    (one statement per row costs a statement's overhead each time, and AUTOINCREMENT's bookkeeping). Into an empty
    table and with many rows, the table's indexes are dropped first and made again afterwards from their own
    ``CREATE INDEX`` text (one sort per index instead of a random B-tree insertion per row: several times faster
    for a GUID index); the schema ends the same, a unique index still refuses duplicates, and a failure rolls back
    with the caller's transaction."""
    for create in _insert_unindexed(conn, table, columns, rows):
        conn.execute(create)


def _insert_unindexed(conn: sqlite3.Connection, table: str, columns: Sequence[str],
                      rows: Sequence[Sequence[Any]]) -> list[str]:
    """:func:`insert_many` but for its indexes: the ``CREATE INDEX`` statements still to run (none when the
    indexes were kept)."""
    if len(rows) < BULK_ROWS or conn.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone() is not None:
        _insert(conn, table, columns, rows)
        return []
    indexes = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                           "AND sql IS NOT NULL ORDER BY rowid", (table,)).fetchall()
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    _insert(conn, table, columns, rows)
    return [create for _, create in indexes]


def _insert(conn: sqlite3.Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    names = ", ".join(f'"{c}"' for c in columns)
    head = f'INSERT INTO "{table}" ({names}) VALUES '
    one = "(" + ", ".join("?" * len(columns)) + ")"
    per = max(1, _PARAMETERS // len(columns))
    whole = len(rows) // per * per
    if whole:
        conn.executemany(head + ", ".join([one] * per),
                         [tuple(chain.from_iterable(rows[i:i + per])) for i in range(0, whole, per)])
    if whole < len(rows):
        conn.executemany(head + one, rows[whole:])


@contextmanager
def indexing_meanwhile(conn: sqlite3.Connection, table: str, columns: Sequence[str],
                       rows: Sequence[Sequence[Any]]) -> Iterator[None]:
    """:func:`insert_many` whose indexes are built in another thread while the block runs, in the caller's
    transaction: building an index is one long step in which SQLite lets go of Python's lock, so the block's
    Python work (which must not use ``conn``) is done meanwhile; ``conn`` must be opened with
    ``check_same_thread=False``. The rows themselves are inserted first, in this thread: an insert needs Python's
    lock between its statements, and a thread doing it while the block runs waits for that lock each time (an
    insert of 200,000 rows took 0.4 s alone and 17 s beside a busy thread, measured). An index's error (a
    duplicate refused by a unique index) is raised when the block ends; an error of the block comes first (the
    caller's transaction rolls back either way)."""
    creates = _insert_unindexed(conn, table, columns, rows)
    if not creates:  # the indexes were kept: nothing to do meanwhile
        yield
        return
    failed: list[BaseException] = []

    def build() -> None:
        try:
            for create in creates:
                conn.execute(create)
        except BaseException as exc:  # raised in the caller's thread below
            failed.append(exc)

    worker = threading.Thread(target=build, name=f"index {table}")
    worker.start()
    try:
        yield
    finally:
        try:
            worker.join()
        except BaseException:  # Ctrl+C while waiting: stop the index before the caller's transaction rolls back
            conn.interrupt()
            worker.join()
            raise
    if failed:
        raise failed[0]
