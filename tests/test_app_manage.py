"""Documents, groups and attributes managed in the app (issue 9 §3), AppTest on the Project page and the store
calls behind it: rename, reorder and delete a document (asks, says how many codings go, audited, refused while
in an exercise); document groups as a filter on the analysis pages; cases and attributes edited in a table."""

from __future__ import annotations

import pytest

from workbench.errors import WorkbenchError
from workbench.store import open_project

from .app_harness import (  # noqa: F401  (fixtures)
    app, full_path, ok, seeded_path, templates, values,
)


def version(path) -> int:
    with open_project(path) as project:
        return project.data_version()


def edit(at, key: str, edited_rows: dict | None = None, added_rows: list | None = None):
    at.session_state[key] = {"edited_rows": edited_rows or {}, "added_rows": added_rows or [], "deleted_rows": []}
    return at


def test_rename_reorder_and_assign_cases_and_groups_in_the_documents_table(app, seeded_path):
    at = app(seeded_path, "project")
    key = f"documents_editor_{version(seeded_path)}"
    edit(at, key, {0: {"document": "bewoner Ria", "groups": "residents"},
                   1: {"position": 1, "cases": "Jan, Vrijwilligers", "groups": "professionals, volunteers"}})
    ok(at.run())
    ok(at.button(key="save_documents").click().run())
    with open_project(seeded_path) as project:
        assert [d.name for d in project.documents()] == ["jan", "bewoner Ria"]
        assert [(g.name, g.documents) for g in project.groups()] == [
            ("professionals", ("jan",)), ("residents", ("bewoner Ria",)), ("volunteers", ("jan",))]
        assert project.document("jan").cases == ("Jan", "Vrijwilligers")
        assert len(project.segments(document_ids=[project.document_id("bewoner Ria")])) == 5  # codings stay
        actions = {e.action for e in project.audit_log()}
    assert {"document.rename", "document.move", "document.cases", "group.documents.add"} <= actions
    assert any("Saved" in s for s in values(at.success))


def test_a_refused_rename_says_why_and_changes_nothing(app, seeded_path):
    at = app(seeded_path, "project")
    before = version(seeded_path)
    edit(at, f"documents_editor_{before}", {0: {"document": "JAN"}})
    ok(at.run())
    ok(at.button(key="save_documents").click().run())
    assert any("already exists" in e for e in values(at.error))
    assert version(seeded_path) == before


def test_delete_asks_says_how_many_codings_go_and_is_audited(app, seeded_path):
    with open_project(seeded_path) as project:
        ria = project.document_id("ria")
        project.add_memo("over Ria", author="anna", kind="document", document_id=ria)
    at = app(seeded_path, "project")
    at.selectbox(key="delete_document_choice").set_value(ria).run()
    ok(at.button(key="delete_document_ask").click().run())
    assert any("Its 5 coding(s) and 1 memo(s) are deleted with it" in w for w in values(at.warning))
    with open_project(seeded_path) as project:
        assert len(project.segments()) == 7  # nothing deleted before the answer
    ok(at.button(key="delete_document_yes").click().run())
    with open_project(seeded_path) as project:
        assert [d.name for d in project.documents()] == ["jan"]
        assert len(project.segments()) == 2 and project.memos() == []
        entry = project.audit_log(limit=1)[0]
    assert entry.action == "document.delete" and entry.after == {"segments_deleted": 5}
    assert len(entry.before["segments"]) == 5 and entry.before["memos"][0]["text"] == "over Ria"  # all kept
    assert any("Deleted ria and its 5 coding(s)" in s for s in values(at.success))


def test_keep_it_deletes_nothing(app, seeded_path):
    with open_project(seeded_path) as project:
        ria = project.document_id("ria")
    at = app(seeded_path, "project")
    at.selectbox(key="delete_document_choice").set_value(ria).run()
    ok(at.button(key="delete_document_ask").click().run())
    ok(at.button(key="delete_document_no").click().run())
    with open_project(seeded_path) as project:
        assert len(project.documents()) == 2 and len(project.segments()) == 7


def test_a_document_in_an_exercise_is_not_deleted(app, seeded_path):
    with open_project(seeded_path) as project:
        project.add_exercise("oefening 1", "anna", [project.document_id("ria")], ["stu"], "sup")
        before = project.audit_log()
        with pytest.raises(WorkbenchError, match="used in exercise"):
            project.delete_document(project.document_id("ria"))
        assert len(project.segments()) == 7 and project.audit_log() == before
        ria = project.document_id("ria")
    at = app(seeded_path, "project")
    at.selectbox(key="delete_document_choice").set_value(ria).run()
    ok(at.button(key="delete_document_ask").click().run())
    assert any("used in exercise(s) oefening 1" in w for w in values(at.warning))
    assert at.button(key="delete_document_yes").disabled
    with open_project(seeded_path) as project:
        project.delete_document(project.document_id("jan"))  # not in an exercise
        assert [d.name for d in project.documents()] == ["ria"]


