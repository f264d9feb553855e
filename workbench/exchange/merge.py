"""Merging another copy of a project (a ``.wbproj`` or a ``.qdpx``) into this one.

Documents are matched by the SHA-256 of their normalised text, codes by GUID and then by path, coders by name,
document groups by GUID and then by name.
Nothing of this project is overwritten: what differs (a code renamed or redefined differently, a case's value, a
coding that overlaps this project's coding of the same code by the same coder) is listed as a conflict and this
project's version kept. Everything runs in one write transaction (the checks too), audited; all or nothing.
"""

from __future__ import annotations

import hashlib
import sqlite3
import tempfile
from collections import defaultdict
from pathlib import Path

from ..errors import WorkbenchError
from ..store import Project, new_guid, normalise_name, open_project
from .model import Bundle, ExCase, ExCode, ExGroup, ExSegment, Report
from .tidy import merge_overlaps, tidy, unique_ignoring_case

_GUIDANCE = ("colour", "definition", "when_to_use", "when_not_to_use", "example")


def plan_codes(project: Project, bundle: Bundle, report: Report) -> list[ExCode]:
    """The bundle's codes that are new here (re-parented onto this project's codes); ``bundle``'s code GUIDs in
    segments and memos are rewritten to this project's where a code matched."""
    ours = project.codes()
    by_guid = {c.guid.upper(): c for c in ours}
    by_path = {c.path: c for c in ours}
    mapping: dict[str, str] = {}
    paths: dict[str, str] = {}
    theirs_paths: dict[str, str] = {}
    new: list[ExCode] = []
    for code in bundle.codes:
        parent_path = paths.get(code.parent, "") if code.parent else ""
        their_parent = theirs_paths.get(code.parent, "") if code.parent else ""
        theirs_paths[code.guid] = f"{their_parent}/{code.name}" if their_parent else code.name
        path = f"{parent_path}/{code.name}" if parent_path else code.name
        match = by_guid.get(code.guid) or by_path.get(path)
        if match is not None:
            mapping[code.guid] = match.guid
            paths[code.guid] = match.path
            if match.path != theirs_paths[code.guid]:
                report.conflicts.append(f"code {match.path!r} is {theirs_paths[code.guid]!r} in {report.source}; "
                                        "kept this project's name and place")
            differs = [key.replace("_", " ") for key in _GUIDANCE
                       if getattr(code, key) and (getattr(code, key) or "").lower() != (getattr(match, key) or "").lower()]
            if differs:
                report.conflicts.append(f"code {match.path!r}: {', '.join(differs)} differ in {report.source}; "
                                        "kept this project's")
            continue
        mapping[code.guid] = code.guid
        paths[code.guid] = path
        code.parent = mapping.get(code.parent) if code.parent else None
        new.append(code)
    _rewrite_codes(bundle, mapping)
    return new


def _rewrite_codes(bundle: Bundle, mapping: dict[str, str]) -> None:
    for segment in bundle.segments:
        segment.code = mapping.get(segment.code, segment.code)
    for memo in bundle.memos:
        if memo.kind == "code" and memo.target:
            memo.target = mapping.get(memo.target, memo.target)


def plan_merge(project: Project, bundle: Bundle, report: Report) -> dict:
    """What to add to ``project`` from ``bundle`` (call inside the write transaction)."""
    codes = plan_codes(project, bundle, report)
    infos = project.documents()
    by_hash = {d.sha256: d for d in infos}
    our_names = {d.name for d in infos}
    our_guids = {d.guid.upper() for d in infos}
    doc_map: dict[str, str] = {}
    documents = []
    matched: set[str] = set()
    for doc in bundle.documents:
        digest = hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
        if digest in by_hash:
            doc_map[doc.guid] = by_hash[digest].guid
            matched.add(by_hash[digest].guid)
            if by_hash[digest].name != doc.name:
                report.conflicts.append(f"document {by_hash[digest].name!r} is called {doc.name!r} in "
                                        f"{report.source}; kept this project's name")
            continue
        old = doc.guid
        if doc.guid in our_guids:
            doc.guid = new_guid()
        name = doc.name
        number = 2
        while doc.name in our_names:
            doc.name = f"{name} ({number})"
            number += 1
        our_names.add(doc.name)
        doc_map[old] = doc.guid
        documents.append(doc)
        report.conflicts.append(f"document {name!r} is only in {report.source}: added"
                                + (f" as {doc.name!r}" if doc.name != name else ""))
    for info in infos:
        if info.guid not in matched:
            report.conflicts.append(f"document {info.name!r} is only in this project")
    segments = _plan_segments(project, bundle, doc_map, report)
    memos = _plan_memos(project, bundle, doc_map)
    cases, links, attributes = _plan_cases(project, bundle, doc_map, report)
    groups, group_links = _plan_groups(project, bundle, doc_map, report)
    return {"codes": codes, "documents": documents, "segments": segments, "memos": memos, "cases": cases,
            "case_links": links, "attributes": attributes, "groups": groups, "group_links": group_links}


