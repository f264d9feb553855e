"""The audit trail is complete: every public write of the store leaves exactly one audit entry, reads leave none."""

from __future__ import annotations

import inspect

import pytest

from workbench.models import CaseRow, NewSegment, ParsedDocument
from workbench.store import Project
from workbench.store.actions import ACTIONS


def _doc(project) -> int:
    return project.documents()[0].id


def _writes(project: Project) -> dict[str, object]:
    """One minimal call of every public write, each against the state the previous ones left."""
    doc = _doc(project)
    code = project.resolve_code("participation fatigue").id
    project.coder_id("x")
    project.add_case("Leeg", who="x")  # a case without documents, for delete_case
    state: dict[str, int] = {}
    return {
        "coder_id": lambda: project.coder_id("new coder"),
        "add_documents": lambda: project.add_documents([ParsedDocument("jan", "Jan: Goed.", "jan.txt", sha256="j")], who="x"),
        "add_code": lambda: state.update(trust=project.add_code("trust", who="x")),
        "update_code": lambda: project.update_code(state["trust"], who="x", definition="Vertrouwen."),
        "move_code": lambda: project.move_code(state["trust"], code, who="x"),
        "add_segment": lambda: state.update(seg=project.add_segment(doc, 0, 5, code, "x")),
        "add_segments": lambda: project.add_segments([NewSegment(doc, 10, 15, code, "x")]),
        "update_segment": lambda: project.update_segment(state["seg"], "x", end=7),
        "remove_segment": lambda: state.update(record=project.remove_segment(state["seg"], "x")),
        "restore_segment": lambda: project.restore_segment(state["record"], "x"),
        "set_cases": lambda: project.set_cases([CaseRow("ria", "Ria", {"role": "resident"})], {"role": "text"}, "x"),
        "add_memo": lambda: state.update(memo=project.add_memo("Eerste indruk.", "x", "code", code_id=state["trust"])),
        "update_memo": lambda: project.update_memo(state["memo"], "Tweede indruk.", who="x"),
        "merge_codes": lambda: project.merge_codes(project.resolve_code("distrust among residents").id,
                                                  project.resolve_code("distrust of institutions").id, who="x"),
        "delete_code": lambda: project.delete_code(project.resolve_code("best persons").id, who="x"),
        "add_comment": lambda: project.add_comment("code", project.code(code).guid, "Klopt dit?", "x"),
        "add_exercise": lambda: state.update(exercise=project.add_exercise("oefening", "x", [doc], ["s"], "x").id),
        "add_exercise_students": lambda: project.add_exercise_students(state["exercise"], ["t"], "x"),
        "submit_exercise": lambda: project.submit_exercise(state["exercise"], "s"),
        "record_decision": lambda: project.record_decision(
            item="i1", coder_a="x", coder_b="y", consensus="consensus", document_id=doc,
            document_guid=project.document(doc).guid, code_id=code, code_guid=project.code(code).guid,
            decision="neither", spans=[], who="x"),
        "add_case": lambda: project.add_case("Jan", who="x"),
        "add_attribute": lambda: project.add_attribute("leeftijd", "number", who="x"),
        "set_case_value": lambda: project.set_case_value("Jan", "leeftijd", "45", who="x"),
        "set_document_cases": lambda: project.set_document_cases(doc, ["Jan"], who="x"),
        "add_group": lambda: project.add_group("bewoners", who="x"),
        "add_to_group": lambda: project.add_to_group("bewoners", ["ria"], who="x"),
        "remove_from_group": lambda: project.remove_from_group("bewoners", ["ria"], who="x"),
        "remove_group": lambda: project.remove_group("bewoners", who="x"),
        "move_document": lambda: project.move_document(doc, 2, who="x"),
        "rename_document": lambda: project.rename_document(doc, "ria van dijk", who="x"),
        "delete_document": lambda: project.delete_document(project.document_id("jan"), who="x"),
        "add_bundle": lambda: project.add_bundle(codes=[], documents=[], segments=[], memos=[], cases=[],
                                                 case_links=[], attributes={}, who="x", source="other.qdpx"),
        "add_group": lambda: project.add_group("bewoners", who="x"),
        "add_to_group": lambda: project.add_to_group("bewoners", ["ria"], who="x"),
        "remove_from_group": lambda: project.remove_from_group("bewoners", ["ria"], who="x"),
        "remove_group": lambda: project.remove_group("bewoners", who="x"),
        "add_attribute": lambda: project.add_attribute("leeftijd", "number", who="x"),
        "add_case": lambda: project.add_case("Kees", who="x"),
        "set_case_value": lambda: project.set_case_value("Kees", "leeftijd", "70", who="x"),
        "set_document_cases": lambda: project.set_document_cases(doc, ["Kees"], who="x"),
        "rename_document": lambda: project.rename_document(doc, "ria 2", who="x"),
        "move_document": lambda: project.move_document(doc, 1, who="x"),
        "delete_document": lambda: project.delete_document(project.document_id("jan"), who="x"),
        "rename_case": lambda: project.rename_case("Kees", "Kees de Vries", who="x"),
        "delete_case": lambda: project.delete_case("Leeg", who="x"),
    }


