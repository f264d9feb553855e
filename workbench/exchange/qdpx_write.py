"""Writing REFI-QDA: a project as QDPX (a zip with ``project.qde`` and ``sources/<GUID>.txt``), a codebook as QDC.

What goes where (REFI-QDA 1.5, namespace ``urn:QDA-XML:project:1.0``):
- coders → ``Users`` (GUIDs derived from the name, so they are the same in every export);
- codes → ``CodeBook`` with colour; definition, when to use, when not to use, example and keywords go into the
  ``Description`` under labelled paragraphs (REFI has no fields for them, so nothing is lost);
- documents → ``TextSource`` with the stored text as a UTF-8 file (no BOM, ``\\n`` line ends), no local paths;
- segments → one ``PlainTextSelection`` each (its GUID is the segment's) with one ``Coding``; positions are code
  points, start inclusive, end exclusive; a segment's memo is a ``Note`` referenced from the selection;
- memos → ``Notes``, referenced from the project, the document or the code they are on;
- case attributes → ``Variables``; cases → ``Cases`` with their values and member sources;
- document groups → ``Sets``, one ``Set`` (the group's GUID and name) with a ``MemberSource`` per document.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable

from .. import __version__
from .model import Bundle, ExCode, derived_guid

ORIGIN_NAME = "Case-Study Coding Workbench"
ORIGIN = f"{ORIGIN_NAME} {__version__}"
PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
UNITS_FILE = "workbench/units.json"
LABELS = (("when_to_use", "When to use"), ("when_not_to_use", "When not to use"), ("example", "Example"))
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_DATETIME = re.compile(r"^-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$")
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")


def _clean(value: str) -> str:
    return _INVALID_XML.sub("\ufffd", value)


def attr(value: str) -> str:
    """An attribute value, quoted: markup, quotes and line ends escaped (so they survive parsing)."""
    value = _clean(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return '"' + value.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;") + '"'


def text(value: str) -> str:
    """Element content, escaped (a CR is written as a reference so it is not turned into a line feed)."""
    return _clean(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def user_guid(name: str) -> str:
    return derived_guid("user", name)


def variable_guid(name: str) -> str:
    return derived_guid("variable", name)


def code_description(code: ExCode) -> str:
    """Definition first, then labelled paragraphs for the guidance fields and keywords."""
    parts = [code.definition] if code.definition else []
    for key, label in LABELS:
        value = getattr(code, key)
        if value:
            parts.append(f"{label}: {value}")
    if code.keywords:
        parts.append("Keywords: " + ", ".join(code.keywords))
    return "\n\n".join(parts)


def _when(name: str, value: str) -> str:
    return f" {name}={attr(value)}" if value and _DATETIME.match(value) else ""


def _codes_xml(bundle: Bundle, code_notes: dict[str, list[str]]) -> list[str]:
    children: dict[str | None, list[ExCode]] = defaultdict(list)
    for code in bundle.codes:
        children[code.parent].append(code)
    out: list[str] = []

    def walk(parent: str | None) -> None:
        for code in children.get(parent, []):
            colour = f" color={attr(code.colour)}" if code.colour else ""
            out.append(f"<Code guid={attr(code.guid)} name={attr(code.name)} "
                       f"isCodable=\"{'true' if code.codable else 'false'}\"{colour}>")
            description = code_description(code)
            if description:
                out.append(f"<Description>{text(description)}</Description>")
            out.extend(f"<NoteRef targetGUID={attr(g)}/>" for g in code_notes.get(code.guid, []))
            walk(code.guid)
            out.append("</Code>")

    walk(None)
    return out


def _variable_type(kind: str, values: Iterable[str]) -> str:
    values = [v for v in values if v != ""]
    if kind == "number":
        if all(_INTEGER.match(v) for v in values):
            return "Integer"
        if all(_DECIMAL.match(v) for v in values):
            return "Float"
    if kind == "date" and all(_DATE.match(v) for v in values):
        return "Date"
    return "Text"


_VALUE_ELEMENT = {"Integer": "IntegerValue", "Float": "FloatValue", "Date": "DateValue", "Text": "TextValue"}


def project_xml(bundle: Bundle) -> str:
    """The ``project.qde`` document of a bundle."""
    notes_by_target: dict[tuple[str, str | None], list[str]] = defaultdict(list)
    for memo in bundle.memos:
        notes_by_target[(memo.kind, memo.target)].append(memo.guid)
    code_notes = {target: guids for (kind, target), guids in notes_by_target.items() if kind == "code" and target}
    users = sorted({*bundle.coders, *(s.coder for s in bundle.segments), *(m.author for m in bundle.memos if m.author)})
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           f"<Project xmlns=\"{PROJECT_NS}\" name={attr(bundle.name or 'project')} origin={attr(ORIGIN)}>"]
    if users:
        out.append("<Users>")
        out.extend(f"<User guid={attr(user_guid(u))} name={attr(u)}/>" for u in users)
        out.append("</Users>")
    if bundle.codes:
        out.append("<CodeBook><Codes>")
        out.extend(_codes_xml(bundle, code_notes))
        out.append("</Codes></CodeBook>")
    types: dict[str, str] = {}
    if bundle.attributes:
        out.append("<Variables>")
        for name, kind in bundle.attributes.items():
            types[name] = _variable_type(kind, (c.values.get(name, "") for c in bundle.cases))
            out.append(f"<Variable guid={attr(variable_guid(name))} name={attr(name)} "
                       f"typeOfVariable=\"{types[name]}\"/>")
        out.append("</Variables>")
    if bundle.cases:
        out.append("<Cases>")
        for case in bundle.cases:
            out.append(f"<Case guid={attr(case.guid)} name={attr(case.name)}>")
            for name, value in case.values.items():
                element = _VALUE_ELEMENT[types.get(name, "Text")]
                out.append(f"<VariableValue><VariableRef targetGUID={attr(variable_guid(name))}/>"
                           f"<{element}>{text(value)}</{element}></VariableValue>")
            out.extend(f"<SourceRef targetGUID={attr(g)}/>" for g in case.documents)
            out.append("</Case>")
        out.append("</Cases>")
    users_attr = {u: attr(user_guid(u)) for u in users}
    segments_by_doc: dict[str, list] = defaultdict(list)
    for segment in bundle.segments:
        segments_by_doc[segment.document].append(segment)
    if bundle.documents:
        out.append("<Sources>")
        for doc in bundle.documents:
            out.append(f"<TextSource guid={attr(doc.guid)} name={attr(doc.name)} "
                       f"plainTextPath=\"internal://{doc.guid}.txt\"{_when('creationDateTime', doc.created)}>")
            for s in segments_by_doc.get(doc.guid, []):
                user = users_attr[s.coder]
                when = _when("creationDateTime", s.created)
                out.append(f"<PlainTextSelection guid=\"{s.guid}\" startPosition=\"{s.start}\" "
                           f"endPosition=\"{s.end}\" creatingUser={user}{when}>"
                           f"<Coding guid=\"{derived_guid('coding', s.guid)}\" creatingUser={user}{when}>"
                           f"<CodeRef targetGUID=\"{s.code}\"/></Coding>"
                           + (f"<NoteRef targetGUID=\"{derived_guid('memo', s.guid)}\"/>" if s.memo else "")
                           + "</PlainTextSelection>")
            out.extend(f"<NoteRef targetGUID={attr(g)}/>" for g in notes_by_target.get(("document", doc.guid), []))
            out.append("</TextSource>")
        out.append("</Sources>")
    notes = [(m.guid, m.title, m.author, m.created, m.text) for m in bundle.memos]
    notes += [(derived_guid("memo", s.guid), "", s.coder, s.created, s.memo) for s in bundle.segments if s.memo]
    if notes:
        out.append("<Notes>")
        for guid, title, author, created, body in notes:
            user = f" creatingUser={users_attr[author]}" if author else ""
            out.append(f"<Note guid={attr(guid)} name={attr(title)}{user}{_when('creationDateTime', created)}>"
                       f"<PlainTextContent>{text(body)}</PlainTextContent></Note>")
        out.append("</Notes>")
    out.extend(_sets_xml(bundle))
    out.extend(f"<NoteRef targetGUID={attr(g)}/>" for g in notes_by_target.get(("project", None), []))
    out.append("</Project>")
    return "\n".join(out) + "\n"


def _sets_xml(bundle: Bundle) -> list[str]:
    """Document groups as ``<Sets>``: one ``<Set>`` per group with a ``<MemberSource>`` per document."""
    if not bundle.groups:
        return []
    out = ["<Sets>"]
    for group in bundle.groups:
        out.append(f"<Set guid={attr(group.guid)} name={attr(group.name)}>")
        out.extend(f"<MemberSource targetGUID={attr(g)}/>" for g in group.documents)
        out.append("</Set>")
    out.append("</Sets>")
    return out


def write_qdpx(bundle: Bundle) -> bytes:
    """The QDPX container: ``project.qde``, one UTF-8 text file per source under ``sources/``, and
    ``workbench/units.json`` (our own: each document's language, speaker turns, sentences, paragraphs and
    metadata, so a workbench import need not run spaCy again; other tools ignore it)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("project.qde", project_xml(bundle).encode("utf-8"))
        for doc in bundle.documents:
            archive.writestr(f"sources/{doc.guid}.txt", doc.text.encode("utf-8"))
        units = {doc.guid: {**doc.units, "metadata": doc.metadata} for doc in bundle.documents if doc.units}
        if units:
            archive.writestr(UNITS_FILE, json.dumps(units, ensure_ascii=False, separators=(",", ":")))
    return buffer.getvalue()


def codebook_xml(bundle: Bundle) -> str:
    """A QDC codebook (§5.2): ``CodeBook`` with its ``Codes``."""
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           f"<CodeBook xmlns=\"{CODEBOOK_NS}\" origin={attr(ORIGIN)}>"]
    if bundle.codes:
        out.append("<Codes>")
        out.extend(_codes_xml(bundle, {}))
        out.append("</Codes>")
    out.append("</CodeBook>")
    return "\n".join(out) + "\n"