def test_edit_a_case_value_and_add_a_case_and_an_attribute(app, full_path):
    at = app(full_path, "project")
    at.text_input(key="new_attribute_name").input("organisation")
    ok(at.button(key="FormSubmitter:add_attribute_form-Add attribute").click().run())
    key = f"cases_editor_{version(full_path)}"
    edit(at, key, {0: {"age": "79"}}, [{"case": "Kees", "organisation": "buurthuis", "age": "70"}])
    ok(at.run())
    ok(at.button(key="save_cases").click().run())
    with open_project(full_path) as project:
        cases = {c.name: c.values for c in project.cases()}
        assert project.attributes()["organisation"] == "text"
        actions = [e.action for e in project.audit_log()]
    assert cases["Jan"]["age"] == "79" and cases["Ria"]["age"] == "78"  # rows in name order: Jan, Ria
    assert cases["Kees"] == {"organisation": "buurthuis", "age": "70"}
    assert {"attribute.add", "case.add", "case.value"} <= set(actions)


def test_a_number_attribute_refuses_a_word(app, full_path):
    at = app(full_path, "project")
    before = version(full_path)
    edit(at, f"cases_editor_{before}", {0: {"age": "oud"}})
    ok(at.run())
    ok(at.button(key="save_cases").click().run())
    assert any("age is a number attribute" in e for e in values(at.error))
    assert version(full_path) == before


def test_group_filter_on_the_cooccurrence_and_retrieve_pages(app, seeded_path):
    with open_project(seeded_path) as project:
        project.add_to_group("volunteers", ["jan"])
    at = app(seeded_path, "retrieve")
    at.multiselect(key="ret_groups").select("volunteers").run()
    ok(at)
    assert any("**2 segments**" in m for m in values(at.markdown))
    at.switch_page("views/cooccurrence.py").run()
    at.multiselect(key="cooc_groups").select("volunteers").run()
    ok(at)
    assert any("document group: volunteers" in i for i in values(at.info))


def _cases_edit(at, path, edited_rows=None, added_rows=None, deleted_rows=None):
    at.session_state[f"cases_editor_{version(path)}"] = {"edited_rows": edited_rows or {},
                                                         "added_rows": added_rows or [],
                                                         "deleted_rows": deleted_rows or []}
    ok(at.run())
    return ok(at.button(key="save_cases").click().run())


def test_renaming_a_case_in_the_table_renames_it(app, full_path):
    with open_project(full_path) as project:
        jan = next(c for c in project.cases() if c.name == "Jan")
        count = len(project.cases())
    at = app(full_path, "project")
    _cases_edit(at, full_path, {0: {"case": "Jan de Vries"}})  # rows in name order: Jan, Ria
    with open_project(full_path) as project:
        cases = {c.name: c for c in project.cases()}
        entries = [e for e in project.audit_log(limit=5) if e.action.startswith("case.")]
    assert len(cases) == count and "Jan" not in cases
    renamed = cases["Jan de Vries"]
    assert (renamed.guid, renamed.documents, renamed.values) == (jan.guid, jan.documents, jan.values)
    assert [(e.action, e.target) for e in entries][:1] == [("case.rename", jan.guid)]
    assert not [e for e in entries if e.action == "case.add"]
    assert any("Saved 1 change(s)" in m for m in values(at.success))


def test_renaming_a_case_to_a_taken_name_is_refused_with_one_line(app, full_path):
    at = app(full_path, "project")
    before = version(full_path)
    _cases_edit(at, full_path, {0: {"case": "ria"}})
    assert any("a case named 'ria' already exists" in e for e in values(at.error))
    assert version(full_path) == before


def test_deleting_a_case_with_documents_is_refused_and_one_without_is_deleted(app, full_path):
    with open_project(full_path) as project:
        project.add_case("Leeg")
        project.set_case_value("Leeg", "age", "50")
        names = [c.name for c in project.cases()]
    at = app(full_path, "project")
    before = version(full_path)
    _cases_edit(at, full_path, deleted_rows=[names.index("Jan")])
    [error] = values(at.error)
    assert "case 'Jan' has 1 document(s); take them out of the case first" in error
    assert version(full_path) == before
    at = app(full_path, "project")
    _cases_edit(at, full_path, deleted_rows=[names.index("Leeg")], added_rows=[{"case": "Nieuw", "age": "33"}])
    with open_project(full_path) as project:
        cases = {c.name: c.values for c in project.cases()}
        deleted = [e for e in project.audit_log(limit=10) if e.action == "case.delete"]
    assert "Leeg" not in cases and cases["Nieuw"] == {"age": "33"} and "Jan" in cases
    assert len(deleted) == 1 and deleted[0].before["values"] == {"age": "50"}