READS = {
    "analysis_rows", "attribute_values", "attributes", "audit_log", "cases", "close", "code",
    "changed_by_others", "coder_names", "coders", "codes", "data_version", "document", "case_labels", "document_cases", "document_id",
    "document_lengths", "document_names", "documents_coded_together", "document_guids", "document_text", "document_texts", "documents", "last_audit_entry",
    "memo_targets", "memos", "resolve_code", "comment", "comments", "count_segments", "document_case_names",
    "analysis_columns", "exchange_rows", "suggest_colour", "document_deletion", "exercises_with_document", "group_document_ids", "group_id", "groups",
    "exercise", "exercises", "segment_counts_by_document", "student_exercises", "iter_segment_rows", "iter_segments", "review_decisions", "segments_page", "segment", "segment_counts_by_code", "segment_record", "segments", "stats",
    "transaction", "turns", "unit_at", "units", "suggest_colour", "document_deletion", "exercises_with_document",
    "groups", "group_id", "group_document_ids", "exchange_rows", "analysis_columns",
}


PASSWORD = "lang genoeg wachtwoord 42"


def _account_writes(project: Project) -> dict[str, object]:
    """The account and setting writes, on a project whose first admin ``lead`` exists."""
    project.add_account("lead", "admin", PASSWORD, who="lead")
    return {
        "add_account": lambda: project.add_account("sara", "coder", PASSWORD, who="lead"),
        "set_account_role": lambda: project.set_account_role("sara", "supervisor", who="lead"),
        "set_account_password": lambda: project.set_account_password("sara", PASSWORD + "!", who="lead"),
        "set_setting": lambda: project.set_setting("blind", "on", who="lead"),
        "remove_account": lambda: project.remove_account("sara", who="lead"),
    }


ACCOUNT_READS = {"account", "account_by_email", "accounts", "check_login", "has_accounts", "is_blind", "privileges",
                 "setting", "view_as", "visibility_key"}


def test_every_public_method_is_a_known_read_or_write(project, empty_project) -> None:
    public = {name for name, value in inspect.getmembers(Project) if not name.startswith("_") and callable(value)}
    known = READS | ACCOUNT_READS | set(_writes(project)) | set(_account_writes(empty_project))
    assert public == known, "classify new store methods here (read, or audited write)"


def test_every_account_write_leaves_exactly_one_audit_entry(empty_project) -> None:
    for name, call in _account_writes(empty_project).items():
        before = empty_project.audit_log()[0].id
        call()
        new = [e for e in empty_project.audit_log() if e.id > before]
        assert [e.who for e in new] == ["lead"], (name, [e.action for e in new])
        assert new[0].action in ACTIONS
    rows = empty_project.conn.execute("SELECT * FROM audit_log").fetchall()
    assert PASSWORD not in repr(rows)


