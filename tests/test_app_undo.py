"""Undo and redo on the coding page: by identity, refused (with who and when) when someone changed the coding."""

from __future__ import annotations

from workbench.store import open_project

from .test_app_pages import SANNE, app, audit, code_id, empty_path, full_path, ok, phrase_span, segments, templates, values  # noqa: F401


def _code_sanne(app, full_path):
    start, end = phrase_span(full_path, "ria", SANNE)
    at = app(full_path, "code", coder="anna", pending={"start": start, "end": end})
    at.multiselect(key="pick_codes").select(code_id(full_path, "link work/best persons"))
    ok(at.button(key="apply_codes").click().run())
    return at


def test_redo_puts_an_undone_coding_back_with_its_guid(app, full_path):
    at = _code_sanne(app, full_path)
    (added,) = segments(full_path)
    assert at.button(key="redo_button").disabled
    ok(at.button(key="undo_button").click().run())
    assert segments(full_path) == []
    assert at.button(key="redo_button").label.startswith("↷ Redo: code best persons")
    ok(at.button(key="redo_button").click().run())
    assert [(s.guid, s.start, s.end) for s in segments(full_path)] == [(added.guid, added.start, added.end)]
    assert audit(full_path)[0].action == "segment.restore"
    assert any("Redone" in i for i in values(at.info))
    assert at.button(key="redo_button").disabled and not at.button(key="undo_button").disabled


def test_undo_refuses_a_coding_another_coder_removed_and_keeps_their_work(app, full_path):
    at = _code_sanne(app, full_path)
    (added,) = segments(full_path)
    with open_project(full_path) as project:
        project.remove_segment(added.id, "bob")
        project.add_segment(added.document_id, 0, 10, added.code_id, "bob")
    ok(at.button(key="undo_button").click().run())
    assert any("removed by bob" in e for e in values(at.error)), values(at.error)
    assert [(s.coder, s.start, s.end) for s in segments(full_path)] == [("bob", 0, 10)]
