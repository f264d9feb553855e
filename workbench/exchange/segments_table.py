"""One row per coded segment, with document, case, speaker, offsets, code, coder, memo and text."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..context import TurnIndex
from ..errors import WorkbenchError
from ..models import Segment
from ..store import Project

COLUMNS = ("document", "case", "speaker", "start", "end", "code", "coder", "memo", "text")


def segment_rows(project: Project, segments: Sequence[Segment] | None = None) -> list[dict[str, Any]]:
    """Table rows for segments (all segments when none are given), with case names and speakers resolved."""
    if segments is None:
        segments = project.segments(with_text=True)
    turns = project.turns()
    case_names = {c.id: c.name for c in project.cases()}
    doc_cases = project.document_cases()
    code_paths = {c.id: c.path for c in project.codes()}
    texts: dict[int, str] = {}
    if any(not s.text for s in segments):
        texts = project.document_texts({s.document_id for s in segments})
    indexes: dict[int, TurnIndex] = {}
    rows = []
    for seg in segments:
        if seg.document_id not in indexes:
            indexes[seg.document_id] = TurnIndex(turns.get(seg.document_id, []))
        rows.append({
            "id": seg.id,
            "document": seg.document,
            "case": "; ".join(case_names[c] for c in doc_cases.get(seg.document_id, [])),
            "speaker": "; ".join(indexes[seg.document_id].speakers(seg.start, seg.end)),
            "start": seg.start,
            "end": seg.end,
            "code": code_paths.get(seg.code_id, seg.code),
            "coder": seg.coder,
            "memo": seg.memo,
            "text": seg.text or texts[seg.document_id][seg.start:seg.end],
        })
    return rows


def rows_to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str] = COLUMNS) -> str:
    """CSV text (UTF-8, a header row) of the given columns."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def rows_to_xlsx(rows: Sequence[dict[str, Any]], columns: Sequence[str] = COLUMNS, sheet: str = "segments") -> bytes:
    """An XLSX workbook with one sheet of the given columns (a frozen, bold header row)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=False)
    worksheet = book.active
    worksheet.title = sheet[:31]
    worksheet.append(list(columns))
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        worksheet.append([_excel_safe(row.get(column, "")) for column in columns])
        for cell in worksheet[worksheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula stays text
    worksheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _excel_safe(value: Any) -> Any:
    """Strings without the control characters XLSX cannot hold."""
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def export_segments(project: Project, path: str | Path, segments: Sequence[Segment] | None = None) -> int:
    """Write the segment table to ``.csv`` or ``.xlsx``; returns the number of rows."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise WorkbenchError(f"{path.name}: export to a .csv or .xlsx file")
    project.check_output(path)
    rows = segment_rows(project, segments)
    if suffix == ".csv":
        path.write_text(rows_to_csv(rows), encoding="utf-8")
    else:
        path.write_bytes(rows_to_xlsx(rows))
    return len(rows)
