"""Writing exports safely: never over the project file, always whole, and CSV cells that a spreadsheet will not run.

- :func:`check_output` refuses a target that is the project file or its ``-wal``/``-shm`` file, also through a
  hard link or a symbolic link (same device and inode), and a target in a folder that does not exist.
- :func:`atomic_write` writes to a temporary file beside the target and renames it over the target: a reader
  sees the old file or the new one, never half of one, and a link at the target is replaced, not written through.
- :func:`csv_cell` / :func:`csv_text`: a text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return (or their full-width forms) gets a leading single quote, as OWASP recommends against CSV injection, so
  that Excel, LibreOffice and Google Sheets show it as text instead of running it as a formula. Numbers stay
  numbers. Every CSV the workbench writes goes through :func:`csv_text`.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from .errors import WorkbenchError

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_FORMULA_FIRST = frozenset(FORMULA_STARTS)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def check_output(project_path: str | Path, target: str | Path) -> Path:
    """The absolute path to write an export to (a link there is not followed: it will be replaced); refuses the
    project file itself and its WAL files, by name or through any link, and a missing folder."""
    target = Path(target)
    resolved = target.resolve()
    mine = Path(project_path).resolve()
    guarded = [mine, Path(f"{mine}-wal"), Path(f"{mine}-shm"), Path(f"{mine}-journal")]
    identities = {_identity(p) for p in guarded} - {None}
    if resolved in guarded or _identity(resolved) in identities or _identity(target) in identities:
        raise WorkbenchError(f"{target} is the project file itself (or a link to it); choose another file name")
    if not resolved.parent.is_dir():
        raise WorkbenchError(f"folder {resolved.parent} does not exist")
    return target.absolute()


@contextmanager
def atomic_open(target: str | Path, binary: bool = False) -> Iterator[IO[Any]]:
    """A file to write an export into: a temporary file beside ``target`` that is synced and renamed over
    ``target`` when the block ends without an error, and removed when it ends with one. A link at ``target`` is
    replaced by the new file; the file it pointed to is left alone. A new file is readable by its owner only
    (interviews are personal data); a replaced one keeps its permissions."""
    target = Path(target)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name[:40]}.", suffix=".tmp", dir=target.parent)
    try:
        with (os.fdopen(handle, "wb") if binary else
              os.fdopen(handle, "w", encoding="utf-8", newline="")) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        if target.exists():
            os.chmod(temporary, target.stat().st_mode & 0o777)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def atomic_write(target: str | Path, data: bytes | str) -> None:
    """Write ``data`` (text as UTF-8) to ``target`` through :func:`atomic_open`."""
    with atomic_open(target, binary=True) as stream:
        stream.write(data.encode("utf-8") if isinstance(data, str) else data)


def write_export(project_path: str | Path, target: str | Path, data: bytes | str) -> Path:
    """:func:`check_output`, then :func:`atomic_write`; returns the path written."""
    path = check_output(project_path, target)
    atomic_write(path, data)
    return path


def csv_cell(value: Any) -> Any:
    """A cell value that no spreadsheet runs as a formula: text beginning with a formula character gets a
    leading single quote; carriage returns in text become line feeds (the csv module would leave a lone CR
    unquoted, and a reader would split the row there). Other values are returned unchanged."""
    if not isinstance(value, str):
        return value
    if value[:1] in _FORMULA_FIRST:
        value = "'" + value
    return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value


def csv_row(values: Iterable[Any]) -> list[Any]:
    """:func:`csv_cell` of every value of a row (plain text and numbers pass without a call)."""
    return [csv_cell(v) if v.__class__ is not str or v[:1] in _FORMULA_FIRST or "\r" in v else v for v in values]


def write_csv(rows: Iterable[dict[str, Any]], target: IO[str], columns: Sequence[str],
              progress: Callable[[int], None] | None = None) -> int:
    """Write rows as CSV (a header row first, ``\\n`` line ends, missing values and None empty, every cell
    through :func:`csv_cell`) as they come, a batch at a time; returns the number of rows."""
    writer = csv.writer(target, lineterminator="\n")
    writer.writerow(csv_row(str(column) for column in columns))
    count = 0
    batch: list[list[Any]] = []
    for row in rows:
        batch.append(csv_row("" if (v := row.get(c)) is None else v for c in columns))
        if len(batch) == 5000:
            writer.writerows(batch)
            count += len(batch)
            batch.clear()
            if progress:
                progress(count)
    writer.writerows(batch)
    count += len(batch)
    if progress:
        progress(count)
    return count


def csv_text(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> str:
    """CSV text (a header row, ``\\n`` line ends) of the given columns, every cell through :func:`csv_cell`."""
    buffer = io.StringIO()
    write_csv(rows, buffer, columns)
    return buffer.getvalue()
