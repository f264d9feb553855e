"""The files of a REFI-QDA exchange: the zip container, its members, the XML (parsed safely, namespaces
dropped) and the plain-text sources (their BOM kept, since positions may count it)."""

from __future__ import annotations

import codecs
import io
import queue
import re
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import PurePosixPath
from typing import Any, BinaryIO

from ..errors import WorkbenchError

_DEFAULT_NS = re.compile(rb"""\sxmlns\s*=\s*["']urn:QDA-XML:[^"']*["']""")
MAX_MEMBER = 512 * 1024 * 1024  # refuse zip members that unpack to more than this
_HEAD, _CHUNK = 1 << 16, 1 << 20  # fed to the XML parser: a first piece (its namespace dropped), then 1 MB at a time
_AHEAD = 4  # chunks unpacked ahead of the parser
TEXTS_AHEAD = 64 * 1024 * 1024  # plain texts read before the project file, in bytes unpacked
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)  # a member unreadable


SourceHandler = Callable[[Any, Any], None]  # (the project root, one child of its <Sources>)
_SOURCE_TAGS = ("TextSource", "PictureSource", "PDFSource", "AudioSource", "VideoSource")


def parse_xml(data: bytes | BinaryIO, source: str, on_source: SourceHandler | None = None) -> Any:
    """Parse XML safely (no DTDs, no entities, no network) and drop namespaces: tags become local names. ``data``
    is the bytes or a stream of them (a zip member is parsed as it is unpacked, in another thread while the
    parser works: it is never held whole). With ``on_source``, each source of a ``Project`` (a child of its
    first ``<Sources>``) is handed to it as soon as it is parsed, and then dropped from the tree: a large project
    is never held whole (its tree is five times its text), and each source is read while it is fresh in the
    processor's caches. Sources are handed over only when the tags need no renaming (no prefixed namespace)."""
    from lxml import etree

    options = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True, remove_comments=True,
                   remove_pis=True)
    parser = etree.XMLPullParser(events=("end",), tag=_SOURCE_TAGS, **options) if on_source \
        else etree.XMLParser(**options)
    hand_over = _SourceHandOver(on_source) if on_source else None
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    with _parse_errors(source):
        head = stream.read(_HEAD)
        found = _DEFAULT_NS.search(head, 0, 4096)  # the common case: drop the default namespace before parsing
        if found:
            head = head[:found.start()] + head[found.end():]
        if head:
            parser.feed(head)
    chunks = _chunks(stream, isinstance(data, bytes))
    try:
        while True:
            if hand_over:  # what the last piece completed; the handler's own errors are not the file's
                hand_over(parser.read_events())
            with _parse_errors(source):
                chunk = next(chunks, None)
                if chunk is None:
                    root = parser.close()
                    break
                parser.feed(chunk)
    finally:
        chunks.close()  # on any error too: the unpacking thread stops before the member is closed
    if hand_over:
        hand_over(parser.read_events())
        hand_over.finish()
    if root.tag.startswith("{"):  # a prefixed namespace (or an unusual declaration): local names throughout
        for element in root.iter():
            if isinstance(element.tag, str) and element.tag[0] == "{":
                element.tag = element.tag.rsplit("}", 1)[1]
    return root


@contextmanager
def _parse_errors(source: str) -> Iterator[None]:
    """The parser's and the archive's errors as one line about ``source``."""
    from lxml import etree

    try:
        yield
    except etree.XMLSyntaxError as exc:
        raise WorkbenchError(f"{source} is not valid XML ({exc})") from None
    except _DAMAGED as exc:
        raise WorkbenchError(f"{source} is damaged in the archive ({exc})") from None


class _SourceHandOver:
    """Hands each parsed source of ``/Project/Sources`` to a handler, then takes it out of the tree (the one
    before it, that is: the parser may still be adding white space after the element it has just closed)."""

    def __init__(self, handler: SourceHandler) -> None:
        self.handler = handler
        self.root: Any = None
        self.sources: Any = None  # the project's first <Sources>, held so that it stays the same object
        self.previous: Any = None

    def __call__(self, events: Iterator[tuple[str, Any]]) -> None:
        for _, element in events:
            parent = element.getparent()
            if self.sources is None:
                root = parent.getparent() if parent is not None else None
                if root is None or root.tag != "Project" or root.getparent() is not None \
                        or parent.tag != "Sources" or root.find("Sources") is not parent:
                    continue
                self.root, self.sources = root, parent
            elif parent is not self.sources:
                continue
            self.handler(self.root, element)
            self.drop_previous()
            self.previous = element

    def drop_previous(self) -> None:
        if self.previous is not None:
            self.sources.remove(self.previous)
            self.previous = None

    def finish(self) -> None:
        self.drop_previous()


