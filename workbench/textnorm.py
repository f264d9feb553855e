"""Text normalisation: every stored text is NFC with ``\\n`` line ends, so offsets mean one thing."""

from __future__ import annotations

import unicodedata


def normalise_text(text: str) -> str:
    """Return ``text`` NFC-normalised, without a leading BOM, with ``\\r\\n`` and ``\\r`` turned into ``\\n``."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def normalise_name(name: str | None) -> str:
    """A name as it is stored and looked up: NFC, white space folded (``" Jan  Smit "`` → ``"Jan Smit"``), so a
    name typed on one machine and one from a macOS file name (NFD) are the same name."""
    return unicodedata.normalize("NFC", " ".join((name or "").split()))
