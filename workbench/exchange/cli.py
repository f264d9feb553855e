"""Exchange commands of the command line: ``import-project``, ``merge``, ``quotes``, and the REFI-QDA / DOCX /
Markdown forms of ``export``, ``codebook export``, ``codebook import`` and ``report`` (chosen by extension)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..cli_common import default_coder
from ..errors import WorkbenchError
from ..output import out, print_json
from ..safe_files import check_output, write_export
from .model import Report

PROJECT_EXPORTS = (".qdpx",)
CODEBOOK_EXPORTS = (".qdc", ".md", ".docx")
CODEBOOK_IMPORTS = (".qdc",)


def _who(args: argparse.Namespace) -> str:
    return getattr(args, "coder", None) or default_coder()


def _show(report: Report, as_json: bool) -> None:
    if as_json:
        print_json(report.as_dict())
    else:
        out(report.text())


def export_file(args: argparse.Namespace) -> bool:
    """``workbench export PROJECT OUT.qdpx``; False when the extension is not ours."""
    if Path(args.file).suffix.lower() not in PROJECT_EXPORTS:
        return False
    from ..store import open_project
    from .importing import export_qdpx

    with open_project(args.project) as project:
        report = export_qdpx(project, args.file)
    _show(report, getattr(args, "json", False))
    return True


def codebook_export_file(args: argparse.Namespace) -> bool:
    suffix = Path(args.file).suffix.lower()
    if suffix not in CODEBOOK_EXPORTS:
        return False
    from ..store import open_project
    from .importing import export_qdc
    from .writing import codebook_docx, codebook_markdown

    with open_project(args.project) as project:
        target = check_output(project.path, args.file)
        if suffix == ".qdc":
            export_qdc(project, target)
        else:
            write_export(project.path, target,
                         codebook_markdown(project) if suffix == ".md" else codebook_docx(project))
    out(f"codebook written to {args.file}\n")
    return True


def codebook_import_file(args: argparse.Namespace) -> bool:
    if Path(args.file).suffix.lower() not in CODEBOOK_IMPORTS:
        return False
    from ..store import open_project
    from .importing import import_qdc

    with open_project(args.project) as project:
        report = import_qdc(project, args.file, who=_who(args))
    _show(report, getattr(args, "json", False))
    return True


def report_docx(args: argparse.Namespace, scope: Any) -> bool:
    """``workbench report PROJECT OUT.docx``: the theme report as a Word document."""
    if Path(args.file).suffix.lower() != ".docx":
        return False
    from ..store import open_project
    from .writing import theme_report_docx

    with open_project(args.project) as project:
        check_output(project.path, args.file)
        write_export(project.path, args.file, theme_report_docx(project, scope, args.unit, args.distance))
    out(f"theme report written to {args.file}\n")
    return True


def cmd_import_project(args: argparse.Namespace) -> None:
    from .importing import import_project

    _show(import_project(args.project, args.file, who=_who(args)), args.json)


def cmd_merge(args: argparse.Namespace) -> None:
    from ..store import open_project
    from .merge import merge_file

    with open_project(args.project) as project:
        report = merge_file(project, args.other, who=_who(args))
    _show(report, args.json)


def cmd_quotes(args: argparse.Namespace) -> None:
    from ..store import open_project
    from .writing import quote_bank_docx

    path = Path(args.file)
    if path.suffix.lower() != ".docx":
        raise WorkbenchError(f"{path.name}: write the quote bank to a .docx file")
    with open_project(args.project) as project:
        check_output(project.path, path)
        codes = [project.resolve_code(c) for c in args.code] if args.code else None
        data, count = quote_bank_docx(project, codes, with_children=not args.no_children)
        write_export(project.path, path, data)
    out(f"quote bank of {count} segments written to {path}\n")


def register_exchange(command: Any, project_arg: Any) -> None:
    """Add the exchange commands to the parser (called from :mod:`workbench.cli`)."""
    sub = command("import-project", cmd_import_project, "create a project from a REFI-QDA .qdpx file "
                  "(NVivo, ATLAS.ti, MAXQDA, QualCoder, Taguette …)")
    sub.add_argument("project", metavar="NEW_PROJECT", help="the project file to create (must not exist)")
    sub.add_argument("file", metavar="IN.qdpx")
    sub.add_argument("--coder", metavar="NAME", help="who imports (for the audit log)")
    sub.add_argument("--json", action="store_true")
    sub = command("merge", cmd_merge, "bring another copy's codings, memos and codes into this project "
                  "(nothing here is overwritten)")
    project_arg(sub)
    sub.add_argument("other", metavar="OTHER", help="another project file (.wbproj) or a .qdpx")
    sub.add_argument("--coder", metavar="NAME", help="who merges (for the audit log)")
    sub.add_argument("--json", action="store_true")
    sub = command("quotes", cmd_quotes, "a quote bank (.docx): the segments of codes grouped by code and case")
    project_arg(sub)
    sub.add_argument("file", metavar="OUT.docx")
    sub.add_argument("--code", action="append", metavar="C", help="only these codes (repeatable; default all)")
    sub.add_argument("--no-children", action="store_true", help="leave out the segments of child codes")
