"""Elements of a REFI-QDA project that the standard (1.5) does not define, counted by tag for the import report."""

from __future__ import annotations

from typing import Any

KNOWN = {"Project", "Users", "User", "CodeBook", "Codes", "Code", "Description", "NoteRef", "Variables", "Variable",
         "Cases", "Case", "CodeRef", "VariableValue", "VariableRef", "TextValue", "BooleanValue", "IntegerValue",
         "FloatValue", "DateValue", "DateTimeValue", "SourceRef", "SelectionRef", "Sources", "TextSource",
         "PlainTextContent", "PlainTextSelection", "Coding", "Notes", "Note", "Sets", "Set", "MemberCode",
         "MemberSource", "MemberNote", "Links", "Link", "Graphs", "Graph", "Vertex", "Edge", "PictureSource",
         "PDFSource", "AudioSource", "VideoSource", "PictureSelection", "PDFSelection", "AudioSelection",
         "VideoSelection", "Transcript", "TranscriptSelection", "SyncPoint", "Representation", "TextDescription"}


def look(elements: Any, unknown: dict[str, int]) -> None:
    for element in elements:
        if isinstance(element.tag, str) and element.tag not in KNOWN:
            unknown[element.tag] += 1


def look_selection(selection: Any, unknown: dict[str, int]) -> None:
    """A text selection's children and their children (deeper is not looked at: fast over hundreds of thousands)."""
    look(selection, unknown)
    for child in selection:
        look(child, unknown)


def unknown_elements(root: Any, unknown: dict[str, int]) -> None:
    """Count the elements REFI-QDA does not define, by tag: the whole tree except inside text selections (see
    :func:`look_selection`); the selections of a ``TextSource`` are counted by the reader, which visits them."""
    for part in root:
        if part.tag != "Sources":
            look(part.iter(), unknown)
            continue
        look([part], unknown)
        for source in part:
            unknown_in_source(source, unknown)


def unknown_in_source(source: Any, unknown: dict[str, int]) -> None:
    """:func:`unknown_elements` for one child of ``<Sources>`` (one read before the tree is whole)."""
    look([source], unknown)
    text_source = source.tag == "TextSource"
    for child in source:
        if child.tag == "PlainTextSelection":
            if not text_source:
                look_selection(child, unknown)
        else:
            look(child.iter(), unknown)
