"""A long transcript is drawn in blocks: where it is cut, and the pieces that never cross a cut."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.app.highlighter import highlighter_data
from workbench.coding import block_bounds, transcript_pieces
from workbench.models import Code, Segment, Turn


def seg(seg_id: int, start: int, end: int, code_id: int = 1) -> Segment:
    return Segment(seg_id, "", "d", code_id, start, end, "c", 1, "x", "", "", "")


def brute_bounds(text: str, starts: set[int], size: int) -> list[int]:
    """Scan position by position: the first turn start in [a + size, a + 2 size), else the first position from
    a + size that follows a line break."""
    if not text:
        return [0]
    bounds = [0]
    while bounds[-1] + size < len(text):
        a = bounds[-1]
        cut = next((p for p in range(a + size, min(a + 2 * size, len(text))) if p in starts), None)
        if cut is None:
            cut = next((p for p in range(a + size, len(text) + 1) if text[p - 1] == "\n"), None)
        if cut is None or cut >= len(text):
            break
        bounds.append(cut)
    return bounds + [len(text)]


texts = st.text(alphabet="ab \n😀", max_size=300)


@settings(max_examples=300, deadline=None)
@given(texts, st.lists(st.integers(0, 300), max_size=20), st.integers(1, 40))
def test_blocks_are_cut_just_after_line_breaks_preferring_turn_starts(text, starts, size) -> None:
    turns = [Turn(s, s, "R") for s in starts if s <= len(text)]
    bounds = block_bounds(text, turns, size)
    usable = {s for s in starts if 0 < s < len(text) and text[s - 1] == "\n"}
    assert bounds == brute_bounds(text, usable, size)
    assert bounds[0] == 0 and bounds[-1] == len(text)
    assert all(a < b for a, b in zip(bounds, bounds[1:]))
    assert all(text[cut - 1] == "\n" for cut in bounds[1:-1])  # a block ends a line where the text does
    for a, b in zip(bounds[:-2], bounds[1:-1]):
        assert b - a >= size
        if b - a >= 2 * size:  # long only where no line break came sooner
            assert "\n" not in text[a + size - 1:b - 1]


def test_a_long_transcript_is_cut_at_turn_starts() -> None:
    turns, parts, at = [], [], 0
    for i in range(400):
        line = f"{'IR'[i % 2]}: " + "woord " * 40 + "\n"
        turns.append(Turn(at, at + len(line) - 1, "IR"[i % 2]))
        parts.append(line)
        at += len(line)
    text = "".join(parts)
    bounds = block_bounds(text, turns)
    assert len(bounds) > 20
    assert set(bounds[1:-1]) <= {t.start for t in turns}
    assert all(4_000 <= b - a < 8_000 for a, b in zip(bounds[:-2], bounds[1:-1]))


@settings(max_examples=200, deadline=None)
@given(texts, st.lists(st.tuples(st.integers(0, 300), st.integers(0, 300)), max_size=10), st.integers(1, 30))
def test_pieces_never_cross_a_block_and_keep_their_segments(text, spans, size) -> None:
    segments = [seg(i, min(a, b), max(a, b)) for i, (a, b) in enumerate(spans)
                if min(a, b) < max(a, b) <= len(text)]
    bounds = block_bounds(text, [], size)
    pieces = transcript_pieces(text, segments, [], cuts=bounds)
    assert "".join(text[p.start:p.end] for p in pieces) == text
    for piece in pieces:
        assert not any(piece.start < cut < piece.end for cut in bounds)
        for offset in range(piece.start, piece.end):
            assert set(piece.segment_ids) == {s.id for s in segments if s.start <= offset < s.end}


def test_component_data_names_the_blocks_its_pieces_fill() -> None:
    line = "R: " + "één 👍🏽 woord " * 30 + "\n"
    text = line * 60
    turns = [Turn(i * len(line), (i + 1) * len(line) - 1, "R") for i in range(60)]
    codes = {1: Code(1, "", "distrust", None, "#aa0000", "", "", "", "", (), 0)}
    segments = [seg(1, 100, 9_000), seg(2, 3_990, 4_100)]
    data = highlighter_data("d", text, segments, turns, codes, "key")
    blocks = data["blocks"]
    assert blocks[0] == 0 and blocks[-1] == len(text) and len(blocks) > 3
    assert [row[0] for row in data["pieces"]][0] == 0
    assert all(a[1] == b[0] for a, b in zip(data["pieces"], data["pieces"][1:]))
    for start, end, _flags, _indexes in data["pieces"]:
        assert not any(start < cut < end for cut in blocks)


def long_case() -> tuple[str, list[Turn], dict[int, Code]]:
    line = "R: " + "één 👍🏽 woord " * 30 + "\n"
    turns = [Turn(i * len(line), (i + 1) * len(line) - 1, "R") for i in range(60)]
    codes = {c: Code(c, "", f"code {c}", None, f"#a{c}0000", "", "", "", "", (), 0) for c in (1, 2)}
    return line * 60, turns, codes


def test_the_browser_is_sent_only_what_it_does_not_have() -> None:
    text, turns, codes = long_case()
    segments = [seg(1, 100, 9_000), seg(2, 3_990, 4_100)]
    first = highlighter_data("d", text, segments, turns, codes, "key")
    sent = first.pop("sent")
    assert first["base"] is None and len(first["segments"]) == 2 and first["gutter"] == []
    # the same version again (a selection, a click): no segments, pieces or gutter travel
    again = highlighter_data("d", text, segments, turns, codes, "key", send_text=False, pending=(5, 9), known=sent)
    assert again["version"] == first["version"] and again["pending"] == [5, 9]
    assert again["segments"] is None and again["pieces"] is None and again["gutter"] is None
    # a new segment: the segments, and the pieces of the blocks it touches only, on top of the version shown
    added = [*segments, seg(3, 20_000, 20_050, 2)]
    delta = highlighter_data("d", text, added, turns, codes, "key", send_text=False, known=again.pop("sent"))
    blocks = delta["blocks"]
    touched = [b for b in range(len(blocks) - 1) if blocks[b] < 20_050 and blocks[b + 1] > 20_000]
    assert delta["base"] == first["version"] and [b for b, _rows in delta["pieces"]] == touched
    whole = highlighter_data("d", text, added, turns, codes, "key")
    by_block = [row for b, rows in delta["pieces"] for row in rows]
    assert by_block == [row for row in whole["pieces"] if blocks[touched[0]] <= row[0] < blocks[touched[-1] + 1]]
    assert delta["segments"] == whole["segments"]
    # a recoloured code redraws every block with that code; another text is sent whole
    recoloured = {**codes, 1: Code(1, "", "code 1", None, "#00aa00", "", "", "", "", (), 0)}
    again = highlighter_data("d", text, added, turns, recoloured, "key", known=delta.pop("sent"))
    over = {b for b in range(len(blocks) - 1) if blocks[b] < 9_000 and blocks[b + 1] > 100}
    assert over <= {b for b, _rows in again["pieces"]}
    other = highlighter_data("d", text + "x", added, turns, codes, "other", known=again.pop("sent"))
    assert other["base"] is None and other["pieces"][0][0] == 0


@settings(max_examples=200, deadline=None)
@given(texts, st.lists(st.tuples(st.integers(0, 300), st.integers(0, 300)), max_size=10),
       st.tuples(st.integers(0, 300), st.integers(0, 300)))
def test_the_pieces_of_a_range_are_those_of_the_whole_text_cut_there(text, spans, cut) -> None:
    lo, hi = sorted(min(c, len(text)) for c in cut)
    segments = [seg(i, min(a, b), max(a, b)) for i, (a, b) in enumerate(spans)
                if min(a, b) < max(a, b) <= len(text)]
    turns = [Turn(i, i, "R") for i in range(0, len(text), 17)]
    whole = transcript_pieces(text, segments, turns, cuts=[lo, hi])
    assert transcript_pieces(text, segments, turns, within=(lo, hi)) == [p for p in whole if lo <= p.start < hi]
