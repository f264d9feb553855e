"""``workbench agreement PROJECT --coders A,B[,C…] [--unit …] [--code C]… [--document D]… [--overlap 90]
[--format table|csv|json]``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..output import out, print_json, table
from ..safe_files import csv_text as _csv_text

if TYPE_CHECKING:
    from .core import AgreementResult, CodeAgreement

FORMATS = ("table", "csv", "json")
COLUMNS = ("code", "units", "percent_agreement", "cohen_kappa", "krippendorff_alpha", "unitized_alpha",
           "segments_matched", "segments_unmatched", "cu_alpha", "warning")


def csv_text(rows: list[dict[str, Any]], columns: tuple[str, ...] = COLUMNS) -> str:
    """CSV (a header row, ``\\n`` line ends) with text cells neutralised against formula injection."""
    return _csv_text(rows, columns)


def rows(result: AgreementResult) -> list[dict[str, Any]]:
    """One row per code and a last row ``overall`` (with cu_alpha)."""
    found = [{"code": c.code, **c.to_json(), "cu_alpha": None, "warning": c.warning} for c in result.codes]
    found.append({"code": "overall", **result.overall.to_json(), "cu_alpha": result.cu_alpha, "warning": ""})
    return found


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _line(entry: CodeAgreement) -> list[str]:
    return [entry.code, str(entry.units), _number(entry.percent_agreement), _number(entry.cohen_kappa),
            _number(entry.krippendorff_alpha), _number(entry.unitized_alpha),
            f"{entry.segments_matched}/{entry.segments_matched + entry.segments_unmatched}",
            "rare" if entry.warning else ""]


def cmd_agreement(args: argparse.Namespace) -> None:
    from ..store import open_project
    from .core import compute_agreement

    coders = [c.strip() for c in (args.coders or "").split(",") if c.strip()]
    with open_project(args.project) as project:
        result = compute_agreement(project, coders, args.unit, args.code or None, args.document or None,
                                   args.overlap)
    if args.format == "json":
        print_json(result.to_json())
        return
    if args.format == "csv":
        out(csv_text(rows(result)))
        return
    out(f"coders: {', '.join(result.coders)}; unit: {result.unit}; documents compared: {len(result.documents)}"
        + (f" (not coded by two of them: {', '.join(result.skipped)})" if result.skipped else "") + "\n\n")
    out(table([_line(e) for e in result.codes] + [_line(result.overall)],
              ("code", "units", "agreement", "kappa", "alpha", "|u-alpha", f"matched ≥{result.overlap}%", "note")))
    out(f"\ncu-alpha (which code, where segments intersect): {_number(result.cu_alpha)}\n")
    out("overall: every code's decisions pooled, as if each code's coding were laid end to end; "
        "'–': undefined (no variation, or kappa with more than two coders)\n")
    per_coder = [(e.code, coder, m, u) for e in result.codes for coder, (m, u) in e.matched_by_coder.items()]
    if per_coder:
        out("\nsegments matched per coder\n")
        out(table(per_coder, ("code", "coder", "matched", "unmatched")))


def register_agreement(command: Callable[..., argparse.ArgumentParser],
                       project_arg: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``agreement`` to the ``workbench`` parser."""
    sub = command("agreement", cmd_agreement, "intercoder agreement per code: percent agreement, Cohen's kappa, "
                                              "Krippendorff's alpha, unitized alpha, segment matching")
    project_arg(sub)
    sub.add_argument("--coders", required=True, metavar="A,B[,C…]", help="the coders to compare (two or more)")
    sub.add_argument("--unit", default="character",
                     help="character (default), sentence, turn, paragraph or document")
    sub.add_argument("--code", action="append", metavar="C", help="only this code (repeatable)")
    sub.add_argument("--document", action="append", metavar="D", help="only this document (repeatable)")
    sub.add_argument("--overlap", type=int, default=90,
                     help="segment matching: the share of the longer segment two segments must overlap (%%)")
    sub.add_argument("--format", choices=FORMATS, default="table")
