"""What the command line's modules share: who acts when no one is named, and opening the project of a command."""

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