def _chunks(stream: BinaryIO, in_memory: bool) -> Iterator[bytes]:
    """The rest of ``stream``, :data:`_CHUNK` bytes at a time. A stream that unpacks (a zip member) is read in
    another thread a few chunks ahead: zlib lets go of Python's lock while it inflates, so unpacking and parsing
    overlap. A reading error comes out here, where the chunk it spoiled would have."""
    if in_memory:
        yield from iter(lambda: stream.read(_CHUNK), b"")
        return
    ahead: queue.Queue[bytes | BaseException] = queue.Queue(maxsize=_AHEAD)
    stop = threading.Event()

    def unpack() -> None:
        try:
            while not stop.is_set():
                chunk = stream.read(_CHUNK)
                ahead.put(chunk)
                if not chunk:
                    return
        except BaseException as exc:  # handed over to the parsing thread, which raises it
            ahead.put(exc)

    reader = threading.Thread(target=unpack, name="unpack", daemon=True)
    reader.start()
    try:
        while True:
            chunk = ahead.get()
            if isinstance(chunk, BaseException):
                raise chunk
            if not chunk:
                return
            yield chunk
    finally:
        stop.set()
        while reader.is_alive():  # let a reader blocked on a full queue finish before the stream is closed
            try:
                ahead.get_nowait()
            except queue.Empty:
                reader.join(0.01)


def zip_members(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    return {info.filename.lower(): info for info in archive.infolist() if not info.is_dir()}


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    check_member(info)
    try:
        return archive.read(info)
    except _DAMAGED as exc:
        raise WorkbenchError(f"{info.filename} is damaged in the archive ({exc})") from None


def read_texts_ahead(archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo]) -> dict[str, bytes]:
    """``.txt`` members' bytes by file name (plain texts of sources and notes), read before the project file so
    that they are not read while it unpacks in another thread (each read then waits for that thread's turn:
    0.3 s more for 1,000 sources and 4,000 notes, measured). At most :data:`TEXTS_AHEAD` bytes unpacked in all
    (the rest, and members that cannot be read, are read when a source needs them, which says what is wrong)."""
    texts: dict[str, bytes] = {}
    budget = TEXTS_AHEAD
    for name, info in members.items():
        if name.endswith(".txt") and info.file_size <= budget:
            try:
                texts[info.filename] = read_member(archive, info)
            except WorkbenchError:
                continue
            budget -= info.file_size
    return texts


def check_member(info: zipfile.ZipInfo) -> None:
    """Refuse a member that unpacks to more than :data:`MAX_MEMBER` (a zip bomb or a mistaken file)."""
    if info.file_size > MAX_MEMBER:
        raise WorkbenchError(f"{info.filename} in the archive is too large ({info.file_size:,} bytes)")


def decode_source(data: bytes) -> str:
    """A source's plain text with its BOM kept as U+FEFF (positions may count it)."""
    from ..importers.encoding import decode_text

    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return "\ufeff" + data[len(bom):].decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return decode_text(data, "source")[0]


def open_qdpx(data: bytes, source: str) -> tuple[zipfile.ZipFile, zipfile.ZipInfo]:
    """The archive and its project file (``project.qde``, or ATLAS.ti's ``<name>.qde``)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise WorkbenchError(f"{source} is not a QDPX file (not a zip archive)") from None
    members = zip_members(archive)
    qde = members.get("project.qde") or next(
        (info for name, info in sorted(members.items()) if name.endswith(".qde") and "/" not in name), None)
    if qde is None:
        raise WorkbenchError(f"{source} holds no project.qde (nor any other .qde file)")
    check_member(qde)
    return archive, qde


def parse_project(archive: zipfile.ZipFile, qde: zipfile.ZipInfo, source: str,
                  on_source: SourceHandler | None = None) -> Any:
    """The project file's root (see :func:`parse_xml` for ``on_source``); refused unless it is a ``Project``."""
    try:
        member = archive.open(qde)
    except _DAMAGED as exc:
        raise WorkbenchError(f"{source}: {qde.filename} is damaged in the archive ({exc})") from None
    with member:
        root = parse_xml(member, f"{source}: {qde.filename}", on_source)
    if root.tag != "Project":
        raise WorkbenchError(f"{source}: {qde.filename} is not a REFI-QDA project (root element {root.tag!r})")
    return root


def internal_member(path: str, members: dict[str, zipfile.ZipInfo]) -> zipfile.ZipInfo | None:
    if "://" in path:
        scheme, rest = path.split("://", 1)
        if scheme.lower() != "internal":
            return None
    else:
        rest = path
    rest = rest.replace("\\", "/").lstrip("/").lower()
    base = PurePosixPath(rest).name
    for candidate in (rest, f"sources/{rest}", f"sources/{base}"):
        if candidate in members:
            return members[candidate]
    return None
