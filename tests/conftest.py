"""Shared fixtures: small projects built in a temporary folder, and a runner for the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from workbench.codebook import import_codebook
from workbench.ingest import import_sources
from workbench.store import Project, create_project

ROOT = Path(__file__).resolve().parent.parent

TRANSCRIPT = (
    "Interview over de buurt (fictief)\n"
    "Datum: 1 maart 2026\n"
    "\n"
    "Interviewer: Hoe lang woont u hier al?\n"
    "\n"
    "Ria: Sinds achtenzestig. Eh, toen was het hier nog nieuw, hè.\n"
    "Iedereen kende iedereen.\n"
    "\n"
    "Interviewer: En nu?\n"
    "\n"
    "Ria: Nu ken ik niemand meer. Ik vertrouw die gemeente voor geen meter. Maar Sanne van het buurtteam, die is goud.\n"
)

CODEBOOK = """
codes:
  - name: link work
    colour: "#1f77b4"
    definition: Connecting people to help.
    keywords: [linkwerk, warme overdracht]
    children:
      - name: best persons
        definition: A named person who makes it work.
  - name: distrust
    colour: "#d62728"
    children:
      - name: distrust of institutions
      - name: distrust among residents
  - name: participation fatigue
"""


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)


def run_cli(*args: str | Path, env: dict[str, str] | None = None) -> CliResult:
    """Run the installed ``workbench`` command (a real subprocess)."""
    script = Path(sys.executable).parent / "workbench"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "workbench"]
    completed = subprocess.run(
        command + [str(a) for a in args], capture_output=True, text=True, encoding="utf-8",
        env={**os.environ, "WORKBENCH_CODER": "tester", **(env or {})}, cwd=ROOT, timeout=120,
    )
    return CliResult(completed.returncode, completed.stdout, completed.stderr)


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def empty_project(tmp_path: Path) -> Project:
    project = create_project(tmp_path / "test.wbproj")
    yield project
    project.close()


@pytest.fixture
def project(empty_project: Project) -> Project:
    """A project with one transcript (``ria``) and a small codebook."""
    import_sources(empty_project, [("ria.txt", TRANSCRIPT.encode("utf-8"))])
    import_codebook(empty_project, CODEBOOK)
    return empty_project


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    """A closed project file with the ``ria`` transcript and the small codebook."""
    path = tmp_path / "p.wbproj"
    with create_project(path) as project:
        import_sources(project, [("ria.txt", TRANSCRIPT.encode("utf-8"))])
        import_codebook(project, CODEBOOK)
    return path


def file_state(path: Path) -> tuple[bytes, bool]:
    """The bytes of a closed project file, and whether a WAL file is lying beside it."""
    return path.read_bytes(), Path(str(path) + "-wal").exists()


def close_app_projects(apps) -> None:
    """Close the project connection each AppTest session opened (the app keeps one per session)."""
    for at in apps:
        try:
            project = at.session_state["_project"]
        except KeyError:
            continue
        project.close()


APP_MAIN = ROOT / "workbench" / "app" / "main.py"


@pytest.fixture
def app_on(monkeypatch: pytest.MonkeyPatch):
    """The one AppTest harness: ``app_on(path, page="project", argv=(), check=True, **state)`` runs the app on the
    project file ``path`` (None: no project), switched to ``views/<page>.py``, with ``state`` put in session state
    (then run again) and the command line isolated from pytest's; unless ``check`` is off, it asserts that the page
    raised nothing. Every session's project is closed afterwards."""
    from streamlit.testing.v1 import AppTest

    started: list = []

    def start(path: Path | None, page: str = "project", argv: Sequence[str] = (), check: bool = True, **state):
        if path is None:
            monkeypatch.delenv("WORKBENCH_PROJECT", raising=False)
        else:
            monkeypatch.setenv("WORKBENCH_PROJECT", str(path))
        monkeypatch.setattr(sys, "argv", [str(APP_MAIN), *argv])
        at = AppTest.from_file(str(APP_MAIN), default_timeout=60)
        started.append(at)
        at.run()
        if page != "project":
            at.switch_page(f"views/{page}.py")
            at.run()
        if state:
            for key, value in state.items():
                at.session_state[key] = value
            at.run()
        if check:
            assert not at.exception, [e.value for e in at.exception]
        return at

    yield start
    close_app_projects(started)
