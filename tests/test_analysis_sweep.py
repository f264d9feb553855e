"""The vectorised sweeps (workbench/analysis/sweep.py) and the vectorised frequencies and code × attribute matrix,
each against an independent brute force over generated data: segments crowded into a few characters so that ties
(the same start or end, identical spans), zero-gap adjacency and nested spans are the common case."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.analysis.data import Scope
from workbench.analysis.frequencies import _spaces, attribute_matrix, frequencies
from workbench.analysis import sweep
from workbench.analysis.sweep import Columns, PairCounter, distinct, pair_indexes, unit_hits
from workbench.ingest import import_sources
from workbench.models import NewSegment
from workbench.store import create_project

# (document, start, length, code, coder): starts in a dozen characters, short spans: ties everywhere
crowded = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 12), st.integers(1, 6), st.integers(1, 5),
                             st.integers(1, 2)), max_size=40)


def as_columns(raw: list[tuple]) -> Columns:
    return Columns([(doc, start, start + length, code, coder) for doc, start, length, code, coder in raw])


def brute_pair_counts(raw: list[tuple], distance: int) -> dict[tuple[int, int], int]:
    """Every unordered pair of segments, looked at one by one."""
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for (d1, s1, l1, c1, _), (d2, s2, l2, c2, _) in combinations(raw, 2):
        gap = max(s1, s2) - min(s1 + l1, s2 + l2)  # < 0: they share a character; 0: they touch
        if d1 == d2 and c1 != c2 and (gap < 0 if distance < 0 else gap <= distance):
            counts[(min(c1, c2), max(c1, c2))] += 1
    return dict(counts)


def swept(raw: list[tuple], distance: int, budget: int | None = None) -> dict[tuple[int, int], int]:
    """The vectorised sweep's pair counts, checking every chunk of index pairs (at most ``budget`` pairs, or one
    segment's partners, when a budget is given)."""
    columns = as_columns(raw)
    counter = PairCounter(columns.code)
    kept, sweep.PAIR_BUDGET = sweep.PAIR_BUDGET, budget or sweep.PAIR_BUDGET
    try:
        for left, right in pair_indexes(columns, distance):
            assert np.all(left < right) and np.all(columns.document[left] == columns.document[right])
            assert budget is None or len(left) <= budget or len(set(left.tolist())) == 1
            counter.add(columns.code[left], columns.code[right])
    finally:
        sweep.PAIR_BUDGET = kept
    return counter.counts()


@settings(max_examples=300, deadline=None)
@given(crowded, st.integers(-1, 4))
def test_pair_sweep_equals_brute_force(raw, distance) -> None:
    assert swept(raw, distance) == brute_pair_counts(raw, distance)


@settings(max_examples=100, deadline=None)
@given(crowded, st.integers(-1, 2))
def test_pair_sweep_in_small_chunks_equals_one_chunk(raw, distance) -> None:
    assert swept(raw, distance, budget=3) == swept(raw, distance)


@settings(max_examples=200, deadline=None)
@given(crowded, st.lists(st.integers(1, 17), min_size=1, max_size=8))
def test_unit_hits_equal_brute_force(raw, cuts) -> None:
    """Units: each document cut into consecutive pieces at the same points (units touch, never overlap)."""
    edges = sorted({0, *cuts, 18})
    units = [(doc, a, b) for doc in range(3) for a, b in zip(edges, edges[1:])]
    columns = as_columns(raw)
    segment, unit = unit_hits(columns, *(np.array(column, dtype=np.int64) for column in zip(*units)))
    found = sorted(zip(segment.tolist(), unit.tolist()))
    expected = sorted((i, k) for i in range(len(columns)) for k, (doc, a, b) in enumerate(units)
                      if columns.document[i] == doc and columns.start[i] < b and columns.end[i] > a)
    assert found == expected


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab é\t\n\xa0\x85\x1c\u3000\u2003ł中", max_size=80))
def test_spaces_are_what_str_split_splits_on(text) -> None:
    assert _spaces(text).tolist() == [c.isspace() for c in text]


# ------------------------------------------------------------------------------------------ through a project
WORDS = st.text(alphabet="ab é\xa0\u3000ł", min_size=1, max_size=6)
codings = st.lists(st.tuples(st.integers(0, 1), st.integers(0, 30), st.integers(1, 12), st.integers(0, 3),
                             st.sampled_from(["m", "d"])), max_size=30)


