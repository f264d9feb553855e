"""A large import takes the bulk paths (indexes built after the rows, the cycle collector paused) and ends in the
same project as row-by-row insertion would: the same schema, every row, unique GUIDs still enforced."""

from __future__ import annotations

import gc
import sqlite3
import uuid
from pathlib import Path

import pytest

from workbench.errors import WorkbenchError
from workbench.exchange.importing import import_project
from workbench.store import create_project, open_project
from workbench.store.bulk import BULK_ROWS, insert_many

from .test_exchange_read import CODE, SOURCE, project, qdpx, selection


def _schema(path: Path) -> set[tuple[str, str, str]]:
    conn = sqlite3.connect(path)
    try:
        return {(kind, name, sql) for kind, name, sql in conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL")}
    finally:
        conn.close()


def _many_selections(count: int) -> tuple[bytes, str]:
    """A source of ``count`` words, each word one coded selection (GUIDs in lower case, as other tools write)."""
    words = [f"w{i:05d}" for i in range(count)]
    text = " ".join(words)
    spans, offset = [], 0
    for word in words:
        spans.append((offset, offset + len(word)))
        offset += len(word) + 1
    selections = "".join(selection(s, e, guid=str(uuid.UUID(int=i + 1))) for i, (s, e) in enumerate(spans))
    qde = project(f'<TextSource guid="{SOURCE}" name="long" plainTextPath="internal://{SOURCE}.txt">'
                  f"{selections}</TextSource>")
    return qdpx(qde, {f"sources/{SOURCE}.txt": text.encode("utf-8")}), text


def test_a_large_import_keeps_the_schema_every_row_and_every_guid(tmp_path: Path) -> None:
    count = BULK_ROWS + 500
    data, text = _many_selections(count)
    (tmp_path / "in.qdpx").write_bytes(data)
    report = import_project(tmp_path / "big.wbproj", tmp_path / "in.qdpx", who="ann")
    assert report.imported["segments"] == count
    create_project(tmp_path / "fresh.wbproj").close()
    assert _schema(tmp_path / "big.wbproj") == _schema(tmp_path / "fresh.wbproj")
    with open_project(tmp_path / "big.wbproj") as copy:
        assert copy.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        segments = copy.segments()
        assert len(segments) == count
        assert {s.guid for s in segments} == {str(uuid.UUID(int=i + 1)).upper() for i in range(count)}
        assert [text[s.start:s.end] for s in sorted(segments, key=lambda s: s.start)] == text.split(" ")
        plan = " ".join(str(row) for row in copy.conn.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM segments WHERE guid = ?", ("x",)))
        assert "idx_segments_guid" in plan  # the index is there and used
        assert copy.conn.execute("SELECT count(*) FROM segments INDEXED BY idx_segments_guid").fetchone()[0] == count
    assert gc.isenabled()
    # built without the write-ahead log (nobody could see it), the file ends in WAL mode with nothing left beside it
    assert (tmp_path / "big.wbproj").read_bytes()[18:20] == b"\x02\x02"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.wbproj", "fresh.wbproj", "in.qdpx"]


def test_bulk_insertion_still_refuses_a_duplicate_and_rolls_back_whole(tmp_path: Path) -> None:
    store = create_project(tmp_path / "p.wbproj")
    conn = store.conn
    before = _schema(tmp_path / "p.wbproj")
    rows = [(f"G{i}", "sentence", i, i + 1) for i in range(BULK_ROWS)]
    rows.append(("G7", "sentence", 0, 1))  # a second row with the GUID of the eighth
    conn.execute("CREATE TABLE bulk_probe (guid TEXT, kind TEXT, start INTEGER, end INTEGER)")
    conn.execute("CREATE UNIQUE INDEX idx_bulk_probe_guid ON bulk_probe (guid)")
    with pytest.raises(sqlite3.IntegrityError):
        with store.transaction():
            insert_many(conn, "bulk_probe", ("guid", "kind", "start", "end"), rows)
    assert conn.execute("SELECT count(*) FROM bulk_probe").fetchone()[0] == 0
    indexes = [name for name, in conn.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'bulk_probe' "
                                              "AND type = 'index'")]
    assert indexes == ["idx_bulk_probe_guid"]  # the dropped index came back with the rollback
    with store.transaction():
        insert_many(conn, "bulk_probe", ("guid", "kind", "start", "end"), rows[:-1])
    assert conn.execute("SELECT count(*) FROM bulk_probe INDEXED BY idx_bulk_probe_guid").fetchone()[0] == BULK_ROWS
    stored = conn.execute("SELECT guid, kind, start, end FROM bulk_probe ORDER BY rowid").fetchall()
    assert stored == rows[:-1]  # every row, in the given order (many rows per statement, and the rest)
    conn.execute("DROP TABLE bulk_probe")
    store.close()
    assert _schema(tmp_path / "p.wbproj") == before


def test_the_cycle_collector_runs_again_after_an_import_that_fails(tmp_path: Path) -> None:
    (tmp_path / "in.qdpx").write_bytes(qdpx(project("", codes="")))
    with pytest.raises(WorkbenchError):
        import_project(tmp_path / "new.wbproj", tmp_path / "in.qdpx")
    assert gc.isenabled()
    gc.disable()
    try:  # and an import leaves it paused when it was paused before
        data, _ = _many_selections(3)
        (tmp_path / "small.qdpx").write_bytes(data)
        import_project(tmp_path / "small.wbproj", tmp_path / "small.qdpx", who="ann")
        assert not gc.isenabled()
    finally:
        gc.enable()
