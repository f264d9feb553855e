"""Scale (issue #8): the vectorised analysis against brute forces, streamed output against the in-memory contract,
and the store's queries against SQLite's query plans (no automatic indexes, no full scans where a page filters)."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.analysis.frequencies import frequencies
from workbench.ingest import import_sources
from workbench.models import NewSegment
from workbench.store import create_project

WORDS = ["een", "twee", " ", "  ", "\t", "\u00a0", "\n", "\n\n", "drie.", "vier,", "é", "😀", "x\u2003y", "\u3000"]
texts = st.lists(st.sampled_from(WORDS), min_size=8, max_size=40).map(lambda parts: "R: " + "".join(parts) + " end")
codings = st.lists(st.tuples(st.integers(0, 2), st.floats(0, 1), st.integers(1, 30), st.integers(0, 3),
                             st.sampled_from(["m", "d", "k"])), max_size=30)


def brute_words(text: str, spans: list[tuple[int, int]]) -> int:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return sum(len(text[s:e].split()) for s, e in merged)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(texts, min_size=3, max_size=3, unique=True), codings)
def test_frequencies_equal_brute_force(tmp_path_factory, bodies, raw) -> None:
    folder = tmp_path_factory.mktemp("freq")
    with create_project(folder / "p.wbproj") as project:
        cases = b"document,case\nd0,A\nd1,A\nd1,B\n"  # d2 has no case; d1 has two
        import_sources(project, [(f"d{i}.txt", body.encode()) for i, body in enumerate(bodies)],
                       cases=("cases.csv", cases), language="nl")
        codes = [project.add_code(f"c{i}") for i in range(4)]
        stored = {i: project.document_text(i + 1) for i in range(3)}
        taken: list[tuple[int, int, int, int, str]] = []
        for doc, where, length, code, coder in raw:
            size = len(stored[doc])
            start = min(int(where * size), size - 1)
            end = min(start + length, size)
            if any(t[0] == doc and t[3] == code and t[4] == coder and t[1] < end and start < t[2] for t in taken):
                continue
            taken.append((doc, start, end, code, coder))
        if taken:
            project.add_segments([NewSegment(d + 1, s, e, codes[c], k) for d, s, e, c, k in taken])
        doc_cases = {0: {"A"}, 1: {"A", "B"}, 2: set()}
        expected = {}
        groups: dict[tuple[int, str | None], list[tuple[int, int, int]]] = defaultdict(list)
        for doc, start, end, code, coder in taken:
            groups[(codes[code], None)].append((doc, start, end))
            groups[(codes[code], coder)].append((doc, start, end))
        for (code_id, coder), spans in groups.items():
            docs = {d for d, _, _ in spans}
            expected[(code_id, coder)] = (
                len(spans), len(docs), len(set().union(*(doc_cases[d] for d in docs))),
                sum(brute_words(stored[d], [(s, e) for dd, s, e in spans if dd == d]) for d in docs))
        for code_id in codes:
            expected.setdefault((code_id, None), (0, 0, 0, 0))
        found = {(f.code_id, f.coder): (f.segments, f.documents, f.cases, f.words) for f in frequencies(project)}
        assert found == expected
        totals = {(f.code_id, f.coder) for f in frequencies(project, by_coder=False)}
        assert totals == {(c, None) for c in codes}
