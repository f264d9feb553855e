"""Account and project-setting commands: ``workbench user add|list|passwd|role|remove`` and
``workbench project set|settings``.

The command line runs as the owner of the project file (who can read it with sqlite3 anyway): it may manage
accounts and settings. Passwords come from a prompt (asked twice) or, for scripts, from the first line of standard
input with ``--password-stdin``; they are never taken as an argument (they would show in the process list and the
shell history).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from typing import Any

from .cli_common import default_coder, open_from_args as _open
from .errors import WorkbenchError
from .output import out, print_json, table
from .privileges import ROLE_HELP, ROLES, Privileges


def _owner(args: argparse.Namespace) -> Privileges:
    return Privileges.local(default_coder())


def read_password(from_stdin: bool, prompt: str = "Password: ") -> str:
    """The new password: the first line of standard input, or typed twice at a prompt."""
    if from_stdin:
        line = sys.stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
        if password.endswith("\r"):
            password = password[:-1]
        if not password:
            raise WorkbenchError("no password on standard input")
        return password
    if not sys.stdin.isatty():
        raise WorkbenchError("no terminal to ask for the password: give it on standard input with --password-stdin")
    first = getpass.getpass(prompt)
    if getpass.getpass("Again: ") != first:
        raise WorkbenchError("the two passwords differ")
    return first



def cmd_user_add(args: argparse.Namespace) -> None:
    from .auth import check_password_strength

    password = check_password_strength(read_password(args.password_stdin))
    with _open(args) as project:
        account = project.add_account(args.name, args.role, password, who=_owner(args), email=args.email or "")
    out(f"added {account.role} {account.name}\n")


def cmd_user_list(args: argparse.Namespace) -> None:
    with _open(args) as project:
        accounts = project.accounts()
        coders = {c["name"].casefold(): c["segments"] for c in project.coders()}
    rows = [{**a.as_dict(), "segments": coders.get(a.name.casefold(), 0)} for a in accounts]
    if args.json:
        print_json(rows)
        return
    out(table([(r["name"], r["role"], r["email"], r["segments"], r["created"]) for r in rows],
              ("name", "role", "email", "segments", "created")))


def cmd_user_passwd(args: argparse.Namespace) -> None:
    from .auth import check_password_strength

    with _open(args) as project:
        if project.account(args.name) is None:
            raise WorkbenchError(f"no account named {' '.join(args.name.split())!r}")
        password = check_password_strength(read_password(args.password_stdin, "New password: "))
        project.set_account_password(args.name, password, who=_owner(args))
    out(f"changed the password of {args.name}\n")


def cmd_user_role(args: argparse.Namespace) -> None:
    with _open(args) as project:
        project.set_account_role(args.name, args.role, who=_owner(args))
    out(f"{args.name} is now {args.role}\n")


def cmd_user_remove(args: argparse.Namespace) -> None:
    with _open(args) as project:
        project.remove_account(args.name, who=_owner(args))
    out(f"removed account {args.name} (their codings stay, attributed to them)\n")


def cmd_project_set(args: argparse.Namespace) -> None:
    with _open(args) as project:
        project.set_setting(args.key, args.value, who=_owner(args))
    out(f"{args.key} is {args.value.strip().lower()}\n")


def cmd_project_settings(args: argparse.Namespace) -> None:
    from .store.accounts import SETTINGS

    with _open(args) as project:
        values = {key: project.setting(key) for key in SETTINGS}
        values["accounts"] = len(project.accounts())
    if args.json:
        print_json(values)
        return
    out(table(list(values.items()), ("setting", "value")))


def register_accounts(command: Callable[..., argparse.ArgumentParser], group: Callable[[str, str], Any],
                      project_arg: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add the ``user`` and ``project`` commands to the ``workbench`` parser."""
    users = group("user", "accounts of a project served to a team: add, list, passwd, role, remove")
    roles = "; ".join(f"{role}: {ROLE_HELP[role]}" for role in ROLES)
    sub = command("add", cmd_user_add, f"add an account ({roles})", users)
    project_arg(sub)
    sub.add_argument("name", metavar="NAME")
    sub.add_argument("--role", choices=ROLES, required=True)
    sub.add_argument("--email", metavar="ADDRESS", help="for single sign-on: the identity's e-mail address")
    sub.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    sub = command("list", cmd_user_list, "the accounts with their roles", users)
    project_arg(sub)
    sub.add_argument("--json", action="store_true")
    sub = command("passwd", cmd_user_passwd, "set a new password", users)
    project_arg(sub)
    sub.add_argument("name", metavar="NAME")
    sub.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    sub = command("role", cmd_user_role, "change an account's role", users)
    project_arg(sub)
    sub.add_argument("name", metavar="NAME")
    sub.add_argument("role", metavar="ROLE", choices=ROLES)
    sub = command("remove", cmd_user_remove, "remove an account (its codings stay, attributed)", users)
    project_arg(sub)
    sub.add_argument("name", metavar="NAME")

    settings = group("project", "project settings: blind coding")
    sub = command("set", cmd_project_set, "change a setting: blind on|off (coders see only their own codings)",
                  settings)
    project_arg(sub)
    sub.add_argument("key", metavar="SETTING", choices=("blind",))
    sub.add_argument("value", metavar="VALUE")
    sub = command("settings", cmd_project_settings, "the project's settings", settings)
    project_arg(sub)
    sub.add_argument("--json", action="store_true")