def _plan_groups(project: Project, bundle: Bundle, doc_map: dict[str, str], report: Report
                 ) -> tuple[list[ExGroup], list[tuple[str, str]]]:
    """The other copy's groups matched by GUID, then by name (regardless of case): a matched group gains the
    documents it has there (none taken out here; a different name is a conflict, this project's kept); an
    unmatched group is added (its name numbered when only the name is taken here)."""
    ours = project.groups()
    by_guid = {g.guid.upper(): g for g in ours}
    by_name = {g.name.lower(): g for g in ours}
    doc_guid_by_name = {d.name: d.guid.upper() for d in project.documents()}
    taken = set(by_name)
    new: list[ExGroup] = []
    links: list[tuple[str, str]] = []
    for group in bundle.groups:
        members = [doc_map.get(g, g) for g in group.documents]
        mine = by_guid.get(group.guid) or by_name.get(group.name.lower())
        if mine is None:
            group.documents = members
            group.name = unique_ignoring_case(group.name, taken)
            new.append(group)
            continue
        if mine.name != group.name:
            report.conflicts.append(f"document group {mine.name!r} is called {group.name!r} in {report.source}; "
                                    "kept this project's name")
        linked = {doc_guid_by_name[n] for n in mine.documents}
        links += [(mine.guid, g) for g in members if g.upper() not in linked]
        only_here = len(linked - {g.upper() for g in members})
        if only_here:
            report.conflicts.append(f"document group {mine.name!r} holds {only_here} document(s) not in it in "
                                    f"{report.source}; kept them")
    return new, links



def _plan_segments(project: Project, bundle: Bundle, doc_map: dict[str, str], report: Report) -> list[ExSegment]:
    doc_ids = {d.guid: d.id for d in project.documents()}
    code_guids = {c.id: c.guid for c in project.codes()}
    doc_guids = {v: k for k, v in doc_ids.items()}
    ours = project.segments()
    our_guids = {s.guid.upper() for s in ours}
    same = {(doc_guids[s.document_id], s.start, s.end, code_guids[s.code_id], normalise_name(s.coder)) for s in ours}
    own: dict[tuple[str, str, str], list[tuple[int, int]]] = defaultdict(list)
    for s in ours:
        own[(doc_guids[s.document_id], code_guids[s.code_id], normalise_name(s.coder))].append((s.start, s.end))
    result = []
    present = overlapping = 0
    for segment in merge_overlaps(bundle.segments, report):
        segment.document = doc_map.get(segment.document, segment.document)
        segment.coder = normalise_name(segment.coder)
        key = (segment.document, segment.start, segment.end, segment.code, segment.coder)
        if key in same:
            present += 1
            continue
        clash = [span for span in own.get((segment.document, segment.code, segment.coder), [])
                 if span[0] < segment.end and segment.start < span[1]]
        if clash:
            overlapping += 1
            report.conflicts.append(f"{segment.coder}'s coding {segment.start}–{segment.end} overlaps this "
                                    f"project's coding {clash[0][0]}–{clash[0][1]} of the same code; kept this "
                                    "project's")
            continue
        if segment.guid in our_guids:
            segment.guid = new_guid()
        our_guids.add(segment.guid)
        result.append(segment)
    report.imported["codings already here"] = present
    if overlapping:
        report.skip("codings", "they overlap this project's coding of the same code by the same coder",
                    overlapping)
    return result


