"""An insert made in another thread while Python works (``inserting_meanwhile``); ``insert_many`` itself is
tested in ``test_exchange_bulk.py``."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from workbench.store.bulk import BULK_ROWS, inserting_meanwhile


def table(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, guid TEXT NOT NULL, n INTEGER)")
    conn.execute("CREATE UNIQUE INDEX t_guid ON t (guid)")


def connection() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    table(conn)
    return conn


def test_rows_inserted_meanwhile_are_there_when_the_block_ends_and_the_block_ran_in_the_callers_thread() -> None:
    conn = connection()
    rows = [(f"g{i}", i) for i in range(3 * BULK_ROWS)]
    conn.execute("BEGIN")
    with inserting_meanwhile(conn, "t", ("guid", "n"), rows):
        meanwhile = threading.current_thread() is threading.main_thread()
    conn.execute("COMMIT")
    assert meanwhile and conn.execute("SELECT count(*), sum(n) FROM t").fetchone() == (len(rows), sum(range(len(rows))))


def test_the_inserts_error_is_raised_at_the_end_of_the_block_and_nothing_is_kept() -> None:
    conn = connection()
    rows = [(f"g{i}", i) for i in range(BULK_ROWS)] + [("g5", 99)]  # a duplicate GUID: the unique index refuses
    conn.execute("BEGIN")
    ran = []
    with pytest.raises(sqlite3.IntegrityError):
        with inserting_meanwhile(conn, "t", ("guid", "n"), rows):
            ran.append(True)
    conn.execute("ROLLBACK")
    assert ran == [True] and conn.execute("SELECT count(*) FROM t").fetchone() == (0,)
    assert conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'").fetchall() == [("t_guid",)]


def test_an_error_of_the_block_comes_first_and_the_insert_has_finished() -> None:
    conn = connection()
    conn.execute("BEGIN")
    with pytest.raises(ValueError, match="in the block"):
        with inserting_meanwhile(conn, "t", ("guid", "n"), [(f"g{i}", i) for i in range(BULK_ROWS)]):
            raise ValueError("in the block")
    assert not [t for t in threading.enumerate() if t.name.startswith("insert ")]
    conn.execute("ROLLBACK")
