"""``workbench backup`` and ``workbench restore``, and the automatic backups of ``workbench serve``."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable

from .output import out
from .store.backup import backup_folder, backup_project, restore_project, rotate_backup

BACKUPS_ENV = "WORKBENCH_BACKUPS"


def cmd_backup(args: argparse.Namespace) -> None:
    target = backup_project(args.project, args.out, force=args.force)
    out(f"backed up {args.project} to {target}\n")


def cmd_restore(args: argparse.Namespace) -> None:
    saved = restore_project(args.backup, args.project, force=args.force)
    out(f"restored {args.project} from {args.backup}" + (f"; the replaced file is kept as {saved}" if saved else "")
        + "\n")


def serve_backup(project: str, keep: int) -> None:
    """The backup taken when ``workbench serve`` starts (rotating, ``keep`` newest); the app then takes one a day.
    ``$WORKBENCH_BACKUPS`` passes the count on to the app."""
    os.environ[BACKUPS_ENV] = str(keep)
    target = rotate_backup(project, keep)
    if target is not None:
        out(f"backup: {target} (keeping the newest {keep} in {backup_folder(project)}; --backups 0 turns this off)\n")


def register_backup(command: Callable[..., argparse.ArgumentParser],
                    project_arg: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``backup`` and ``restore`` to the ``workbench`` parser."""
    sub = command("backup", cmd_backup, "copy the project while it is in use (every committed change included)")
    project_arg(sub)
    sub.add_argument("out", metavar="OUT", help="the backup file (or a folder to put it in)")
    sub.add_argument("--force", action="store_true", help="replace OUT if it exists")
    sub = command("restore", cmd_restore, "put a backup in place of the project")
    sub.add_argument("backup", metavar="BACKUP", help="the backup file")
    project_arg(sub)
    sub.add_argument("--force", action="store_true",
                     help="replace an existing project (it is first kept as <name>.before-restore-<time>.wbproj)")
