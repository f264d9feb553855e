"""The codebook's history and the diff of the codebook between two moments, from the audit log."""

from __future__ import annotations

import time

import pytest

from workbench.errors import WorkbenchError
from workbench.models import AuditEntry
from workbench.review.history import codebook_at, describe, diff, history, parse_when
from workbench.store import now


def record(id_, name, parent=None, **fields):
    base = {"id": id_, "guid": f"G{id_}", "name": name, "parent_id": parent, "colour": "#111111", "definition": "",
            "when_to_use": "", "when_not_to_use": "", "example": "", "keywords": [], "position": 1, "path": name}
    return {**base, **fields}


def entries():
    """A hand-made log: add A (day 1), add B under A (day 1), rename A to Z (day 2), define B (day 3),
    delete B (day 4)."""
    return [
        AuditEntry(1, "2026-03-01T10:00:00.000+00:00", "ann", "code.add", "G1", None, record(1, "A")),
        AuditEntry(2, "2026-03-01T11:00:00.000+00:00", "ann", "code.add", "G2", None, record(2, "B", 1)),
        AuditEntry(3, "2026-03-02T09:00:00.000+00:00", "bob", "code.rename", "G1", record(1, "A"), record(1, "Z")),
        AuditEntry(4, "2026-03-02T09:30:00.000+00:00", "ann", "segment.add", "S1", None, {}),
        AuditEntry(5, "2026-03-03T09:00:00.000+00:00", "bob", "code.update", "G2", record(2, "B", 1),
                   record(2, "B", 1, definition="Bee.")),
        AuditEntry(6, "2026-03-04T09:00:00.000+00:00", "ann", "code.delete", "G2",
                   record(2, "B", 1, definition="Bee."), None),
    ]


def test_dates_are_whole_days_and_times_are_utc_unless_zoned():
    assert parse_when("2026-03-02").isoformat() == "2026-03-02T00:00:00+00:00"
    assert parse_when("2026-03-02", end=True).isoformat() == "2026-03-02T23:59:59.999999+00:00"
    assert parse_when("2026-03-02T10:30").isoformat() == "2026-03-02T10:30:00+00:00"
    assert parse_when("2026-03-02T10:30+01:00").isoformat() == "2026-03-02T10:30:00+01:00"
    assert parse_when(None) is None
    with pytest.raises(WorkbenchError, match="not a date"):
        parse_when("yesterday")


def test_the_codebook_at_a_moment_replays_the_log_with_paths_from_the_parents_then():
    log = entries()
    assert codebook_at(log, parse_when("2026-03-01", end=True))["G2"]["path"] == "A/B"
    day2 = codebook_at(log, parse_when("2026-03-02", end=True))
    assert day2["G2"]["path"] == "Z/B"          # the child's path follows its parent's rename
    assert set(codebook_at(log, None)) == {"G1"}
    assert codebook_at(log, parse_when("2026-02-28", end=True)) == {}


def test_history_lists_every_code_change_with_who_and_when_in_the_range():
    changes = history(entries(), parse_when("2026-03-02"), parse_when("2026-03-03", end=True))
    assert [(c.at[:10], c.who, c.action, c.code) for c in changes] == [
        ("2026-03-02", "bob", "code.rename", "Z"), ("2026-03-03", "bob", "code.update", "Z/B")]
    assert changes[0].changes == {"name": ("A", "Z"), "path": ("A", "Z")}
    assert changes[1].changes == {"definition": ("", "Bee.")}
    assert describe(changes[0]) == "renamed Z: name 'A' → 'Z'"
    assert describe(changes[1]) == "edited Z/B: definition"
    everything = history(entries())
    assert [c.action for c in everything] == ["code.add", "code.add", "code.rename", "code.update", "code.delete"]
    assert everything[-1].code == "Z/B" and everything[-1].changes["definition"] == ("Bee.", None)


def test_the_diff_between_two_dates():
    log = entries()
    d = diff(log, parse_when("2026-03-01", end=True), parse_when("2026-03-03", end=True))
    assert d["added"] == [] and d["removed"] == []
    assert d["changed"] == [
        {"code": "Z", "guid": "G1", "changes": {"name": {"before": "A", "after": "Z"},
                                                "path": {"before": "A", "after": "Z"}}},
        {"code": "Z/B", "guid": "G2", "changes": {"path": {"before": "A/B", "after": "Z/B"},
                                                  "definition": {"before": "", "after": "Bee."}}},
    ]
    d = diff(log, parse_when("2026-03-03", end=True), None)
    assert d["removed"] == [{"code": "Z/B", "guid": "G2"}] and d["changed"] == []
    d = diff(log, None, parse_when("2026-03-01T10:30"))
    assert d["added"] == [{"code": "A", "guid": "G1"}]
    with pytest.raises(WorkbenchError, match="later"):
        diff(log, parse_when("2026-03-03"), parse_when("2026-03-02"))


def test_history_of_a_real_project_sees_merges_and_moves(project):
    link = project.resolve_code("link work").id
    fatigue = project.resolve_code("participation fatigue").id
    time.sleep(0.01)
    middle = now()
    time.sleep(0.01)
    project.update_code(link, who="ann", when_not_to_use="Not for leaflets.")
    project.move_code(project.resolve_code("distrust/distrust among residents").id, link, who="bob")
    project.merge_codes(fatigue, link, who="ann")
    changes = history(project.audit_log(), parse_when(middle))
    assert [(c.who, c.action) for c in changes] == [("ann", "code.update"), ("bob", "code.move"),
                                                    ("ann", "code.merge")]
    assert changes[1].changes["path"] == ("distrust/distrust among residents", "link work/distrust among residents")
    assert "merged into link work" in describe(changes[2])
    d = diff(project.audit_log(), parse_when(middle), None)
    assert [r["code"] for r in d["removed"]] == ["participation fatigue"]
    assert {c["code"] for c in d["changed"]} == {"link work", "link work/distrust among residents"}
