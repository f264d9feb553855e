"""The connection, transactions and the small helpers every part of the store shares."""

from __future__ import annotations

import difflib
import json
import os
import random
import sqlite3
import sys
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from ..errors import WorkbenchError
from ..textnorm import normalise_name  # noqa: F401 - the store's name rule

if TYPE_CHECKING:
    import sqlite_utils

    from .actions import Action


def busy_timeout() -> float:
    """Seconds a change waits for another writer before it gives up with "the project file is busy"
    (``$WORKBENCH_BUSY_TIMEOUT``, default 30)."""
    try:
        return max(float(os.environ.get("WORKBENCH_BUSY_TIMEOUT", "30")), 0.0)
    except ValueError:
        return 30.0


def load_sqlite_utils() -> Any:
    """The sqlite-utils module. It imports pandas (and pyarrow) when it can, only to map ``pandas.Timestamp``
    values to TEXT columns, which the store never inserts; that costs about half a second of every command that
    creates or migrates a project. So when pandas is not loaded yet and no other thread runs (one that might import
    pandas meanwhile: the command line, not the app), sqlite-utils is loaded with pandas hidden for that one
    import; pandas can be imported normally afterwards."""
    if "sqlite_utils" in sys.modules or "pandas" in sys.modules or threading.active_count() > 1:
        import sqlite_utils

        return sqlite_utils
    sys.modules["pandas"] = None  # type: ignore[assignment]  # ``import pandas`` raises ImportError
    try:
        import sqlite_utils
    finally:
        del sys.modules["pandas"]
    return sqlite_utils


def now() -> str:
    """The current UTC time as ISO 8601 with milliseconds."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def new_guid() -> str:
    """A fresh GUID in the upper-case form REFI-QDA uses."""
    return str(uuid.uuid4()).upper()


def suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=3, cutoff=0.6)
    return f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""


def in_filters(filters: dict[str, Sequence[Any] | None]) -> tuple[str, list[Any]] | None:
    """``" WHERE a IN (?, ?) AND b IN (?)"`` and its parameters for the filters that are given (None: no filter);
    None when a filter is an empty list (nothing can match)."""
    clauses: list[str] = []
    params: list[Any] = []
    for column, values in filters.items():
        if values is None:
            continue
        values = list(values)
        if not values:
            return None
        clauses.append(f"{column} IN ({','.join('?' * len(values))})")
        params.extend(values)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


class StoreBase:
    """An open connection to a project file, with transactions and the audit write."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self.conn = connection
        self._db: sqlite_utils.Database | None = None
        self._depth = 0

    @property
    def db(self) -> sqlite_utils.Database:
        """The sqlite-utils view of the connection (imported on first use, see :func:`load_sqlite_utils`)."""
        if self._db is None:
            self._db = load_sqlite_utils().Database(self.conn)
        return self._db

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the block in one transaction (nested blocks join the outer one); roll back on any error."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._begin()
        self._depth = 1
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
        finally:
            self._depth = 0

    def _begin(self) -> None:
        """Take the write lock (``BEGIN IMMEDIATE``). SQLite's own busy handler sleeps longer and longer (up to
        100 ms a try), so under many writers one of them can lose again and again; here every waiter retries within
        a few milliseconds of the lock coming free, up to :func:`busy_timeout`, then the error goes up."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
        deadline = time.monotonic() + busy_timeout()
        pause = 0.001
        self.conn.execute("PRAGMA busy_timeout = 0")
        try:
            while True:
                time.sleep(pause * (0.5 + random.random()))
                try:
                    self.conn.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if ("locked" not in str(exc) and "busy" not in str(exc)) or time.monotonic() >= deadline:
                        raise
                pause = min(pause * 1.5, 0.008)
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout() * 1000)}")

    def _id_by_name(self, table: str, name: str, what: str) -> int:
        """The id of the row of ``table`` (a table with a ``name``) called ``name``: exact, else case-insensitive
        when that is unambiguous; else a one-line message that suggests close names."""
        found = self._one(f"SELECT id FROM {table} WHERE name = ?", (name,))
        if found is not None:
            return int(found)
        rows = self.conn.execute(f"SELECT id FROM {table} WHERE lower(name) = lower(?)", (name,)).fetchall()
        if len(rows) == 1:
            return int(rows[0][0])
        names = [r[0] for r in self.conn.execute(f"SELECT name FROM {table}")]
        raise WorkbenchError(f"no {what} named {name!r}{suggest(name, names)}")

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    def _audit(self, who: str, action: Action) -> None:
        """Write one audit entry (call it inside the change's transaction)."""
        self._audit_many([(who, action)])

    def _audit_many(self, entries: Iterable[tuple[str, Action]]) -> None:
        """Write audit entries ``(who, action)`` in one statement (bulk imports), inside the change's transaction."""
        self._write_audit_rows(audit_rows(entries))

    def _write_audit_rows(self, rows: list[tuple[Any, ...]]) -> None:
        """Write entries made by :func:`audit_rows`, inside the change's transaction."""
        self.conn.executemany(
            "INSERT INTO audit_log (at, who, action, target, before, after) VALUES (?, ?, ?, ?, ?, ?)", rows)


def audit_rows(entries: Iterable[tuple[str, Action]]) -> list[tuple[Any, ...]]:
    """The audit rows of entries ``(who, action)``, their records as JSON (no database needed: a bulk import makes
    them while its rows are written)."""
    stamp = now()
    return [(stamp, who or "", action.name, action.target, _json(action.before), _json(action.after))
            for who, action in entries]


_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True)  # made once: its C encoder is fast per call


def _json(record: Any) -> str | None:
    return None if record is None else _JSON.encode(record)
