"""The permission questions of review and training, asked of the project's Privileges object (one place)."""

from __future__ import annotations

from typing import Any

from ..privileges import Privileges


def privileges_of(project: Any, who: str | Privileges) -> Privileges:
    """The acting user's privileges, as the store builds them (``Project.privileges``): an account's in a project
    with accounts, else the single-user mode; a Privileges object is taken as it is (with the project's blind
    setting)."""
    return project.privileges(who)
