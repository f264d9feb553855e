"""Reading two parts of a REFI-QDA project that the text reader hands over: ``<Sets>`` (document groups) and
``<PDFSource>`` (read from its text version, the ``<Representation>``).

- A ``Set`` whose members are sources becomes a document group with the same GUID and name, holding the members
  that were imported as documents. Members that are codes or notes, or sources that were not imported, are
  counted as not imported with why; a set of only codes or notes is not imported (the workbench has no sets of
  codes). An empty set is an empty group.
- A ``PDFSource`` with a ``Representation`` (a text source whose plain text is in the archive) is read as that
  text source, under the PDF's GUID and name, with the representation's selections as segments and the PDF's
  own codings, notes and variable values. Its ``PDFSelection`` elements (rectangles on a page) are not imported;
  a PDF without a representation is not imported at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .model import Bundle, ExGroup

if TYPE_CHECKING:
    from .qdpx_read import Reader

NO_CODE_SETS = "a document group holds documents; the workbench has no sets of codes or notes"


def read_sets(root: Any, reader: Reader, bundle: Bundle) -> None:
    """Every ``Sets/Set`` of sources as an :class:`ExGroup` in ``bundle.groups`` (members: imported documents)."""
    report = reader.report
    documents = {d.guid for d in bundle.documents}
    for element in root.findall("Sets/Set"):
        guid = reader.guid(element.get("guid"), "set")
        name = " ".join((element.get("name") or "").split()) or "set"
        members: list[str] = []
        sources = others = 0
        for child in element:
            if child.tag == "MemberSource":
                sources += 1
                target = reader.guid(child.get("targetGUID"), "source")
                if target in documents:
                    members.append(target)
                else:
                    report.skip("members of sets", "their source was not imported as a document")
            elif child.tag in ("MemberCode", "MemberNote"):
                others += 1
                report.skip("codes and notes in sets", NO_CODE_SETS)
            elif child.tag == "Description" and (child.text or "").strip():
                report.skip("descriptions of sets", "document groups have no description")
        if others and not sources:
            report.skip("sets of codes or notes", NO_CODE_SETS)
            continue
        bundle.groups.append(ExGroup(guid, name, list(dict.fromkeys(members))))


def pdf_text_source(element: Any, reader: Reader) -> Any | None:
    """The ``Representation`` of a ``PDFSource``, made into a ``TextSource`` under the PDF's GUID and name (with
    the PDF's codings, notes and variable values moved into it), or None when it has none (reported)."""
    report = reader.report
    pdf_selections = sum(1 for child in element if child.tag == "PDFSelection")
    if pdf_selections:
        report.skip("PDF selections", "they mark areas of a PDF page by coordinates; the workbench codes only the "
                    "PDF's text version (its selections are imported)", pdf_selections)
    representation = element.find("Representation")
    if representation is None:
        report.skip("PDF sources without a text version", "the workbench codes text; the project holds no "
                    "<Representation> (plain text) of this PDF")
        for child in element:
            if child.tag == "Coding":
                report.skip("codings of whole PDF sources", "their source is not imported")
        return None
    guid = reader.guid(element.get("guid"), "source")
    own = (representation.get("guid") or "").strip()
    if own:
        reader.normalised[own] = guid  # a reference to the representation means the document
    name = (element.get("name") or "").strip() or (representation.get("name") or "").strip()
    representation.tag = "TextSource"
    representation.set("guid", guid)
    if name:
        representation.set("name", name)
    for key in ("creationDateTime", "creatingUser"):
        if element.get(key) and not representation.get(key):
            representation.set(key, element.get(key))
    for child in list(element):
        if child.tag in ("Coding", "NoteRef", "VariableValue"):
            representation.append(child)
    report.convert("PDF sources read from their text version (<Representation>)")
    return representation
