"""The disagreement queue's rules on spans (pure), checked by hand and against a brute force."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.errors import WorkbenchError
from workbench.review.queue import ReviewItem, Side, passages, spans_match


def test_spans_match_at_the_threshold_of_the_longer():
    assert spans_match((0, 100), (0, 90), 90)          # 90 of the longer 100
    assert not spans_match((0, 100), (0, 89), 90)
    assert spans_match((0, 10), (1, 10), 90)           # 9 of 10
    assert not spans_match((0, 10), (10, 20), 1)       # touching is not overlap
    assert spans_match((0, 10), (5, 15), 50) and not spans_match((0, 10), (5, 15), 51)


def test_matched_passages_are_not_in_the_queue():
    assert passages([(0, 100)], [(2, 100)], 90) == []


def test_one_sided_passages():
    assert passages([(0, 10)], [], 90) == [([0], [], [False], [])]
    assert passages([], [(5, 9)], 90) == [([], [0], [], [False])]


def test_overlapping_but_unmatched_spans_form_one_passage():
    assert passages([(0, 10)], [(5, 30)], 90) == [([0], [0], [False], [False])]


def test_a_chain_of_overlaps_is_one_passage_and_touching_splits():
    # A: 0-10, 20-30; B: 8-22 bridges them; B: 30-40 only touches A's 20-30.
    result = passages([(0, 10), (20, 30)], [(8, 22), (30, 40)], 90)
    assert result == [([0, 1], [0], [False, False], [False]), ([], [1], [], [False])]


def test_a_matched_pair_inside_a_disagreeing_passage_is_marked_matched():
    # A's 0-100 matches B's 0-95; B's 95-200 overlaps A's 0-100 without matching it: all three are one passage.
    result = passages([(0, 100)], [(0, 95), (95, 200)], 90)
    assert result == [([0], [0, 1], [True], [True, False])]


def brute_force(a, b, overlap):
    nodes = [(0, i, s) for i, s in enumerate(a)] + [(1, i, s) for i, s in enumerate(b)]
    parent = list(range(len(nodes)))

    def root(x):
        while parent[x] != x:
            x = parent[x]
        return x

    for i, (_, _, (s1, e1)) in enumerate(nodes):
        for j, (_, _, (s2, e2)) in enumerate(nodes):
            if max(s1, s2) < min(e1, e2):
                parent[root(i)] = root(j)
    groups = {}
    for i, node in enumerate(nodes):
        groups.setdefault(root(i), []).append(node)

    def matched(span, others):
        for other in others:
            shared = min(span[1], other[1]) - max(span[0], other[0])
            if shared > 0 and shared / max(span[1] - span[0], other[1] - other[0]) >= overlap / 100 - 1e-12:
                return True
        return False

    result = set()
    for group in groups.values():
        flags = [matched(s, b if side == 0 else a) for side, _, s in group]
        if not all(flags):
            result.add(frozenset((side, i) for side, i, _ in group))
    return result


spans = st.lists(st.tuples(st.integers(0, 60), st.integers(1, 25)).map(lambda t: (t[0], t[0] + t[1])), max_size=7)


def own(spans_):
    """One coder never has two overlapping segments of one code (the store refuses it): join them."""
    joined = []
    for s, e in sorted(spans_):
        if joined and s < joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], e))
        else:
            joined.append((s, e))
    return joined


@settings(max_examples=300, deadline=None)
@given(spans, spans, st.sampled_from([1, 50, 75, 90, 100]))
def test_passages_equal_a_brute_force(a, b, overlap):
    a, b = own(a), own(b)
    found = {frozenset([(0, i) for i in ia] + [(1, i) for i in ib]) for ia, ib, _, _ in passages(a, b, overlap)}
    assert found == brute_force(a, b, overlap)


def item(a, b, start=0, end=50):
    side = lambda s: Side(0, "G", s[0], s[1], "", "", False)  # noqa: E731
    return ReviewItem("k", 1, "doc", 1, "D", 1, "C", "code", "#000000", start, end,
                      tuple(side(s) for s in a), tuple(side(s) for s in b), "", "", "")


def test_decisions_give_their_spans():
    it = item([(0, 10), (20, 30)], [(5, 25), (40, 50)])
    assert it.spans_for("accept-a") == [(0, 10), (20, 30)]
    assert it.spans_for("accept-b") == [(5, 25), (40, 50)]
    assert it.spans_for("both") == [(0, 30), (40, 50)]
    assert it.spans_for("neither") == []
    assert it.spans_for("edit", 3, 33) == [(3, 33)]
    assert item([(0, 10)], []).kind == "only_a" and item([], [(0, 10)]).kind == "only_b"
    assert it.kind == "differ"


@pytest.mark.parametrize("start, end", [(None, 5), (10, 10), (60, 70), (50, 60)])
def test_an_edited_span_must_be_a_span_overlapping_the_passage(start, end):
    with pytest.raises(WorkbenchError):
        item([(0, 10)], [(5, 50)]).spans_for("edit", start, end)


def test_an_unknown_decision_is_refused():
    with pytest.raises(WorkbenchError, match="unknown decision"):
        item([(0, 10)], []).spans_for("maybe")


def test_items_are_found_by_key_prefix_or_number():
    from workbench.review.queue import Queue

    def it(key):
        return ReviewItem(key, 1, "doc", 1, "D", 1, "C", "code", "#000000", 0, 1, (), (), "", "", "")

    queue = Queue(("a", "b"), 90, [it("1234abcd0000"), it("9f00aa000000"), it("9f00bb000000")])
    assert queue.find("2").key == "9f00aa000000" and queue.find("#1").key == "1234abcd0000"
    assert queue.find("1234abcd0000").key == "1234abcd0000" and queue.find("9F00A").key == "9f00aa000000"
    for ref, message in [("9f00", "ambiguous"), ("9f0", "no item"), ("4", "no item"), ("#1234", "no item")]:
        with pytest.raises(WorkbenchError, match=message):
            queue.find(ref)
    queue.items += [it(f"{n:012x}") for n in range(1234 - 3)]       # 1234 items: "1234" is a number and a key start
    with pytest.raises(WorkbenchError, match="both a number"):
        queue.find("1234")
    assert queue.find("#1234") is queue.items[1233]
