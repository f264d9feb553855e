"""The passages behind a code's disagreement: where some coders who coded the document applied the code and others
did not (per unit; at the character unit per maximal run of characters with the same split)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from ..context import TurnIndex
from ..store import Project
from .core import code_slices, coding_of, load
from .sweep import disagreeing_runs


@dataclass(frozen=True)
class Disagreement:
    """One passage where the coders differ on one code."""

    document: str
    start: int
    end: int
    text: str
    coded_by: tuple[str, ...]
    not_coded_by: tuple[str, ...]
    speaker: str = ""
    segment_ids: tuple[int, ...] = ()  # the stored segments of the code that overlap the passage

    @property
    def link(self) -> str:
        """The coding page at this place: ``/code?document=<name>&start=<offset>``."""
        return "/code?" + urlencode({"document": self.document, "start": self.start})

    def as_dict(self) -> dict[str, Any]:
        return {"document": self.document, "start": self.start, "end": self.end, "speaker": self.speaker,
                "coded_by": list(self.coded_by), "not_coded_by": list(self.not_coded_by), "text": self.text,
                "link": self.link, "segment_ids": list(self.segment_ids)}


def disagreements(project: Project, coders: Sequence[str], unit: str, code: str,
                  documents: Sequence[str] | None = None, limit: int | None = None) -> list[Disagreement]:
    """Every passage where the compared coders differ on ``code``, in document order."""
    inputs = load(project, coders, unit, [code], documents)
    code_id = inputs.code_ids[0]
    corpus = inputs.corpus
    sub = code_slices(corpus).get(code_id, corpus.select(corpus.code < -1))
    runs = disagreeing_runs(coding_of(inputs, sub), merge=inputs.units is None)
    if limit is not None:
        runs = runs[:limit]
    texts: dict[int, str] = {}
    turns: dict[int, TurnIndex] = {}
    found = []
    for start, end, doc, coded, present in runs:
        doc_id = int(corpus.doc_ids[doc])
        if doc_id not in texts:  # the texts and turns of the documents with a passage only
            texts[doc_id] = project.document_text(doc_id)
            turns[doc_id] = TurnIndex(project.turns(doc_id).get(doc_id, []))
        base = int(corpus.offsets[doc])
        local_start, local_end = start - base, end - base
        found.append(Disagreement(
            document=inputs.document_names[doc], start=local_start, end=local_end,
            text=texts[doc_id][local_start:local_end],
            coded_by=tuple(c for c, yes, here in zip(inputs.coders, coded, present) if here and yes),
            not_coded_by=tuple(c for c, yes, here in zip(inputs.coders, coded, present) if here and not yes),
            speaker="; ".join(turns[doc_id].speakers(local_start, local_end)),
            segment_ids=tuple(int(i) for i in sub.ids[(sub.start < end) & (sub.end > start)])))
    return found
