"""Analysis commands of the command line: cooccurrence, passages, frequencies, matrix, report."""

from __future__ import annotations

import argparse
from dataclasses import replace
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import WorkbenchError
from ..escaping import terminal_text
from ..safe_files import check_output, write_export
from ..output import out, print_json, table
from . import MEASURES, UNITS

if TYPE_CHECKING:
    from .data import Scope

# The analysis modules (numpy, the store) are loaded by the commands that use them: every other command starts
# without them.

FORMATS = ("table", "csv", "json")


def _scope(args: argparse.Namespace) -> Scope:
    from ..filters import parse_where
    from .data import Scope

    return Scope.of(coders=args.coder or (), documents=args.document or (), where=parse_where(args.where or ()),
                    codes=args.code or (), rollup_level=args.rollup, roll_into=args.roll or (),
                    groups=args.group or ())


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def cmd_cooccurrence(args: argparse.Namespace) -> None:
    from ..exchange.segments_table import rows_to_csv
    from ..store import open_project
    from .cooccurrence import cooccurrence
    from .report import heatmap_svg

    with open_project(args.project) as project:
        result = cooccurrence(project, args.unit, args.distance, _scope(args))
        if args.svg:
            if Path(args.svg).suffix.lower() != ".svg":
                raise WorkbenchError(f"{args.svg}: give an .svg file")
            write_export(project.path, args.svg, heatmap_svg(result))
    if args.format == "json":
        print_json(result.as_json())
    elif args.format == "csv":
        out(rows_to_csv([p.as_dict() for p in result.pairs],
                        ("a", "b", "count", "c_coefficient", "containment", "frequency_a", "frequency_b",
                         "imbalanced")))
    else:
        out(result.explanation + "\n\n")
        out(table([(p.a, p.b, p.count, _number(p.c_coefficient), _number(p.containment),
                    f"{p.frequency_a}/{p.frequency_b}", "fivefold difference" if p.imbalanced else "")
                   for p in result.pairs],
                  ("a", "b", "count", "c", "containment", "frequencies", "note")))
        out("\nfrequency: " + ", ".join(f"{terminal_text(result.names[c])} {result.frequency.get(c, 0)}"
                                     for c in result.code_ids) + "\n")


def cmd_passages(args: argparse.Namespace) -> None:
    from ..exchange.segments_table import rows_to_csv
    from ..store import open_project
    from .cooccurrence import PASSAGE_COLUMNS, cooccurrence, meetings, passage_rows
    from .data import load

    with open_project(args.project) as project:
        scope = _scope(args)
        if not scope.codes:  # only the two codes' segments are read (with their child codes, for roll-ups)
            scope = replace(scope, codes=(args.a, args.b))
        data = load(project, scope)
        result = cooccurrence(project, args.unit, args.distance, scope, data=data)
        ids = {name: code_id for code_id, name in result.names.items()}
        chosen = []
        for ref in (args.a, args.b):
            chosen.append(data.representative(ids[ref] if ref in ids else project.resolve_code(ref).id))
        found = meetings(project, result, chosen[0], chosen[1], data=data)
    if args.format == "json":
        print_json({"unit": result.unit, "a": result.names[chosen[0]], "b": result.names[chosen[1]],
                    "count": result.count(*chosen), "passages": [m.as_dict(result.names, data.coders)
                                                                 for m in found]})
        return
    rows = passage_rows(found, result.names, data.coders)
    if args.format == "csv":
        out(rows_to_csv(rows, PASSAGE_COLUMNS))
    else:
        out(table([(r["document"], f"{r['start']}–{r['end']}", r["speaker"], " ".join(r["text"].split())[:80])
                   for r in rows], ("document", "span", "speaker", "text")))


def cmd_frequencies(args: argparse.Namespace) -> None:
    from ..exchange.segments_table import rows_to_csv
    from ..store import open_project
    from .frequencies import frequencies

    with open_project(args.project) as project:
        rows = [f.as_dict() for f in frequencies(project, _scope(args), by_coder=not args.no_coders)]
    columns = ("code", "coder", "segments", "documents", "cases", "words")
    if args.format == "json":
        print_json(rows)
    elif args.format == "csv":
        out(rows_to_csv(rows, columns))
    else:
        out(table([[r[c] for c in columns] for r in rows], columns))


