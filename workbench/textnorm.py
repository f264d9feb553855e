"""Text normalisation: every stored text is NFC with ``\\n`` line ends, so offsets mean one thing."""

from __future__ import annotations

import unicodedata


def normalise_text(text: str) -> str:
    """Return ``text`` NFC-normalised, without a leading BOM, with ``\\r\\n`` and ``\\r`` turned into ``\\n``."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def count_words(text: str) -> int:
    """Words as a reader counts them: runs of non-space characters."""
    return len(text.split())
