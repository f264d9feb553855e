"""``workbench group add|remove|list``: document groups (sets) from the command line; ``--group`` on
``segments`` and ``export`` (the analysis commands take it through their shared filters)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from .cli_common import default_coder
from .output import out, print_json, table


def _who(args: argparse.Namespace) -> str:
    return args.coder or default_coder()


def cmd_group_add(args: argparse.Namespace) -> None:
    from .store import open_project

    with open_project(args.project) as project:
        exists = any(g.name.lower() == " ".join(args.group.split()).lower() for g in project.groups())
        if exists and not args.documents:
            project.add_group(args.group, who=_who(args))  # refused: says it exists
        added = project.add_to_group(args.group, args.documents, who=_who(args))
    out(f"{'group' if exists else 'new group'} {args.group!r}: {added} document(s) added\n")


def cmd_group_remove(args: argparse.Namespace) -> None:
    from .store import open_project

    with open_project(args.project) as project:
        if args.documents:
            removed = project.remove_from_group(args.group, args.documents, who=_who(args))
            out(f"group {args.group!r}: {removed} document(s) taken out\n")
        else:
            project.remove_group(args.group, who=_who(args))
            out(f"group {args.group!r} removed (its documents stay in the project)\n")


def cmd_group_list(args: argparse.Namespace) -> None:
    from .store import open_project

    with open_project(args.project) as project:
        groups = project.groups()
    if args.json:
        print_json([{"name": g.name, "guid": g.guid, "documents": list(g.documents)} for g in groups])
        return
    out(table([(g.name, len(g.documents), ", ".join(g.documents)) for g in groups],
              ("group", "documents", "names")))


def group_document_ids(project: Any, groups: list[str] | None, document_ids: list[int] | None) -> list[int] | None:
    """``--group`` narrowed onto ``--document`` (None: no filter)."""
    if not groups:
        return document_ids
    in_groups = project.group_document_ids(groups)
    return [d for d in (document_ids if document_ids is not None else sorted(in_groups)) if d in in_groups]


def register_groups(group: Callable[[str, str], Any], command: Callable[..., argparse.ArgumentParser],
                    project_arg: Callable[[argparse.ArgumentParser], None],
                    coder_arg: Callable[[argparse.ArgumentParser], None]) -> None:
    actions = group("group", "document groups (sets), e.g. residents and professionals, for --group filters")
    sub = command("add", cmd_group_add, "create a group and/or put documents in it", actions)
    project_arg(sub)
    sub.add_argument("group", metavar="GROUP")
    sub.add_argument("documents", metavar="DOCUMENT", nargs="*")
    coder_arg(sub)
    sub = command("remove", cmd_group_remove, "take documents out of a group, or remove the group", actions)
    project_arg(sub)
    sub.add_argument("group", metavar="GROUP")
    sub.add_argument("documents", metavar="DOCUMENT", nargs="*")
    coder_arg(sub)
    sub = command("list", cmd_group_list, "the groups and their documents", actions)
    project_arg(sub)
    sub.add_argument("--json", action="store_true")
