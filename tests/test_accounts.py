"""Accounts in the store, roles checked by the core's write functions (role × action), blind coding in every read,
and no password in any table but its hash."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from workbench.errors import WorkbenchError
from workbench.models import NewSegment
from workbench.privileges import Privileges
from workbench.store import Project, open_project

PASSWORD = "s3cret-passphrase"
ROLES = ("admin", "supervisor", "coder", "student")


@pytest.fixture
def team(project: Project) -> Project:
    """The small project with one account per role, and a coding by each of marloes and daan (coders)."""
    owner = Privileges.local("owner")
    for name, role in [("ada", "admin"), ("sam", "supervisor"), ("marloes", "coder"), ("daan", "coder"),
                       ("stu", "student")]:
        project.add_account(name, role, PASSWORD, who=owner)
    doc = project.document_id("ria")
    code = project.resolve_code("distrust").id
    project.add_segment(doc, 0, 10, code, "marloes")
    project.add_segment(doc, 5, 20, code, "daan")
    return project


def user_for(role: str) -> str:
    return {"admin": "ada", "supervisor": "sam", "coder": "marloes", "student": "stu"}[role]


def segment_of(project: Project, coder: str) -> int:
    project.viewer = None
    return next(s.id for s in project.segments() if s.coder == coder)


# ------------------------------------------------------------------------------------------- accounts
def test_accounts_link_to_coders_and_keep_codings_after_removal(team):
    assert [(a.name, a.role) for a in team.accounts()] == [
        ("ada", "admin"), ("daan", "coder"), ("marloes", "coder"), ("sam", "supervisor"), ("stu", "student")]
    roles = {c["name"]: c["role"] for c in team.coders()}
    assert roles["marloes"] == "coder" and roles["sam"] == "supervisor"
    team.remove_account("daan", who="ada")
    assert team.account("daan") is None
    assert [s.coder for s in team.segments()].count("daan") == 1
    with pytest.raises(WorkbenchError, match="'daan' is not an account"):
        team.add_segment(team.document_id("ria"), 30, 40, team.resolve_code("distrust").id, "daan")


def test_login_checks_the_hash_and_names_fold(team):
    assert team.check_login(" Marloes ", PASSWORD).name == "marloes"
    assert team.check_login("marloes", PASSWORD + "x") is None
    assert team.check_login("nobody", PASSWORD) is None


def test_account_rules(team):
    with pytest.raises(WorkbenchError, match="already exists"):
        team.add_account("MARLOES", "coder", PASSWORD, who="ada")
    with pytest.raises(WorkbenchError, match="unknown role"):
        team.add_account("x", "boss", PASSWORD, who="ada")
    with pytest.raises(WorkbenchError, match="at least 8"):
        team.add_account("x", "coder", "short", who="ada")
    with pytest.raises(WorkbenchError, match="only admin"):
        team.set_account_role("ada", "coder", who="ada")
    with pytest.raises(WorkbenchError, match="only admin"):
        team.remove_account("ada", who="ada")
    with pytest.raises(WorkbenchError, match="no account named 'nobody'"):
        team.set_account_role("nobody", "coder", who="ada")
    team.set_account_role("sam", "admin", who="ada")
    team.set_account_role("ada", "coder", who="sam")
    assert team.account("ada").role == "coder"


def test_a_user_changes_their_own_password_only(team):
    team.set_account_password("marloes", "another-passphrase", who="marloes")
    assert team.check_login("marloes", "another-passphrase")
    with pytest.raises(WorkbenchError, match=r"marloes \(coder\) may not change another's password"):
        team.set_account_password("daan", "another-passphrase", who="marloes")


@pytest.mark.parametrize("role", ROLES)
def test_managing_accounts_by_role(team, role):
    who = user_for(role)
    actions = [lambda: team.add_account("newbie", "coder", PASSWORD, who=who),
               lambda: team.set_account_role("daan", "supervisor", who=who),
               lambda: team.remove_account("daan", who=who)]
    for action in actions:
        if role == "admin":
            action()
        else:
            with pytest.raises(WorkbenchError, match=f"may not manage accounts"):
                action()


# ------------------------------------------------------------------------------------------- role × action
def attempt(action) -> bool:
    """True when the action was allowed, False when it was refused with a "may not" message."""
    try:
        action()
    except WorkbenchError as exc:
        assert " may not " in str(exc), str(exc)
        return False
    return True


def actions(project: Project, who: str) -> dict[str, object]:
    doc = project.document_id("ria")
    code = project.resolve_code("distrust").id
    other = project.resolve_code("participation fatigue").id
    return {
        "code own": lambda: project.add_segment(doc, 40, 50, other, who),
        "code as another": lambda: project.add_segments([NewSegment(doc, 60, 70, other, "daan", "")], who=who),
        "edit own": lambda: project.update_segment(segment_of(project, who), who, memo="mine"),
        "edit another's": lambda: project.update_segment(segment_of(project, "daan"), who, memo="x"),
        "remove another's": lambda: project.remove_segment(segment_of(project, "daan"), who),
        "add code": lambda: project.add_code("new code", who=who),
        "rename code": lambda: project.update_code(other, who=who, name="renamed"),
        "move code": lambda: project.move_code(other, code, who=who),
        "delete code": lambda: project.delete_code(project.resolve_code("distrust among residents").id, who=who),
        "merge codes": lambda: project.merge_codes(project.resolve_code("distrust of institutions").id, code,
                                                   who=who),
        "write memo": lambda: project.add_memo("a thought", author=who),
        "blind on": lambda: project.set_setting("blind", "on", who=who),
        "import": lambda: project.add_documents([], who=who) if False else _import(project, who),
    }


def _import(project: Project, who: str) -> None:
    from workbench.ingest import import_sources

    import_sources(project, [(f"more-{who}.txt", f"Interviewer: Hoe gaat het, {who}?\n".encode())], who=who)


ALLOWED = {
    "admin": {"code own", "code as another", "edit own", "edit another's", "remove another's", "add code",
              "rename code", "move code", "delete code", "merge codes", "write memo", "blind on", "import"},
    "supervisor": {"code own", "code as another", "edit own", "edit another's", "remove another's", "add code",
                   "rename code", "move code", "delete code", "merge codes", "write memo", "blind on", "import"},
    "coder": {"code own", "edit own", "write memo"},
    "student": set(),  # no exercise: a student codes only in the documents of their exercises
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(ALLOWED["admin"]))
def test_role_by_action_in_the_core(team, role, action):
    who = user_for(role)
    if action == "edit own" and role in ("student",):
        pytest.skip("a student without an exercise has no codings of their own")
    if action == "edit own" and role != "coder":
        team.add_segment(team.document_id("ria"), 80, 90, team.resolve_code("distrust").id, who)
    before = team.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    allowed = attempt(actions(team, who)[action])
    assert allowed is (action in ALLOWED[role])
    after = team.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    assert (after > before) is allowed  # a refused write leaves no trace
    if allowed:
        assert team.audit_log(limit=1)[0].who == who  # every audit entry carries the account


def test_a_refused_write_leaves_the_file_unchanged(tmp_path, team):
    path = Path(team.path)
    team.close()
    before = path.read_bytes()
    with open_project(path) as project:
        with pytest.raises(WorkbenchError, match=r"stu \(student\) may not"):
            project.add_segment(project.document_id("ria"), 40, 50, project.resolve_code("distrust").id, "stu")
    assert path.read_bytes() == before


def test_student_codes_in_their_exercise_documents(team, monkeypatch):
    doc = team.document_id("ria")
    monkeypatch.setattr(type(team), "student_exercises", lambda self, name: ([doc], []))
    team.add_segment(doc, 40, 50, team.resolve_code("distrust").id, "stu")
    with pytest.raises(WorkbenchError, match=r"stu \(student\) may not remove"):
        team.remove_segment(segment_of(team, "marloes"), "stu")


def test_without_accounts_a_plain_name_is_the_single_user_mode(project):
    doc = project.document_id("ria")
    seg = project.add_segment(doc, 0, 10, project.resolve_code("distrust").id, "anyone")
    project.remove_segment(seg, "someone else")
    project.add_code("free for all", who="anyone")
    assert project.privileges("anyone").is_local


# ------------------------------------------------------------------------------------------- blind coding
def read_everything(project: Project) -> dict[str, object]:
    return {
        "segments": sorted(s.coder for s in project.segments()),
        "rows": len(project.analysis_rows()),
        "coders": sorted(c["name"] for c in project.coders() if c["segments"]),
        "counts": sum(project.segment_counts_by_code().values()),
        "documents": sum(d.segments for d in project.documents()),
        "audit_coders": sorted({(e.after or e.before or {}).get("coder") for e in project.audit_log()
                                if e.action.startswith("segment.")}),
    }


@pytest.mark.parametrize("blind", [False, True])
@pytest.mark.parametrize("role", ROLES)
def test_blind_coding_hides_other_coders_in_every_read(team, role, blind):
    team.set_setting("blind", "on" if blind else "off", who="sam")
    team.view_as(user_for(role))
    seen = read_everything(team)
    sees_all = role in ("admin", "supervisor") or (role == "coder" and not blind)
    if sees_all:
        assert seen["segments"] == ["daan", "marloes"] and seen["rows"] == 2 and seen["counts"] == 2
        assert seen["documents"] == 2
    elif role == "coder":
        assert seen["segments"] == ["marloes"] and seen["rows"] == 1 and seen["counts"] == 1
        assert seen["coders"] == ["marloes"] and seen["documents"] == 1
        assert seen["audit_coders"] == ["marloes"]
        with pytest.raises(WorkbenchError):
            team.segment(segment_of_raw(team, "daan"))
    else:
        assert seen["segments"] == [] and seen["rows"] == 0 and seen["documents"] == 0


def segment_of_raw(project: Project, coder: str) -> int:
    return project.conn.execute(
        "SELECT s.id FROM segments s JOIN coders k ON k.id = s.coder_id WHERE k.name = ?", (coder,)).fetchone()[0]


def test_blind_coding_applies_to_exports_and_analysis(team, tmp_path):
    from workbench.analysis.cooccurrence import cooccurrence
    from workbench.analysis.data import Scope
    from workbench.exchange.segments_table import export_segments

    team.set_setting("blind", "on", who="sam")
    team.view_as("marloes")
    assert export_segments(team, tmp_path / "mine.csv") == 1
    assert "daan" not in (tmp_path / "mine.csv").read_text(encoding="utf-8")
    result = cooccurrence(team, "overlap", None, Scope.of())
    assert sum(result.frequency.values()) == 1
    team.view_as("sam")
    assert export_segments(team, tmp_path / "all.csv") == 2


def test_blind_setting_is_audited_and_checked(team):
    assert not team.is_blind()
    team.set_setting("blind", "ON", who="ada")
    assert team.is_blind()
    assert team.audit_log(limit=1)[0].action == "setting.change"
    with pytest.raises(WorkbenchError, match="is one of on, off"):
        team.set_setting("blind", "maybe", who="ada")
    with pytest.raises(WorkbenchError, match="unknown setting"):
        team.set_setting("colour", "on", who="ada")


# ------------------------------------------------------------------------------------------- secrets
def test_no_password_in_any_table_but_its_hash(team, tmp_path):
    from workbench.exchange.segments_table import export_segments

    team.set_account_password("daan", "a-brand-new-passphrase", who="ada")
    export_segments(team, tmp_path / "all.xlsx")
    export_segments(team, tmp_path / "all.csv")
    path = Path(team.path)
    team.close()
    conn = sqlite3.connect(path)
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        for row in conn.execute(f'SELECT * FROM "{table}"'):
            for value in row:
                text = str(value)
                assert PASSWORD not in text and "a-brand-new-passphrase" not in text, table
                if table != "accounts":
                    assert "$argon2" not in text, table
    hashes = [r[0] for r in conn.execute("SELECT password_hash FROM accounts")]
    assert all(h.startswith("$argon2id$") for h in hashes)
    conn.close()
    for export in (tmp_path / "all.csv", tmp_path / "all.xlsx"):
        data = export.read_bytes()
        assert PASSWORD.encode() not in data and b"$argon2" not in data


def test_old_project_files_migrate_forward(tmp_path):
    """A file of schema 1 (before accounts) opens, gets the accounts and settings tables, and keeps its data."""
    from workbench.store import create_project
    from workbench.store.schema import MIGRATIONS

    path = tmp_path / "old.wbproj"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA application_id = 1463963203")
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    conn.execute("INSERT INTO schema_version VALUES (1)")
    conn.commit()
    conn.close()
    import sqlite_utils

    db = sqlite_utils.Database(str(path))
    MIGRATIONS[1](db)
    db["coders"].insert({"name": "marloes", "role": "coder"})
    db.close()
    with open_project(path) as project:
        assert not project.has_accounts() and not project.is_blind()
        assert [c["name"] for c in project.coders()] == ["marloes"]
        project.add_account("marloes", "admin", PASSWORD, who=Privileges.local())
        assert project.account("marloes").role == "admin"
    assert create_project  # the same module creates new files at the newest schema


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    """argon2id with small costs: the same code path, a fraction of the time (the real costs are argon2-cffi's
    defaults)."""
    from argon2 import PasswordHasher

    monkeypatch.setattr("workbench.auth._hasher", lambda: PasswordHasher(time_cost=1, memory_cost=1024,
                                                                         parallelism=1))


def test_blind_listing_counts_follow_other_coders_codings_unseen(team, tmp_path):
    """The Project listing's kept counts are moved only by codings the viewer may see; another viewer's counts are
    their own."""
    from workbench.store import open_project

    team.set_setting("blind", "on", who="sam")
    doc = team.document_id("ria")
    code = team.resolve_code("distrust").id
    team.view_as("marloes")
    assert [d.segments for d in team.documents()] == [1]
    with open_project(team.path) as other:  # another session codes as daan, then as marloes
        other.add_segment(doc, 30, 40, code, "daan")
        other.add_segment(doc, 45, 50, code, "marloes")
    assert [d.segments for d in team.documents()] == [2]
    team.view_as("sam")
    assert [d.segments for d in team.documents()] == [4]
    team.view_as("marloes")
    assert [d.segments for d in team.documents()] == [2]