def build(folder, texts: list[str], raw: list[tuple], cases: bytes | None = None):
    project = create_project(folder / "p.wbproj")
    import_sources(project, [(f"d{i}.txt", (f"R: {i} " + t).encode()) for i, t in enumerate(texts)], language="nl",
                   cases=("cases.csv", cases) if cases else None)
    parent = project.add_code("parent")
    codes = [project.add_code("c0", parent_id=parent), project.add_code("c1", parent_id=parent),
             project.add_code("c2"), project.add_code("c3")]
    stored, new = [], []
    for doc, start, length, code, coder in raw:
        end = min(start + length, len(project.document_text(doc + 1)))
        if start >= end or any(s[0] == doc and s[3] == code and s[4] == coder and s[1] < end and start < s[2]
                               for s in stored):
            continue  # the store keeps one coder's segments of one code apart
        stored.append((doc, start, end, code, coder))
        new.append(NewSegment(doc + 1, start, end, codes[code], coder))
    if new:
        project.add_segments(new)
    return project, codes, stored


def union_words(text: str, spans: list[tuple[int, int]]) -> int:
    """Words in the union of spans (overlapping or touching spans joined), counted with ``str.split``."""
    covered = [False] * len(text)
    for start, end in spans:
        for i in range(start, end):
            covered[i] = True
    words, i = 0, 0
    while i < len(text):
        if covered[i]:
            j = i
            while j < len(text) and covered[j]:
                j += 1
            words += len(text[i:j].split())
            i = j
        else:
            i += 1
    return words


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(WORDS, min_size=5, max_size=12), st.lists(WORDS, min_size=5, max_size=12), codings)
def test_frequencies_equal_brute_force(tmp_path_factory, first, second, raw) -> None:
    project, codes, stored = build(tmp_path_factory.mktemp("freq"), [" ".join(first), " ".join(second)], raw)
    with project:
        texts = [project.document_text(1), project.document_text(2)]
        got = {(f.code, f.coder): (f.segments, f.documents, f.words) for f in frequencies(project)}
        expected = {("parent", None): (0, 0, 0)}  # a code without segments of its own still has a row
        for code in range(4):
            for coder in (None, "m", "d"):
                mine = [s for s in stored if s[3] == code and (coder is None or s[4] == coder)]
                if coder is not None and not mine:
                    continue
                words = sum(union_words(texts[doc], [(s[1], s[2]) for s in mine if s[0] == doc])
                            for doc in (0, 1))
                expected[(f"c{code}", coder)] = (len(mine), len({s[0] for s in mine}), words)
        assert got == expected


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(codings, st.sampled_from(["segments", "documents", "cases"]), st.booleans())
def test_attribute_matrix_equals_brute_force(tmp_path_factory, raw, measure, rolled) -> None:
    """Document d0 belongs to two cases with the same role and d1 to two with different roles; roll-up to level 1
    counts c0 and c1 as their parent (one coder's overlapping segments of the two joined into one)."""
    cases = b"document,case,role\nd0,Ann,resident\nd0,Bob,resident\nd1,Bob,resident\nd1,Cor,professional\n"
    text = "een twee drie vier vijf zes zeven acht negen tien"
    project, codes, stored = build(tmp_path_factory.mktemp("matrix"), [text, text], raw, cases)
    with project:
        matrix = attribute_matrix(project, "role", measure, Scope.of(rollup_level=1 if rolled else None))
        names = {c.id: c.name for c in project.codes()}
        counted_as = [names[project.resolve_code("parent").id]] * 2 if rolled else ["c0", "c1"]
        counted_as += ["c2", "c3"]
        items = []  # (document, code name, coder, start, end)
        for doc, name, coder in {(s[0], counted_as[s[3]], s[4]) for s in stored}:
            joined: list[list[int]] = []
            for start, end in sorted((s[1], s[2]) for s in stored
                                     if (s[0], counted_as[s[3]], s[4]) == (doc, name, coder)):
                if joined and start < joined[-1][1]:  # overlap (touching is not) joins
                    joined[-1][1] = max(joined[-1][1], end)
                else:
                    joined.append([start, end])
            items += [(doc, name, coder, a, b) for a, b in joined]
        of_document = {0: [("Ann", "resident"), ("Bob", "resident")],
                       1: [("Bob", "resident"), ("Cor", "professional")]}
        expected: dict[tuple[str, str], set] = defaultdict(set)
        for item in items:
            for case, role in of_document[item[0]]:
                expected[(item[1], role)].add({"segments": item, "documents": item[0], "cases": case}[measure])
        got = {(code, role): matrix.counts[r][c] for r, code in enumerate(matrix.codes)
               for c, role in enumerate(matrix.values) if matrix.counts[r][c]}
        assert got == {key: len(found) for key, found in expected.items()}


@given(st.lists(st.integers(-3, 5), max_size=30))
def test_distinct_equals_sorted_set_with_counts(values) -> None:
    array = np.array(values, dtype=np.int64)
    assert distinct(array).tolist() == sorted(set(values))
    found, counts = distinct(array, counts=True)
    assert dict(zip(found.tolist(), counts.tolist())) == {v: values.count(v) for v in set(values)}
