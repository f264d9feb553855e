"""A streaming XLSX writer for one table: rows are written into the zip as they come (a million rows in constant
memory), strings inline and always text (a value that looks like a formula stays text), the header row bold and
frozen. What Excel, LibreOffice and openpyxl read; only what a table export needs."""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from typing import IO, Any

# Characters XML 1.0 cannot hold (as openpyxl drops them).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPECIAL = re.compile(r"[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]").search  # text to escape or clean

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '</Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/></Relationships>'
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>'
)


def escape(text: str, quotes: bool = False) -> str:
    """XML text (``&``, ``<``, ``>``; and ``"`` for attributes). A carriage return is written as a character
    reference: a reader turns a literal one into a line feed (XML's line-end handling)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    return text.replace('"', "&quot;") if quotes else text


def _column_letters(count: int) -> list[str]:
    letters = []
    for index in range(count):
        name = ""
        index += 1
        while index:
            index, rest = divmod(index - 1, 26)
            name = chr(65 + rest) + name
        letters.append(name)
    return letters


def _cell(ref: str, value: Any, style: str = "") -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int) or isinstance(value, float) and math.isfinite(value):
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>'
    return _text_cell(ref, str(value), style)


def _text_cell(ref: str, text: str, style: str = "") -> str:
    """An inline string cell: escaped, and without the characters XML cannot hold (both only when there are any)."""
    if _SPECIAL(text):
        text = escape(_ILLEGAL.sub("", text))
    return f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def write_xlsx(rows: Iterable[dict[str, Any]], target: IO[bytes], columns: Sequence[str] | None = None,
               sheet: str = "segments", progress: Callable[[int], None] | None = None) -> int:
    """Write the rows (dicts; ``columns`` chosen from them, default the segment table's) as a one-sheet workbook
    into ``target``; returns the number of data rows."""
    if columns is None:
        from .segments_table import COLUMNS

        columns = COLUMNS
    letters = _column_letters(len(columns))
    name = escape(_ILLEGAL.sub("", sheet)[:31] or "sheet", quotes=True)
    count = 0
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        book.writestr("[Content_Types].xml", _CONTENT_TYPES)
        book.writestr("_rels/.rels", _RELS)
        book.writestr("xl/workbook.xml",
                      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                      '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                      f'<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>')
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        book.writestr("xl/styles.xml", _STYLES)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft"'
                b' state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews><sheetData>')
            header = "".join(_cell(f"{letter}1", column, ' s="1"') for letter, column in zip(letters, columns))
            batch = [f'<row r="1">{header}</row>']
            pairs = list(zip(letters, columns))
            for row in rows:
                count += 1
                number = count + 1
                cells = []
                for letter, column in pairs:
                    value = row.get(column)
                    if value.__class__ is str:  # the common cell, without _cell's type checks
                        if value:
                            cells.append(_text_cell(f"{letter}{number}", value))
                    else:
                        cells.append(_cell(f"{letter}{number}", value))
                batch.append(f'<row r="{number}">{"".join(cells)}</row>')
                if len(batch) >= 2000:
                    part.write("".join(batch).encode("utf-8"))
                    batch.clear()
                    if progress:
                        progress(count)
            batch.append("</sheetData></worksheet>")
            part.write("".join(batch).encode("utf-8"))
    if progress:
        progress(count)
    return count
