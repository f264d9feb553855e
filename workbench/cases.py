"""Cases and their attributes from a CSV: ``document,case,<attribute>…``, with attribute types inferred."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

from .errors import WorkbenchError
from .importers.encoding import decode_csv
from .store import CaseRow

_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_EU_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


def _as_date(value: str) -> str | None:
    match = _ISO_DATE.match(value)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _EU_DATE.match(value)
        if not match:
            return None
        day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def infer_type(values: list[str]) -> str:
    """``number`` if every non-empty value is a number, ``date`` if every one is a date, else ``text``."""
    present = [v for v in values if v != ""]
    if present and all(_NUMBER.match(v) for v in present):
        return "number"
    if present and all(_as_date(v) for v in present):
        return "date"
    return "text"


def normalise_value(value: str, kind: str) -> str:
    """Store numbers with a decimal point and dates as ISO ``YYYY-MM-DD``."""
    if value == "":
        return value
    if kind == "number":
        return value.replace(",", ".")
    if kind == "date":
        return _as_date(value) or value
    return value


def read_cases_csv(data: bytes, source: str) -> tuple[list[CaseRow], dict[str, str]]:
    """Parse a cases CSV; returns its rows and the inferred type of each attribute column."""
    if not data.strip():
        raise WorkbenchError(f"{source} is empty")
    text = decode_csv(data, source)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = [h.strip() for h in next(reader)]
        body = [row for row in reader if any(cell.strip() for cell in row)]
    except (StopIteration, csv.Error) as exc:
        raise WorkbenchError(f"{source} is not a readable CSV file ({exc})") from None
    if [h.lower() for h in header[:2]] != ["document", "case"]:
        raise WorkbenchError(f"{source} must start with the columns document,case (found {','.join(header[:2])})")
    attributes = header[2:]
    if len(set(a.lower() for a in attributes)) != len(attributes) or any(not a for a in attributes):
        raise WorkbenchError(f"{source} has an empty or repeated attribute column name")
    for number, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise WorkbenchError(f"{source} line {number}: expected {len(header)} columns, found {len(row)}")
        if not row[0].strip() or not row[1].strip():
            raise WorkbenchError(f"{source} line {number}: document and case must not be empty")
    types = {a: infer_type([row[i + 2].strip() for row in body]) for i, a in enumerate(attributes)}
    rows = [
        CaseRow(document=row[0].strip(), case=row[1].strip(),
                values={a: normalise_value(row[i + 2].strip(), types[a]) for i, a in enumerate(attributes)})
        for row in body
    ]
    return rows, types


def read_cases_file(path: str | Path) -> tuple[list[CaseRow], dict[str, str]]:
    path = Path(path)
    if not path.is_file():
        raise WorkbenchError(f"no file at {path}")
    return read_cases_csv(path.read_bytes(), path.name)
