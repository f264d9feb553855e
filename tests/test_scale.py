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


# --------------------------------------------------------------------------------------------- query plans
def _exercise_store(project) -> None:
    """Run what the pages and commands run (reads, analyses, writes), on a small project."""
    from workbench.analysis.cooccurrence import cooccurrence, meetings
    from workbench.analysis.frequencies import attribute_matrix
    from workbench.retrieval import retrieve

    doc = project.document_id("t")
    project.documents()
    project.document(doc)
    project.document_text(doc)
    project.turns(doc)
    project.unit_at("sentence", doc, 5)
    project.coders()
    codes = project.codes()
    x = project.resolve_code("X").id
    project.segments(document_ids=[doc])
    project.segments(document_ids=[doc], coders=["marloes"], code_ids=[x])
    project.segments(coders=["daan"])
    project.segments(code_ids=[x])
    project.count_segments(code_ids=[x], coders=["marloes"])
    project.segments_page(0, 10, code_ids=[x])
    list(project.iter_segments(document_ids=[doc]))
    project.segment_counts_by_code()
    project.coders()
    project.document_guids()
    retrieve(project, code_ids=[x], where={"role": ["resident"]}, include_children=True)
    result = cooccurrence(project)
    meetings(project, result, x, project.resolve_code("Y").id)
    cooccurrence(project, "sentence")
    cooccurrence(project, "turn", scope=None)
    frequencies(project)
    attribute_matrix(project, "role")
    project.cases()
    project.attribute_values("role")
    project.memos()
    seg = project.segments(document_ids=[doc])[0]
    project.update_segment(seg.id, who="t", memo="m")
    record = project.remove_segment(seg.id, who="t")
    project.restore_segment(record, who="t")
    project.add_segment(doc, 0, 3, codes[-1].id, "anna")
    project.merge_codes(project.resolve_code("W").id, project.resolve_code("Z").id, who="t")
    project.delete_code(project.resolve_code("S").id, who="t", delete_segments=True)
    project.audit_log(limit=5)
    project.stats()


def test_store_queries_use_indexes(tmp_path) -> None:
    """Every statement the store runs while pages and commands work: no automatic index, and no full scan of a
    large table (segments, turns, units, links) where the statement filters."""
    import re

    from tests.test_analysis import CASES, OTHER, TEXT, add_codings, add_study_codes, CODINGS

    with create_project(tmp_path / "plan.wbproj") as project:
        import_sources(project, [("t.txt", TEXT.encode()), ("u.txt", OTHER.encode())], cases=("cases.csv", CASES),
                       language="nl")
        add_study_codes(project)
        add_codings(project, CODINGS)
        statements: list[str] = []
        project.conn.set_trace_callback(statements.append)
        _exercise_store(project)
        project.conn.set_trace_callback(None)
        large = r"(segments|turns|units|document_cases|case_values|memos|audit_log)"
        keyed = r"\b(document_id|code_id|coder_id|case_id|attribute_id|parent_id|guid|id)\s*(=|IN\b|IS\b)"
        problems = []
        for sql in dict.fromkeys(statements):
            if not re.match(r"\s*(SELECT|UPDATE|DELETE|INSERT)", sql, re.I):
                continue
            plan = [row[3] for row in project.conn.execute("EXPLAIN QUERY PLAN " + sql)]
            bad = [p for p in plan if "AUTOMATIC" in p]
            where = re.split(r"\bWHERE\b", sql, maxsplit=1, flags=re.I)
            if len(where) > 1 and re.search(keyed, where[1], re.I):  # a lookup by key: the large tables are searched, never scanned
                names = {n.lower() for pair in re.findall(rf"\b{large}(?:\s+(?:AS\s+)?(\w+))?", sql, re.I)
                         for n in pair if n}
                bad += [p for p in plan if (m := re.match(r"SCAN (\w+)", p)) and m.group(1).lower() in names]
            if bad:
                problems.append((sql[:200], bad))
        assert not problems, "\n".join(f"{sql}\n    {plan}" for sql, plan in problems)


# --------------------------------------------------------------------------------------------- streamed output
def _study(tmp_path):
    from tests.test_analysis import CASES, CODINGS, OTHER, TEXT, add_codings, add_study_codes

    project = create_project(tmp_path / "s.wbproj")
    import_sources(project, [("t.txt", TEXT.encode()), ("u.txt", OTHER.encode())], cases=("cases.csv", CASES),
                   language="nl")
    add_study_codes(project)
    add_codings(project, CODINGS)
    doc = project.document_id("t")
    project.add_segment(doc, 0, 4, project.resolve_code("S").id, "zoë", memo='"quoted" <b>\n=SUM(1) \x07 😀')
    return project