def _plan_memos(project: Project, bundle: Bundle, doc_map: dict[str, str]) -> list:
    existing = {m.guid.upper() for m in project.memos()}
    texts = {(m.kind, m.text) for m in project.memos()}
    result = []
    for memo in bundle.memos:
        if memo.guid in existing or (memo.kind, memo.text) in texts:
            continue
        if memo.kind == "document":
            memo.target = doc_map.get(memo.target or "", memo.target)
        result.append(memo)
    return result


def _plan_cases(project: Project, bundle: Bundle, doc_map: dict[str, str], report: Report
                ) -> tuple[list[ExCase], list[tuple[str, str]], dict[str, str]]:
    ours = {c.name: c for c in project.cases()}
    doc_guid_by_name = {d.name: d.guid for d in project.documents()}
    types = project.attributes()
    new, links = [], []
    for case in bundle.cases:
        members = [doc_map.get(g, g) for g in case.documents]
        mine = ours.get(case.name)
        if mine is None:
            case.documents = members
            if case.guid in {c.guid.upper() for c in ours.values()}:
                case.guid = new_guid()
            new.append(case)
            continue
        linked = {doc_guid_by_name[n] for n in mine.documents}
        links += [(mine.guid, g) for g in members if g not in linked]
        for attribute, value in case.values.items():
            if mine.values.get(attribute, value) != value or attribute not in mine.values:
                report.conflicts.append(f"case {case.name!r}: {attribute} is {value!r} in {report.source}, "
                                        f"{mine.values.get(attribute, '(none)')!r} here; kept this project's")
    attributes = {name: kind for name, kind in bundle.attributes.items() if name not in types}
    return new, links, attributes


def _snapshot(path: Path, folder: str) -> Project:
    """A consistent copy of another project file, opened from a temporary folder (the other file is only read)."""
    copy = Path(folder) / "other.wbproj"
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(str(copy))
        try:
            source.backup(target)
        finally:
            target.close()
    except sqlite3.DatabaseError as exc:
        raise WorkbenchError(f"{path.name} is not a readable workbench project ({exc})") from None
    finally:
        source.close()
    return open_project(copy)


def merge_file(project: Project, other: str | Path, who: str = "") -> Report:
    """Merge ``other`` (a project file or a QDPX) into ``project``; returns the report."""
    from .importing import _read_input
    from .project_bundle import project_bundle
    from .qdpx_read import read_qdpx

    path = Path(other)
    if not path.is_file():
        raise WorkbenchError(f"no file at {path}")
    if path.resolve() == Path(project.path).resolve():
        raise WorkbenchError("cannot merge a project into itself")
    if path.suffix.lower() == ".qdpx":
        _, data = _read_input(path, (".qdpx",))
        bundle, report = read_qdpx(data, path.name)
        report.action = "merge"
    else:
        with tempfile.TemporaryDirectory() as folder:
            with _snapshot(path, folder) as copy:
                bundle = project_bundle(copy)
        report = Report("merge", path.name)
    return merge_bundle(project, bundle, report, who)


def merge_data(project: Project, data: bytes, name: str, who: str = "") -> Report:
    """:func:`merge_file` for an upload's bytes (a ``.qdpx``, or a project file)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / (Path(name).name or "other.wbproj")
        path.write_bytes(data)
        return merge_file(project, path, who)


def merge_bundle(project: Project, bundle: Bundle, report: Report, who: str = "") -> Report:
    """Merge a bundle read from anywhere (see the module's rules)."""
    from .importing import parsed_document

    tidy(bundle, report)
    with project.transaction():
        plan = plan_merge(project, bundle, report)
        parsed = [(doc, parsed_document(doc)) for doc in plan.pop("documents")]
        project.add_bundle(documents=parsed, who=who, source=report.source, **plan)
    report.imported.update({"documents": len(parsed), "codes": len(plan["codes"]),
                            "segments": len(plan["segments"]), "memos": len(plan["memos"]),
                            "cases": len(plan["cases"]), "document groups": len(plan["groups"]),
                            "documents added to existing groups": len(plan["group_links"])})
    return report
