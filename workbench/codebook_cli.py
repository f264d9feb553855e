"""``workbench codebook …`` and ``workbench codes``: the codebook on the command line (see the README)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from .cli_common import default_coder, open_from_args as _open
from .output import out, print_json, table


def cmd_codebook_import(args: argparse.Namespace) -> None:
    from .codebook import import_codebook_file
    from .exchange.cli import codebook_import_file

    if codebook_import_file(args):
        return

    with _open(args) as project:
        counts = import_codebook_file(project, args.file, who=args.coder or default_coder())
    out(f"codebook imported: {counts['added']} codes added, {counts['updated']} updated\n")


def cmd_codebook_export(args: argparse.Namespace) -> None:
    from .codebook import export_codebook_file
    from .exchange.cli import codebook_export_file

    if codebook_export_file(args):
        return

    with _open(args) as project:
        export_codebook_file(project, args.file)
    out(f"codebook written to {args.file}\n")


def cmd_codebook_add(args: argparse.Namespace) -> None:
    with _open(args) as project:
        parent = project.resolve_code(args.parent).id if args.parent else None
        code_id = project.add_code(args.name, parent, colour=args.colour, who=args.coder or default_coder(),
                                   definition=args.definition or "", when_to_use=args.when_to_use or "",
                                   when_not_to_use=args.when_not_to_use or "", example=args.example or "",
                                   keywords=[k.strip() for k in (args.keywords or "").split(",") if k.strip()])
        out(f"added code {project.code(code_id).path}\n")


def cmd_codebook_rename(args: argparse.Namespace) -> None:
    with _open(args) as project:
        code = project.resolve_code(args.code)
        project.update_code(code.id, who=args.coder or default_coder(), name=args.new_name)
        out(f"renamed {code.path} to {project.code(code.id).path}\n")


def cmd_codebook_recolour(args: argparse.Namespace) -> None:
    with _open(args) as project:
        code = project.resolve_code(args.code)
        project.update_code(code.id, who=args.coder or default_coder(), colour=args.colour)
        out(f"recoloured {code.path} to {project.code(code.id).colour}\n")


def cmd_codebook_edit(args: argparse.Namespace) -> None:
    with _open(args) as project:
        code = project.resolve_code(args.code)
        fields = {k: getattr(args, k) for k in ("definition", "when_to_use", "when_not_to_use", "example")}
        if args.keywords is not None:
            fields["keywords"] = [k.strip() for k in args.keywords.split(",") if k.strip()]
        project.update_code(code.id, who=args.coder or default_coder(), **fields)
        out(f"updated {code.path}\n")


def cmd_codebook_move(args: argparse.Namespace) -> None:
    with _open(args) as project:
        code = project.resolve_code(args.code)
        parent = None if args.parent in (None, "", "/") else project.resolve_code(args.parent).id
        project.move_code(code.id, parent, who=args.coder or default_coder())
        out(f"moved to {project.code(code.id).path}\n")


def cmd_codebook_merge(args: argparse.Namespace) -> None:
    with _open(args) as project:
        source, target = project.resolve_code(args.source), project.resolve_code(args.target)
        moved = project.merge_codes(source.id, target.id, who=args.coder or default_coder())
        out(f"merged {source.path} into {target.path}: {moved} segments moved\n")


def cmd_codebook_delete(args: argparse.Namespace) -> None:
    with _open(args) as project:
        code = project.resolve_code(args.code)
        deleted = project.delete_code(code.id, who=args.coder or default_coder(),
                                      delete_segments=args.delete_segments)
        out(f"deleted {code.path}" + (f" and its {deleted} segments" if deleted else "") + "\n")


def _code_rows(nodes: list[dict[str, Any]], depth: int = 0) -> list[tuple[str, str, int, str]]:
    rows = []
    for node in nodes:
        definition = " ".join(node["definition"].split())
        rows.append(("  " * depth + node["name"], node["colour"], node["segments"],
                     definition[:70] + ("…" if len(definition) > 70 else "")))
        rows.extend(_code_rows(node["children"], depth + 1))
    return rows


def cmd_codes(args: argparse.Namespace) -> None:
    from .codebook import code_tree

    with _open(args) as project:
        tree = code_tree(project)
    if args.json:
        print_json(tree)
        return
    out(table(_code_rows(tree), ("code", "colour", "segments", "definition")))


def _guidance_options(sub: argparse.ArgumentParser) -> None:
    for option in ("definition", "when-to-use", "when-not-to-use", "example"):
        sub.add_argument(f"--{option}", metavar="TEXT")
    sub.add_argument("--keywords", metavar="A,B,C")


def register_codebook(command: Callable[..., Any], codebook_commands: Any, project_arg: Callable[..., None],
                      coder_arg: Callable[..., None]) -> None:
    """Add the ``codebook`` actions and the ``codes`` command to the parser."""
    sub = command("import", cmd_codebook_import, "merge a codebook (.yaml, or REFI-QDA .qdc) into the project",
                  codebook_commands)
    project_arg(sub)
    sub.add_argument("file", metavar="FILE")
    sub.add_argument("--json", action="store_true", help="the report as JSON (.qdc)")
    coder_arg(sub)
    sub = command("export", cmd_codebook_export, "write the codebook as .yaml, REFI-QDA .qdc, .md or .docx",
                  codebook_commands)
    project_arg(sub)
    sub.add_argument("file", metavar="FILE")
    sub = command("add", cmd_codebook_add, "add a code", codebook_commands)
    project_arg(sub)
    sub.add_argument("name", metavar="NAME")
    sub.add_argument("--parent", metavar="CODE")
    sub.add_argument("--colour", "--color", dest="colour", metavar="HEX")
    _guidance_options(sub)
    coder_arg(sub)
    sub = command("edit", cmd_codebook_edit, "change a code's definition, guidance, example or keywords",
                  codebook_commands)
    project_arg(sub)
    sub.add_argument("code", metavar="CODE")
    _guidance_options(sub)
    coder_arg(sub)
    sub = command("rename", cmd_codebook_rename, "rename a code", codebook_commands)
    project_arg(sub)
    sub.add_argument("code", metavar="CODE")
    sub.add_argument("new_name", metavar="NEW_NAME")
    coder_arg(sub)
    sub = command("recolour", cmd_codebook_recolour, "give a code another colour", codebook_commands)
    project_arg(sub)
    sub.add_argument("code", metavar="CODE")
    sub.add_argument("colour", metavar="HEX")
    coder_arg(sub)
    sub = command("move", cmd_codebook_move, "move a code under another (or to the top level)", codebook_commands)
    project_arg(sub)
    sub.add_argument("code", metavar="CODE")
    sub.add_argument("--parent", metavar="CODE", help="the new parent; omit for the top level")
    coder_arg(sub)
    sub = command("merge", cmd_codebook_merge, "merge SOURCE into TARGET (segments move to TARGET)",
                  codebook_commands)
    project_arg(sub)
    sub.add_argument("source", metavar="SOURCE")
    sub.add_argument("target", metavar="TARGET")
    coder_arg(sub)
    sub = command("delete", cmd_codebook_delete, "delete a code (refused while segments use it)", codebook_commands)
    project_arg(sub)
    sub.add_argument("code", metavar="CODE")
    sub.add_argument("--delete-segments", action="store_true", help="also delete the segments coded with it")
    coder_arg(sub)

    sub = command("codes", cmd_codes, "the code tree with definitions and segment counts")
    project_arg(sub)
    sub.add_argument("--json", action="store_true")
