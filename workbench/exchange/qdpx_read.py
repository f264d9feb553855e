"""Reading REFI-QDA projects (QDPX) and codebooks (QDC) as other tools really write them.

Accepted variations: the project file ``project.qde`` or ``<name>.qde`` (ATLAS.ti); namespace versions ``1.0``,
``1:0`` and ``0:4`` (and none); GUIDs with or without braces in any case; source folders ``sources/`` or
``Sources/``; text in a plain-text file or inline; a missing or empty plain text read from the source's ``.docx``;
extra attributes of other tools (QualCoder) ignored; empty ``<Sets/>`` (Taguette); sets of sources and PDF sources
with a text version as :mod:`qdpx_sets` says. Positions are read in the convention that fits the text best (see
:mod:`positions`). Everything left out is counted in the report with why.
"""

from __future__ import annotations

import json
import zipfile
from collections import defaultdict
from typing import Any

from ..errors import WorkbenchError
from .model import Bundle, ExCase, ExCode, ExDocument, ExMemo, ExSegment, Report, derived_guid, is_guid, \
    normalise_guid, parse_guid
from .qdpx_unknown import look_selection, unknown_elements, unknown_in_source
from .qdpx_files import decode_source, internal_member, open_qdpx, parse_project, parse_xml, read_member, \
    read_texts_ahead, zip_members
from .positions import STANDARD, SourceText, choose, map_span
from .qdpx_selections import read_selection, selection_span
from .qdpx_sets import NO_CODE_SETS, pdf_text_source, read_sets
from .qdpx_write import LABELS, ORIGIN_NAME, UNITS_FILE

_MEDIA = {"PictureSource": "pictures", "PDFSource": "PDF sources", "AudioSource": "audio sources",
          "VideoSource": "video sources"}
_TYPES = {"Integer": "number", "Float": "number", "Date": "date", "DateTime": "date", "Boolean": "text",
          "Text": "text"}


class Reader:
    """What reading one file has gathered so far: GUIDs in our form, users, zip members, the report."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.guids: dict[str, str] = {}
        self.normalised: dict[str, str] = {}
        self.users: dict[str, str] = {}
        self.members: dict[str, zipfile.ZipInfo] = {}
        self.variables: dict[str, tuple[str, str]] = {}
        self.selections: dict[str, list[ExSegment]] = defaultdict(list)
        self.ours = False  # written by the workbench: positions are code points, nothing to detect
        self.units: dict[str, dict[str, Any]] = {}  # the workbench's own units file, by source GUID
        self._user_names: dict[str | None, str] = {}  # user() by value, once ``users`` is read
        self.unknown: dict[str, int] = defaultdict(int)  # elements REFI-QDA does not define, by tag
        self.texts: dict[str, bytes] = {}  # plain-text members read ahead, by name

    def guid(self, value: str | None, kind: str) -> str:
        """A GUID in our form; a malformed one is replaced by a derived GUID (reported)."""
        known = self.normalised.get(value)  # type: ignore[arg-type]
        if known is not None:
            return known
        value = (value or "").strip()
        known = self.normalised.get(value)
        if known is not None:
            return known
        guid = parse_guid(value)
        if guid is not None:
            self.normalised[value] = guid
            return guid
        if value not in self.guids:
            self.guids[value] = derived_guid(kind, value or str(len(self.guids)))
            self.report.convert(f"malformed GUIDs replaced ({kind} {value!r})")
        return self.guids[value]

    def user(self, value: str | None) -> str:
        """The name of the user with GUID ``value`` ("" when unknown); looked up once per value."""
        name = self._user_names.get(value)
        if name is None:
            if not value:
                name = ""
            else:
                key = self.normalised.get(value) or self.guid(value, "user")
                name = self.users.get(key, "")
            self._user_names[value] = name
        return name

    def codes(self, parent_element: Any, parent: str | None, into: list[ExCode],
              notes: dict[str, tuple[str, str | None]]) -> None:
        """The ``Code`` elements under ``parent_element``, each before its children, in the file's order (walked
        without recursion: a codebook may nest deeper than Python's stack)."""
        waiting = [(element, parent) for element in reversed(parent_element.findall("Code"))]
        while waiting:
            element, parent = waiting.pop()
            guid = self.guid(element.get("guid"), "code")
            description = element.findtext("Description") or ""
            code = ExCode(guid=guid, name=element.get("name") or "", parent=parent,
                          colour=element.get("color") or "", codable=element.get("isCodable", "true") != "false")
            split_description(description, code)
            into.append(code)
            for ref in element.findall("NoteRef"):
                notes.setdefault(self.guid(ref.get("targetGUID"), "note"), ("code", guid))
            waiting.extend((child, guid) for child in reversed(element.findall("Code")))


