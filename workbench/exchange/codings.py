"""Codings from CSV: ``document,start,end,code,coder[,memo]``, or ``document,quote,code,coder[,memo]`` where the
quote is an exact passage found exactly once in the document. All rows are checked before any is stored."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..errors import WorkbenchError
from ..importers.encoding import decode_csv
from ..models import NewSegment
from ..intervals import join_overlapping
from ..store import Project, normalise_name
from ..textnorm import normalise_text


def read_codings(project: Project, data: bytes, source: str, default_coder: str | None = None) -> list[NewSegment]:
    """Parse and resolve a codings CSV against the project; raises with the file's line number on any problem."""
    if not data.strip():
        raise WorkbenchError(f"{source} is empty")
    reader = csv.DictReader(io.StringIO(decode_csv(data, source), newline=""))
    try:
        header = [h.strip().lower() for h in reader.fieldnames or []]
    except csv.Error as exc:
        raise WorkbenchError(f"{source} line 1: not readable as CSV ({exc})") from None
    reader.fieldnames = header
    by_offsets = {"start", "end"} <= set(header)
    if "document" not in header or "code" not in header or not (by_offsets or "quote" in header):
        raise WorkbenchError(f"{source} needs the columns document,start,end,code,coder[,memo] "
                             "(or document,quote,code,coder[,memo])")
    if "coder" not in header and not default_coder:
        raise WorkbenchError(f"{source} has no coder column; add one, or name the coder", cli="coder")
    doc_ids: dict[str, int] = {}
    texts: dict[int, str] = {}
    code_ids: dict[str, int] = {}
    result: list[NewSegment] = []
    rows = iter(reader)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:
            raise WorkbenchError(f"{source} line {reader.line_num}: not readable as CSV ({exc})") from None
        line = reader.line_num
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue
        try:
            document = (row.get("document") or "").strip()
            if document not in doc_ids:
                doc_ids[document] = project.document_id(document)
            doc_id = doc_ids[document]
            code = (row.get("code") or "").strip()
            if code not in code_ids:
                code_ids[code] = project.resolve_code(code).id
            coder = (row.get("coder") or "").strip() or default_coder or ""
            if not coder:
                raise WorkbenchError("the coder is empty")
            if by_offsets:
                start, end = _integer(row.get("start"), "start"), _integer(row.get("end"), "end")
            else:
                if doc_id not in texts:
                    texts[doc_id] = project.document_text(doc_id)
                start, end = locate_quote(texts[doc_id], row.get("quote") or "")
        except WorkbenchError as exc:
            raise WorkbenchError(f"{source} line {line}: {exc}") from None
        result.append(NewSegment(doc_id, start, end, code_ids[code], coder, (row.get("memo") or "").strip()))
    if not result:
        raise WorkbenchError(f"{source} has no codings")
    return result


def _integer(value: str | None, what: str) -> int:
    try:
        return int((value or "").strip())
    except ValueError:
        raise WorkbenchError(f"{what} {value!r} is not a whole number") from None


def locate_quote(text: str, quote: str) -> tuple[int, int]:
    """The span of ``quote`` in ``text``; it must occur exactly once."""
    quote = normalise_text(quote)
    if not quote.strip():
        raise WorkbenchError("the quote is empty")
    first = text.find(quote)
    if first < 0:
        raise WorkbenchError(f"quote not found: {quote[:60]!r}")
    if text.find(quote, first + 1) >= 0:
        raise WorkbenchError(f"quote found more than once; make it longer: {quote[:60]!r}")
    return first, first + len(quote)


def merge_own_overlaps(new: list[NewSegment]) -> tuple[list[NewSegment], int]:
    """One coder's overlapping rows of one code in one document → one segment (widest span, memos joined), as
    the coding page does; returns the segments and how many rows were merged into another."""
    groups: dict[tuple[int, int, str], list[NewSegment]] = {}
    for seg in new:
        groups.setdefault((seg.document_id, seg.code_id, normalise_name(seg.coder)), []).append(seg)
    result: list[NewSegment] = []
    merged = 0
    for group in groups.values():
        for start, end, parts in join_overlapping((seg.start, seg.end, seg) for seg in group):
            memos = [seg.memo for seg in parts if seg.memo]
            first = parts[0]
            result.append(NewSegment(first.document_id, start, end, first.code_id, first.coder,
                                     "\n".join(dict.fromkeys(memos))))
            merged += len(parts) - 1
    return result, merged


def import_codings(project: Project, data: bytes, source: str, default_coder: str | None = None,
                   who: str | None = None) -> dict[str, int]:
    """Add the codings of a CSV, all or nothing, audited as imported by ``who`` (default: each row's coder). One
    coder's overlapping rows of a code are merged into one segment, and a row overlapping that coder's stored
    segment of the code widens it (as the coding page does); returns the counts ``rows``, ``added``, ``merged``
    (rows joined to another row) and ``widened``. Documents and codes are resolved inside the write transaction."""
    from ..coding import apply_codes, widened

    try:
        with project.transaction():
            new = read_codings(project, data, source, default_coder)
            segments, merged = merge_own_overlaps(new)
            counts = {"rows": len(new), "added": 0, "merged": merged, "widened": 0}
            for seg in segments:
                change = apply_codes(project, seg.document_id, seg.start, seg.end, [seg.code_id], seg.coder,
                                     memo=seg.memo, who=who)
                counts["added"] += len(change.added())
                counts["widened"] += len(widened(change))
    except WorkbenchError as exc:
        raise WorkbenchError(f"{source}: {exc}") from None
    return counts


def import_codings_file(project: Project, path: str | Path, default_coder: str | None = None,
                        who: str | None = None) -> dict[str, int]:
    """Import a codings CSV from disk (see :func:`import_codings`)."""
    path = Path(path)
    if not path.is_file():
        raise WorkbenchError(f"no file at {path}")
    return import_codings(project, path.read_bytes(), path.name, default_coder, who)
