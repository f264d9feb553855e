"""Refusals in the right words (issue 9 §1): the core's messages name no command-line flag, so the app shows them
as they are; the command line adds the flag that fixes a refusal in its own layer (``cli_common.CLI_HINTS``)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from workbench.cli_common import CLI_HINTS
from workbench.store import open_project

from .app_harness import app, empty_path, full_path, seeded_path, templates  # noqa: F401 - fixtures
from .app_harness import ok, values
from .conftest import TRANSCRIPT

PACKAGE = Path(__file__).resolve().parents[1] / "workbench"
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]*")


def _command_line_module(path: Path) -> bool:
    rel = path.relative_to(PACKAGE).as_posix()
    return rel.endswith("cli.py") or rel in ("cli_common.py", "serve.py")


def _refusals() -> list[tuple[str, int, ast.Call]]:
    """Every ``WorkbenchError(...)`` raised outside the command line's modules."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if _command_line_module(path):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "WorkbenchError":
                found.append((path.relative_to(PACKAGE).as_posix(), node.lineno, node))
    return found


def test_no_core_message_names_a_command_line_flag() -> None:
    named = [(where, line, value) for where, line, call in _refusals() for arg in call.args[:1]
             for value in [n.value for n in ast.walk(arg) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
             if FLAG.search(value)]
    assert len(_refusals()) > 100  # the scan sees the core's refusals
    assert named == []


def test_every_hint_key_of_the_core_has_the_command_lines_flag() -> None:
    keys = {kw.value.value for _, _, call in _refusals() for kw in call.keywords
            if kw.arg == "cli" and isinstance(kw.value, ast.Constant)}
    assert {"coder", "name", "max_mb", "force"} <= keys
    assert keys <= set(CLI_HINTS)
    assert all(FLAG.search(CLI_HINTS[k]) for k in keys)


def test_the_command_line_adds_its_flag(cli, tmp_path: Path) -> None:
    project = tmp_path / "p.wbproj"
    assert cli("init", project).returncode == 0
    big = tmp_path / "big.txt"
    big.write_text("R: " + "x" * 3000, encoding="utf-8")
    result = cli("import", project, big, "--max-mb", "0.001")
    assert result.returncode == 2
    assert result.stderr.endswith("over the limit of 0.001 MB; raise the size limit per file (--max-mb N)\n")
    ria = tmp_path / "ria.txt"
    ria.write_text(TRANSCRIPT, encoding="utf-8")
    assert cli("import", project, ria).returncode == 0
    other = tmp_path / "x" / "ria.txt"
    other.parent.mkdir()
    other.write_text("R: een ander verhaal.\n", encoding="utf-8")
    again = cli("import", project, other)
    assert again.returncode == 2 and again.stderr.count("\n") == 1
    assert again.stderr == ("error: a document named 'ria' already exists; rename the file or the document, or give "
                            "another name (--name NAME)\n")
    backup = tmp_path / "b.wbproj"
    assert cli("backup", project, backup).returncode == 0
    twice = cli("backup", project, backup)
    assert twice.returncode == 2 and twice.stderr.endswith("replace it (--force)\n")


def test_the_app_shows_the_same_refusals_without_flags(app, empty_path) -> None:
    at = app(empty_path, "project")
    at.file_uploader(key="upload_files").upload("ria.txt", TRANSCRIPT.encode("utf-8"), "text/plain")
    ok(at.form_submit_button[0].click().run())
    at = app(empty_path, "project")
    at.file_uploader(key="upload_files").upload("ria.txt", b"R: een ander verhaal.\n", "text/plain")
    ok(at.form_submit_button[0].click().run())
    [duplicate] = values(at.error)
    assert duplicate == ("Nothing was imported: a document named 'ria' already exists; rename the file or the "
                         "document, or give another name")
    at = app(empty_path, "project")
    at.number_input(key="upload_max_mb").set_value(1.0)
    at.file_uploader(key="upload_files").upload("big.txt", b"R: " + b"x" * (1024 * 1024 + 10), "text/plain")
    ok(at.form_submit_button[0].click().run())
    [too_big] = values(at.error)
    assert too_big.endswith("over the limit of 1 MB; raise the size limit per file") and not FLAG.search(too_big)
    with open_project(empty_path) as project:
        assert [d.name for d in project.documents()] == ["ria"]