def split_description(description: str, code: ExCode) -> None:
    """Our labelled paragraphs back into fields; a description of another tool is the definition."""
    labels = {f"{label}: ": key for key, label in LABELS}
    definition: list[str] = []
    current: str | None = None
    fields: dict[str, list[str]] = defaultdict(list)
    for paragraph in description.split("\n\n") if description else []:
        hit = next((label for label in labels if paragraph.startswith(label)), None)
        if paragraph.startswith("Keywords: "):
            code.keywords = [k.strip() for k in paragraph[len("Keywords: "):].split(", ") if k.strip()]
            current = None
        elif hit:
            current = labels[hit]
            fields[current].append(paragraph[len(hit):])
        elif current:
            fields[current].append(paragraph)
        else:
            definition.append(paragraph)
    code.definition = "\n\n".join(definition).strip()
    for key, parts in fields.items():
        setattr(code, key, "\n\n".join(parts).strip())


_BEFORE_SOURCES = {"Users", "CodeBook", "Variables", "Cases"}  # what reading a source needs, in the standard's order


def read_qdpx(data: bytes, source: str) -> tuple[Bundle, Report]:
    """A QDPX archive → a bundle and the report of what was read, left out and converted. The sources are read
    while the project file is parsed; a file that puts what they need after them is read again from its whole
    tree."""
    archive, qde = open_qdpx(data, source)
    return _read_project(archive, qde, source, streaming=True) or _read_project(archive, qde, source,
                                                                                 streaming=False)


def _read_project(archive: zipfile.ZipFile, qde: zipfile.ZipInfo, source: str,
                  streaming: bool) -> tuple[Bundle, Report] | None:
    report = Report("import", source)
    reader = Reader(report)
    reader.members = zip_members(archive)
    units = reader.members.get(UNITS_FILE)
    if units is not None:
        try:
            loaded = json.loads(read_member(archive, units))
            reader.units = {normalise_guid(k): v for k, v in loaded.items() if is_guid(k) and isinstance(v, dict)}
        except (ValueError, AttributeError):
            report.convert(f"{UNITS_FILE} unreadable: turns and sentences found again")
    if streaming:  # read before the project file, which then unpacks in another thread (less back and forth)
        reader.texts = read_texts_ahead(archive, reader.members)
    bundle = Bundle()
    notes_target: dict[str, tuple[str, str | None]] = {}
    codes: set[str] = set()
    streamed: list[str] = []

    def before_sources(root: Any) -> None:
        bundle.name = root.get("name") or ""
        reader.ours = (root.get("origin") or "").startswith(ORIGIN_NAME)
        for user in root.findall("Users/User"):
            reader.users[reader.guid(user.get("guid"), "user")] = (user.get("name") or user.get("id") or "").strip()
        codebook = root.find("CodeBook/Codes")
        if codebook is not None:
            reader.codes(codebook, None, bundle.codes, notes_target)
        codes.update(c.guid for c in bundle.codes)
        _read_cases(root, reader, bundle)

    def on_source(root: Any, element: Any) -> None:
        if not streamed:
            before_sources(root)
        streamed.append(element.tag)
        unknown_in_source(element, reader.unknown)  # its selections' are counted while they are read
        _read_source(element, archive, reader, bundle, notes_target, codes)

    root = parse_project(archive, qde, source, on_source if streaming else None)
    if streamed:
        tags = [part.tag for part in root]
        if any(tag in _BEFORE_SOURCES for tag in tags[tags.index("Sources") + 1:]):
            return None
    else:
        before_sources(root)
    unknown_elements(root, reader.unknown)  # what was not read above (everything, when not streaming)
    sources = root.find("Sources")
    for element in sources if sources is not None else ():
        _read_source(element, archive, reader, bundle, notes_target, codes)
    _read_notes(root, archive, reader, bundle, notes_target)
    read_sets(root, reader, bundle)
    for tag, what in (("Links/Link", "links"), ("Graphs/Graph", "graphs")):
        count = len(root.findall(tag))
        if count:
            report.skip(what, "the workbench has no such thing", count)
    bundle.coders = sorted({s.coder for s in bundle.segments})
    report.not_imported[:0] = [{"what": f"<{tag}> elements", "count": reader.unknown[tag],
                                "why": "not part of REFI-QDA 1.5"} for tag in sorted(reader.unknown)]
    return bundle, report


