"""A bulk insert whose indexes are built in another thread while Python works (``indexing_meanwhile``);
``insert_many`` itself is tested in ``test_exchange_bulk.py``."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from workbench.store.bulk import BULK_ROWS, indexing_meanwhile


def table(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, guid TEXT NOT NULL, n INTEGER)")
    conn.execute("CREATE UNIQUE INDEX t_guid ON t (guid)")


def connection() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    table(conn)
    return conn


def test_the_rows_and_indexes_are_there_when_the_block_ends_and_the_block_ran_in_the_callers_thread() -> None:
    conn = connection()
    rows = [(f"g{i}", i) for i in range(3 * BULK_ROWS)]
    conn.execute("BEGIN")
    with indexing_meanwhile(conn, "t", ("guid", "n"), rows):
        meanwhile = threading.current_thread() is threading.main_thread()
        building = [t.name for t in threading.enumerate() if t.name.startswith("index ")]
    conn.execute("COMMIT")
    assert meanwhile and conn.execute("SELECT count(*), sum(n) FROM t").fetchone() == (len(rows), sum(range(len(rows))))
    assert building in ([], ["index t"])  # (the one index may be built before the block looks)
    assert conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'").fetchall() == [("t_guid",)]
    assert conn.execute("EXPLAIN QUERY PLAN SELECT n FROM t WHERE guid = 'g7'").fetchone()[3].endswith(
        "USING INDEX t_guid (guid=?)")


def test_rows_into_a_table_with_rows_keep_its_indexes_and_no_thread_is_started() -> None:
    conn = connection()
    conn.execute("BEGIN")
    conn.execute("INSERT INTO t (guid, n) VALUES ('first', 0)")
    with indexing_meanwhile(conn, "t", ("guid", "n"), [(f"g{i}", i) for i in range(BULK_ROWS)]):
        building = [t.name for t in threading.enumerate() if t.name.startswith("index ")]
    conn.execute("COMMIT")
    assert building == [] and conn.execute("SELECT count(*) FROM t").fetchone() == (BULK_ROWS + 1,)
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO t (guid, n) VALUES ('g3', 1)")


def test_the_inserts_error_is_raised_at_the_end_of_the_block_and_nothing_is_kept() -> None:
    conn = connection()
    rows = [(f"g{i}", i) for i in range(BULK_ROWS)] + [("g5", 99)]  # a duplicate GUID: the unique index refuses
    conn.execute("BEGIN")
    ran = []
    with pytest.raises(sqlite3.IntegrityError):
        with indexing_meanwhile(conn, "t", ("guid", "n"), rows):
            ran.append(True)
    conn.execute("ROLLBACK")
    assert ran == [True] and conn.execute("SELECT count(*) FROM t").fetchone() == (0,)
    assert conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'").fetchall() == [("t_guid",)]


def test_an_error_of_the_block_comes_first_and_the_insert_has_finished() -> None:
    conn = connection()
    conn.execute("BEGIN")
    with pytest.raises(ValueError, match="in the block"):
        with indexing_meanwhile(conn, "t", ("guid", "n"), [(f"g{i}", i) for i in range(BULK_ROWS)]):
            raise ValueError("in the block")
    assert not [t for t in threading.enumerate() if t.name.startswith("index ")]
    conn.execute("ROLLBACK")
