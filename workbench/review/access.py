"""The permission questions of review and training, asked of the project's Privileges object (one place)."""

from __future__ import annotations

from typing import Any

from ..privileges import Privileges


def privileges_of(project: Any, who: str | Privileges) -> Privileges:
    """The acting user's privileges: given, or built by the store for a name (``Project.privileges``); a project
    whose store has no accounts is the single-user mode."""
    if isinstance(who, Privileges):
        return who
    build = getattr(project, "privileges", None)
    return build(who) if callable(build) else Privileges.local(who)
