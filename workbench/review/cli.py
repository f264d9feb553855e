"""Review commands of the command line: the disagreement queue and its decisions, comments, codebook history."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import Any

from ..cli_common import default_coder, open_from_args as _open
from ..errors import WorkbenchError
from ..output import out, print_json, table
from .consensus import DEFAULT_CONSENSUS, decide, load_review
from .queue import DECISIONS, DEFAULT_OVERLAP

REVIEW_ACTIONS = ("queue", "decide")


def review_argv(argv: Sequence[str]) -> list[str]:
    """``workbench review PROJECT …`` is short for ``workbench review queue PROJECT …``."""
    argv = list(argv)
    for i, word in enumerate(argv):
        if word.startswith("-"):
            continue
        if word == "review" and i + 1 < len(argv) and argv[i + 1] not in REVIEW_ACTIONS \
                and not argv[i + 1].startswith("-"):
            argv.insert(i + 1, "queue")
        break
    return argv


def _who(args: argparse.Namespace) -> Any:
    """The command line acts as the owner of the file (the single-user mode), named by --coder."""
    from ..privileges import Privileges

    return Privileges.local(args.coder or default_coder())



def _short(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def cmd_review_queue(args: argparse.Namespace) -> None:
    with _open(args) as project:
        review = load_review(project, args.coders, consensus=args.consensus, codes=args.code,
                             documents=args.document, overlap=args.overlap)
    if args.json:
        print_json(review.as_json())
        return
    a, b = review.queue.coders
    out(f"{review.progress()} (passages where {a} and {b} differ; consensus coder {review.consensus})\n\n")
    rows = []
    for item in review.items:
        decision = review.decision(item)
        rows.append((item.number, item.key, item.document, item.code, f"{item.start}–{item.end}", item.kind,
                     _short(" | ".join(s.text for s in item.a)), _short(" | ".join(s.text for s in item.b)),
                     decision.decision if decision else ""))
    out(table(rows, ("#", "item", "document", "code", "span", "kind", a, b, "decision")))


def cmd_review_decide(args: argparse.Namespace) -> None:
    with _open(args) as project:
        decision = decide(project, args.coders, args.item, args.decision, who=_who(args), start=args.start,
                          end=args.end, consensus=args.consensus, overlap=args.overlap)
        review = load_review(project, args.coders, consensus=args.consensus, overlap=args.overlap)
    if args.json:
        print_json({**decision.as_json(), "decided": review.decided, "total": review.total})
        return
    out(f"item {decision.item}: {decision.decision} ({len(decision.segments)} consensus segment(s) by "
        f"{decision.consensus}); {review.progress()}\n")


def cmd_comment_add(args: argparse.Namespace) -> None:
    given = [x for x in (args.segment, args.code, args.reply_to) if x is not None]
    if len(given) != 1:
        raise WorkbenchError("a comment is on one segment (--segment ID), one code (--code C) or answers one "
                             "comment (--reply-to ID)")
    with _open(args) as project:
        if args.reply_to is not None:
            comment = project.add_comment("", "", args.text, _who(args).name, reply_to=args.reply_to)
        elif args.segment is not None:
            comment = project.add_comment("segment", project.segment(args.segment, with_text=False).guid,
                                          args.text, _who(args).name)
        else:
            comment = project.add_comment("code", project.resolve_code(args.code).guid, args.text, _who(args).name)
    if args.json:
        print_json(comment.as_json())
    else:
        out(f"comment {comment.id} added\n")


def cmd_comment_list(args: argparse.Namespace) -> None:
    if args.segment is not None and args.code is not None:
        raise WorkbenchError("give --segment or --code, not both")
    with _open(args) as project:
        if args.segment is not None:
            comments = project.comments("segment", [project.segment(args.segment, with_text=False).guid])
        elif args.code is not None:
            comments = project.comments("code", [project.resolve_code(args.code).guid])
        else:
            comments = project.comments()
        targets = _target_names(project, comments)
    if args.json:
        print_json([{**c.as_json(), "target_name": targets.get(c.target, "")} for c in comments])
        return
    rows = [(c.id, c.kind, targets.get(c.target, "(removed)"), "" if c.reply_to is None else "↳", c.author,
             c.created[:16].replace("T", " "), _short(c.text, 70)) for c in comments]
    out(table(rows, ("id", "on", "target", "reply", "author", "at", "text")))


def _target_names(project: Any, comments: Sequence[Any]) -> dict[str, str]:
    """What each comment is on, for people: a code's path, or a segment's code, document and span."""
    names = {c.guid: c.path for c in project.codes()}
    wanted = {c.target for c in comments if c.kind == "segment"}
    if wanted:
        for seg in project.segments():
            if seg.guid in wanted:
                names[seg.guid] = f"{seg.code} on {seg.document} {seg.start}–{seg.end} ({seg.coder})"
    return names


def cmd_codebook_history(args: argparse.Namespace) -> None:
    from .history import describe, diff, history, parse_when

    since, until = parse_when(args.since), parse_when(args.until, end=True)
    with _open(args) as project:
        entries = project.audit_log()
    changes = history(entries, since, until)
    difference = diff(entries, since, until)
    if args.json:
        print_json({"since": args.since, "until": args.until, "changes": [c.as_json() for c in changes],
                    "diff": difference})
        return
    out(table([(c.at[:19].replace("T", " "), c.who, describe(c)) for c in changes], ("at", "who", "change")))
    out(f"\ncodebook {'at ' + args.since if args.since else 'at the start'} → "
        f"{'at ' + args.until if args.until else 'now'}: {len(difference['added'])} added, "
        f"{len(difference['removed'])} removed, {len(difference['changed'])} changed\n")
    for entry in difference["added"]:
        out(f"+ {entry['code']}\n")
    for entry in difference["removed"]:
        out(f"- {entry['code']}\n")
    for entry in difference["changed"]:
        out(f"~ {entry['code']}: {', '.join(entry['changes'])}\n")


def register_review(command: Callable[..., argparse.ArgumentParser], group: Callable[..., Any],
                    project_arg: Callable[[argparse.ArgumentParser], None], codebook_commands: Any) -> None:
    """Add ``review queue|decide``, ``comment add|list`` and ``codebook history`` to the parser."""

    def review_options(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--coders", required=True, metavar="A,B", help="the two coders to compare")
        sub.add_argument("--consensus", default=DEFAULT_CONSENSUS, metavar="NAME",
                         help=f"the coder of the consensus coding (default {DEFAULT_CONSENSUS})")
        sub.add_argument("--overlap", type=int, default=DEFAULT_OVERLAP, metavar="PERCENT",
                         help="segments match when they overlap by this %% of the longer (default 90)")

    actions = group("review", "the disagreement queue of two coders and its decisions (a consensus coding)")
    sub = command("queue", cmd_review_queue, "list the passages where two coders differ, with the decisions",
                  actions)
    project_arg(sub)
    review_options(sub)
    sub.add_argument("--code", action="append", metavar="C")
    sub.add_argument("--document", action="append", metavar="D")
    sub.add_argument("--json", action="store_true")
    sub = command("decide", cmd_review_decide, "decide one item of the queue", actions)
    project_arg(sub)
    sub.add_argument("item", metavar="ITEM", help="the item's key (or its number in the queue)")
    sub.add_argument("decision", choices=DECISIONS)
    review_options(sub)
    sub.add_argument("--start", type=int, help="the edited span's start (with edit)")
    sub.add_argument("--end", type=int, help="the edited span's end (with edit)")
    sub.add_argument("--coder", metavar="NAME", help="who decides (default: $WORKBENCH_CODER or your login name)")
    sub.add_argument("--json", action="store_true")

    actions = group("comment", "comment threads on segments and codes")
    sub = command("add", cmd_comment_add, "comment on a segment or a code, or answer a comment", actions)
    project_arg(sub)
    sub.add_argument("text", metavar="TEXT")
    sub.add_argument("--segment", type=int, metavar="SEGMENT_ID")
    sub.add_argument("--code", metavar="C")
    sub.add_argument("--reply-to", type=int, metavar="COMMENT_ID")
    sub.add_argument("--coder", metavar="NAME", help="the author (default: $WORKBENCH_CODER or your login name)")
    sub.add_argument("--json", action="store_true")
    sub = command("list", cmd_comment_list, "list comment threads (all, or on one segment or code)", actions)
    project_arg(sub)
    sub.add_argument("--segment", type=int, metavar="SEGMENT_ID")
    sub.add_argument("--code", metavar="C")
    sub.add_argument("--json", action="store_true")

    sub = command("history", cmd_codebook_history, "every change to codes with who and when, and the diff "
                  "between two dates", codebook_commands)
    project_arg(sub)
    sub.add_argument("--since", metavar="DATE", help="from this date (2026-03-17) or time")
    sub.add_argument("--until", metavar="DATE", help="up to and including this date or time")
    sub.add_argument("--json", action="store_true")