def test_segments_json_streams_the_same_array(tmp_path, cli) -> None:
    """``segments --json`` prints exactly what ``json.dumps(list, indent=2)`` of the in-memory rows prints."""
    import json

    from workbench.exchange.segments_table import segment_rows

    with _study(tmp_path) as project:
        segments = project.segments(with_text=True)
        extra = {row["id"]: row for row in segment_rows(project, segments)}
        expected = [{**s.as_dict(), "code_path": extra[s.id]["code"], "speaker": extra[s.id]["speaker"],
                     "case": extra[s.id]["case"]} for s in segments]
        daan = [e for e in expected if e["coder"] == "daan"]
        path = project.path
    result = cli("segments", path, "--json")
    assert result.returncode == 0, result.stderr
    assert result.stdout == json.dumps(expected, ensure_ascii=False, indent=2) + "\n"
    filtered = cli("segments", path, "--json", "--coder", "daan")
    assert filtered.stdout == json.dumps(daan, ensure_ascii=False, indent=2) + "\n"
    none = cli("segments", path, "--json", "--coder", "nobody")
    assert none.returncode == 0 and none.stdout == "[]\n"


def test_print_json_array_matches_json_dumps(capsysbinary) -> None:
    import json

    from workbench.output import print_json_array

    items = [{"a": 1, "b": None, "c": True, "d": 1.5, "e": "x\n\"ü😀\x00"}, {}, {"nested": {"k": [1, 2]}}, [1, "two"],
             "plain", 3, {"f": False, "g": -0.0, "h": 10**20}]
    for case in (items, [], items[:1]):
        print_json_array(iter(case))
        assert capsysbinary.readouterr().out.decode("utf-8") == json.dumps(case, ensure_ascii=False, indent=2) + "\n"


def test_export_streams_csv_and_xlsx_with_the_same_rows(tmp_path) -> None:
    import csv
    import io

    from openpyxl import load_workbook

    from workbench.exchange.segments_table import COLUMNS, export_segments, rows_to_csv, segment_rows

    with _study(tmp_path) as project:
        expected = segment_rows(project)
        assert export_segments(project, tmp_path / "all.csv") == len(expected)
        assert (tmp_path / "all.csv").read_text(encoding="utf-8") == rows_to_csv(expected)
        seen: list[int] = []
        assert export_segments(project, tmp_path / "all.xlsx", progress=seen.append) == len(expected)
        assert seen[-1] == len(expected)
    sheet = load_workbook(tmp_path / "all.xlsx").active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == list(COLUMNS) and sheet.freeze_panes == "A2" and sheet["A1"].font.b
    assert len(values) == len(expected) + 1
    reread = list(csv.DictReader(io.StringIO((tmp_path / "all.csv").read_text(encoding="utf-8"))))
    for row, want in zip(values[1:], reread):
        got = {column: ("" if value is None else str(value)) for column, value in zip(COLUMNS, row)}
        assert got == {**want, "memo": want["memo"].replace("\x07", "")}  # XLSX cannot hold control characters
    memo = next(c for c in sheet["H"] if c.value and c.value.startswith('"quoted"'))
    assert memo.data_type == "s" and memo.value == '"quoted" <b>\n=SUM(1)  😀'
    assert not list(tmp_path.glob(".*.partial"))


def test_retrieve_pages_through_the_same_segments_as_the_full_list(tmp_path) -> None:
    from workbench.retrieval import resolve_query, retrieve, retrieve_page

    with _study(tmp_path) as project:
        for filters in ({}, {"coders": ["marloes"]}, {"code_ids": [project.resolve_code("parent").id],
                                                     "include_children": True}, {"where": {"role": ["resident"]}}):
            everything = [(r.segment.id, r.speaker, r.cases, r.before, r.after, r.segment.text)
                          for r in retrieve(project, **filters)]
            query = resolve_query(project, **filters)
            counts = project.segment_counts_by_document(query.document_ids, query.code_ids, query.coders)
            assert sum(n for _, n in counts) == len(everything) > 0
            assert project.count_segments(query.document_ids, query.code_ids, query.coders) == (
                len(everything), len(counts))
            for size in (1, 2, 3, 50):
                paged = [(r.segment.id, r.speaker, r.cases, r.before, r.after, r.segment.text)
                         for offset in range(0, len(everything), size)
                         for r in retrieve_page(project, query, offset, size, counts=counts if size > 1 else None)]
                assert paged == everything, (filters, size)
            assert retrieve_page(project, query, len(everything), 5) == []


