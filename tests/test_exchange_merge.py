"""Merging team members' copies: three coders' copies of the demo, conflicts, all or nothing, audit."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workbench.demo import build_demo
from workbench.errors import WorkbenchError
from workbench.exchange.importing import export_qdpx
from workbench.exchange.merge import merge_file
from workbench.store import open_project

from .conftest import ROOT, file_state


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.wbproj"
    build_demo(path, source=ROOT)
    return path


def _copy(demo: Path, folder: Path, name: str) -> Path:
    target = folder / f"{name}.wbproj"
    shutil.copy(demo, target)
    return target


def _key(s) -> tuple:
    return (s.document, s.start, s.end, s.code, s.coder)


def test_three_coders_copies_merge_every_coding_once(demo: Path, tmp_path: Path) -> None:
    copies = {name: _copy(demo, tmp_path, name) for name in ("lead", "anouk", "bram")}
    added: dict[str, list[tuple]] = {}
    for offset, name in enumerate(copies):
        with open_project(copies[name]) as project:
            doc = project.documents()[offset]
            code = project.codes()[offset + 1]
            first = project.add_segment(doc.id, 10, 40, code.id, name, memo=f"{name} was here")
            second = project.add_segment(doc.id + 1, 100, 160, project.codes()[0].id, name)
            project.add_memo(f"{name}'s idea", name)
            if name == "bram":
                project.add_code("bram's new code", None, who=name)
                third = project.add_segment(doc.id, 200, 230, project.resolve_code("bram's new code").id, name)
                added[name] = [_key(project.segment(i)) for i in (first, second, third)]
            else:
                added[name] = [_key(project.segment(i)) for i in (first, second)]
    with open_project(demo) as original:
        base = [_key(s) for s in original.segments()]
    with open_project(copies["lead"]) as lead:
        with open_project(copies["bram"]) as bram:
            export_qdpx(bram, tmp_path / "bram.qdpx")
        report_a = merge_file(lead, copies["anouk"], who="lead")
        report_b = merge_file(lead, tmp_path / "bram.qdpx", who="lead")
        merged = [_key(s) for s in lead.segments()]
        memos = [m.text for m in lead.memos()]
        assert lead.resolve_code("bram's new code").name == "bram's new code"
        entries = lead.audit_log()
        audit = [e.action for e in entries]
    expected = base + added["lead"] + added["anouk"] + added["bram"]
    assert sorted(merged) == sorted(expected)  # every coding once
    assert len(set(merged)) == len(merged)
    assert report_a.imported["segments"] == 2 and report_a.imported["codings already here"] == len(base)
    assert report_b.imported["segments"] == 3 and report_b.imported["codes"] == 1
    assert {"anouk's idea", "bram's idea", "lead's idea"} <= set(memos)
    assert sum(len(e.after["segments"]) for e in entries if e.action == "segments.import") == 5
    assert audit.count("project.import") == 2
    assert not report_a.conflicts or all("only in" not in c for c in report_a.conflicts)


def test_conflicts_are_listed_and_nothing_here_is_overwritten(demo: Path, tmp_path: Path) -> None:
    mine, theirs = _copy(demo, tmp_path, "mine"), _copy(demo, tmp_path, "theirs")
    with open_project(theirs) as project:
        code = project.codes()[0]
        project.update_code(code.id, name="renamed there", definition="another definition")
        doc = project.documents()[0]
        segment = project.segments(document_ids=[doc.id])[0]
        project.update_segment(segment.id, segment.coder, end=segment.end + 3)
    with open_project(mine) as project:
        before = [(c.guid, c.path, c.definition) for c in project.codes()]
        report = merge_file(project, theirs)
        assert [(c.guid, c.path, c.definition) for c in project.codes()] == before
    assert any("renamed there" in c and "kept this project's" in c for c in report.conflicts)
    assert any("definition differ" in c for c in report.conflicts)
    assert any("overlaps this project's coding" in c for c in report.conflicts)
    assert report.imported["segments"] == 0


def test_merge_is_all_or_nothing(demo: Path, tmp_path: Path) -> None:
    mine = _copy(demo, tmp_path, "mine")
    before = file_state(mine)
    with open_project(mine) as project:
        with pytest.raises(WorkbenchError, match="into itself"):
            merge_file(project, mine)
        broken = tmp_path / "broken.wbproj"
        broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
        with pytest.raises(WorkbenchError):
            merge_file(project, broken)
    assert file_state(mine) == before


def test_cli_merge_json(cli, demo: Path, tmp_path: Path) -> None:
    mine, other = _copy(demo, tmp_path, "mine"), _copy(demo, tmp_path, "other")
    assert cli("code", "add", other, "bewoner-ria", "5", "25", "distrust", "--coder", "zoe").returncode == 0
    result = cli("merge", mine, other, "--json")
    assert result.returncode == 0, result.stderr
    assert result.json()["imported"]["segments"] == 1
    assert any(s["coder"] == "zoe" for s in cli("segments", mine, "--json", "--coder", "zoe").json())
    missing = cli("merge", mine, tmp_path / "nope.wbproj")
    assert missing.returncode == 2 and missing.stderr.startswith("error: no file at")