def test_every_write_leaves_exactly_one_audit_entry(project) -> None:
    for name, call in _writes(project).items():
        before = project.audit_log()[0].id
        changes = project.conn.total_changes
        call()
        assert project.conn.total_changes > changes, f"{name} wrote nothing"
        new = [e for e in project.audit_log() if e.id > before]
        assert len(new) == 1, f"{name} left {[e.action for e in new]}"
        assert new[0].action in ACTIONS and new[0].who, name


def test_reads_write_nothing(project) -> None:
    doc = _doc(project)
    changes = project.conn.total_changes
    project.documents(), project.codes(), project.segments(), project.cases(), project.memos(), project.stats()
    project.turns(doc), project.units("sentence", doc), project.analysis_rows(), project.coders()
    assert project.conn.total_changes == changes


def test_memos_are_audited_and_change_the_data_version(project) -> None:
    version = project.data_version()
    memo = project.add_memo("Ria is kritisch.", "marloes", "document", document_id=_doc(project))
    assert project.data_version() > version
    entry = project.audit_log()[0]
    assert (entry.action, entry.who, entry.after["text"]) == ("memo.add", "marloes", "Ria is kritisch.")
    version = project.data_version()
    project.update_memo(memo, "Ria is heel kritisch.", who="daan")
    entry = project.audit_log()[0]
    assert project.data_version() > version
    assert (entry.action, entry.who, entry.before["text"], entry.after["text"]) == (
        "memo.update", "daan", "Ria is kritisch.", "Ria is heel kritisch.")


def test_memo_detached_by_delete_and_moved_by_merge_are_audited(project) -> None:
    fatigue = project.resolve_code("participation fatigue").id
    best = project.resolve_code("best persons").id
    distrust = project.resolve_code("distrust").id
    on_fatigue = project.add_memo("Moe van inspraak.", "x", "code", code_id=fatigue)
    project.add_memo("Sanne.", "x", "code", code_id=best)
    project.merge_codes(fatigue, distrust, who="lead")
    moved = [e for e in project.audit_log() if e.action == "memo.update"][0]
    assert moved.who == "lead" and moved.after["code_guid"] == project.code(distrust).guid
    project.delete_code(best, who="lead")
    detached = [e for e in project.audit_log() if e.action == "memo.update"][0]
    assert detached.before["code_guid"] and detached.after["code_guid"] is None
    assert {m.code for m in project.memos()} == {"distrust", None}
    assert on_fatigue in {m.id for m in project.memos()}


def test_cases_import_records_who_and_the_values_before(project) -> None:
    project.set_cases([CaseRow("ria", "Ria", {"role": "resident"})], {"role": "text"}, who="marloes")
    project.set_cases([CaseRow("ria", "Ria", {"role": "volunteer"})], {"role": "text"}, who="daan")
    entry = project.audit_log()[0]
    assert entry.action == "cases.import" and entry.who == "daan"
    assert entry.before["cases"]["Ria"]["values"] == {"role": "resident"}
    assert entry.after["cases"]["Ria"]["values"] == {"role": "volunteer"}


def test_codings_csv_import_is_recorded_as_the_importer(project, tmp_path) -> None:
    from workbench.exchange.codings import import_codings

    import_codings(project, b"document,start,end,code,coder\nria,0,5,distrust,daan\n", "c.csv", who="lead")
    entry = [e for e in project.audit_log() if e.action == "segment.add"][0]
    assert entry.who == "lead" and entry.after["coder"] == "daan"


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_every_action_has_a_description(name) -> None:
    assert ACTIONS[name] and "." in name


def test_audit_json_lists_every_action(cli, project_file) -> None:
    data = cli("audit", project_file, "--json").json()
    assert data["actions"] == sorted(ACTIONS)
    assert data["entries"][0]["action"] == "code.add"