def test_project_listing_reads_speakers_and_sentences_from_indexes(tmp_path, monkeypatch) -> None:
    """The Project page's listing at a million codings: speakers come from an index in turn order (no temporary
    B-tree for grouping), sentences are counted from an index; a file from before gets both indexes on opening."""
    from tests.test_analysis import OTHER, TEXT
    from workbench.store import files, open_project, schema

    step = next(n for n, f in schema.MIGRATIONS.items() if "speakers" in (f.__doc__ or ""))
    monkeypatch.setattr(files, "SCHEMA_VERSION", step - 1)
    path = tmp_path / "old.wbproj"
    with create_project(path) as project:
        import_sources(project, [("t.txt", TEXT.encode()), ("u.txt", OTHER.encode())], language="nl")
        before = project.documents()
    monkeypatch.undo()
    with open_project(path) as project:
        assert project.documents() == before
        statements: list[str] = []
        project.conn.set_trace_callback(statements.append)
        project.documents()
        project.stats()
        project.conn.set_trace_callback(None)
        plans = {sql: " | ".join(row[3] for row in project.conn.execute("EXPLAIN QUERY PLAN " + sql))
                 for sql in statements if "speaker" in sql or "'sentence'" in sql or "FROM documents" in sql}
    assert len(plans) >= 4, plans
    for sql, plan in plans.items():
        assert "COVERING INDEX" in plan and "GROUP BY" not in plan, (sql, plan)


def test_analysis_columns_read_in_two_halves_equal_one_read(tmp_path, monkeypatch) -> None:
    """A large project's columns are read in two halves at once (here: any project); the arrays are the same as
    one read's, with filters and for a blind coder, and a change committed between the two halves' starts makes
    the read fall back to one piece (never two states mixed)."""
    import threading

    import numpy as np

    from tests.test_analysis import CASES, CODINGS, OTHER, TEXT, add_codings, add_study_codes
    from workbench.store import halves, open_project

    path = tmp_path / "halves.wbproj"
    with create_project(path) as project:
        import_sources(project, [("t.txt", TEXT.encode()), ("u.txt", OTHER.encode())], cases=("cases.csv", CASES),
                       language="nl")
        add_study_codes(project)
        add_codings(project, CODINGS)
    calls = {"halves": 0}
    original = halves.read_halves

    def counted(*args):
        calls["halves"] += 1
        return original(*args)

    monkeypatch.setattr("workbench.store.streams.read_halves", counted)
    with open_project(path) as project:
        doc = project.document_id("u")
        filters = [{}, {"document_ids": [doc]}, {"coders": [sorted(project.coder_names().values())[0]]},
                   {"code_ids": [project.codes()[1].id]}]
        monkeypatch.setattr(halves, "HALVES_FROM", 10 ** 9)
        single = [project.analysis_columns(**f) for f in filters]
        monkeypatch.setattr(halves, "HALVES_FROM", 0)
        split = [project.analysis_columns(**f) for f in filters]
        assert calls["halves"] == len(filters)
        for one, two in zip(single, split):
            assert len(one) == len(two) == 6 and all(np.array_equal(a, b) for a, b in zip(one, two))
        assert len(single[0][0]) == len(CODINGS)

        first_read = halves._read
        first_half_read = threading.Event()

        def a_change_in_between(conn, query):
            if conn is project.conn:  # the first half (document t) is read, then another coder codes in t
                found = first_read(conn, query)
                first_half_read.set()
                return found
            first_half_read.wait(10)
            with open_project(path) as other:
                other.add_segment(other.document_id("t"), 0, 3, other.codes()[1].id, "late")
            return first_read(conn, query)

        monkeypatch.setattr(halves, "_read", a_change_in_between)
        mixed = project.analysis_columns()
        monkeypatch.setattr(halves, "_read", first_read)
        monkeypatch.setattr(halves, "HALVES_FROM", 10 ** 9)
        after = project.analysis_columns()
    assert len(after[0]) == len(CODINGS) + 1
    assert all(np.array_equal(a, b) for a, b in zip(mixed, after))
