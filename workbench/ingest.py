"""Importing files (and a cases table) into a project, all or nothing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from .cases import infer_type, read_cases_csv
from .errors import WorkbenchError
from .importers import DEFAULT_MAX_MB, check_size, parse_bytes
from .models import ParsedDocument
from .store import CaseRow, Project

Progress = Callable[[int, int, str], None]


def import_sources(
    project: Project,
    sources: Sequence[tuple[str, bytes]],
    cases: tuple[str, bytes] | None = None,
    language: str | None = None,
    name: str | None = None,
    max_mb: float = DEFAULT_MAX_MB,
    who: str = "",
    progress: Progress | None = None,
) -> list[ParsedDocument]:
    """Import files given as ``(file name, bytes)`` and optionally a cases CSV ``(file name, bytes)``.

    Every file is parsed and checked before anything is written; one bad file refuses the whole import and the
    project stays exactly as it was. ``progress(done, total, file name)`` is called as files are parsed.
    """
    if name is not None and len(sources) != 1:
        raise WorkbenchError("a name can only be given when importing a single file", cli="name")
    if not sources and cases is None:
        raise WorkbenchError("nothing to import: choose one or more files, or a cases CSV", cli="cases")
    parsed: list[ParsedDocument] = []
    for index, (filename, data) in enumerate(sources):
        if progress:
            progress(index, len(sources), Path(filename).name)
        parsed.append(parse_bytes(data, filename, name=name, language=language, max_mb=max_mb))
    if progress:
        progress(len(sources), len(sources), "")
    case_rows, types = ([], {})
    if cases is not None:
        case_rows, types = read_cases_csv(cases[1], Path(cases[0]).name)
        types = combined_types(project, case_rows, types)
        known = {d.name for d in project.documents()} | {d.name for d in parsed}
        for row in case_rows:
            if row.document not in known:
                raise WorkbenchError(f"{Path(cases[0]).name} names document {row.document!r}, which is neither in "
                                     "the project nor being imported")
    with project.transaction():
        if parsed:
            project.add_documents(parsed, who=who)
        if case_rows:
            project.set_cases(case_rows, types, who=who)
    return parsed


def combined_types(project: Project, rows: Sequence[CaseRow], types: dict[str, str]) -> dict[str, str]:
    """Attribute types over the values already stored and the new ones (a column that was numbers and now gets
    a word becomes text)."""
    combined = {}
    for attribute, kind in types.items():
        stored = project.attribute_values(attribute)
        combined[attribute] = infer_type(stored + [row.values.get(attribute, "") for row in rows]) if stored else kind
    return combined


def import_paths(project: Project, paths: Sequence[str | Path], cases: str | Path | None = None,
                 **options: object) -> list[ParsedDocument]:
    """Import files from disk (see :func:`import_sources`)."""
    max_mb = float(options.get("max_mb") or DEFAULT_MAX_MB)  # type: ignore[arg-type]
    sources = []
    for path in paths:
        path = Path(path)
        if not path.is_file():
            raise WorkbenchError(f"no file at {path}")
        check_size(path.stat().st_size, path.name, max_mb)
        sources.append((path.name, path.read_bytes()))
    case_source = None
    if cases is not None:
        cases = Path(cases)
        if not cases.is_file():
            raise WorkbenchError(f"no cases file at {cases}")
        case_source = (cases.name, cases.read_bytes())
    return import_sources(project, sources, case_source, **options)  # type: ignore[arg-type]
