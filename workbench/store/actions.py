"""The catalogue of audited actions: one record type, built by one constructor per action.

Every write of the store builds its audit record here and passes it to ``StoreBase._audit`` inside the write's
transaction. ``ACTIONS`` names every action a project can write (``workbench audit --json`` lists them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

ACTIONS: dict[str, str] = {}
F = TypeVar("F", bound=Callable[..., "Action"])


@dataclass(frozen=True)
class Action:
    """What one audited change did: its action name, the GUID (or name) of its target, the record before and after."""

    name: str
    target: str
    before: Any = None
    after: Any = None


def _action(name: str, description: str) -> Callable[[F], F]:
    def register(constructor: F) -> F:
        ACTIONS[name] = description
        return constructor
    return register


# ---- documents
@_action("document.import", "a document was imported")
def document_imported(record: dict[str, Any]) -> Action:
    return Action("document.import", record["guid"], None, record)


# ---- coders
@_action("coder.add", "a coder was added (with their first coding, or by name)")
def coder_added(record: dict[str, Any]) -> Action:
    return Action("coder.add", record["name"], None, record)


# ---- codes
@_action("code.add", "a code was added")
def code_added(record: dict[str, Any]) -> Action:
    return Action("code.add", record["guid"], None, record)


@_action("code.rename", "a code was renamed")
def code_renamed(before: dict[str, Any], after: dict[str, Any]) -> Action:
    return Action("code.rename", before["guid"], before, after)


@_action("code.recolour", "a code got another colour")
def code_recoloured(before: dict[str, Any], after: dict[str, Any]) -> Action:
    return Action("code.recolour", before["guid"], before, after)


@_action("code.update", "a code's definition, guidance, example or keywords changed")
def code_updated(before: dict[str, Any], after: dict[str, Any]) -> Action:
    return Action("code.update", before["guid"], before, after)


@_action("code.move", "a code moved in the tree")
def code_moved(before: dict[str, Any], after: dict[str, Any]) -> Action:
    return Action("code.move", before["guid"], before, after)


@_action("code.delete", "a code was deleted")
def code_deleted(before: dict[str, Any]) -> Action:
    return Action("code.delete", before["guid"], before, None)


@_action("code.merge", "a code was merged into another")
def code_merged(before: dict[str, Any], into: dict[str, Any], segments_moved: int) -> Action:
    return Action("code.merge", before["guid"], before,
                  {"into": into["guid"], "into_path": into["path"], "segments_moved": segments_moved})


# ---- segments
@_action("segment.add", "a coding was added")
def segment_added(record: dict[str, Any]) -> Action:
    return Action("segment.add", record["guid"], None, record)


@_action("segment.update", "a coding was widened, narrowed, re-memoed or moved to another code")
def segment_updated(before: dict[str, Any], after: dict[str, Any]) -> Action:
    return Action("segment.update", before["guid"], before, after)


@_action("segment.delete", "a coding was removed")
def segment_deleted(before: dict[str, Any], reason: str = "", joined_into: str | None = None) -> Action:
    after: dict[str, Any] | None = {"joined_into": joined_into} if joined_into else None
    if reason:
        after = {**(after or {}), "reason": reason}
    return Action("segment.delete", before["guid"], before, after)


@_action("segment.restore", "a removed coding was put back")
def segment_restored(record: dict[str, Any]) -> Action:
    return Action("segment.restore", record["guid"], None, record)


# ---- cases
@_action("cases.import", "documents were linked to cases and attribute values set")
def cases_imported(before: dict[str, Any], after: dict[str, Any]) -> Action:
    return Action("cases.import", "cases", before, after)


# ---- memos
@_action("memo.add", "a memo was written")
def memo_added(record: dict[str, Any]) -> Action:
    return Action("memo.add", record["guid"], None, record)


@_action("memo.update", "a memo was edited, detached from a deleted code or moved by a merge")
def memo_updated(before: dict[str, Any], after: dict[str, Any]) -> Action:
    return Action("memo.update", before["guid"], before, after)


# ---- exchange: what an import or a merge brought in
SEGMENT_FIELDS = ("guid", "start", "end", "code_guid", "coder", "memo", "created")


@_action("segments.import", "the codings of one document were brought in from another tool or copy")
def segments_imported(document_guid: str, records: list[list[Any]], source: str) -> Action:
    """One entry per document (a 200,000-segment import stays fast): each segment a row in ``SEGMENT_FIELDS``
    order."""
    return Action("segments.import", document_guid, None,
                  {"from": source, "fields": list(SEGMENT_FIELDS), "segments": records})


@_action("memo.import", "a memo was brought in from another tool or copy")
def memo_imported(record: dict[str, Any], source: str) -> Action:
    return Action("memo.import", record["guid"], None, {**record, "from": source})


@_action("case.import", "a case (or new members of a case) was brought in from another tool or copy")
def case_imported(record: dict[str, Any], source: str) -> Action:
    return Action("case.import", record["guid"], None, {**record, "from": source})


@_action("group.import", "a document group (or new documents of a group) was brought in from another tool or copy")
def group_imported(record: dict[str, Any], source: str) -> Action:
    return Action("group.import", record["guid"], None, {**record, "from": source})


@_action("project.import", "a project or another copy was imported or merged")
def project_imported(source: str, counts: dict[str, int]) -> Action:
    return Action("project.import", source, None, counts)


# ---- review, comments, training
@_action("review.decide", "a supervisor decided a disagreement (the consensus coding follows the decision)")
def review_decided(item: str, before: dict[str, Any] | None, after: dict[str, Any]) -> Action:
    return Action("review.decide", item, before, after)


@_action("comment.add", "a comment on a segment or a code was written")
def comment_added(record: dict[str, Any]) -> Action:
    return Action("comment.add", record["guid"], None, record)


@_action("exercise.add", "a training exercise was made")
def exercise_added(record: dict[str, Any]) -> Action:
    return Action("exercise.add", record["guid"], None, record)


@_action("exercise.students", "students were added to an exercise")
def exercise_students_added(before: dict[str, Any], after: dict[str, Any]) -> Action:
    return Action("exercise.students", after["guid"], before, after)


@_action("exercise.submit", "a student handed in an exercise")
def exercise_submitted(exercise_guid: str, record: dict[str, Any]) -> Action:
    return Action("exercise.submit", exercise_guid, None, record)


# ---- accounts and settings
@_action("setting.change", "a project setting changed (e.g. blind coding)")
def setting_changed(key: str, before: str | None, after: str) -> Action:
    return Action("setting.change", key, {key: before}, {key: after})


@_action("account.add", "an account was added (never with its password)")
def account_added(record: dict[str, Any]) -> Action:
    return Action("account.add", record["name"], None, record)


@_action("account.role", "an account got another role")
def account_role_changed(name: str, before: str, after: str) -> Action:
    return Action("account.role", name, {"role": before}, {"role": after})


@_action("account.password", "an account's password was changed (the password is not recorded)")
def account_password_changed(name: str) -> Action:
    return Action("account.password", name, None, {"changed": True})


@_action("account.remove", "an account was removed (its codings stay, attributed)")
def account_removed(record: dict[str, Any]) -> Action:
    return Action("account.remove", record["name"], record, None)


# ---- backups
@_action("project.restore", "the project was restored from a backup")
def project_restored(backup: str) -> Action:
    return Action("project.restore", backup, None, {"backup": backup})


# ---- documents after import, document groups, cases edited in place
@_action("document.rename", "a document got another name (its codings stay)")
def document_renamed(guid: str, old: str, new: str) -> Action:
    return Action("document.rename", guid, {"name": old}, {"name": new})


@_action("document.move", "a document moved in the project's order of documents")
def document_moved(guid: str, before: int, after: int) -> Action:
    return Action("document.move", guid, {"position": before}, {"position": after})


@_action("document.delete", "a document was deleted with its codings and memos (all kept in this entry)")
def document_deleted(guid: str, record: dict[str, Any], segments_deleted: int) -> Action:
    return Action("document.delete", guid, record, {"segments_deleted": segments_deleted})


@_action("document.cases", "a document was assigned to other cases")
def document_cases_set(guid: str, document: str, before: list[str], after: list[str]) -> Action:
    return Action("document.cases", guid, {"document": document, "cases": before},
                  {"document": document, "cases": after})


@_action("group.add", "a document group (set) was made")
def group_added(name: str) -> Action:
    return Action("group.add", name, None, {"name": name})


@_action("group.remove", "a document group was removed (its documents stay)")
def group_removed(name: str, documents: list[str]) -> Action:
    return Action("group.remove", name, {"name": name, "documents": documents}, None)


@_action("group.documents.add", "documents were put in a document group")
def group_documents_added(name: str, documents: list[str]) -> Action:
    return Action("group.documents.add", name, None, {"documents": documents})


@_action("group.documents.remove", "documents were taken out of a document group")
def group_documents_removed(name: str, documents: list[str]) -> Action:
    return Action("group.documents.remove", name, {"documents": documents}, None)


@_action("case.add", "a case was added in the cases table")
def case_added(guid: str, name: str) -> Action:
    return Action("case.add", guid, None, {"name": name})


@_action("case.rename", "a case was renamed (its documents and attribute values kept)")
def case_renamed(guid: str, old: str, new: str) -> Action:
    return Action("case.rename", guid, {"name": old}, {"name": new})


@_action("case.delete", "a case without documents was deleted, with its attribute values")
def case_deleted(guid: str, name: str, values: dict[str, str]) -> Action:
    return Action("case.delete", guid, {"name": name, "values": values}, None)


@_action("attribute.add", "a case attribute was added")
def attribute_added(name: str, kind: str) -> Action:
    return Action("attribute.add", name, None, {"name": name, "type": kind})


@_action("case.value", "a case's attribute value was set, changed or cleared")
def case_value_set(guid: str, case: str, attribute: str, old: str | None, new: str) -> Action:
    return Action("case.value", guid, {"case": case, attribute: old}, {"case": case, attribute: new})
