"""What an analysis counts: the segments in scope after filters (coders, documents, case attributes, code
subtrees) and roll-up (child codes counted as their ancestor), and the names the results use."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from typing import NamedTuple

from ..errors import WorkbenchError
from ..filters import documents_where, subtree_ids
from ..models import Code
from ..intervals import join_overlapping
from ..store import Project
from .sweep import Columns


@dataclass(frozen=True)
class Scope:
    """The filters of an analysis. Empty means: everything."""

    coders: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()
    codes: tuple[str, ...] = ()
    rollup_level: int | None = None
    roll_into: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()  # document groups: documents in any of them

    @classmethod
    def of(cls, coders: Sequence[str] = (), documents: Sequence[str] = (),
           where: Mapping[str, Sequence[str]] | None = None, codes: Sequence[str] = (),
           rollup_level: int | None = None, roll_into: Sequence[str] = (), groups: Sequence[str] = ()) -> Scope:
        return cls(tuple(coders), tuple(documents),
                   tuple(sorted((k, tuple(v)) for k, v in (where or {}).items())), tuple(codes),
                   rollup_level, tuple(roll_into), tuple(groups))

    def describe(self, data: AnalysisData) -> str:
        """The filters in words, for the sentence above a chart."""
        parts = [f"coders: {', '.join(self.coders)}" if self.coders else "all coders"]
        if self.documents:
            parts.append(f"documents: {', '.join(self.documents)}")
        if self.groups:
            parts.append(f"document group{'s' if len(self.groups) > 1 else ''}: {' or '.join(self.groups)}")
        for attribute, values in self.where:
            parts.append(f"{attribute} = {' or '.join(values)}")
        parts.append(f"{data.document_count} document{'s' if data.document_count != 1 else ''}")
        if self.codes:
            parts.append(f"codes under {', '.join(self.codes)}")
        if self.rollup_level:
            parts.append(f"child codes rolled up to level {self.rollup_level}")
        if self.roll_into:
            parts.append(f"children of {', '.join(self.roll_into)} counted as their parent")
        return "; ".join(parts)


class Item(NamedTuple):
    """One segment as an analysis sees it: its (rolled-up) code, coder and span. ``ids`` is the stored segment's id,
    or a tuple of ids when roll-up joined one coder's overlapping segments. The lists in
    :attr:`AnalysisData.by_document` hold plain tuples in this field order (made straight by SQLite; index them,
    or wrap one with ``Item(*row)``)."""

    document_id: int
    start: int
    end: int
    code_id: int
    coder_id: int
    ids: int | tuple[int, ...]


def item_ids(item: tuple) -> tuple[int, ...]:
    """The stored segment ids an item stands for."""
    ids = item[5]
    return ids if isinstance(ids, tuple) else (ids,)


@dataclass
class AnalysisData:
    """Segments in scope grouped by document, with the codes they are counted as."""

    codes: list[Code]
    code_ids: list[int]
    names: dict[int, str]
    coders: dict[int, str] = field(default_factory=dict)
    document_ids: list[int] = field(default_factory=list)
    _by_document: dict[int, list[tuple]] | None = field(default=None, repr=False, compare=False)
    _columns: Columns | None = field(default=None, repr=False, compare=False)
    counted_as: dict[int, int] = field(default_factory=dict)

    def representative(self, code_id: int) -> int:
        """The code that ``code_id``'s segments are counted as (itself, or its ancestor when rolled up)."""
        return self.counted_as.get(code_id, code_id)

    @property
    def document_count(self) -> int:
        return len(self.document_ids)

    @property
    def by_document(self) -> dict[int, list[tuple]]:
        """Items (tuples in :class:`Item` field order) by document, in start order; made from the columns the
        first time they are asked for (the sweeps never need them)."""
        if self._by_document is None:
            columns = self._columns
            if columns is None or columns.ids is None:
                self._by_document = {}
            else:
                rows = zip(columns.document.tolist(), columns.start.tolist(), columns.end.tolist(),
                           columns.code.tolist(), columns.coder.tolist(), columns.ids.tolist())
                self._by_document = {doc: list(group) for doc, group in groupby(rows, key=itemgetter(0))}
        return self._by_document

    @by_document.setter
    def by_document(self, value: dict[int, list[tuple]]) -> None:
        self._by_document = value
        self._columns = None

    def columns(self) -> Columns:
        """The items as numpy columns (made once, then kept): what the vectorised sweeps work on."""
        if self._columns is None:
            self._columns = Columns([row for rows in self.by_document.values() for row in rows])
        return self._columns

    def items(self) -> list[Item]:
        return [Item(*row) for rows in self.by_document.values() for row in rows]


