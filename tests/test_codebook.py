"""Codebook: YAML in and out, and rename / move / merge / recolour / delete, all audited."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from workbench.codebook import code_tree, export_codebook, import_codebook, load_yaml
from workbench.errors import WorkbenchError

ROOT = Path(__file__).resolve().parent.parent


def _names(tree):
    for node in tree:
        yield node["name"]
        yield from _names(node["children"])


def test_import_builds_the_tree(project) -> None:
    tree = code_tree(project)
    assert [n["name"] for n in tree] == ["link work", "distrust", "participation fatigue"]
    link = tree[0]
    assert link["definition"] == "Connecting people to help."
    assert link["keywords"] == ["linkwerk", "warme overdracht"]
    assert link["colour"] == "#1f77b4"
    assert [c["name"] for c in link["children"]] == ["best persons"]
    assert project.resolve_code("best persons").path == "link work/best persons"
    assert all(node["segments"] == 0 for node in tree)


def test_export_round_trips(project, tmp_path) -> None:
    text = export_codebook(project)
    document = yaml.safe_load(text)
    assert document["codes"][0]["name"] == "link work"
    assert document["codes"][0]["children"][0]["name"] == "best persons"
    from workbench.store import create_project

    with create_project(tmp_path / "copy.wbproj") as copy:
        import_codebook(copy, text)
        assert [c.path for c in copy.codes()] == [c.path for c in project.codes()]
        assert [c.colour for c in copy.codes()] == [c.colour for c in project.codes()]
        assert [c.guid for c in copy.codes()] == [c.guid for c in project.codes()]  # stable GUIDs travel along


def test_reimport_updates_without_duplicates(project) -> None:
    counts = import_codebook(project, "codes:\n  - name: distrust\n    definition: New text.\n  - name: new one\n")
    assert counts == {"added": 1, "updated": 1}
    assert project.resolve_code("distrust").definition == "New text."
    assert len(project.codes()) == 7


@pytest.mark.parametrize("text,message", [
    ("codes: [", "not valid YAML"),
    ("title: x", "no top-level 'codes:'"),
    ("codes:\n  - definition: nameless", "needs a 'name'"),
    ("codes:\n  - name: a\n  - name: a", "appears twice"),
    ("codes:\n  - name: a\n    colour: red", "not a hex colour"),
    ("codes:\n  - name: a\n    bogus: 1", "unknown field"),
    ("codes:\n  - name: a\n    keywords: one", "must be a list"),
])
def test_bad_codebooks_are_refused_and_change_nothing(project, text, message) -> None:
    before = [c.path for c in project.codes()]
    with pytest.raises(WorkbenchError, match=message):
        import_codebook(project, text)
    assert [c.path for c in project.codes()] == before


def test_the_study_codebook_is_complete_and_documented() -> None:
    document = load_yaml((ROOT / "codebook" / "geuzenveld.yaml").read_bytes())
    names = list(_names([_as_node(c) for c in document["codes"]]))
    for required in ("link work", "distrust", "fragmentation", "participation fatigue", "best persons",
                     "welfare on prescription", "bonding social capital", "bridging social capital",
                     "linking social capital"):
        assert required in names

    def check(items):
        for item in items:
            for key in ("colour", "definition", "when_to_use", "when_not_to_use", "example", "keywords"):
                assert item.get(key), f"{item['name']} lacks {key}"
            check(item.get("children", []))

    check(document["codes"])


def _as_node(item):
    return {"name": item["name"], "children": [_as_node(c) for c in item.get("children", [])]}


def test_rename_and_clash(project) -> None:
    code = project.resolve_code("distrust")
    project.update_code(code.id, who="sup", name="wantrouwen")
    assert project.code(code.id).path == "wantrouwen"
    assert project.resolve_code("distrust of institutions").path == "wantrouwen/distrust of institutions"
    with pytest.raises(WorkbenchError, match="already exists"):
        project.update_code(code.id, who="sup", name="link work")
    entry = project.audit_log()[0]
    assert entry.action == "code.rename" and entry.before["name"] == "distrust"
    assert entry.after["name"] == "wantrouwen" and entry.who == "sup"


def test_recolour(project) -> None:
    code = project.resolve_code("distrust")
    project.update_code(code.id, who="sup", colour="#ABC")
    assert project.code(code.id).colour == "#aabbcc"
    with pytest.raises(WorkbenchError, match="hex colour"):
        project.update_code(code.id, who="sup", colour="blue")
    assert project.audit_log()[0].action == "code.recolour"


def test_move_and_cycles(project) -> None:
    fatigue = project.resolve_code("participation fatigue")
    distrust = project.resolve_code("distrust")
    project.move_code(fatigue.id, distrust.id, who="sup")
    assert project.code(fatigue.id).path == "distrust/participation fatigue"
    with pytest.raises(WorkbenchError, match="under itself"):
        project.move_code(distrust.id, fatigue.id, who="sup")
    project.move_code(fatigue.id, None, who="sup")
    assert project.code(fatigue.id).path == "participation fatigue"
    assert project.audit_log()[0].action == "code.move"


def test_same_name_under_different_parents_needs_a_path(project) -> None:
    project.add_code("other", parent_id=project.resolve_code("link work").id)
    project.add_code("other", parent_id=project.resolve_code("distrust").id)
    with pytest.raises(WorkbenchError, match="ambiguous"):
        project.resolve_code("other")
    assert project.resolve_code("distrust/other").path == "distrust/other"


def test_merge_moves_segments_joins_overlaps_and_children(project) -> None:
    doc = project.documents()[0].id
    source = project.resolve_code("distrust")
    target = project.resolve_code("participation fatigue")
    project.add_segment(doc, 0, 10, source.id, "marloes", memo="a")
    project.add_segment(doc, 5, 15, target.id, "marloes", memo="b")
    project.add_segment(doc, 40, 50, source.id, "daan")
    moved = project.merge_codes(source.id, target.id, who="sup")
    assert moved == 2
    segments = project.segments(code_ids=[target.id])
    assert [(s.start, s.end, s.coder) for s in segments] == [(0, 15, "marloes"), (40, 50, "daan")]
    assert set(segments[0].memo.split("\n")) == {"a", "b"}
    assert project.resolve_code("distrust of institutions").path == (
        "participation fatigue/distrust of institutions")
    with pytest.raises(WorkbenchError, match="unknown code 'distrust'"):
        project.resolve_code("distrust")
    assert any(e.action == "code.merge" for e in project.audit_log())


def test_merge_refuses_self_and_descendant(project) -> None:
    parent = project.resolve_code("distrust")
    child = project.resolve_code("distrust of institutions")
    with pytest.raises(WorkbenchError, match="itself"):
        project.merge_codes(parent.id, parent.id)
    with pytest.raises(WorkbenchError, match="own child"):
        project.merge_codes(parent.id, child.id)


def test_delete_is_refused_while_used(project) -> None:
    doc = project.documents()[0].id
    code = project.resolve_code("participation fatigue")
    project.add_segment(doc, 0, 10, code.id, "marloes")
    with pytest.raises(WorkbenchError, match="used by 1 segment"):
        project.delete_code(code.id, who="sup")
    with pytest.raises(WorkbenchError, match="child code"):
        project.delete_code(project.resolve_code("distrust").id, who="sup", delete_segments=True)
    assert project.stats()["segments"] == 1
    assert project.delete_code(code.id, who="sup", delete_segments=True) == 1
    assert project.stats()["segments"] == 0
    actions = [e.action for e in project.audit_log()[:2]]
    assert actions == ["code.delete", "segment.delete"]
