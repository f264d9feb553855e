"""QDPX and QDC in and out of a project: ``export``, ``codebook export``, ``import-project``, ``codebook import``."""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import WorkbenchError
from ..models import ParsedDocument, Span, Turn
from ..safe_files import atomic_write, check_output, write_export
from ..units import SUPPORTED_LANGUAGES
from ..store import Project
from ..store.files import building_project
from .model import Bundle, ExDocument, Report
from .project_bundle import codebook_bundle, project_bundle
from .qdpx_read import read_qdc, read_qdpx
from .qdpx_write import codebook_xml, write_qdpx
from .tidy import tidy, tidy_codes

MAX_IMPORT_MB = 2048


def parsed_document(doc: ExDocument) -> ParsedDocument:
    """A bundle's document with its speaker turns, sentences, paragraphs and language, the text exactly kept
    (offsets of the selections point into it)."""
    from ..importers.formats import check_characters
    from ..turns import header_end, header_fields, parse_turns
    from ..units import detect_language, paragraphs, sentences

    text = doc.text
    check_characters(len(text), doc.name)
    digest = doc.sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest()
    stored = stored_units(doc, digest)
    if stored is not None:
        return stored
    turns = parse_turns(text)
    language = detect_language(text)
    metadata = dict(doc.metadata)
    header = header_fields(text)
    if header and "header" not in metadata:
        metadata["header"] = header
    return ParsedDocument(name=doc.name, text=text, source_name=f"{doc.name}.txt", turns=turns,
                          sentences=sentences(text, turns, language, header_end(text)), paragraphs=paragraphs(text),
                          language=language, sha256=digest,
                          metadata=metadata)


def stored_units(doc: ExDocument, digest: str) -> ParsedDocument | None:
    """The document with the units the workbench stored with it (``workbench/units.json``), when they belong to
    exactly this text and every span lies inside it; else None (they are found again)."""
    units = doc.units or {}
    if units.get("sha256") != digest:
        return None
    length = len(doc.text)
    try:
        turns = [Turn(int(s), int(e), speaker, stamp, seconds) for s, e, speaker, stamp, seconds in units["turns"]]
        sentences = [Span(int(s), int(e)) for s, e in units["sentences"]]
        paragraphs = [Span(int(s), int(e)) for s, e in units["paragraphs"]]
    except (KeyError, TypeError, ValueError):
        return None
    if not all(0 <= u.start <= u.end <= length for u in (*turns, *sentences, *paragraphs)):
        return None
    language = units.get("language") if units.get("language") in SUPPORTED_LANGUAGES else "nl"
    return ParsedDocument(name=doc.name, text=doc.text, source_name=f"{doc.name}.txt", turns=turns,
                          sentences=sentences, paragraphs=paragraphs, language=language, sha256=digest,
                          metadata=dict(doc.metadata))


def store_bundle(project: Project, bundle: Bundle, report: Report, who: str) -> None:
    """Store a tidied bundle in an empty project, in one transaction, audited."""
    parsed = [(doc, parsed_document(doc)) for doc in bundle.documents]
    with project.transaction():
        project.add_bundle(codes=bundle.codes, documents=parsed, segments=bundle.segments, memos=bundle.memos,
                           cases=bundle.cases, case_links=[], attributes=bundle.attributes, who=who,
                           source=report.source, groups=bundle.groups)
    report.imported.update({"documents": len(bundle.documents), "codes": len(bundle.codes),
                            "segments": len(bundle.segments), "coders": len({s.coder for s in bundle.segments}),
                            "memos": len(bundle.memos), "cases": len(bundle.cases),
                            "document groups": len(bundle.groups)})


def _read_input(path: str | Path, suffixes: tuple[str, ...]) -> tuple[Path, bytes]:
    path = Path(path)
    if not path.is_file():
        raise WorkbenchError(f"no file at {path}")
    if path.suffix.lower() not in suffixes:
        raise WorkbenchError(f"{path.name}: expected a {' or '.join(suffixes)} file")
    if path.stat().st_size > MAX_IMPORT_MB * 1024 * 1024:
        raise WorkbenchError(f"{path.name} is larger than {MAX_IMPORT_MB} MB")
    return path, path.read_bytes()


def _new_project(new_path: str | Path) -> Path:
    new_path = Path(new_path)
    if new_path.exists():
        raise WorkbenchError(f"{new_path} already exists; a project is imported into a new file")
    if not new_path.parent.exists():
        raise WorkbenchError(f"folder {new_path.parent} does not exist")
    return new_path


def import_project(new_path: str | Path, qdpx: str | Path, who: str = "") -> Report:
    """Create ``new_path`` from a QDPX file; on any failure no file is left behind."""
    new_path = _new_project(new_path)
    path, data = _read_input(qdpx, (".qdpx", ".zip"))
    return import_project_data(new_path, data, path.name, who)


