"""The Codebook page: add, import, edit, rename, recolour, move, merge and delete codes.

Driven headlessly with Streamlit's AppTest through the shared harness (``tests/app_harness.py``); what the page did
is checked in the project file through a separate connection."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from workbench.store import open_project

from .app_harness import app, full_path, seeded_path, templates  # noqa: F401 - fixtures
from .app_harness import audit, code_id, ok, segments, values


# ================================================================================================ codebook page
def test_add_a_code_under_a_parent(app, full_path):
    parent = code_id(full_path, "distrust")
    at = app(full_path, "codebook")
    at.text_input(key="new_name").input("distrust of neighbours")
    at.selectbox(key="new_parent").set_value(parent)
    at.text_area(key="new_definition").input("Neighbours are not trusted.")
    at.text_input(key="new_keywords").input("buren, wantrouwen")
    ok(at.button(key="add_code").click().run())

    with open_project(full_path) as project:
        code = project.resolve_code("distrust/distrust of neighbours")
        last = project.audit_log()[0]
    assert (code.parent_id, code.definition, code.keywords) == (parent, "Neighbours are not trusted.",
                                                               ("buren", "wantrouwen"))
    assert (last.action, last.target, last.who) == ("code.add", code.guid, "codebook editor")
    assert any("Added code 'distrust of neighbours'" in s for s in values(at.success))
    assert at.text_input(key="new_name").value == ""  # the form is cleared for the next code
    assert any("distrust of neighbours" in m for m in values(at.markdown))  # and the tree shows it


def test_adding_a_duplicate_code_is_refused(app, full_path):
    at = app(full_path, "codebook")
    before = audit(full_path)
    at.text_input(key="new_name").input("distrust")
    ok(at.button(key="add_code").click().run())
    assert any("already exists at the top level" in e for e in values(at.error))
    assert audit(full_path) == before


def test_import_a_yaml_codebook(app, full_path):
    at = app(full_path, "codebook")
    yaml_text = (b"codes:\n  - name: link work\n    definition: Imported definition.\n"
                 b"  - name: hope\n    colour: '#2ca02c'\n")
    at.file_uploader(key="codebook_upload").upload("more.yaml", yaml_text, "application/x-yaml")
    ok(at.run())
    ok(at.button(key="import_codebook").click().run())
    assert any("1 added, 1 updated" in s for s in values(at.success))
    with open_project(full_path) as project:
        assert project.resolve_code("link work").definition == "Imported definition."
        assert project.resolve_code("hope").colour == "#2ca02c"
        assert [e.action for e in project.audit_log()[:2]] == ["code.add", "code.update"]


def test_edit_tab_does_not_revert_a_codebook_import(app, full_path):
    at = app(full_path, "codebook")
    cid = code_id(full_path, "link work")
    assert at.selectbox(key="edit_code").value == cid
    yaml_text = b"codes:\n  - name: link work\n    definition: Imported definition.\n"
    at.file_uploader(key="codebook_upload").upload("cb.yaml", yaml_text, "application/x-yaml")
    ok(at.run())
    ok(at.button(key="import_codebook").click().run())
    at.color_picker(key="edit_colour").pick("#00aa00")
    ok(at.button(key="save_code").click().run())
    with open_project(full_path) as project:
        code = project.code(cid)
    assert code.colour == "#00aa00"
    assert code.definition == "Imported definition."  # fails: back to "Connecting people to help."


def _edit(at: AppTest, path: Path, code: str) -> int:
    cid = code_id(path, code)
    at.selectbox(key="edit_code").set_value(cid).run()
    assert at.text_input(key="edit_name").value == code.rsplit("/", 1)[-1]
    return cid


def test_rename_a_code(app, full_path):
    at = app(full_path, "codebook", coder="anna")
    cid = _edit(at, full_path, "participation fatigue")
    at.text_input(key="edit_name").input("tired of participating")
    ok(at.button(key="save_code").click().run())
    with open_project(full_path) as project:
        assert project.code(cid).name == "tired of participating"
        last = project.audit_log()[0]
    assert (last.action, last.who, last.before["name"], last.after["name"]) == (
        "code.rename", "anna", "participation fatigue", "tired of participating")


def test_recolour_a_code(app, full_path):
    at = app(full_path, "codebook")
    cid = _edit(at, full_path, "distrust")
    at.color_picker(key="edit_colour").pick("#00AA00")
    ok(at.button(key="save_code").click().run())
    with open_project(full_path) as project:
        assert project.code(cid).colour == "#00aa00"
        last = project.audit_log()[0]
    assert (last.action, last.before["colour"], last.after["colour"]) == ("code.recolour", "#d62728", "#00aa00")


def test_edit_a_codes_definition_and_guidance(app, full_path):
    at = app(full_path, "codebook")
    cid = _edit(at, full_path, "link work/best persons")
    at.text_area(key="edit_definition").input("A named professional who makes help work.")
    at.text_area(key="edit_when").input("When a person is named.")
    ok(at.button(key="save_code").click().run())
    with open_project(full_path) as project:
        code = project.code(cid)
        last = project.audit_log()[0]
    assert (code.definition, code.when_to_use) == ("A named professional who makes help work.",
                                                   "When a person is named.")
    assert (last.action, last.target) == ("code.update", code.guid)
    assert last.after["definition"] == code.definition


def test_saving_an_unchanged_code_records_nothing(app, full_path):
    at = app(full_path, "codebook")
    _edit(at, full_path, "link work")
    before = audit(full_path)
    ok(at.button(key="save_code").click().run())
    assert audit(full_path) == before
    assert any("Nothing changed" in i for i in values(at.info))


def test_move_a_code_under_another_parent(app, full_path):
    at = app(full_path, "codebook")
    cid = _edit(at, full_path, "participation fatigue")
    parent = code_id(full_path, "distrust")
    at.selectbox(key="move_parent").set_value(parent)
    ok(at.button(key="move_code").click().run())
    with open_project(full_path) as project:
        assert project.code(cid).path == "distrust/participation fatigue"
        last = project.audit_log()[0]
    assert (last.action, last.before["parent_id"], last.after["parent_id"]) == ("code.move", None, parent)
    # a code cannot be moved under its own child: the child is not offered
    _edit(at, full_path, "distrust")
    assert cid not in at.selectbox(key="move_parent").options


def test_merge_a_code_moves_its_segments(app, seeded_path):
    source, target = code_id(seeded_path, "distrust"), code_id(seeded_path, "participation fatigue")
    moved = segments(seeded_path, code_ids=[source])
    kept = segments(seeded_path, code_ids=[target])
    at = app(seeded_path, "codebook")
    _edit(at, seeded_path, "distrust")
    at.selectbox(key="merge_target").set_value(target)
    ok(at.button(key="merge_code").click().run())

    with open_project(seeded_path) as project:
        codes = {c.path: c for c in project.codes()}
        after = project.segments(code_ids=[target])
        log = project.audit_log()
    assert "distrust" not in codes
    assert {s.id for s in after} == {s.id for s in moved + kept}
    # its child codes went along under the target
    assert codes["participation fatigue/distrust of institutions"].parent_id == target
    assert log[0].action == "code.merge" and log[0].after["segments_moved"] == len(moved) == 1
    assert any(f"{len(moved)} segments moved" in s for s in values(at.success))


def test_merge_without_a_target_asks_for_one(app, full_path):
    at = app(full_path, "codebook")
    before = audit(full_path)
    ok(at.button(key="merge_code").click().run())
    assert any("Choose the code to merge into" in w for w in values(at.warning))
    assert audit(full_path) == before


def test_deleting_a_used_code_is_refused_and_changes_nothing(app, seeded_path):
    with open_project(seeded_path) as project:
        codes_before, segments_before, log_before = project.codes(), project.segments(), project.audit_log()
    at = app(seeded_path, "codebook")
    cid = _edit(at, seeded_path, "participation fatigue")
    assert at.checkbox(key=f"delete_segments_{cid}").value is False
    ok(at.button(key="delete_code").click().run())
    assert any("is used by 1 segment(s)" in e for e in values(at.error))
    with open_project(seeded_path) as project:
        assert (project.codes(), project.segments(), project.audit_log()) == (codes_before, segments_before,
                                                                             log_before)


def test_deleting_a_code_with_children_is_refused(app, full_path):
    at = app(full_path, "codebook")
    _edit(at, full_path, "distrust")
    before = audit(full_path)
    ok(at.button(key="delete_code").click().run())
    assert any("has 2 child code(s)" in e for e in values(at.error))
    assert audit(full_path) == before


def test_deleting_a_code_together_with_its_segments(app, seeded_path):
    cid = code_id(seeded_path, "link work/best persons")
    (gone,) = segments(seeded_path, code_ids=[cid])
    others = [s.id for s in segments(seeded_path) if s.code_id != cid]
    at = app(seeded_path, "codebook")
    _edit(at, seeded_path, "link work/best persons")
    at.checkbox(key=f"delete_segments_{cid}").check()
    ok(at.button(key="delete_code").click().run())

    with open_project(seeded_path) as project:
        assert "link work/best persons" not in [c.path for c in project.codes()]
        assert [s.id for s in project.segments()] == others
        log = project.audit_log()
    assert [e.action for e in log[:2]] == ["code.delete", "segment.delete"]
    assert log[1].target == gone.guid and log[0].before["id"] == cid
    assert any("and its 1 segments" in s for s in values(at.success))


def test_deleting_an_unused_code(app, full_path):
    at = app(full_path, "codebook")
    cid = _edit(at, full_path, "participation fatigue")
    assert not [c for c in at.checkbox if c.key == f"delete_segments_{cid}"]  # nothing to delete with it
    ok(at.button(key="delete_code").click().run())
    with open_project(full_path) as project:
        assert cid not in [c.id for c in project.codes()]
        assert project.audit_log()[0].action == "code.delete"


def test_the_delete_tick_belongs_to_one_code(app, seeded_path):
    distrust = code_id(seeded_path, "distrust")
    persons = code_id(seeded_path, "link work/best persons")
    at = app(seeded_path, "codebook")
    _edit(at, seeded_path, "distrust")
    at.checkbox(key=f"delete_segments_{distrust}").check().run()
    _edit(at, seeded_path, "link work/best persons")
    ok(at.button(key="delete_code").click().run())
    assert any("is used by" in e for e in values(at.error))
    assert segments(seeded_path, code_ids=[persons])
