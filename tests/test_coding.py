"""The core of the coding page: flat pieces, applying codes (joining a coder's overlaps), undo, retrieval."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.coding import (
    apply_codes, edit_segment, enclosing_turn, remove_segments, segments_at, transcript_pieces, undo,
)
from workbench.errors import WorkbenchError
from workbench.filters import documents_where, parse_where, subtree_ids
from workbench.ingest import import_sources
from workbench.models import Segment, Turn
from workbench.retrieval import retrieve


def seg(seg_id: int, start: int, end: int) -> Segment:
    return Segment(seg_id, "", "d", 1, start, end, "c", 1, "x", "", "", "")


def test_pieces_split_at_every_boundary_and_carry_all_covering_segments() -> None:
    text = "Ria: abcdefghij\nI: klm"
    turns = [Turn(0, 15, "Ria"), Turn(16, 22, "I")]
    pieces = transcript_pieces(text, [seg(1, 5, 10), seg(2, 8, 12), seg(3, 8, 12)], turns)
    assert "".join(text[p.start:p.end] for p in pieces) == text
    assert [(p.start, p.end, p.segment_ids, p.label) for p in pieces] == [
        (0, 5, (), True), (5, 8, (1,), False), (8, 10, (1, 2, 3), False), (10, 12, (2, 3), False),
        (12, 16, (), False), (16, 19, (), True), (19, 22, (), False)]


def test_touching_segments_do_not_share_a_piece() -> None:
    pieces = transcript_pieces("abcdef", [seg(1, 0, 3), seg(2, 3, 6)], [])
    assert [(p.start, p.end, p.segment_ids) for p in pieces] == [(0, 3, (1,)), (3, 6, (2,))]


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.integers(1, 60).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(1, n)), max_size=12))))
def test_pieces_cover_the_text_and_match_a_brute_force(case) -> None:
    length, spans = case
    text = "x" * length
    segments = [seg(i, min(a, b), max(a, b)) for i, (a, b) in enumerate(spans) if min(a, b) < max(a, b)]
    pieces = transcript_pieces(text, segments, [])
    assert pieces[0].start == 0 and pieces[-1].end == length
    assert all(a.end == b.start for a, b in zip(pieces, pieces[1:]))
    for piece in pieces:
        for offset in range(piece.start, piece.end):
            assert set(piece.segment_ids) == {s.id for s in segments if s.start <= offset < s.end}


def test_segments_at_and_enclosing_turn() -> None:
    segments = [seg(1, 0, 5), seg(2, 3, 9)]
    assert [s.id for s in segments_at(segments, 4)] == [1, 2]
    assert [s.id for s in segments_at(segments, 5)] == [2]
    turns = [Turn(0, 10, "A"), Turn(12, 20, "B")]
    assert enclosing_turn(turns, 15).start == 12
    assert enclosing_turn(turns, 11) is None


def _doc(project) -> int:
    return project.documents()[0].id


def test_apply_adds_one_segment_per_code(project) -> None:
    codes = [project.resolve_code("distrust").id, project.resolve_code("link work").id]
    change = apply_codes(project, _doc(project), 10, 20, codes, "marloes", memo="m")
    assert [before for _, before, _ in change.steps] == [None, None]
    assert {(s.start, s.end, s.code, s.memo) for s in project.segments()} == {
        (10, 20, "distrust", "m"), (10, 20, "link work", "m")}


def test_apply_widens_and_joins_the_coders_own_overlapping_segments(project) -> None:
    code = project.resolve_code("distrust").id
    doc = _doc(project)
    project.add_segment(doc, 10, 20, code, "marloes", memo="a")
    project.add_segment(doc, 30, 40, code, "marloes", memo="b")
    project.add_segment(doc, 15, 35, code, "daan")
    change = apply_codes(project, doc, 18, 32, [code], "marloes", memo="c")
    mine = project.segments(coders=["marloes"])
    assert [(s.start, s.end) for s in mine] == [(10, 40)]
    assert mine[0].memo.split("\n") == ["a", "b", "c"]
    assert [(s.start, s.end) for s in project.segments(coders=["daan"])] == [(15, 35)]
    undo(project, change, "marloes")
    assert [(s.start, s.end, s.memo) for s in project.segments(coders=["marloes"])] == [(10, 20, "a"), (30, 40, "b")]


def test_apply_refuses_bad_input_and_changes_nothing(project) -> None:
    code = project.resolve_code("distrust").id
    with pytest.raises(WorkbenchError, match="choose at least one code"):
        apply_codes(project, _doc(project), 0, 5, [], "marloes")
    with pytest.raises(WorkbenchError, match="outside the text"):
        apply_codes(project, _doc(project), 0, 10_000, [code], "marloes")
    assert project.stats()["segments"] == 0


def test_remove_edit_and_undo(project) -> None:
    code = project.resolve_code("distrust").id
    seg_id = project.add_segment(_doc(project), 10, 20, code, "marloes", memo="m")
    change = edit_segment(project, seg_id, "marloes", start=5, memo="n")
    assert (project.segment(seg_id).start, project.segment(seg_id).memo) == (5, "n")
    undo(project, change, "marloes")
    assert (project.segment(seg_id).start, project.segment(seg_id).memo) == (10, "m")
    removal = remove_segments(project, [seg_id], "marloes")
    assert project.stats()["segments"] == 0
    undo(project, removal, "marloes")
    assert [(s.start, s.end, s.memo) for s in project.segments()] == [(10, 20, "m")]
    assert [e.action for e in project.audit_log()[:2]] == ["segment.restore", "segment.delete"]


def test_retrieve_filters_and_context(project) -> None:
    import_sources(project, [("jan.txt", b"Jan: Ik vertrouw niemand hier, echt niet.")],
                   cases=("cases.csv", b"document,case,role\nria,Ria,resident\njan,Jan,volunteer\n"))
    ria, jan = project.document_id("ria"), project.document_id("jan")
    distrust = project.resolve_code("distrust").id
    child = project.resolve_code("distrust of institutions").id
    ria_text = project.document_text(ria)
    start = ria_text.index("Ik vertrouw")
    project.add_segment(ria, start, start + 11, child, "marloes")
    project.add_segment(jan, 5, 16, distrust, "daan")
    assert [r.segment.document for r in retrieve(project, code_ids=[distrust])] == ["jan"]
    found = retrieve(project, code_ids=[distrust], include_children=True)
    assert [r.segment.document for r in found] == ["ria", "jan"]
    ria_hit = found[0]
    assert ria_hit.speaker == "Ria" and ria_hit.cases == "Ria"
    assert ria_hit.before.endswith("meer.") and ria_hit.after.startswith("die gemeente")
    assert [r.segment.document for r in retrieve(project, where={"role": ["volunteer"]})] == ["jan"]
    assert [r.segment.coder for r in retrieve(project, coders=["marloes"])] == ["marloes"]
    with pytest.raises(WorkbenchError, match="unknown case attribute 'age'"):
        retrieve(project, where={"age": ["3"]})
    with pytest.raises(WorkbenchError, match="no case has role=mayor"):
        documents_where(project, {"role": ["mayor"]})


def test_parse_where_and_subtrees(project) -> None:
    assert parse_where(["role=resident", "role=volunteer", "age=3"]) == {"role": ["resident", "volunteer"],
                                                                          "age": ["3"]}
    with pytest.raises(WorkbenchError, match="ATTRIBUTE=VALUE"):
        parse_where(["role"])
    codes = project.codes()
    distrust = project.resolve_code("distrust").id
    assert {project.code(c).name for c in subtree_ids(codes, [distrust])} == {
        "distrust", "distrust of institutions", "distrust among residents"}
