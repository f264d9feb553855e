"""`workbench user …` and `workbench project set|settings`: the command-line contract for accounts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT, file_state

PASSWORD = "a-long-passphrase"


def run(*args: str | Path, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    script = Path(sys.executable).parent / "workbench"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "workbench"]
    return subprocess.run(command + [str(a) for a in args], input=stdin, capture_output=True, text=True,
                          env={**os.environ, "WORKBENCH_CODER": "tester", **(env or {})}, cwd=ROOT, timeout=120)


def test_user_commands(project_file):
    added = run("user", "add", project_file, "ada", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert run("user", "add", project_file, "Marloes", "--role", "coder", "--email", "m@example.org",
               "--password-stdin", stdin=PASSWORD).returncode == 0
    listed = run("user", "list", project_file, "--json")
    assert listed.returncode == 0
    import json

    rows = json.loads(listed.stdout)
    assert [(r["name"], r["role"], r["email"]) for r in rows] == [("ada", "admin", ""),
                                                                  ("Marloes", "coder", "m@example.org")]
    assert "argon2" not in listed.stdout and PASSWORD not in listed.stdout
    assert run("user", "role", project_file, "marloes", "supervisor").returncode == 0
    assert run("user", "passwd", project_file, "marloes", "--password-stdin", stdin="another-passphrase\n"
               ).returncode == 0
    from workbench.store import open_project

    with open_project(project_file) as project:
        assert project.account("marloes").role == "supervisor"
        assert project.check_login("marloes", "another-passphrase")
        assert not project.check_login("marloes", PASSWORD)
    removed = run("user", "remove", project_file, "marloes")
    assert removed.returncode == 0 and "codings stay" in removed.stdout
    table = run("user", "list", project_file)
    assert "ada" in table.stdout and "Marloes" not in table.stdout
    audit = run("audit", project_file, "--json")
    assert PASSWORD not in audit.stdout and "another-passphrase" not in audit.stdout and "argon2" not in audit.stdout


def test_user_errors_are_one_line_and_leave_the_file_unchanged(project_file):
    assert run("user", "add", project_file, "ada", "--role", "admin", "--password-stdin", stdin=PASSWORD
               ).returncode == 0
    before = file_state(project_file)
    for args, stdin, message in [
        (("user", "add", project_file, "ADA", "--role", "coder", "--password-stdin"), PASSWORD, "already exists"),
        (("user", "add", project_file, "bob", "--role", "coder", "--password-stdin"), "short", "at least 8"),
        (("user", "add", project_file, "bob", "--role", "coder", "--password-stdin"), "", "no password"),
        (("user", "add", project_file, "bob", "--role", "coder"), "", "--password-stdin"),
        (("user", "add", project_file, "bob", "--role", "boss", "--password-stdin"), PASSWORD, "invalid choice"),
        (("user", "role", project_file, "ada", "coder"), "", "only admin"),
        (("user", "remove", project_file, "nobody"), "", "no account named 'nobody'"),
        (("user", "passwd", project_file, "nobody", "--password-stdin"), PASSWORD, "no account named"),
        (("project", "set", project_file, "blind", "maybe"), "", "is one of on, off"),
    ]:
        result = run(*args, stdin=stdin)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
        assert message in result.stderr, (message, result.stderr)
        assert file_state(project_file) == before


def test_blind_setting_on_the_command_line(project_file):
    import json

    assert json.loads(run("project", "settings", project_file, "--json").stdout) == {"blind": "off", "accounts": 0}
    result = run("project", "set", project_file, "blind", "on")
    assert result.returncode == 0 and result.stdout == "blind is on\n"
    assert json.loads(run("project", "settings", project_file, "--json").stdout)["blind"] == "on"


def test_writes_in_a_project_with_accounts_need_an_account_with_the_role(project_file):
    run("user", "add", project_file, "ada", "--role", "admin", "--password-stdin", stdin=PASSWORD)
    run("user", "add", project_file, "stu", "--role", "student", "--password-stdin", stdin=PASSWORD)
    before = file_state(project_file)
    stranger = run("code", "add", project_file, "ria", "0", "10", "distrust", "--coder", "tester")
    assert stranger.returncode == 2 and "'tester' is not an account of this project" in stranger.stderr
    student = run("codebook", "add", project_file, "new", "--coder", "stu")
    assert student.returncode == 2 and "stu (student) may not edit the codebook" in student.stderr
    assert file_state(project_file) == before
    assert run("code", "add", project_file, "ria", "0", "10", "distrust", "--coder", "ada").returncode == 0


def test_serve_refuses_a_project_with_accounts_but_no_admin(project_file):
    run("user", "add", project_file, "marloes", "--role", "coder", "--password-stdin", stdin=PASSWORD)
    result = run("serve", project_file, "--port", "9")
    assert result.returncode == 2
    assert result.stderr == (f"error: {project_file} has accounts but no admin; add one first: workbench user add "
                             f"{project_file} NAME --role admin\n")
