"""Speaker turns in transcripts.

A line starts a turn when it begins with a speaker label and a colon: ``Interviewer: …``, ``I: …``, ``R: …``,
optionally after a timestamp, ``[00:01:02] Fatima: …`` or ``00:01:02 Fatima: …``. Lines without a label continue
the turn above them. A label is short (at most four words) and reads like a name: every word starts with a capital
or a digit, except name particles (``van``, ``de``, ``el`` …), so ``Dus ik zei: …`` inside speech does not start a
turn. Text before the first label belongs to no turn.

A title block is not part of the interview: when the first line of a transcript is not a speaker line, the lines
up to the first blank line are its header (``Datum: …``, ``Interviewer: Marloes``), and labels there start no
turn. Its ``Key: value`` lines become the document's metadata.
"""

from __future__ import annotations

import re

from .models import Turn

_TIMESTAMP = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_LABEL_LINE = re.compile(
    rf"^[ \t]*(?:[\[(](?P<ts1>{_TIMESTAMP})[\])][ \t]*|(?P<ts2>\d{{1,2}}:\d{{2}}:\d{{2}}(?:[.,]\d{{1,3}})?)[ \t]+)?"
    r"(?P<label>[^\W\d_][^:\n]{0,39}?|\d{1,2})[ \t]*:(?=[ \t]|$)",
    re.MULTILINE,
)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_PARTICLES = frozenset(
    "van de der den het ten ter te op in 't el al bin ben da di du la le von zu y dos das del".split()
)


def looks_like_label(label: str) -> bool:
    """Whether the text before a colon reads like a speaker label (see the module docstring)."""
    words = label.split()
    if not words or len(words) > 4:
        return False
    if not (words[0][0].isupper() or words[0][0].isdigit()):
        return False
    for word in words[1:]:
        head = word[0]
        if not (head.isupper() or head.isdigit() or head in "(" or word.lower() in _PARTICLES):
            return False
    return not label.endswith((".", ","))


def timestamp_seconds(stamp: str | None) -> float | None:
    """``01:02:03.5`` → 3723.5; ``02:03`` → 123.0; None stays None."""
    if not stamp:
        return None
    parts = stamp.replace(",", ".").split(":")
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + float(part)
    return seconds


def _label_at(text: str, position: int) -> bool:
    match = _LABEL_LINE.match(text, position)
    return bool(match and looks_like_label(match.group("label").strip()))


def header_end(text: str) -> int:
    """Where the title block ends (0 when the transcript has none); see the module docstring."""
    lead = len(text) - len(text.lstrip())
    if lead == len(text) or _label_at(text, text.rfind("\n", 0, lead) + 1):
        return 0
    blank = _BLANK_LINE.search(text, lead)
    if not blank or not text[blank.end():].strip():
        return 0
    return blank.start()


def header_fields(text: str) -> dict[str, str]:
    """The ``Key: value`` lines of the title block."""
    fields: dict[str, str] = {}
    for line in text[:header_end(text)].split("\n"):
        key, colon, value = line.partition(":")
        if colon and key.strip() and len(key.split()) <= 4 and value.strip():
            fields[key.strip()] = value.strip()
    return fields


def parse_turns(text: str) -> list[Turn]:
    """Find the speaker turns of a transcript text (already normalised to ``\\n`` line ends)."""
    starts: list[tuple[int, str, str | None]] = []
    for match in _LABEL_LINE.finditer(text, header_end(text)):
        label = match.group("label").strip()
        stamped = match.group("ts1") or match.group("ts2")
        if not looks_like_label(label):
            continue
        starts.append((match.start() + (len(match.group(0)) - len(match.group(0).lstrip(" \t"))), label, stamped))
    turns: list[Turn] = []
    for index, (start, speaker, stamp) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(text)
        while end > start and text[end - 1].isspace():
            end -= 1
        turns.append(Turn(start, end, speaker, stamp, timestamp_seconds(stamp)))
    return turns


def label_end(text: str, turn: Turn) -> int:
    """The offset just after a turn's label (and the space after it): where the speech itself begins. A turn
    without a speaker has no label, whatever its first words look like."""
    if not turn.speaker:
        return turn.start
    match = _LABEL_LINE.match(text, text.rfind("\n", 0, turn.start) + 1)
    if not match:
        return turn.start
    end = match.end()
    while end < turn.end and text[end] in " \t":
        end += 1
    return end
