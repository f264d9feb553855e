"""Unit tests for speaker-turn detection (workbench.turns)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.turns import header_end, header_fields, label_end, parse_turns, timestamp_seconds


def spans(text: str) -> list[tuple[str | None, str]]:
    return [(turn.speaker, text[turn.start:turn.end]) for turn in parse_turns(text)]


@pytest.mark.parametrize(
    ("line", "speaker", "timestamp", "seconds"),
    [
        ("Interviewer: Hoe gaat het?", "Interviewer", None, None),
        ("I: Hoe gaat het?", "I", None, None),
        ("R: Goed.", "R", None, None),
        ("[00:01:02] Fatima: Goed.", "Fatima", "00:01:02", 62.0),
        ("00:01:02 Fatima: Goed.", "Fatima", "00:01:02", 62.0),
        ("(00:01:02) Jan de Vries: Goed.", "Jan de Vries", "00:01:02", 62.0),
        ("[01:02] Fatima: Goed.", "Fatima", "01:02", 62.0),
        ("[1:02:03.5] Fatima: Goed.", "Fatima", "1:02:03.5", 3723.5),
        ("Respondent 2: Goed.", "Respondent 2", None, None),
        ("Fatima El Amrani: Goed.", "Fatima El Amrani", None, None),
    ],
)
def test_label_forms(line: str, speaker: str, timestamp: str | None, seconds: float | None) -> None:
    [turn] = parse_turns(line)
    assert (turn.speaker, turn.timestamp, turn.seconds) == (speaker, timestamp, seconds)
    assert (turn.start, turn.end) == (0, len(line))


def test_several_turns_in_order() -> None:
    text = "Interviewer: Hoe gaat het?\nR: Goed.\nI: Fijn.\n[00:01:02] Fatima: Ja."
    assert spans(text) == [("Interviewer", "Interviewer: Hoe gaat het?"), ("R", "R: Goed."), ("I", "I: Fijn."),
                           ("Fatima", "[00:01:02] Fatima: Ja.")]


def test_label_end_is_where_speech_begins() -> None:
    text = "Interviewer: Hoe?\n(00:01:02) Jan de Vries:   Zo."
    first, second = parse_turns(text)
    assert text[first.start:label_end(text, first)] == "Interviewer: "
    assert text[second.start:label_end(text, second)] == "(00:01:02) Jan de Vries:   "


def test_continuation_lines_and_blank_lines_stay_in_turn() -> None:
    text = "Interviewer: Vertel.\nR: Eerst dit.\nEn dan dat.\n\nNa een witregel nog meer.\n\n\nI: Dank u."
    assert spans(text) == [
        ("Interviewer", "Interviewer: Vertel."),
        ("R", "R: Eerst dit.\nEn dan dat.\n\nNa een witregel nog meer."),
        ("I", "I: Dank u."),
    ]


@pytest.mark.parametrize(
    "speech",
    ["Dus ik zei: nee", "en toen: niks meer", "Toen zei de buurman: kom maar.", "Hij zei het zo.: nee",
     "Om 10:30 gingen we weg", "Dat was het, zeg maar: klaar", "Mijn moeder en mijn vader zeiden: nee"],
)
def test_speech_with_a_colon_starts_no_turn(speech: str) -> None:
    text = f"R: Ik weet het nog.\n{speech}\nInterviewer: Echt?"
    assert spans(text) == [("R", f"R: Ik weet het nog.\n{speech}"), ("Interviewer", "Interviewer: Echt?")]


def test_label_only_at_line_start() -> None:
    text = "R: Zij zei Interviewer: nee.\nI: Oké."
    assert [speaker for speaker, _ in spans(text)] == ["R", "I"]


def test_title_block_yields_no_turns_and_gives_header_fields() -> None:
    text = ("Interview met Ria\nDatum: 17 maart 2026\nInterviewer: Marloes\nPlaats: Geuzenveld\n\n"
            "Interviewer: Zo, hij loopt.\nRia: Nou.")
    end = header_end(text)
    assert text[:end] == "Interview met Ria\nDatum: 17 maart 2026\nInterviewer: Marloes\nPlaats: Geuzenveld"
    assert header_fields(text) == {"Datum": "17 maart 2026", "Interviewer": "Marloes", "Plaats": "Geuzenveld"}
    turns = parse_turns(text)
    assert all(turn.start > end for turn in turns)
    assert spans(text) == [("Interviewer", "Interviewer: Zo, hij loopt."), ("Ria", "Ria: Nou.")]


def test_transcript_starting_with_label_has_no_header() -> None:
    text = "Interviewer: Zo.\nDatum: morgen\n\nRia: Nou."
    assert header_end(text) == 0
    assert header_fields(text) == {}
    assert [speaker for speaker, _ in spans(text)] == ["Interviewer", "Datum", "Ria"]


def test_leading_blank_lines_before_first_label_are_no_header() -> None:
    text = "\n  \nInterviewer: Zo.\n\nRia: Nou."
    assert header_end(text) == 0
    assert spans(text) == [("Interviewer", "Interviewer: Zo."), ("Ria", "Ria: Nou.")]


def test_prose_without_labels_has_no_turns() -> None:
    text = "Een inleiding zonder sprekers.\n\nNog een alinea."
    assert parse_turns(text) == []
    assert header_fields(text) == {}


def test_text_before_first_label_without_blank_line_belongs_to_no_turn() -> None:
    text = "Opname begint\nInterviewer: Zo.\nR: Ja."
    assert header_end(text) == 0
    assert spans(text) == [("Interviewer", "Interviewer: Zo."), ("R", "R: Ja.")]


def test_turn_end_excludes_trailing_whitespace() -> None:
    text = "Interviewer: Vraag?   \t\n\n  \nR: Antwoord. \n\n\t "
    turns = parse_turns(text)
    assert [text[t.start:t.end] for t in turns] == ["Interviewer: Vraag?", "R: Antwoord."]
    assert turns[-1].end == text.index("Antwoord.") + len("Antwoord.")


def test_indented_label_starts_at_label() -> None:
    text = "  \tR: Ja.\n   [00:00:05] I: Oké."
    assert spans(text) == [("R", "R: Ja."), ("I", "[00:00:05] I: Oké.")]


def test_label_with_empty_speech() -> None:
    text = "Interviewer:\nR: Ja."
    assert spans(text) == [("Interviewer", "Interviewer:"), ("R", "R: Ja.")]


@pytest.mark.parametrize(
    ("stamp", "seconds"),
    [("00:01:02", 62.0), ("01:02:03", 3723.0), ("1:02:03.5", 3723.5), ("02:03", 123.0), ("00:00:01,250", 1.25),
     (None, None), ("", None)],
)
def test_timestamp_seconds(stamp: str | None, seconds: float | None) -> None:
    assert timestamp_seconds(stamp) == seconds


def test_timestamps_on_turns_become_seconds() -> None:
    text = "[00:00:05] I: Begin.\n00:10:00 R: Later.\n(1:00:00,5) I: Veel later."
    assert [(t.timestamp, t.seconds) for t in parse_turns(text)] == [
        ("00:00:05", 5.0), ("00:10:00", 600.0), ("1:00:00,5", 3600.5)]


# ----------------------------------------------------------------------------------------------- property
SPEAKERS = ["Interviewer", "I", "R", "Fatima", "Jan de Vries", "Respondent 2", "Zoë van der Berg"]
STAMPS = ["", "[00:01:02] ", "00:01:02 ", "(00:01:02) ", "[12:34] ", "(1:02:03.5) "]

free_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=40)
label_line = st.builds(
    lambda indent, stamp, speaker, gap, speech: (f"{indent}{stamp}{speaker}{gap}:", f" {speech}" if speech else "",
                                                 speaker),
    st.sampled_from(["", " ", "\t"]), st.sampled_from(STAMPS), st.sampled_from(SPEAKERS),
    st.sampled_from(["", " "]), free_text,
)
line = st.one_of(label_line, free_text.map(lambda t: (t, "", None)))


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(line, max_size=25), st.sampled_from(["", "\n", "\n\n", "  \n"]))
def test_turns_property(lines: list[tuple[str, str, str | None]], trailer: str) -> None:
    text = "\n".join(head + tail for head, tail, _ in lines) + trailer
    turns = parse_turns(text)

    previous_end = 0
    for turn in turns:
        assert 0 <= previous_end <= turn.start < turn.end <= len(text)  # sorted, disjoint, in bounds
        previous_end = turn.end
        assert not text[turn.end - 1].isspace()
        segment = text[turn.start:turn.end]
        if turn.timestamp:
            assert segment.lstrip("[(").startswith(turn.timestamp)
            segment = segment.lstrip("[(")[len(turn.timestamp):].lstrip("])").lstrip(" \t")
        assert segment.startswith(turn.speaker), (turn, text[turn.start:turn.end])
        assert segment[len(turn.speaker):].lstrip(" \t").startswith(":")
        assert turn.start >= header_end(text)
        assert label_end(text, turn) <= turn.end

    # When the text opens with a label line there is no header, and every generated label line starts a turn.
    if lines and lines[0][2] is not None:
        assert header_end(text) == 0
        expected, position = [], 0
        for head, tail, speaker in lines:
            if speaker is not None:
                expected.append((position + len(head) - len(head.lstrip(" \t")), speaker))
            position += len(head) + len(tail) + 1
        found = {(turn.start, turn.speaker) for turn in turns}
        assert set(expected) <= found