def _value(element: Any) -> str:
    for child in element:
        if child.tag.endswith("Value") and child.tag != "VariableValue":
            return (child.text or "").strip()
    return ""


def _read_cases(root: Any, reader: Reader, bundle: Bundle) -> None:
    variables: dict[str, tuple[str, str]] = {}
    for variable in root.findall("Variables/Variable"):
        guid = reader.guid(variable.get("guid"), "variable")
        name = (variable.get("name") or "").strip() or guid
        variables[guid] = (name, _TYPES.get(variable.get("typeOfVariable") or "Text", "text"))
        bundle.attributes[name] = variables[guid][1]
    reader.variables = variables
    for case in root.findall("Cases/Case"):
        guid = reader.guid(case.get("guid"), "case")
        values = {}
        for value in case.findall("VariableValue"):
            ref = reader.guid(value.find("VariableRef").get("targetGUID") if value.find("VariableRef") is not None
                              else "", "variable")
            if ref in variables:
                values[variables[ref][0]] = _value(value)
        members = [reader.guid(ref.get("targetGUID"), "source") for ref in case.findall("SourceRef")]
        bundle.cases.append(ExCase(guid, (case.get("name") or "").strip() or guid, values, members))
        selections = len(case.findall("SelectionRef")) + len(case.findall("CodeRef"))
        if selections:
            reader.report.skip("case members that are selections or codes", "cases group whole documents",
                               selections)


def _source_text(element: Any, archive: zipfile.ZipFile, reader: Reader, name: str) -> str | None:
    inline = element.find("PlainTextContent")
    if inline is not None and inline.text:
        return inline.text
    members = reader.members
    path = element.get("plainTextPath") or ""
    if path:
        info = internal_member(path, members)
        if info is None:
            reader.report.convert(f"{name}: plain text {path} is not in the archive")
        else:
            data = reader.texts.pop(info.filename, None)
            raw = decode_source(data if data is not None else read_member(archive, info))
            if raw.strip("\ufeff \r\n\t"):
                return raw
    rich = element.get("richTextPath") or ""
    info = internal_member(rich, members) if rich else None
    if info is not None and info.filename.lower().endswith(".docx"):
        from ..importers.formats import extract_docx

        reader.report.convert(f"{name}: no plain text, so the text was read from its .docx")
        return extract_docx(read_member(archive, info), info.filename).text
    return None


