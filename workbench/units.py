"""Units of analysis from spaCy: sentences (and paragraphs), plus a light language guess.

Everything works with ``spacy.blank(lang)`` and the rule-based sentencizer; when a trained pipeline for the
language is installed (``nl_core_news_sm``, ``en_core_web_sm``) and ``WORKBENCH_SPACY_MODEL`` names it, its
parser gives the sentence boundaries instead. Sentences never cross a speaker label or a blank line: each block of
speech is segmented on its own, without the label.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from .models import Span, Turn
from .turns import label_end

if TYPE_CHECKING:
    from spacy.language import Language

SUPPORTED_LANGUAGES = ("nl", "en")
_DUTCH = frozenset("de het een en van ik je dat is niet wat er maar die ook nog wel dan zijn was met voor op naar "
                   "hij zij we wij ze heb hebben kan kun moet nou ja eh bij uit om als".split())
_ENGLISH = frozenset("the a an and of i you that is not what there but they also still then are was with for on to "
                     "he she we have has can must yes at out as it this".split())
_BLOCK_BREAK = re.compile(r"\n[ \t]*\n")
# spaCy's tokenizer takes quadratic time on one long token of punctuation (20,000 "=" took minutes), and refuses
# texts over its ``max_length`` (E088). So each block is cut into pieces of at most MAX_PIECE characters (at a line
# end, a sentence end or a space where possible), and the text given to spaCy has a space in every run of more than
# LONG_RUN characters without one. Both keep every offset: spans refer to the stored text, never to spaCy's copy.
MAX_PIECE = 100_000
LONG_RUN = 64
_LONG_RUN = re.compile(r"\S{%d,}" % (LONG_RUN + 1))
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s")
_LINE_BREAK = re.compile(r"\n")


def detect_language(text: str) -> str:
    """Guess ``nl`` or ``en`` from function words in the first 20,000 characters (``nl`` when unsure)."""
    words = Counter(w.lower() for w in re.findall(r"[^\W\d_]+", text[:20000]))
    dutch = sum(n for w, n in words.items() if w in _DUTCH)
    english = sum(n for w, n in words.items() if w in _ENGLISH)
    return "en" if english > dutch else "nl"


@lru_cache(maxsize=4)
def pipeline(language: str) -> Language:
    """The spaCy pipeline for a language: a trained one if configured and installed, else blank + sentencizer."""
    import spacy  # imported on first use: the command line starts faster without it

    if language not in SUPPORTED_LANGUAGES:
        language = "nl"
    model = os.environ.get("WORKBENCH_SPACY_MODEL", "")
    if model and model.split("_", 1)[0] == language:
        try:
            return spacy.load(model, exclude=["ner"])
        except OSError:
            pass
    nlp = spacy.blank(language)
    nlp.add_pipe("sentencizer")
    return nlp


def speech_blocks(text: str, turns: list[Turn], start: int = 0) -> Iterator[Span]:
    """Blocks of running text from ``start`` on: split at turn starts and blank lines, with speaker labels left
    out."""
    cuts = sorted({start, len(text), *(t.start for t in turns if t.start >= start)})
    label_ends = {t.start: label_end(text, t) for t in turns}
    for begin, finish in zip(cuts, cuts[1:]):
        begin = label_ends.get(begin, begin)
        position = begin
        for match in _BLOCK_BREAK.finditer(text, begin, finish):
            yield from _trimmed(text, position, match.start())
            position = match.end()
        yield from _trimmed(text, position, finish)


def _trimmed(text: str, start: int, end: int) -> Iterator[Span]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        yield Span(start, end)


def paragraphs(text: str, per_line: bool = False) -> list[Span]:
    """Paragraphs: runs of text between blank lines (a speaker label stays with its paragraph); with
    ``per_line``, every non-empty line (a Word or OpenDocument paragraph is one line of the stored text)."""
    spans: list[Span] = []
    position = 0
    for match in (_LINE_BREAK if per_line else _BLOCK_BREAK).finditer(text):
        spans.extend(_trimmed(text, position, match.start()))
        position = match.end()
    spans.extend(_trimmed(text, position, len(text)))
    return spans


def pieces(text: str, start: int, end: int, size: int = MAX_PIECE) -> Iterator[Span]:
    """``[start, end)`` cut into consecutive pieces of at most ``size`` characters: after the last line end in
    the second half of the window, else after the last sentence end, else after the last space, else hard."""
    while end - start > size:
        low, limit = start + size // 2, start + size
        cut = text.rfind("\n", low, limit) + 1
        if not cut:
            ends = list(_SENTENCE_END.finditer(text, low, limit))
            cut = ends[-1].end() if ends else 0
        if not cut:
            cut = max(text.rfind(" ", low, limit), text.rfind("\t", low, limit)) + 1
        if not cut:
            cut = limit
        yield Span(start, cut)
        start = cut
    if start < end:
        yield Span(start, end)


def breakable(text: str) -> str:
    """``text`` with a space in place of every LONG_RUN-th character of any longer run without whitespace: the
    same length, so offsets into it are offsets into ``text``."""

    def spaced(match: re.Match[str]) -> str:
        run = list(match.group())
        for index in range(LONG_RUN, len(run), LONG_RUN + 1):
            run[index] = " "
        return "".join(run)

    return _LONG_RUN.sub(spaced, text)


def sentences(text: str, turns: list[Turn], language: str, start: int = 0) -> list[Span]:
    """Sentence spans of a document from ``start`` on, from spaCy, inside speech blocks (long blocks in pieces; a
    title block included: every character that a paragraph holds is in a sentence too)."""
    nlp = pipeline(language)
    chunks = [piece for block in speech_blocks(text, turns, start) for piece in pieces(text, block.start, block.end)]
    result: list[Span] = []
    for chunk, doc in zip(chunks, nlp.pipe((breakable(text[c.start:c.end]) for c in chunks), batch_size=256)):
        for sent in doc.sents:
            result.extend(_trimmed(text, chunk.start + sent.start_char, chunk.start + sent.end_char))
    return result
