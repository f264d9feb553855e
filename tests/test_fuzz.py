"""Fuzzing every importer through the command line (issue 10, §1): generated bad files only (mutations of valid
docx/odt/pdf/vtt/srt/txt/md, cases CSV, codebook YAML and codings CSV, plus fixed hostile files). Each must give
exit status 2 with one ``error:`` line and leave the project byte-for-byte unchanged, or import cleanly (status 0);
no other status, no traceback, and never more than 10 s for one file (the worker is killed then: a subprocess
timeout, not an assertion on speed)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import run_cli
from .fuzzing import TIMEOUT, Worker, hostile, make_template, mutated, problems, run_case


@pytest.fixture(scope="module")
def worker():
    running = Worker()
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return make_template(tmp_path_factory.mktemp("fuzz-template"))


def _check(worker, cases, template: Path, folder: Path) -> None:
    failures = []
    for case in cases:
        outcome = run_case(worker, case, template, folder, TIMEOUT)
        failures += [f"{case.name}: {problem}" for problem in problems(outcome)]
    assert not failures, "\n".join(failures)


def test_hostile_files_are_refused_or_imported_cleanly(worker, template, tmp_path) -> None:
    _check(worker, hostile(), template, tmp_path)


def test_mutated_files_are_refused_or_imported_cleanly(worker, template, tmp_path) -> None:
    _check(worker, mutated(100, seed=10), template, tmp_path)


@pytest.mark.slow
def test_more_mutations_and_large_hostile_files(worker, template, tmp_path) -> None:
    _check(worker, [c for c in hostile(large=True) if c.name == "block.txt"] + mutated(250, seed=11), template,
           tmp_path)


@pytest.mark.slow
def test_hostile_files_through_the_console_script(template, tmp_path) -> None:
    """The same contract through the installed ``workbench`` command, for a few of the hostile files."""
    chosen = {"bomb.docx", "deep.odt", "spreadsheet.odt", "deep.yaml", "cr-only.csv", "nul.txt"}
    for case in [c for c in hostile() if c.name in chosen]:
        project = tmp_path / "p.wbproj"
        shutil.copyfile(template, project)
        before = project.read_bytes()
        path = tmp_path / case.name
        path.write_bytes(case.data)
        result = run_cli(*case.command(project, path))
        assert result.returncode in (0, 2), (case.name, result.stderr)
        if result.returncode == 2:
            lines = result.stderr.splitlines()
            assert len(lines) == 1 and lines[0].startswith("error: "), (case.name, result.stderr)
            assert project.read_bytes() == before, case.name