def _read_source(element: Any, archive: zipfile.ZipFile, reader: Reader, bundle: Bundle,
                 notes_target: dict[str, tuple[str, str | None]], codes: set[str]) -> None:
    """One child of ``<Sources>``: a text source becomes a document with its segments; others are counted."""
    report = reader.report
    if element.tag == "PDFSource":
        element = pdf_text_source(element, reader)  # its text version as a TextSource, or None
        if element is None:
            return
    if element.tag in _MEDIA:
        selections = sum(1 for child in element if child.tag.endswith("Selection"))
        report.skip(_MEDIA[element.tag], "the workbench codes text only")
        if selections:
            report.skip(f"selections in {_MEDIA[element.tag]}", "their source is not imported", selections)
        return
    if element.tag != "TextSource":
        return
    variables = reader.variables
    guid = reader.guid(element.get("guid"), "source")
    name = (element.get("name") or "").strip() or guid
    raw = _source_text(element, archive, reader, name)
    selections = element.findall("PlainTextSelection")
    if raw is None:
        report.skip("text sources", "no text found (no plain text inline, in the archive or as .docx)")
        if selections:
            report.skip("selections", "their source has no text", len(selections))
        for selection in selections:
            look_selection(selection, reader.unknown)
        return
    text = SourceText(raw)
    if not text.text.strip():
        report.skip("text sources", "the text is empty")
        for selection in selections:
            look_selection(selection, reader.unknown)
        return
    document = ExDocument(guid, name, text.text, created=element.get("creationDateTime") or "")
    if guid in reader.units:
        document.units = reader.units[guid]
        document.metadata = dict(document.units.get("metadata") or {})
    bundle.documents.append(document)
    for ref in element.findall("NoteRef"):
        notes_target.setdefault(reader.guid(ref.get("targetGUID"), "note"), ("document", guid))
    values = {}
    for value in element.findall("VariableValue"):
        ref = value.find("VariableRef")
        key = reader.guid(ref.get("targetGUID") if ref is not None else "", "variable")
        if key in variables:
            values[variables[key][0]] = _value(value)
    if values:
        bundle.cases.append(ExCase(derived_guid("source-case", guid), name, values, [guid]))
        report.convert("variables given on sources kept as one case per source, named after it")
    spans = [selection_span(s) for s in selections]
    reading = choose(text, spans) if spans and not reader.ours else None
    convention = reading.convention if reading else STANDARD
    if reading:
        report.positions.append({"source": name, "convention": text.describe(convention),
                                 "on_boundaries": reading.score, "ends": reading.ends,
                                 "alternatives": reading.alternatives})
    elif spans:
        report.positions.append({"source": name, "convention": "code points (written by the workbench)",
                                 "on_boundaries": 0, "ends": 0})
    source_user = reader.user(element.get("creatingUser"))
    identity = text.identity and convention == STANDARD
    length = len(text.text)
    for selection, (start, end) in zip(selections, spans):
        if identity:  # the common case, as map_span would do it
            span = (start, end) if 0 <= start < end <= length else None
        else:
            span = map_span(text, convention, start, end)
        if span is None:
            report.skip("selections", "outside the text or empty")
            look_selection(selection, reader.unknown)
            continue
        read_selection(selection, span, guid, source_user, codes, reader, bundle, notes_target)
    whole = element.findall("Coding")
    for coding in whole:
        code_ref = coding.find("CodeRef")
        code = reader.guid(code_ref.get("targetGUID") if code_ref is not None else "", "code")
        if code in codes:
            bundle.segments.append(ExSegment(reader.guid(coding.get("guid"), "coding"), guid, 0,
                                             len(text.text), code,
                                             reader.user(coding.get("creatingUser")) or "unknown coder"))
            report.convert("codings of a whole source imported as a segment over its whole text")


def _read_notes(root: Any, archive: zipfile.ZipFile, reader: Reader, bundle: Bundle,
                notes_target: dict[str, tuple[str, str | None]]) -> None:
    for ref in root.findall("NoteRef"):
        notes_target.setdefault(reader.guid(ref.get("targetGUID"), "note"), ("project", None))
    documents = {d.guid for d in bundle.documents}
    segments_by_selection = reader.selections
    for note in root.findall("Notes/Note"):
        guid = reader.guid(note.get("guid"), "note")
        body = _source_text(note, archive, reader, note.get("name") or "note")
        body = (body or "").lstrip("\ufeff").replace("\r\n", "\n")
        kind, target = notes_target.get(guid, ("project", None))
        if kind == "segment":
            hits = segments_by_selection.get(target or "", [])
            for segment in hits:  # kept exactly (a memo's white space is the coder's)
                segment.memo = f"{segment.memo}\n{body}" if segment.memo else body
            if not hits:
                reader.report.skip("notes on selections", "their selection was not imported")
            continue
        if kind == "document" and target not in documents:
            kind, target = "project", None
        if not body.strip():
            reader.report.skip("notes", "empty")
            continue
        bundle.memos.append(ExMemo(guid, kind, target, reader.user(note.get("creatingUser")),
                                   (note.get("name") or "").strip(), body, note.get("creationDateTime") or ""))


def read_qdc(data: bytes, source: str) -> tuple[Bundle, Report]:
    """A QDC codebook (``CodeBook`` root; any namespace version) → a bundle with only codes."""
    root = parse_xml(data, source)
    report = Report("codebook import", source)
    reader = Reader(report)
    if root.tag == "Project":
        root = root.find("CodeBook")
        if root is None:
            raise WorkbenchError(f"{source} is a project without a codebook")
    if root.tag != "CodeBook":
        raise WorkbenchError(f"{source} is not a REFI-QDA codebook (root element {root.tag!r})")
    bundle = Bundle()
    codes = root.find("Codes")
    if codes is not None:
        reader.codes(codes, None, bundle.codes, {})
    sets = root.findall("Sets/Set")
    if sets:
        report.skip("sets of codes", NO_CODE_SETS, len(sets))
    return bundle, report