def display_names(codes: Sequence[Code]) -> dict[int, str]:
    """Code names as results show them: the name, or the path where two codes share a name."""
    counts: dict[str, int] = defaultdict(int)
    for code in codes:
        counts[code.name] += 1
    return {c.id: c.name if counts[c.name] == 1 else c.path for c in codes}


def representatives(codes: Sequence[Code], level: int | None, roll_into: Sequence[int]) -> dict[int, int]:
    """Each code → the code it is counted as: its ancestor at ``level`` (1 = top level) if it lies deeper, or the
    nearest of ``roll_into`` above it; else itself."""
    by_id = {c.id: c for c in codes}
    targets = set(roll_into)

    def chain(code: Code) -> list[int]:
        ancestry = [code.id]
        while by_id[ancestry[-1]].parent_id is not None:
            ancestry.append(by_id[ancestry[-1]].parent_id)
        return ancestry[::-1]  # root first

    mapping: dict[int, int] = {}
    for code in codes:
        ancestry = chain(code)
        target = code.id
        rolled = [a for a in ancestry if a in targets]
        if rolled:
            target = rolled[0]
        if level is not None and len(ancestry) > level:
            candidate = ancestry[level - 1]
            if ancestry.index(candidate) < ancestry.index(target):
                target = candidate
        mapping[code.id] = target
    return mapping


def load(project: Project, scope: Scope) -> AnalysisData:
    """Read the segments in scope, roll codes up, and join a coder's overlapping segments of one rolled-up code
    (so a passage coded with two child codes counts once for their parent)."""
    if scope.rollup_level is not None and scope.rollup_level < 1:
        raise WorkbenchError("the roll-up level starts at 1 (the top-level codes)")
    codes = project.codes()
    names = display_names(codes)
    known_coders = set(project.coder_names().values())
    for coder in scope.coders:
        if coder not in known_coders:
            raise WorkbenchError(f"no coder named {coder!r} (coders: {', '.join(sorted(known_coders)) or 'none'})")
    document_ids = [project.document_id(name) for name in scope.documents] or None
    matching = documents_where(project, dict(scope.where))
    all_documents = list(project.document_names())
    if matching is not None:
        document_ids = [d for d in (document_ids or all_documents) if d in set(matching)]
    if scope.groups:
        in_groups = project.group_document_ids(scope.groups)
        document_ids = [d for d in (document_ids if document_ids is not None else all_documents) if d in in_groups]
    in_scope_codes = [c.id for c in codes]
    if scope.codes:
        in_scope_codes = subtree_ids(codes, [project.resolve_code(c).id for c in scope.codes])
    roll_into = [project.resolve_code(c).id for c in scope.roll_into]
    mapping = representatives(codes, scope.rollup_level, roll_into)
    kept = set(in_scope_codes)
    representative_ids = {mapping[c] for c in in_scope_codes}
    data = AnalysisData(codes=codes, code_ids=[c.id for c in codes if c.id in representative_ids], names=names,
                        coders=project.coder_names(),
                        document_ids=list(document_ids if document_ids is not None else all_documents),
                        counted_as=mapping)
    code_filter = sorted(kept) if len(kept) < len(codes) else None
    if all(mapping[c] == c for c in kept):
        # No roll-up: the store already keeps one coder's segments of one code apart; rows are items as they are,
        # read straight into columns (the tuples are made only if a drill-down asks for them).
        data._columns = Columns.from_arrays(*project.analysis_columns(
            document_ids=document_ids, coders=list(scope.coders) or None, code_ids=code_filter))
        return data
    rows = project.analysis_rows(document_ids=document_ids, coders=list(scope.coders) or None, code_ids=code_filter)
    grouped: dict[tuple[int, int, int], list[tuple[int, int, int]]] = defaultdict(list)
    for doc_id, start, end, code_id, coder_id, seg_id in rows:
        grouped[(doc_id, mapping[code_id], coder_id)].append((start, end, seg_id))
    by_document: dict[int, list[tuple]] = defaultdict(list)
    for (doc_id, code_id, coder_id), spans in grouped.items():
        for start, end, seg_ids in join_overlapping(spans):
            by_document[doc_id].append((doc_id, start, end, code_id, coder_id, _ids(seg_ids)))
    for items in by_document.values():
        items.sort(key=itemgetter(1, 2))
    data.by_document = dict(sorted(by_document.items()))
    return data


def _ids(ids: list[int]) -> int | tuple[int, ...]:
    return ids[0] if len(ids) == 1 else tuple(ids)
