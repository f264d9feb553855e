"""A stored project as a :class:`Bundle` (for QDPX/QDC export and for merging another copy)."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from typing import Any

from ..store import Project
from .model import Bundle, ExCase, ExCode, ExDocument, ExGroup, ExMemo, ExSegment, derived_guid, is_guid, \
    normalise_guid


_CANONICAL = re.compile(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}")


def _guid(value: str, kind: str) -> str:
    """The stored GUID in REFI-QDA's form (one quick match in the common case), else one derived from it."""
    if _CANONICAL.fullmatch(value):
        return value
    return normalise_guid(value) if is_guid(value) else derived_guid(kind, value)


def codebook_bundle(project: Project) -> Bundle:
    """Only the codebook."""
    codes = project.codes()
    guids = {c.id: _guid(c.guid, "code") for c in codes}
    return Bundle(name=project.path.stem, codes=[
        ExCode(guid=guids[c.id], name=c.name, parent=guids.get(c.parent_id) if c.parent_id else None,
               colour=c.colour, definition=c.definition, when_to_use=c.when_to_use,
               when_not_to_use=c.when_not_to_use, example=c.example, keywords=list(c.keywords))
        for c in codes])


def project_bundle(project: Project) -> Bundle:
    """The whole project: codes, documents, segments, memos, cases, attributes and document groups, all by GUID."""
    bundle = codebook_bundle(project)
    code_guids = {c.id: g.guid for c, g in zip(project.codes(), bundle.codes)}
    infos = project.documents()
    texts = project.document_texts()
    doc_guids = {d.id: _guid(d.guid, "document") for d in infos}
    by_name = {d.name: doc_guids[d.id] for d in infos}
    rows = project.exchange_rows()
    turns: dict[int, list[list[Any]]] = defaultdict(list)
    for doc_id, *turn in rows["turns"]:
        turns[doc_id].append(turn)
    units: dict[tuple[int, str], list[list[int]]] = defaultdict(list)
    for doc_id, kind, start, end in rows["units"]:
        units[(doc_id, kind)].append([start, end])
    bundle.documents = [ExDocument(doc_guids[d.id], d.name, texts[d.id], dict(d.metadata), d.imported_at, {
        "sha256": hashlib.sha256(texts[d.id].encode("utf-8")).hexdigest(), "language": d.language,
        "turns": turns.get(d.id, []), "sentences": units.get((d.id, "sentence"), []),
        "paragraphs": units.get((d.id, "paragraph"), [])}) for d in infos]
    bundle.segments = [ExSegment(_guid(guid, "segment"), doc_guids[doc_id], start, end, code_guids[code_id], coder,
                                 memo, created or "")
                       for guid, doc_id, start, end, code_id, coder, memo, created in rows["segments"]]
    targets = project.memo_targets()
    known = {g.upper(): g for g in [*doc_guids.values(), *code_guids.values()]}
    bundle.memos = []
    for m in project.memos():
        kind, target = targets.get(m.guid, (m.kind, None))
        target = known.get((target or "").upper()) or (_guid(target, kind) if target else None)
        bundle.memos.append(ExMemo(_guid(m.guid, "memo"), m.kind, target, m.author, m.title, m.text, m.created))
    bundle.cases = [ExCase(_guid(c.guid, "case"), c.name, dict(c.values), [by_name[n] for n in c.documents])
                    for c in project.cases()]
    bundle.attributes = project.attributes()
    bundle.coders = [c["name"] for c in project.coders()]
    bundle.groups = [ExGroup(_guid(g.guid, "group"), g.name, [by_name[n] for n in g.documents])
                     for g in project.groups()]
    return bundle
