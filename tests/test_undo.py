"""Undo and redo by identity: a change refers to segments by GUID and never touches anyone else's work."""

from __future__ import annotations

import pytest

from workbench.coding import apply_codes, edit_segment, redo, remove_segments, undo
from workbench.errors import WorkbenchError
from workbench.store import open_project


def _doc(project) -> int:
    return project.documents()[0].id


def _spans(project, coder=None):
    return sorted((s.start, s.end, s.code, s.coder) for s in project.segments(coders=coder))


def test_segment_and_audit_ids_are_never_reused(project) -> None:
    code = project.resolve_code("distrust").id
    first = project.add_segment(_doc(project), 0, 5, code, "x")
    project.remove_segment(first, "x")
    again = project.add_segment(_doc(project), 0, 5, code, "x")
    assert again > first
    top = project.audit_log()[0].id
    project.conn.execute("DELETE FROM audit_log WHERE id = ?", (top,))
    project.add_segment(_doc(project), 10, 15, code, "x")
    assert project.audit_log()[0].id > top


def test_add_add_remove_then_three_undos(project) -> None:
    """(a) of the issue: the third undo used to fail with 'no segment with id 1'."""
    code = project.resolve_code("distrust").id
    doc = _doc(project)
    a = apply_codes(project, doc, 0, 5, [code], "x")
    b = apply_codes(project, doc, 10, 15, [code], "x")
    a_id = project.segments()[0].id
    removal = remove_segments(project, [a_id], "x")
    for change in (removal, b, a):
        undo(project, change, "x")
    assert project.segments() == []


def test_undo_never_removes_another_coders_segment(project) -> None:
    """(b) of the issue: x codes, y removes it and codes elsewhere, x presses Undo: y's segment must stay."""
    code = project.resolve_code("distrust").id
    doc = _doc(project)
    change = apply_codes(project, doc, 0, 5, [code], "x")
    x_segment = project.segments()[0]
    project.remove_segment(x_segment.id, "y")
    apply_codes(project, doc, 20, 30, [code], "y")
    with pytest.raises(WorkbenchError, match=r"cannot undo: that coding was removed by y at \d{4}-\d\d-\d\d"):
        undo(project, change, "x")
    assert _spans(project) == [(20, 30, "distrust", "y")]


def test_undo_refuses_a_segment_changed_since_and_leaves_everything(project) -> None:
    code = project.resolve_code("distrust").id
    other = project.resolve_code("link work").id
    doc = _doc(project)
    change = apply_codes(project, doc, 0, 5, [code, other], "x")
    first = project.segments(code_ids=[code])[0]
    project.update_segment(first.id, "y", end=8)
    before = _spans(project)
    entries = len(project.audit_log())
    with pytest.raises(WorkbenchError, match="changed by y"):
        undo(project, change, "x")
    assert _spans(project) == before and len(project.audit_log()) == entries


def test_undo_across_two_sessions_of_one_coder(project_file) -> None:
    """Two browser sessions with one coder name: each session's undo touches only its own change."""
    one, two = open_project(project_file), open_project(project_file)
    try:
        code = one.resolve_code("distrust").id
        doc = _doc(one)
        mine = apply_codes(one, doc, 0, 5, [code], "x")
        seg = one.segments()[0]
        one.remove_segment(seg.id, "x")
        theirs = apply_codes(two, doc, 40, 50, [code], "x")
        with pytest.raises(WorkbenchError, match="removed by x"):
            undo(one, mine, "x")
        assert _spans(two) == [(40, 50, "distrust", "x")]
        undo(two, theirs, "x")
        assert two.segments() == []
    finally:
        one.close()
        two.close()


def test_redo_after_undo_and_undo_again(project) -> None:
    code = project.resolve_code("distrust").id
    doc = _doc(project)
    change = apply_codes(project, doc, 10, 20, [code], "x", memo="m")
    guid = project.segments()[0].guid
    undone = undo(project, change, "x")
    assert project.segments() == []
    redone = redo(project, undone, "x")
    assert [(s.guid, s.start, s.end, s.memo) for s in project.segments()] == [(guid, 10, 20, "m")]
    edit = edit_segment(project, project.segments()[0].id, "x", end=25)
    undo(project, edit, "x")
    assert project.segments()[0].end == 20
    undo(project, redone, "x")
    assert project.segments() == []
    actions = [e.action for e in reversed(project.audit_log())]
    assert actions[-6:] == ["segment.add", "segment.delete", "segment.restore", "segment.update", "segment.update",
                            "segment.delete"]


def test_redo_refused_when_the_span_was_coded_meanwhile(project) -> None:
    code = project.resolve_code("distrust").id
    doc = _doc(project)
    undone = undo(project, apply_codes(project, doc, 10, 20, [code], "x"), "x")
    project.add_segment(doc, 15, 30, code, "x")
    with pytest.raises(WorkbenchError, match="overlaps"):
        redo(project, undone, "x")
    assert _spans(project) == [(15, 30, "distrust", "x")]


def test_undo_of_a_widening_restores_the_joined_segments(project) -> None:
    code = project.resolve_code("distrust").id
    doc = _doc(project)
    project.add_segment(doc, 10, 20, code, "x", memo="a")
    project.add_segment(doc, 30, 40, code, "x", memo="b")
    guids = {s.guid for s in project.segments()}
    change = apply_codes(project, doc, 18, 32, [code], "x")
    undone = undo(project, change, "x")
    assert {s.guid for s in project.segments()} == guids
    redo(project, undone, "x")
    assert [(s.start, s.end) for s in project.segments()] == [(10, 40)]


def test_a_version_1_file_migrates_with_its_rows_and_ids(tmp_path) -> None:
    import sqlite3

    import sqlite_utils

    from workbench.store import APPLICATION_ID, SCHEMA_VERSION
    from workbench.store.schema import MIGRATIONS

    path = tmp_path / "old.wbproj"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db = sqlite_utils.Database(conn)
    MIGRATIONS[1](db)
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    conn.execute("INSERT INTO schema_version VALUES (1)")
    conn.execute("INSERT INTO documents (id, guid, name, text, sha256, characters) VALUES (1, 'D', 'ria', "
                 "'Ria: Goed.', 'x', 10)")
    conn.execute("INSERT INTO codes (id, guid, name, colour) VALUES (1, 'C', 'distrust', '#d62728')")
    conn.execute("INSERT INTO coders (id, name, role) VALUES (1, 'x', 'coder')")
    conn.execute("INSERT INTO segments (id, guid, document_id, start, end, code_id, coder_id) "
                 "VALUES (7, 'S', 1, 0, 4, 1, 1)")
    conn.execute("INSERT INTO audit_log (id, at, who, action, target) VALUES (9, 't', 'x', 'segment.add', 'S')")
    conn.commit()
    conn.close()
    with open_project(path) as project:
        assert project.conn.execute("SELECT version FROM schema_version").fetchone()[0] == SCHEMA_VERSION
        assert [(s.id, s.guid) for s in project.segments()] == [(7, "S")]
        project.remove_segment(7, "x")
        assert project.add_segment(1, 0, 4, 1, "x") > 7
        assert project.audit_log()[0].id > 9
        assert project.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
