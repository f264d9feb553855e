"""Text normalisation: every stored text is NFC with ``\\n`` line ends, so offsets mean one thing."""

from __future__ import annotations

import re
import unicodedata

# Controls that a name never needs: C0 and C1 controls, DEL, and the bidirectional marks and overrides that can
# make a name display as something else. Tabs and line breaks fold into single spaces before these go.
_NAME_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def normalise_text(text: str) -> str:
    """Return ``text`` NFC-normalised, without a leading BOM, with ``\\r\\n`` and ``\\r`` turned into ``\\n``."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def normalise_name(name: str | None) -> str:
    """A name as it is stored and looked up: NFC, white space folded (``" Jan  Smit "`` → ``"Jan Smit"``), so a
    name typed on one machine and one from a macOS file name (NFD) are the same name; control characters and
    bidirectional overrides removed (an ESC sequence or a reordering mark in a name could attack a reader)."""
    folded = " ".join((name or "").split())
    return unicodedata.normalize("NFC", " ".join(_NAME_CONTROLS.sub("", folded).split()))
