"""What the command line's modules share: who acts when no one is named, opening the project of a command, and
the flag that fixes a refusal (the core's messages name no flags; the command line adds its own)."""

from __future__ import annotations

import argparse
import getpass
import os
from typing import Any


def default_coder() -> str:
    """The coder when none is given: ``$WORKBENCH_CODER``, else the login name."""
    name = os.environ.get("WORKBENCH_CODER", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:
        return "coder"


def open_from_args(args: argparse.Namespace) -> Any:
    """The project file named by the command's PROJECT argument, opened."""
    from .store import open_project

    return open_project(args.project)


# What a refusal's ``cli`` key asks for, as the command line's flag (the app has its own controls for these).
CLI_HINTS = {
    "coder": "--coder NAME",
    "account": "--coder NAME: your account's name",
    "add_account": "an admin adds it with: workbench user add PROJECT NAME --role coder",
    "name": "--name NAME",
    "max_mb": "--max-mb N",
    "force": "--force",
    "cases": "--cases CSV",
    "document": "--document D",
    "source": "--source FOLDER",
    "distance": "--distance N",
    "overlap": "--overlap PERCENT",
    "coders": "--coders A,B",
    "period": "--since, --until",
    "consensus": "--consensus NAME",
    "span": "--start N --end N",
}


def cli_message(exc: Exception) -> str:
    """A refusal as the command line prints it: the message, with the flag that fixes it."""
    hint = CLI_HINTS.get(getattr(exc, "cli", None) or "")
    return f"{exc} ({hint})" if hint else str(exc)
