"""Code retrieval: the segments of chosen codes across documents, with speaker, case and context, the way a
researcher reads one theme across interviews."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .context import TurnIndex, context_words
from .filters import documents_where, subtree_ids
from .models import Segment
from .store import Project


@dataclass(frozen=True)
class Retrieved:
    """A segment with where it sits: speaker(s), case(s) and a few words before and after."""

    segment: Segment
    code_path: str
    colour: str
    speaker: str
    cases: str
    before: str
    after: str


@dataclass(frozen=True)
class RetrieveQuery:
    """The filters of a retrieval resolved to what the store filters on (None: no filter)."""

    code_ids: tuple[int, ...] | None
    coders: tuple[str, ...] | None
    document_ids: tuple[int, ...] | None


def resolve_query(project: Project, code_ids: Sequence[int] | None = None, coders: Sequence[str] | None = None,
                  document_ids: Sequence[int] | None = None, where: Mapping[str, Sequence[str]] | None = None,
                  include_children: bool = False) -> RetrieveQuery:
    """Codes (with their child codes when asked), coders, documents and case attributes → store filters."""
    if code_ids is not None and include_children:
        code_ids = subtree_ids(project.codes(), code_ids)
    matching = documents_where(project, where)
    if matching is not None:
        document_ids = [d for d in (document_ids if document_ids is not None else matching) if d in set(matching)]
    return RetrieveQuery(None if code_ids is None else tuple(code_ids), None if coders is None else tuple(coders),
                         None if document_ids is None else tuple(document_ids))


def retrieve(
    project: Project,
    code_ids: Sequence[int] | None = None,
    coders: Sequence[str] | None = None,
    document_ids: Sequence[int] | None = None,
    where: Mapping[str, Sequence[str]] | None = None,
    include_children: bool = False,
    context: int = 8,
) -> list[Retrieved]:
    """Segments filtered by codes (optionally with their child codes), coders, documents and case attributes."""
    query = resolve_query(project, code_ids, coders, document_ids, where, include_children)
    segments = project.segments(document_ids=query.document_ids, code_ids=query.code_ids, coders=query.coders,
                                with_text=True)
    return situate(project, segments, context)


def retrieve_page(project: Project, query: RetrieveQuery, offset: int, limit: int,
                  counts: Sequence[tuple[int, int]] | None = None, context: int = 8) -> list[Retrieved]:
    """One page of :func:`retrieve` (read with the store's per-document counts, never the whole list)."""
    segments = project.segments_page(offset, limit, document_ids=query.document_ids, code_ids=query.code_ids,
                                     coders=query.coders, counts=counts)
    return situate(project, segments, context)


def situate(project: Project, segments: Sequence[Segment], context: int = 8) -> list[Retrieved]:
    """Segments (with their text) with speaker, case, code path, colour and the words around them; reads the
    texts and turns of their documents only."""
    doc_ids = {s.document_id for s in segments}
    texts = project.document_texts(doc_ids)
    by_code = {c.id: c for c in project.codes()}
    case_labels = project.case_labels(doc_ids)
    indexes: dict[int, TurnIndex] = {}
    found = []
    for seg in segments:
        if seg.document_id not in indexes:
            indexes[seg.document_id] = TurnIndex(project.turns(seg.document_id).get(seg.document_id, []))
        before, after = context_words(texts[seg.document_id], seg.start, seg.end, context)
        code = by_code[seg.code_id]
        found.append(Retrieved(
            segment=seg, code_path=code.path, colour=code.colour,
            speaker="; ".join(indexes[seg.document_id].speakers(seg.start, seg.end)),
            cases=case_labels.get(seg.document_id, ""), before=before, after=after,
        ))
    return found
