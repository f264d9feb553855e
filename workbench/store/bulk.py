"""Inserting many rows at once (imports of hundreds of thousands of segments, sentences, audit rows)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

BULK_ROWS = 10_000  # from this many rows into an empty table, its indexes are built after the rows


def insert_many(conn: sqlite3.Connection, table: str, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """``executemany(sql, rows)`` inside the caller's transaction. Into an empty table and with many rows, the
    table's indexes are dropped first and made again afterwards from their own ``CREATE INDEX`` text (one sort per
    index instead of a random B-tree insertion per row: several times faster for a GUID index); the schema ends
    the same, a unique index still refuses duplicates, and a failure rolls back with the caller's transaction."""
    if len(rows) < BULK_ROWS or conn.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone() is not None:
        conn.executemany(sql, rows)
        return
    indexes = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                           "AND sql IS NOT NULL ORDER BY rowid", (table,)).fetchall()
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    conn.executemany(sql, rows)
    for _, create in indexes:
        conn.execute(create)
