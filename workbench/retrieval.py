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
    codes = project.codes()
    if code_ids is not None and include_children:
        code_ids = subtree_ids(codes, code_ids)
    matching = documents_where(project, where)
    if matching is not None:
        document_ids = [d for d in (document_ids if document_ids is not None else matching) if d in set(matching)]
    segments = project.segments(document_ids=document_ids, code_ids=code_ids, coders=coders, with_text=True)
    texts = project.document_texts({s.document_id for s in segments})
    turns = project.turns()
    by_code = {c.id: c for c in codes}
    case_names = {c.id: c.name for c in project.cases()}
    doc_cases = project.document_cases()
    indexes: dict[int, TurnIndex] = {}
    found = []
    for seg in segments:
        index = indexes.setdefault(seg.document_id, TurnIndex(turns.get(seg.document_id, [])))
        before, after = context_words(texts[seg.document_id], seg.start, seg.end, context)
        code = by_code[seg.code_id]
        found.append(Retrieved(
            segment=seg, code_path=code.path, colour=code.colour,
            speaker="; ".join(index.speakers(seg.start, seg.end)),
            cases="; ".join(case_names[c] for c in doc_cases.get(seg.document_id, [])),
            before=before, after=after,
        ))
    return found
