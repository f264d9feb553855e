"""``workbench code …`` and ``workbench segments``: codings on the command line (see the README)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .cli_common import default_coder, open_from_args as _open
from .errors import WorkbenchError
from .groups_cli import group_document_ids
from .output import out, print_json, print_json_array, table


def cmd_code_add(args: argparse.Namespace) -> None:
    with _open(args) as project:
        doc_id = project.document_id(args.document)
        code = project.resolve_code(args.code)
        seg_id = project.add_segment(doc_id, args.start, args.end, code.id, args.coder or default_coder(),
                                     memo=args.memo or "")
        segment = project.segment(seg_id)
    if args.json:
        print_json(segment.as_dict())
    else:
        out(f"segment {seg_id}: {segment.code} on {segment.document} {segment.start}–{segment.end} "
             f"by {segment.coder}\n")


def cmd_code_import(args: argparse.Namespace) -> None:
    from .exchange.codings import import_codings_file

    with _open(args) as project:
        coder = args.coder or default_coder()
        counts = import_codings_file(project, args.csv, default_coder=coder, who=coder)
    out(f"imported {counts['added']} codings from {Path(args.csv).name}"
        + (f"; {counts['merged']} overlapping rows of one coder's code merged" if counts["merged"] else "")
        + (f"; {counts['widened']} stored segments widened" if counts["widened"] else "") + "\n")


def cmd_code_remove(args: argparse.Namespace) -> None:
    with _open(args) as project:
        record = project.remove_segment(args.segment, who=args.coder or default_coder())
    out(f"removed segment {args.segment} ({record['code']} on {record['document']} "
         f"{record['start']}–{record['end']} by {record['coder']})\n")


def cmd_code_update(args: argparse.Namespace) -> None:
    if args.start is None and args.end is None and args.memo is None:
        raise WorkbenchError("nothing to change: give --start, --end and/or --memo")
    with _open(args) as project:
        project.update_segment(args.segment, who=args.coder or default_coder(), start=args.start, end=args.end,
                               memo=args.memo)
        segment = project.segment(args.segment)
    out(f"segment {segment.id}: {segment.code} on {segment.document} {segment.start}–{segment.end}\n")


def cmd_segments(args: argparse.Namespace) -> None:
    with _open(args) as project:
        doc_ids = [project.document_id(d) for d in args.document] if args.document else None
        doc_ids = group_document_ids(project, args.group, doc_ids)
        code_ids = [project.resolve_code(c).id for c in args.code] if args.code else None
        if args.json:
            from .exchange.segments_table import iter_segments_json

            print_json_array(iter_segments_json(project, doc_ids, code_ids, args.coder or None), laid_out=True)
            return
        segments = project.segments(document_ids=doc_ids, code_ids=code_ids, coders=args.coder or None,
                                    with_text=True)
    rows = []
    for s in segments:
        text = " ".join(s.text.split())
        rows.append((s.id, s.document, s.start, s.end, s.code, s.coder, text[:60] + ("…" if len(text) > 60 else "")))
    out(table(rows, ("id", "document", "start", "end", "code", "coder", "text")))


def register_coding(command: Callable[..., Any], group: Callable[..., Any], project_arg: Callable[..., None],
                    coder_arg: Callable[..., None]) -> None:
    """Add the ``code`` actions and the ``segments`` command to the parser."""
    code_commands = group("code", "add, import, change and remove codings")
    sub = command("add", cmd_code_add, "code [START, END) of a document", code_commands)
    project_arg(sub)
    sub.add_argument("document", metavar="DOCUMENT")
    sub.add_argument("start", metavar="START", type=int)
    sub.add_argument("end", metavar="END", type=int)
    sub.add_argument("code", metavar="CODE")
    coder_arg(sub, "the coder (default: $WORKBENCH_CODER or your login name)")
    sub.add_argument("--memo", metavar="TEXT")
    sub.add_argument("--json", action="store_true")
    sub = command("import", cmd_code_import, "import codings from CSV (document,start,end,code,coder[,memo])",
                  code_commands)
    project_arg(sub)
    sub.add_argument("csv", metavar="CSV")
    coder_arg(sub, "the coder for rows without one")
    sub = command("remove", cmd_code_remove, "remove a coded segment", code_commands)
    project_arg(sub)
    sub.add_argument("segment", metavar="SEGMENT_ID", type=int)
    coder_arg(sub)
    sub = command("update", cmd_code_update, "widen, narrow or re-memo a segment", code_commands)
    project_arg(sub)
    sub.add_argument("segment", metavar="SEGMENT_ID", type=int)
    sub.add_argument("--start", type=int)
    sub.add_argument("--end", type=int)
    sub.add_argument("--memo", metavar="TEXT")
    coder_arg(sub)

    sub = command("segments", cmd_segments, "list coded segments with their exact text")
    project_arg(sub)
    sub.add_argument("--json", action="store_true")
    sub.add_argument("--document", action="append", metavar="D")
    sub.add_argument("--code", action="append", metavar="C")
    sub.add_argument("--coder", action="append", metavar="X")
    sub.add_argument("--group", action="append", metavar="G", help="only documents of this group (repeatable)")
