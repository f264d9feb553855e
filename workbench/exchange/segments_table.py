"""One row per coded segment, with document, case, speaker, offsets, code, coder, memo and text."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..context import TurnIndex
from ..errors import WorkbenchError
from ..models import Segment
from ..output import json_scalar as encode
from ..safe_files import atomic_open, check_output, csv_text, write_csv
from ..store import Project
from .xlsx import write_xlsx

COLUMNS = ("document", "case", "speaker", "start", "end", "code", "coder", "memo", "text")


def segment_rows(project: Project, segments: Sequence[Segment] | None = None) -> list[dict[str, Any]]:
    """Table rows for segments (all segments when none are given), with case names and speakers resolved."""
    if segments is None:
        segments = project.segments(with_text=True)
    turns = project.turns()
    case_labels = project.case_labels()
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
            "case": case_labels.get(seg.document_id, ""),
            "speaker": "; ".join(indexes[seg.document_id].speakers(seg.start, seg.end)),
            "start": seg.start,
            "end": seg.end,
            "code": code_paths.get(seg.code_id, seg.code),
            "coder": seg.coder,
            "memo": seg.memo,
            "text": seg.text or texts[seg.document_id][seg.start:seg.end],
        })
    return rows


def iter_segment_rows(project: Project, document_ids: Sequence[int] | None = None,
                      code_ids: Sequence[int] | None = None, coders: Sequence[str] | None = None,
                      segments: bool = False) -> Iterator[dict[str, Any]]:
    """The rows of :func:`segment_rows` for every matching segment, streamed in document order: one document's
    text and turns are held at a time, never the whole table. With ``segments`` each row also carries the fields
    of ``Segment.as_dict()`` under ``"segment"``."""
    code_paths = {c.id: c.path for c in project.codes()}
    case_names = project.case_labels(document_ids)
    for doc_id, text, turns, rows in project.iter_segment_rows(document_ids, code_ids, coders):
        speakers = TurnIndex(turns).speakers
        case = case_names.get(doc_id, "")
        for seg_id, guid, document, _, start, end, code, code_id, coder, memo, created, updated in rows:
            piece = text[start:end]
            row = {"id": seg_id, "document": document, "case": case, "speaker": "; ".join(speakers(start, end)),
                   "start": start, "end": end, "code": code_paths.get(code_id, code), "coder": coder, "memo": memo,
                   "text": piece}
            if segments:
                row["segment"] = {"id": seg_id, "guid": guid, "document": document, "start": start, "end": end,
                                  "code": code, "coder": coder, "memo": memo, "created": created,
                                  "updated": updated, "text": piece}
            yield row


def iter_segments_json(project: Project, document_ids: Sequence[int] | None = None,
                       code_ids: Sequence[int] | None = None, coders: Sequence[str] | None = None) -> Iterator[str]:
    """The elements of ``segments --json`` (``Segment.as_dict()`` with ``code_path``, ``speaker`` and ``case``),
    each already laid out as ``json.dumps(array, indent=2)`` lays out an element, streamed in document order."""
    code_paths = {c.id: encode(c.path) for c in project.codes()}
    case_names = {doc: encode("; ".join(names)) for doc, names in project.document_case_names(document_ids).items()}
    empty = encode("")
    for doc_id, text, turns, rows in project.iter_segment_rows(document_ids, code_ids, coders):
        speakers = TurnIndex(turns).speakers
        case = case_names.get(doc_id, empty)
        for seg_id, guid, document, _, start, end, code, code_id, coder, memo, created, updated in rows:
            yield (f'  {{\n    "id": {seg_id},\n    "guid": {encode(guid)},\n    "document": {encode(document)},\n'
                   f'    "start": {start},\n    "end": {end},\n    "code": {encode(code)},\n'
                   f'    "coder": {encode(coder)},\n    "memo": {encode(memo)},\n    "created": {encode(created)},\n'
                   f'    "updated": {encode(updated)},\n    "text": {encode(text[start:end])},\n'
                   f'    "code_path": {code_paths.get(code_id) or encode(code)},\n'
                   f'    "speaker": {encode("; ".join(speakers(start, end)))},\n    "case": {case}\n  }}')


def rows_to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str] = COLUMNS) -> str:
    """CSV text (UTF-8, a header row) of the given columns; text cells that a spreadsheet would run as a
    formula are neutralised (:func:`workbench.safe_files.csv_cell`)."""
    return csv_text(rows, columns)


def rows_to_xlsx(rows: Sequence[dict[str, Any]], columns: Sequence[str] = COLUMNS, sheet: str = "segments") -> bytes:
    """An XLSX workbook with one sheet of the given columns (a frozen, bold header row; text stays text)."""
    buffer = io.BytesIO()
    write_xlsx(rows, buffer, columns, sheet=sheet)
    return buffer.getvalue()


def export_segments(project: Project, path: str | Path, segments: Sequence[Segment] | None = None,
                    progress: Callable[[int], None] | None = None) -> int:
    """Write the segment table to ``.csv`` or ``.xlsx`` (all segments streamed, or the given ones); returns the
    number of rows. The file appears only when complete (written beside it, then renamed)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise WorkbenchError(f"{path.name}: export to a .csv or .xlsx file")
    check_output(project.path, path)
    rows: Iterable[dict[str, Any]] = iter_segment_rows(project) if segments is None else segment_rows(project,
                                                                                                       segments)
    with atomic_open(path, binary=suffix == ".xlsx") as target:
        if suffix == ".csv":
            return write_csv(rows, target, COLUMNS, progress=progress)
        return write_xlsx(rows, target, progress=progress)