def cmd_matrix(args: argparse.Namespace) -> None:
    from ..exchange.segments_table import rows_to_csv
    from ..store import open_project
    from .bins import parse_edges
    from .frequencies import attribute_matrix

    with open_project(args.project) as project:
        edges = None
        if args.bins:
            kind = project.attributes().get(args.attribute)
            if kind is None:
                raise WorkbenchError(f"unknown case attribute {args.attribute!r}")
            edges = parse_edges(kind, args.bins)
        matrix = attribute_matrix(project, args.attribute, args.measure, _scope(args), edges=edges)
    if args.format == "json":
        print_json({"attribute": matrix.attribute, "measure": matrix.measure, "values": matrix.values,
                    "group_sizes": matrix.group_sizes,
                    "rows": [{"code": code, "counts": dict(zip(matrix.values, matrix.counts[i]))}
                             for i, code in enumerate(matrix.codes)], "cells": matrix.records()})
    elif args.format == "csv":
        out(rows_to_csv(matrix.records(), ("code", matrix.attribute, matrix.measure, "row_percent",
                                           "column_percent")))
    else:
        out(f"{matrix.measure} per code and {matrix.attribute} (row % / column %)\n\n")
        out(table([[code, *(f"{matrix.counts[r][c]} ({matrix.row_percent(r, c):.0f}% / "
                             f"{matrix.column_percent(r, c):.0f}%)" for c in range(len(matrix.values)))]
                   for r, code in enumerate(matrix.codes)], ["code", *matrix.values]))


def cmd_report(args: argparse.Namespace) -> None:
    from ..exchange.cli import report_docx
    from ..store import open_project
    from .report import theme_report_html, theme_report_markdown

    path = Path(args.file)
    if report_docx(args, _scope(args)):
        return
    if path.suffix.lower() not in (".md", ".html", ".htm"):
        raise WorkbenchError(f"{path.name}: write the report to a .md, .html or .docx file")
    with open_project(args.project) as project:
        check_output(project.path, path)
        writer = theme_report_markdown if path.suffix.lower() == ".md" else theme_report_html
        text = writer(project, _scope(args), args.unit, args.distance)
        write_export(project.path, path, text)
    out(f"theme report written to {path}\n")


def _filters(sub: argparse.ArgumentParser, units: bool = True) -> None:
    if units:
        sub.add_argument("--unit", choices=UNITS, default="overlap", help="the unit of analysis (default overlap)")
        sub.add_argument("--distance", type=int, help="with --unit near: at most this many characters apart")
    sub.add_argument("--coder", action="append", metavar="NAME", help="only this coder's segments (repeatable)")
    sub.add_argument("--where", action="append", metavar="ATTRIBUTE=VALUE",
                     help="only documents whose case has this attribute value (repeatable)")
    sub.add_argument("--document", action="append", metavar="D", help="only these documents (repeatable)")
    sub.add_argument("--group", action="append", metavar="G",
                     help="only the documents of this document group (repeatable: any of them)")
    sub.add_argument("--code", action="append", metavar="C", help="only these codes and their children")
    sub.add_argument("--rollup", type=int, metavar="LEVEL", help="count child codes as their ancestor at LEVEL "
                                                                 "(1 = top-level codes)")
    sub.add_argument("--roll", action="append", metavar="C", help="count the children of C as C (repeatable)")


def register_analysis(command: Callable[..., argparse.ArgumentParser],
                      project_arg: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add the analysis commands to the ``workbench`` parser."""
    sub = command("cooccurrence", cmd_cooccurrence, "which codes occur together, per unit of analysis")
    project_arg(sub)
    _filters(sub)
    sub.add_argument("--format", choices=FORMATS, default="table")
    sub.add_argument("--svg", metavar="FILE", help="also write the heatmap as SVG")
    sub = command("passages", cmd_passages, "the passages where two codes meet (drill-down of one cell)")
    project_arg(sub)
    sub.add_argument("a", metavar="CODE_A")
    sub.add_argument("b", metavar="CODE_B")
    _filters(sub)
    sub.add_argument("--format", choices=FORMATS, default="table")
    sub = command("frequencies", cmd_frequencies, "segments, documents, cases and words coded per code and coder")
    project_arg(sub)
    _filters(sub, units=False)
    sub.add_argument("--no-coders", action="store_true", help="only the totals per code")
    sub.add_argument("--format", choices=FORMATS, default="table")
    sub = command("matrix", cmd_matrix, "codes × the values of a case attribute, with row and column percentages")
    project_arg(sub)
    sub.add_argument("attribute", metavar="ATTRIBUTE")
    sub.add_argument("--measure", choices=MEASURES, default="segments")
    sub.add_argument("--bins", metavar="EDGES", help="group a number or date attribute at these edges, e.g. "
                                                     "20,40,60 (under 20, 20–39, 40–59, 60+)")
    _filters(sub, units=False)
    sub.add_argument("--format", choices=FORMATS, default="table")
    sub = command("report", cmd_report, "the theme report (.md, .html or .docx): per code its definition, counts, top "
                                        "co-occurring codes and three quotes")
    project_arg(sub)
    sub.add_argument("file", metavar="FILE")
    _filters(sub)


__all__: list[Any] = ["register_analysis"]
