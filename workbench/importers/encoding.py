"""Decoding plain-text files: UTF-8 (with or without BOM), UTF-16 (BOM, or detected), and legacy cp1252."""

from __future__ import annotations

import codecs

from ..errors import WorkbenchError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    controls = sum(1 for ch in text if (ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0) and ch not in _ALLOWED_CONTROLS)
    return controls / len(text)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM: NUL bytes show in the high half of Latin characters; other scripts decode cleanly in
    one byte order only. Returns the decoding with (almost) no control characters, if any."""
    if len(data) < 4 or len(data) % 2:
        return None
    best: tuple[float, str] | None = None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        share = _control_share(text) + sum(1 for ch in text if 0xD800 <= ord(ch) < 0xE000 or ch == "\x00") / len(text)
        if best is None or share < best[0]:
            best = (share, text)
    return best[1] if best and best[0] < 0.01 else None


def _stray_nuls(data: bytes) -> bool:
    """NUL bytes in what is otherwise UTF-8 text: fewer than a fifth of the bytes (UTF-16 of Latin script has
    nearly half), and the rest decodes as UTF-8 (UTF-16 of other scripts almost never does)."""
    nuls = data.count(b"\x00")
    if nuls * 5 >= len(data):
        return False
    try:
        data.replace(b"\x00", b"").decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode_text(data: bytes, source: str) -> tuple[str, str]:
    """Decode the bytes of a text file; returns ``(text, encoding)``. Refuses binary data with a clear message."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(encoding)
            except UnicodeDecodeError as exc:
                raise WorkbenchError(f"{source} starts with a {encoding} byte-order mark but is not valid "
                                     f"{encoding} (byte {exc.start}); save it again as UTF-8") from None
            return _refuse_binary(text, source), encoding
    if b"\x00" in data:
        if _stray_nuls(data):
            raise WorkbenchError(f"{source} contains NUL bytes in its text (a damaged file?); nothing was imported")
        text = _utf16_without_bom(data)
        if text is not None:
            return _refuse_binary(text, source), "utf-16"
        raise WorkbenchError(f"{source} looks like a binary file, not text")
    try:
        return _refuse_binary(data.decode("utf-8"), source), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise WorkbenchError(f"{source} is neither UTF-8 nor Windows-1252 text; save it again as UTF-8") from None
    return _refuse_binary(text, source), "cp1252"


def _refuse_binary(text: str, source: str) -> str:
    if _control_share(text[:100_000]) > 0.01:
        raise WorkbenchError(f"{source} looks like a binary file, not text")
    return text


def decode_csv(data: bytes, source: str) -> str:
    """The text of a CSV file, decoded as above, with ``\\r\\n`` and lone ``\\r`` line ends (old Excel for Mac)
    turned into ``\\n`` so that the csv module reads every kind; NUL characters are refused."""
    text, _ = decode_text(data, source)
    if "\x00" in text:
        raise WorkbenchError(f"{source} contains NUL characters; it is not a CSV text file")
    return text.replace("\r\n", "\n").replace("\r", "\n")
