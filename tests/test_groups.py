"""Document groups (sets): the store keeps them (audited, migrated into old files), the command line manages them
(``workbench group add|remove|list``), and ``--group`` narrows every analysis and listing to their documents."""

from __future__ import annotations

import pytest

from workbench.analysis.cooccurrence import cooccurrence
from workbench.analysis.data import Scope
from workbench.errors import WorkbenchError
from workbench.ingest import import_sources
from workbench.store import create_project, open_project

from .conftest import file_state
from .test_analysis import CODINGS, OTHER, TEXT, add_codings, add_study_codes
from .test_cli import assert_error

THIRD = "A: Een twee drie."


@pytest.fixture
def study_path(tmp_path):
    path = tmp_path / "g.wbproj"
    with create_project(path) as project:
        import_sources(project, [("t.txt", TEXT.encode()), ("u.txt", OTHER.encode()), ("v.txt", THIRD.encode())],
                       language="nl")
        add_study_codes(project)
        add_codings(project, CODINGS + [("X", "marloes", "v", "Een twee drie."), ("Y", "marloes", "v", "twee")])
    return path


def test_groups_in_the_store_are_audited(study_path):
    with open_project(study_path) as project:
        assert project.add_to_group("residents", ["t", "v"], who="ann") == 2
        assert project.add_to_group("Residents", ["t"], who="ann") == 0  # already in it; names are caseless
        project.add_to_group("professionals", ["u"], who="ann")
        assert [(g.name, g.documents) for g in project.groups()] == [("professionals", ("u",)),
                                                                     ("residents", ("t", "v"))]
        with pytest.raises(WorkbenchError, match="already exists"):
            project.add_group("RESIDENTS")
        with pytest.raises(WorkbenchError, match="no document named"):
            project.add_to_group("residents", ["nope"])
        assert project.remove_from_group("residents", ["v"], who="bob") == 1
        project.remove_group("professionals", who="bob")
        assert [(g.name, g.documents) for g in project.groups()] == [("residents", ("t",))]
        actions = [e.action for e in project.audit_log()]
    assert actions[:5] == ["group.remove", "group.documents.remove", "group.documents.add", "group.add",
                           "group.documents.add"]


def test_an_old_project_file_gets_the_groups_tables(tmp_path, monkeypatch):
    from workbench.store import files, schema

    step = next(n for n, f in schema.MIGRATIONS.items() if (f.__doc__ or "").startswith("Document groups"))
    monkeypatch.setattr(files, "SCHEMA_VERSION", step - 1)  # a file from before document groups
    path = tmp_path / "old.wbproj"
    with create_project(path) as project:
        import_sources(project, [("t.txt", TEXT.encode())], language="nl")
        assert "groups" not in project.db.table_names()
    monkeypatch.undo()
    with open_project(path) as project:
        assert project.groups() == []
        project.add_to_group("residents", ["t"])
        assert project.groups()[0].documents == ("t",)


def test_group_scope_counts_only_the_groups_documents(study_path):
    with open_project(study_path) as project:
        project.add_to_group("residents", ["t"])
        project.add_to_group("others", ["v"])
        everything = cooccurrence(project, "overlap").counts
        residents = cooccurrence(project, "overlap", scope=Scope.of(groups=["residents"]))
        both = cooccurrence(project, "overlap", scope=Scope.of(groups=["residents", "others"]))
        alone_v = cooccurrence(project, "overlap", scope=Scope.of(documents=["v"]))
        with_doc = cooccurrence(project, "overlap", scope=Scope.of(groups=["residents"], documents=["u"]))
        x, y = project.resolve_code("X").id, project.resolve_code("Y").id
    key = (min(x, y), max(x, y))
    assert everything[key] == 3 and residents.counts[key] == 2 and both.counts[key] == 3  # by hand: t 2, v 1
    assert alone_v.counts[key] == 1 and with_doc.counts == {}
    assert "document group: residents" in residents.explanation


def test_cli_group_commands_and_the_group_filter(study_path, cli, tmp_path):
    assert cli("group", "add", study_path, "residents", "t", "v").returncode == 0
    assert cli("group", "add", study_path, "professionals", "u").returncode == 0
    listed = cli("group", "list", study_path, "--json").json()
    assert [(g["name"], g["documents"]) for g in listed] == [("professionals", ["u"]), ("residents", ["t", "v"])]
    assert "residents" in cli("group", "list", study_path).stdout

    residents = cli("cooccurrence", study_path, "--group", "residents", "--format", "json").json()
    assert {(p["a"], p["b"]): p["count"] for p in residents["pairs"]}[("X", "Y")] == 3
    assert cli("frequencies", study_path, "--group", "professionals", "--no-coders", "--format", "json").json()
    segments = cli("segments", study_path, "--group", "professionals", "--json").json()
    assert {s["document"] for s in segments} == {"u"}
    passages = cli("passages", study_path, "X", "Y", "--group", "residents", "--format", "json").json()
    assert {p["document"] for p in passages["passages"]} == {"t", "v"}
    out = tmp_path / "pro.csv"
    assert cli("export", study_path, out, "--group", "professionals").returncode == 0
    assert {line.split(",")[0] for line in out.read_text().splitlines()[1:]} == {"u"}
    report = tmp_path / "r.md"
    assert cli("report", study_path, report, "--group", "residents").returncode == 0

    assert cli("group", "remove", study_path, "residents", "v").returncode == 0
    assert cli("group", "remove", study_path, "professionals").returncode == 0
    assert [(g["name"], g["documents"]) for g in cli("group", "list", study_path, "--json").json()] == [
        ("residents", ["t"])]


def test_cli_group_errors_leave_the_file_unchanged(study_path, cli):
    assert cli("group", "add", study_path, "residents", "t").returncode == 0
    before = file_state(study_path)
    assert_error(cli("group", "add", study_path, "residents"), "already exists")
    assert_error(cli("group", "add", study_path, "new", "nope"), "no document named 'nope'")
    assert_error(cli("group", "remove", study_path, "nobody"), "no document group named 'nobody'")
    assert_error(cli("cooccurrence", study_path, "--group", "nobody"), "no document group named 'nobody'")
    assert_error(cli("segments", study_path, "--group", "nobody"), "no document group named 'nobody'")
    assert file_state(study_path) == before
