"""The ``workbench`` command line: a stable contract over the core (documented in the README).

Errors: exit status 2 and one line ``error: …`` on stderr, the project file unchanged. ``--json`` gives machine
output.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from . import __version__
from .accounts_cli import register_accounts
from .agreement.cli import register_agreement
from .analysis.cli import register_analysis
from .cli_common import cli_message, default_coder, open_from_args as _open
from .codebook_cli import register_codebook
from .coding_cli import register_coding
from .backup_cli import register_backup, serve_backup
from .review.cli import register_review, review_argv
from .training.cli import register_training
from .errors import WorkbenchError, store_error_message
from .escaping import terminal_text
from .exchange.cli import register_exchange
from .groups_cli import group_document_ids, register_groups
from .importers import DEFAULT_MAX_MB
from .output import out, print_json, table

Handler = Callable[[argparse.Namespace], int | None]


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage mistakes as one ``error:`` line with exit status 2."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"error: {message} (see: {self.prog} --help)\n")
        raise SystemExit(2)


# ------------------------------------------------------------------------------------------------- commands
def cmd_init(args: argparse.Namespace) -> None:
    from .store import create_project

    create_project(args.project).close()
    out(f"created project {args.project}\n")


def cmd_demo(args: argparse.Namespace) -> None:
    from .demo import build_demo

    accounts: dict[str, str] | None = {} if args.accounts else None
    summary = build_demo(args.project, source=args.source, accounts=accounts)
    out(f"built demo project {args.project}: {summary['documents']} documents, {summary['codes']} codes, "
         f"{summary['segments']} segments by {summary['coders']} coders\n")
    if accounts:
        out("accounts (the passwords are shown only now; change them with: workbench user passwd):\n"
            + "".join(f"  {name:<11} {password}\n" for name, password in accounts.items()))


def cmd_import(args: argparse.Namespace) -> None:
    from .ingest import import_paths

    if not args.files and not args.cases:
        raise WorkbenchError("give one or more files to import, or --cases CSV")
    with _open(args) as project:
        parsed = import_paths(project, args.files, cases=args.cases, language=args.language, name=args.name,
                              max_mb=args.max_mb, who=args.coder or default_coder())
    for doc in parsed:
        speakers = len({t.speaker for t in doc.turns if t.speaker})
        out(f"imported {doc.name}: {len(doc.text):,} characters, {len(doc.text.split()):,} words, "
             f"{len(doc.turns)} turns, {speakers} speakers, {len(doc.sentences)} sentences ({doc.language})\n")
    if args.cases:
        out(f"read cases from {Path(args.cases).name}\n")


def cmd_documents(args: argparse.Namespace) -> None:
    with _open(args) as project:
        documents = project.documents()
    if args.json:
        print_json([
            {"name": d.name, "guid": d.guid, "source": d.source_name, "language": d.language,
             "characters": d.characters, "words": d.words, "turns": d.turns, "speakers": list(d.speakers),
             "cases": list(d.cases), "segments": d.segments, "sha256": d.sha256, "imported_at": d.imported_at}
            for d in documents
        ])
        return
    out(table([(d.name, d.characters, d.words, d.turns, ", ".join(d.speakers), ", ".join(d.cases), d.segments)
                 for d in documents],
                ("name", "characters", "words", "turns", "speakers", "cases", "segments")))


def cmd_text(args: argparse.Namespace) -> None:
    with _open(args) as project:
        text = project.document_text(project.document_id(args.document))
    out(text)


def cmd_stats(args: argparse.Namespace) -> None:
    with _open(args) as project:
        stats = project.stats()
    if args.json:
        print_json(stats)
        return
    out(table(list(stats.items()), ("what", "count")))


def cmd_cases(args: argparse.Namespace) -> None:
    with _open(args) as project:
        cases = project.cases()
        types = project.attributes()
    if args.json:
        print_json({"attributes": types, "cases": [
            {"name": c.name, "guid": c.guid, "documents": list(c.documents), "attributes": c.values} for c in cases]})
        return
    names = list(types)
    out(table([(c.name, ", ".join(c.documents), *(c.values.get(n, "") for n in names)) for c in cases],
                ("case", "documents", *(f"{n} ({types[n]})" for n in names))))


def cmd_audit(args: argparse.Namespace) -> None:
    with _open(args) as project:
        entries = project.audit_log(limit=args.limit)
    if args.json:
        from .store.actions import ACTIONS

        print_json({"actions": sorted(ACTIONS), "entries": [e.__dict__ for e in entries]})
        return
    out(table([(e.id, e.at, e.who, e.action, e.target) for e in entries], ("id", "at", "who", "action", "target")))


def cmd_memo_add(args: argparse.Namespace) -> None:
    with _open(args) as project:
        if args.document and args.code:
            raise WorkbenchError("a memo is on the project, one document or one code: give --document or --code")
        kind = "document" if args.document else "code" if args.code else "project"
        memo_id = project.add_memo(
            args.text, author=args.coder or default_coder(), kind=kind,
            document_id=project.document_id(args.document) if args.document else None,
            code_id=project.resolve_code(args.code).id if args.code else None, title=args.title or "")
    out(f"memo {memo_id} added to the {kind}\n")


def cmd_memos(args: argparse.Namespace) -> None:
    with _open(args) as project:
        memos = project.memos()
    if args.json:
        print_json([m.__dict__ for m in memos])
        return
    out(table([(m.id, m.kind, m.document or m.code or "", m.author, m.title, " ".join(m.text.split())[:60])
               for m in memos], ("id", "on", "name", "author", "title", "text")))


def cmd_export(args: argparse.Namespace) -> None:
    from .exchange.cli import export_file
    from .exchange.segments_table import export_segments

    if args.group and Path(args.file).suffix.lower() not in (".csv", ".xlsx"):
        raise WorkbenchError("--group filters a .csv or .xlsx export of the segments")
    if export_file(args):
        return

    with _open(args) as project:
        chosen = group_document_ids(project, args.group, None)
        count = export_segments(project, args.file, None if chosen is None else project.segments(
            document_ids=chosen, with_text=True))
    out(f"exported {count} segments to {args.file}\n")


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve

    from .store import open_project

    with open_project(args.project) as project:
        accounts = project.accounts()
    if accounts and not any(a.role == "admin" for a in accounts):
        raise WorkbenchError(f"{args.project} has accounts but no admin; add one first: workbench user add "
                             f"{args.project} NAME --role admin")
    serve_backup(args.project, args.backups)
    door = "accounts" if accounts else ("open" if args.no_token else "token")
    return serve(args.project, port=args.port, coder=args.coder, host=args.host, door=door,
                 idle_minutes=args.idle_minutes)


# ------------------------------------------------------------------------------------------------- parser
def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="workbench", description="Case-Study Coding Workbench: code interview transcripts.")
    parser.add_argument("--version", action="version", version=f"workbench {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    def command(name: str, handler: Handler, help_text: str, parent: Any = commands) -> argparse.ArgumentParser:
        sub = parent.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    def group(name: str, help_text: str) -> Any:
        """A command with actions of its own (``workbench codebook import …``)."""
        actions = command(name, lambda a: None, help_text).add_subparsers(dest="action", metavar="ACTION",
                                                                           parser_class=_Parser)
        actions.required = True
        return actions

    def project_arg(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("project", metavar="PROJECT", help="the project file")

    def coder_arg(sub: argparse.ArgumentParser, help_text: str = "who makes the change (default: $WORKBENCH_CODER "
                                                                  "or your login name)") -> None:
        sub.add_argument("--coder", metavar="NAME", help=help_text)

    sub = command("init", cmd_init, "create an empty project file")
    project_arg(sub)
    sub = command("demo", cmd_demo, "build the demo project from interviews/ and codebook/")
    project_arg(sub)
    sub.add_argument("--source", metavar="DIR", help="the folder holding interviews/ and codebook/")
    sub.add_argument("--accounts", action="store_true",
                     help="also add accounts admin, supervisor and student (the exercise's) with random passwords")
    sub = command("import", cmd_import, "import transcripts (.txt .md .docx .odt .pdf .vtt .srt), all or nothing")
    project_arg(sub)
    sub.add_argument("files", nargs="*", metavar="FILE")
    sub.add_argument("--cases", metavar="CSV", help="cases and attributes: document,case,<attribute>…")
    sub.add_argument("--language", choices=("nl", "en"), help="the documents' language (default: detected)")
    sub.add_argument("--name", help="the document's name (one file only; default: the file name)")
    sub.add_argument("--max-mb", type=float, default=DEFAULT_MAX_MB, help="refuse files over this size (MB)")
    coder_arg(sub)
    sub = command("documents", cmd_documents, "list documents with their size, turns, speakers and cases")
    project_arg(sub)
    sub.add_argument("--json", action="store_true")
    sub = command("text", cmd_text, "print a document's stored text, exactly")
    project_arg(sub)
    sub.add_argument("document", metavar="DOCUMENT")
    sub = command("cases", cmd_cases, "list cases with their documents and attributes")
    project_arg(sub)
    sub.add_argument("--json", action="store_true")

    codebook_commands = group("codebook", "import, export and edit the codebook")
    register_codebook(command, codebook_commands, project_arg, coder_arg)
    register_coding(command, group, project_arg, coder_arg)
    sub = command("stats", cmd_stats, "counts of documents, turns, sentences, codes, segments and coders")
    project_arg(sub)
    sub.add_argument("--json", action="store_true")
    sub = command("audit", cmd_audit, "the audit log of changes to codes and segments, newest first")
    project_arg(sub)
    sub.add_argument("--json", action="store_true")
    sub.add_argument("--limit", type=int, default=None)
    memo_commands = group("memo", "write memos on the project, a document or a code")
    sub = command("add", cmd_memo_add, "add a memo (on the project unless --document or --code)", memo_commands)
    project_arg(sub)
    sub.add_argument("text", metavar="TEXT")
    sub.add_argument("--document", metavar="D")
    sub.add_argument("--code", metavar="C")
    sub.add_argument("--title", metavar="TITLE")
    coder_arg(sub, "the memo's author (default: $WORKBENCH_CODER or your login name)")
    sub = command("memos", cmd_memos, "list the memos")
    project_arg(sub)
    sub.add_argument("--json", action="store_true")
    sub = command("export", cmd_export, "all segments to .csv or .xlsx, or the whole project to REFI-QDA .qdpx")
    project_arg(sub)
    sub.add_argument("file", metavar="FILE")
    sub.add_argument("--json", action="store_true", help="the report as JSON (.qdpx)")
    sub.add_argument("--group", action="append", metavar="G", help="only documents of this group (repeatable)")
    sub = command("serve", cmd_serve, "start the app on 127.0.0.1")
    project_arg(sub)
    sub.add_argument("--port", type=int, default=8501)
    sub.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)")
    coder_arg(sub, "preset the coder's name for this session")
    sub.add_argument("--no-token", action="store_true", help="for developers: no token at the door (a warning)")
    sub.add_argument("--idle-minutes", type=float, default=None,
                     help="log out after this many minutes without activity (projects with accounts; default 60)")
    sub.add_argument("--backups", type=int, default=7, metavar="N",
                     help="automatic backups in PROJECT.backups/: one at start and one a day, newest N kept (0: off)")
    register_accounts(command, group, project_arg)

    register_analysis(command, project_arg)
    register_backup(command, project_arg)
    register_groups(group, command, project_arg, coder_arg)
    register_agreement(command, project_arg)
    register_exchange(command, project_arg)
    register_review(command, group, project_arg, codebook_commands)
    register_training(command, group, project_arg)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``workbench`` console script."""
    parser = build_parser()
    args = parser.parse_args(review_argv(sys.argv[1:] if argv is None else argv))
    try:
        result = args.handler(args)
    except WorkbenchError as exc:
        sys.stderr.write(f"error: {terminal_text(cli_message(exc))}\n")
        return 2
    except BrokenPipeError:
        return 0
    except sqlite3.Error as exc:
        sys.stderr.write(f"error: {store_error_message(exc)}\n")
        return 2
    except OSError as exc:
        sys.stderr.write(f"error: {exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else "") + "\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        return 2
    return int(result or 0)


if __name__ == "__main__":
    raise SystemExit(main())
