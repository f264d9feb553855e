"""The one error type the workbench raises for anything a user can get wrong, and the one-line message for an
error of the project file itself (busy, damaged), shared by the command line and the app."""

from __future__ import annotations

import sqlite3


class WorkbenchError(Exception):
    """A problem with the user's input or project, with a one-line message meant for the user.

    The message is in words that fit everywhere (the app shows it as it is): it names no command-line flag.
    When the command line's user fixes it with a flag, ``cli`` names what is missing (a key such as ``"coder"``
    or ``"force"``), and the command line adds its flag to the line it prints (``workbench.cli_common``): exit
    status 2, ``error: <message> (<flag>)``. Whatever raised it has left the project file exactly as it was.
    """

    def __init__(self, message: str, cli: str | None = None) -> None:
        super().__init__(" ".join(str(message).split()))
        self.cli = cli

    @property
    def message(self) -> str:
        return str(self)


def store_error_message(exc: sqlite3.Error) -> str:
    """One line for an SQLite error: the same words on the command line (``error: …``) and in the app."""
    detail = " ".join(str(exc).split())
    if isinstance(exc, sqlite3.OperationalError) and "locked" in detail:
        return ("the project file is busy: another program or coder kept it locked too long (database is "
                "locked); nothing was changed, try again")
    if isinstance(exc, sqlite3.OperationalError):
        return f"the project file could not be read or written ({detail}); is another program using it?"
    return f"the project file is damaged ({detail}); restore it from a backup (workbench restore)"