def import_project_data(new_path: str | Path, data: bytes, source: str, who: str = "") -> Report:
    """:func:`import_project` for a file's bytes (an upload named ``source``)."""
    new_path = _new_project(new_path)
    if len(data) > MAX_IMPORT_MB * 1024 * 1024:
        raise WorkbenchError(f"{source} is larger than {MAX_IMPORT_MB} MB")
    with bulk_work():
        bundle, report = read_qdpx(data, source)
        tidy(bundle, report)
        if not bundle.documents and not bundle.codes:
            raise WorkbenchError(f"{source} holds no text sources and no codes to import")
        with building_project(new_path, "importing") as project:
            store_bundle(project, bundle, report, who)
    return report


@contextmanager
def bulk_work() -> Iterator[None]:
    """Python's cycle collector paused while hundreds of thousands of records are made that all stay alive (each
    full collection would walk them all again: a tenth of an import's time); what became garbage is collected
    by the collector's next run after the block."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def project_beside(current: str | Path, name: str) -> Path:
    """The path of a new project called ``name`` in the folder of the project ``current`` (``.wbproj`` added when
    it does not end so); refused when the name is empty, names a folder or hidden file, or the file exists."""
    name = " ".join((name or "").split())
    if not name:
        raise WorkbenchError("the new project needs a name")
    if any(ch in name for ch in '/\\:*?"<>|') or name.startswith(".") or any(ord(ch) < 32 for ch in name):
        raise WorkbenchError(f"{name!r} cannot be a file name: no folders, no / \\ : * ? \" < > |, and not "
                             "starting with a dot")
    if len(name) > 120:
        raise WorkbenchError("the new project's name may be at most 120 characters")
    if not name.lower().endswith(".wbproj"):
        name = f"{name}.wbproj"
    path = Path(current).resolve().parent / name
    if path.exists():
        raise WorkbenchError(f"a file named {name} already exists beside this project; choose another name")
    return path


def export_qdpx(project: Project, path: str | Path) -> Report:
    """Write the whole project as QDPX (atomically: a failed export leaves no partial file)."""
    target = check_output(project.path, path)
    data, report = qdpx_bytes(project, target.name)
    atomic_write(target, data)
    return report


def qdpx_bytes(project: Project, name: str = "project.qdpx") -> tuple[bytes, Report]:
    """The whole project as QDPX, and the report of what it holds and what REFI-QDA has no place for."""
    with bulk_work():
        bundle = project_bundle(project)
        data = write_qdpx(bundle)
    report = Report("export", name)
    report.imported = {"documents": len(bundle.documents), "codes": len(bundle.codes),
                       "segments": len(bundle.segments), "memos": len(bundle.memos) + sum(
                           1 for s in bundle.segments if s.memo), "cases": len(bundle.cases),
                       "coders": len(bundle.coders), "document groups (sets)": len(bundle.groups),
                       "bytes": len(data)}
    report.positions.append({"source": "all sources", "convention": "code points, start inclusive, end exclusive",
                             "on_boundaries": 0, "ends": 0})
    metadata = sum(1 for d in bundle.documents if d.metadata)
    if metadata:
        report.skip("document metadata (title-block fields, file properties) for other tools",
                    "REFI-QDA has no place for them (kept in workbench/units.json for the workbench)", metadata)
    return data, report


def export_qdc(project: Project, path: str | Path) -> None:
    write_export(project.path, path, qdc_bytes(project))


def qdc_bytes(project: Project) -> bytes:
    return codebook_xml(codebook_bundle(project)).encode("utf-8")


def import_qdc(project: Project, path: str | Path, who: str = "") -> Report:
    """Add a QDC codebook's codes: codes are matched by GUID, then by path; new ones are added, existing ones are
    kept as they are (differences listed as conflicts). All or nothing."""
    path, data = _read_input(path, (".qdc", ".xml"))
    return import_qdc_data(project, data, path.name, who)


def import_qdc_data(project: Project, data: bytes, name: str, who: str = "") -> Report:
    """:func:`import_qdc` for a file's bytes (an upload)."""
    from .merge import plan_codes

    bundle, report = read_qdc(data, name)
    tidy_codes(bundle, report)
    with project.transaction():
        codes = plan_codes(project, bundle, report)
        project.add_bundle(codes=codes, documents=[], segments=[], memos=[], cases=[], case_links=[], attributes={},
                           who=who, source=name)
    report.imported["codes"] = len(codes)
    report.imported["codes already in the project"] = len(bundle.codes) - len(codes)
    return report
