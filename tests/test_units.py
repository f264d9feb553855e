"""Units of analysis are right for every format: sentences, turns and paragraphs derived independently from the
raw text (built piece by piece here) and compared with what the importers store."""

from __future__ import annotations

import io

import docx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.analysis.cooccurrence import cooccurrence
from workbench.importers import parse_bytes
from workbench.ingest import import_sources
from workbench.models import NewSegment
from workbench.store import create_project

WORDS = ["buurt", "gemeente", "wijkteam", "vertrouwen", "bewoners", "koffie", "Sanne", "formulier", "elke", "week"]
SPEAKERS = ["Interviewer", "Ria", "Jan de Vries", "R"]


def _spans(units) -> list[tuple[int, int]]:
    return [(u.start, u.end) for u in units]


def _sentence(words: list[str], stop: str) -> str:
    return " ".join(words).capitalize() + stop


sentence = st.builds(_sentence, st.lists(st.sampled_from(WORDS), min_size=2, max_size=6), st.sampled_from(".?!"))
turn = st.tuples(st.sampled_from(SPEAKERS), st.lists(sentence, min_size=1, max_size=4))


def build(turns: list[tuple[str, list[str]]], title: list[str], separator: str):
    """The text and its expected units: sentences, turns (start, speaker) and paragraphs, by construction."""
    expected: dict[str, list] = {"sentence": [], "turn": [], "paragraph": []}
    text = ""

    def paragraph(pieces: list[str], label: str | None) -> None:
        nonlocal text
        if text:
            text += separator
        start = len(text)
        if label:
            text += f"{label}: "
            expected["turn"].append((start, label))
        for index, piece in enumerate(pieces):
            if index:
                text += " "
            expected["sentence"].append((len(text), len(text) + len(piece)))
            text += piece
        expected["paragraph"].append((start, len(text)))

    for line in title:
        paragraph([line], None)
    for speaker, sentences in turns:
        paragraph(sentences, speaker)
    return text, expected


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(turn, min_size=1, max_size=6), st.lists(sentence, max_size=2))
def test_text_transcript_units_match_construction(turns, title) -> None:
    text, expected = build(turns, title, "\n\n")
    parsed = parse_bytes(text.encode("utf-8"), "t.txt", language="nl")
    assert parsed.text == text
    assert _spans(parsed.sentences) == expected["sentence"]
    assert _spans(parsed.paragraphs) == expected["paragraph"]
    assert [(t.start, t.speaker) for t in parsed.turns] == expected["turn"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(turn, min_size=1, max_size=5))
def test_word_transcript_units_match_construction(turns) -> None:
    text, expected = build(turns, [], "\n")
    document = docx.Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    parsed = parse_bytes(buffer.getvalue(), "t.docx", language="nl")
    assert parsed.text == text
    assert _spans(parsed.paragraphs) == expected["paragraph"]
    assert _spans(parsed.sentences) == expected["sentence"]
    assert [(t.start, t.speaker) for t in parsed.turns] == expected["turn"]


def test_a_title_paragraph_has_sentences_and_counts_at_the_sentence_unit(tmp_path) -> None:
    text = "Gesprek over de buurt. Het is een fictief gesprek.\n\nRia: Ik woon hier al lang."
    with create_project(tmp_path / "p.wbproj") as project:
        import_sources(project, [("t.txt", text.encode())], language="nl")
        doc = project.documents()[0].id
        assert _spans(project.units("sentence", doc)[doc])[:2] == [(0, 22), (23, 50)]
        a, b = project.add_code("a"), project.add_code("b")
        project.add_segments([NewSegment(doc, 0, 5, a, "m"), NewSegment(doc, 10, 15, b, "m")])
        assert cooccurrence(project, "sentence").counts == {(a, b): 1}
        assert cooccurrence(project, "paragraph").counts == {(a, b): 1}


def test_caption_cue_without_label_keeps_its_leading_words() -> None:
    vtt = ("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nWell so I said: that was it.\n\n"
           "00:00:04.000 --> 00:00:06.000\n<v Ria>Dat klopt.\n").encode()
    parsed = parse_bytes(vtt, "t.vtt", language="en")
    first = parsed.sentences[0]
    assert parsed.text[first.start:first.end] == "Well so I said: that was it."
    assert parsed.turns[0].speaker is None


def test_word_paragraphs_are_paragraph_units_not_one_document(tmp_path) -> None:
    document = docx.Document()
    for line in ("Interviewer: Hoe is de buurt?", "Ria: Goed.", "Ria: Maar de gemeente luistert niet."):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    with create_project(tmp_path / "p.wbproj") as project:
        import_sources(project, [("w.docx", buffer.getvalue())], language="nl")
        doc = project.documents()[0].id
        assert len(project.units("paragraph", doc)[doc]) == 3
        a, b = project.add_code("a"), project.add_code("b")
        project.add_segments([NewSegment(doc, 0, 5, a, "m"), NewSegment(doc, 32, 36, b, "m")])
        assert cooccurrence(project, "document").counts == {(a, b): 1}
        assert cooccurrence(project, "paragraph").counts == {}
