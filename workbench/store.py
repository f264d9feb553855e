"""The project store: one SQLite file per project. The only module that knows the schema or writes SQL.

Conventions: text is stored once per document, NFC-normalised with ``\\n`` line ends; every offset is a Python
``str`` index (code point), half-open ``[start, end)``. Every multi-row change runs in one transaction, and every
change to codes and segments is written to the audit log in that same transaction, so a refused or failed change
leaves the file exactly as it was.
"""

from __future__ import annotations

import difflib
import json
import re
import sqlite3
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import WorkbenchError
from .models import AuditEntry, Code, DocumentInfo, NewSegment, ParsedDocument, Segment, Span, Turn

SCHEMA_VERSION = 1
APPLICATION_ID = 0x5742_4E43  # "WBNC": marks a file as a workbench project
PALETTE = (
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
    "#bcbd22", "#7f7f7f", "#393b79", "#ad494a", "#637939", "#8c6d31", "#7b4173", "#3182bd",
)
COLOUR_PATTERN = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
CODE_FIELDS = ("definition", "when_to_use", "when_not_to_use", "example")

if TYPE_CHECKING:
    import sqlite_utils


def now() -> str:
    """The current UTC time as ISO 8601 with milliseconds."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def new_guid() -> str:
    """A fresh GUID in the upper-case form REFI-QDA uses."""
    return str(uuid.uuid4()).upper()


def normalise_colour(colour: str) -> str:
    """``#abc`` or ``#AABBCC`` → ``#aabbcc``; anything else is refused."""
    colour = (colour or "").strip()
    if not COLOUR_PATTERN.match(colour):
        raise WorkbenchError(f"colour {colour!r} is not a hex colour like #1f77b4")
    if len(colour) == 4:
        colour = "#" + "".join(ch * 2 for ch in colour[1:])
    return colour.lower()


def normalise_name(name: str | None) -> str:
    """A person's or document's name with its white space folded: ``" Jan  Smit "`` → ``"Jan Smit"``."""
    return " ".join((name or "").split())


def _check_code_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise WorkbenchError("a code needs a name")
    if "/" in name:
        raise WorkbenchError(f"code name {name!r} may not contain '/' (it separates parent and child in paths)")
    if len(name) > 200:
        raise WorkbenchError("a code name may be at most 200 characters")
    return name


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=3, cutoff=0.6)
    return f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""


# --------------------------------------------------------------------------------------------------- schema
def _migration_1(db: sqlite_utils.Database) -> None:
    db["documents"].create(
        {
            "id": int, "guid": str, "name": str, "text": str, "source_name": str, "sha256": str,
            "imported_at": str, "language": str, "characters": int, "words": int, "metadata": str,
            "position": int,
        },
        pk="id", not_null={"guid", "name", "text", "sha256"},
    )
    db["documents"].create_index(["guid"], unique=True)
    db["documents"].create_index(["name"], unique=True)
    db["documents"].create_index(["sha256"], unique=True)
    db["turns"].create(
        {"id": int, "document_id": int, "start": int, "end": int, "speaker": str, "timestamp": str,
         "seconds": float},
        pk="id", foreign_keys=[("document_id", "documents", "id")], not_null={"document_id", "start", "end"},
    )
    db["turns"].create_index(["document_id", "start"])
    db["units"].create(
        {"id": int, "document_id": int, "kind": str, "start": int, "end": int},
        pk="id", foreign_keys=[("document_id", "documents", "id")], not_null={"document_id", "kind"},
    )
    db["units"].create_index(["document_id", "kind", "start"])
    db["codes"].create(
        {
            "id": int, "guid": str, "name": str, "parent_id": int, "colour": str, "definition": str,
            "when_to_use": str, "when_not_to_use": str, "example": str, "keywords": str, "position": int,
        },
        pk="id", foreign_keys=[("parent_id", "codes", "id")], not_null={"guid", "name", "colour"},
    )
    db["codes"].create_index(["guid"], unique=True)
    db.execute("CREATE UNIQUE INDEX idx_codes_sibling_name ON codes (coalesce(parent_id, 0), name)")
    db["coders"].create({"id": int, "name": str, "role": str}, pk="id", not_null={"name"})
    db["coders"].create_index(["name"], unique=True)
    db["segments"].create(
        {
            "id": int, "guid": str, "document_id": int, "start": int, "end": int, "code_id": int,
            "coder_id": int, "memo": str, "created": str, "updated": str,
        },
        pk="id",
        foreign_keys=[("document_id", "documents", "id"), ("code_id", "codes", "id"), ("coder_id", "coders", "id")],
        not_null={"guid", "document_id", "start", "end", "code_id", "coder_id"},
    )
    db["segments"].create_index(["guid"], unique=True)
    db["segments"].create_index(["document_id", "start"])
    db["segments"].create_index(["code_id"])
    db["segments"].create_index(["document_id", "code_id", "coder_id", "start"])
    db["cases"].create({"id": int, "guid": str, "name": str}, pk="id", not_null={"guid", "name"})
    db["cases"].create_index(["name"], unique=True)
    db["attributes"].create({"id": int, "name": str, "type": str}, pk="id", not_null={"name", "type"})
    db["attributes"].create_index(["name"], unique=True)
    db["case_values"].create(
        {"case_id": int, "attribute_id": int, "value": str},
        pk=("case_id", "attribute_id"),
        foreign_keys=[("case_id", "cases", "id"), ("attribute_id", "attributes", "id")],
    )
    db["document_cases"].create(
        {"document_id": int, "case_id": int},
        pk=("document_id", "case_id"),
        foreign_keys=[("document_id", "documents", "id"), ("case_id", "cases", "id")],
    )
    db["memos"].create(
        {
            "id": int, "guid": str, "kind": str, "document_id": int, "code_id": int, "author": str,
            "title": str, "text": str, "created": str, "updated": str,
        },
        pk="id", foreign_keys=[("document_id", "documents", "id"), ("code_id", "codes", "id")],
        not_null={"guid", "kind"},
    )
    db["audit_log"].create(
        {"id": int, "at": str, "who": str, "action": str, "target": str, "before": str, "after": str},
        pk="id", not_null={"at", "action"},
    )


MIGRATIONS = {1: _migration_1}


# --------------------------------------------------------------------------------------------------- rows
@dataclass(frozen=True)
class CaseRow:
    """One row of a cases CSV: a document belongs to a case, which carries attribute values."""

    document: str
    case: str
    values: dict[str, str]


@dataclass(frozen=True)
class CaseInfo:
    """A case with its documents and typed attribute values."""

    id: int
    guid: str
    name: str
    documents: tuple[str, ...]
    values: dict[str, str]


@dataclass(frozen=True)
class Memo:
    """A memo on the project, a document or a code."""

    id: int
    guid: str
    kind: str
    document: str | None
    code: str | None
    author: str
    title: str
    text: str
    created: str
    updated: str


# --------------------------------------------------------------------------------------------------- project
class Project:
    """An open project file. Use :func:`create_project` / :func:`open_project`; close it (or use ``with``)."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self.conn = connection
        self._db: sqlite_utils.Database | None = None
        self._depth = 0

    @property
    def db(self) -> sqlite_utils.Database:
        """The sqlite-utils view of the connection (imported on first use: it pulls in pandas)."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    # ---- lifecycle
    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the block in one transaction (nested blocks join the outer one); roll back on any error."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
        finally:
            self._depth = 0

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    def _audit(self, who: str, action: str, target: str, before: Any = None, after: Any = None) -> None:
        self.conn.execute(
            "INSERT INTO audit_log (at, who, action, target, before, after) VALUES (?, ?, ?, ?, ?, ?)",
            (now(), who or "", action, target,
             None if before is None else json.dumps(before, ensure_ascii=False, sort_keys=True),
             None if after is None else json.dumps(after, ensure_ascii=False, sort_keys=True)),
        )

    # ================================================================================================ documents
    def add_documents(self, documents: Sequence[ParsedDocument], who: str = "") -> list[int]:
        """Store parsed documents, all or nothing. Refuses duplicate names and duplicate content."""
        names_seen: dict[str, str] = {}
        hashes_seen: dict[str, str] = {}
        for doc in documents:
            if doc.name in names_seen:
                raise WorkbenchError(f"two files would both become document {doc.name!r} ({names_seen[doc.name]}, "
                                     f"{doc.source_name}); import one of them separately with --name")
            names_seen[doc.name] = doc.source_name
            if doc.sha256 in hashes_seen:
                raise WorkbenchError(f"{doc.source_name} has the same content as {hashes_seen[doc.sha256]}")
            hashes_seen[doc.sha256] = doc.source_name
            existing = self._one("SELECT name FROM documents WHERE sha256 = ?", (doc.sha256,))
            if existing is not None:
                raise WorkbenchError(f"{doc.source_name} is already in the project as document {existing!r} "
                                     "(same content)")
            if self._one("SELECT 1 FROM documents WHERE name = ?", (doc.name,)):
                raise WorkbenchError(f"a document named {doc.name!r} already exists; choose another name with --name")
        ids: list[int] = []
        with self.transaction():
            position = self._one("SELECT coalesce(max(position), 0) FROM documents")
            for doc in documents:
                position += 1
                cursor = self.conn.execute(
                    "INSERT INTO documents (guid, name, text, source_name, sha256, imported_at, language,"
                    " characters, words, metadata, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (new_guid(), doc.name, doc.text, doc.source_name, doc.sha256, now(), doc.language,
                     len(doc.text), len(doc.text.split()), json.dumps(doc.metadata, ensure_ascii=False), position),
                )
                doc_id = int(cursor.lastrowid)
                ids.append(doc_id)
                self.conn.executemany(
                    "INSERT INTO turns (document_id, start, end, speaker, timestamp, seconds) VALUES (?,?,?,?,?,?)",
                    [(doc_id, t.start, t.end, t.speaker, t.timestamp, t.seconds) for t in doc.turns],
                )
                self.conn.executemany(
                    "INSERT INTO units (document_id, kind, start, end) VALUES (?, ?, ?, ?)",
                    [(doc_id, "sentence", s.start, s.end) for s in doc.sentences]
                    + [(doc_id, "paragraph", p.start, p.end) for p in doc.paragraphs],
                )
                self._audit(who, "document.import", doc.name, None,
                            {"name": doc.name, "source": doc.source_name, "sha256": doc.sha256,
                             "characters": len(doc.text)})
        return ids

    def documents(self) -> list[DocumentInfo]:
        """All documents in import order, with counts of turns, speakers, cases and segments."""
        speakers: dict[int, list[str]] = defaultdict(list)
        for doc_id, speaker in self.conn.execute(
            "SELECT document_id, speaker FROM turns WHERE speaker IS NOT NULL GROUP BY document_id, speaker "
            "ORDER BY document_id, min(start)"
        ):
            speakers[doc_id].append(speaker)
        turn_counts = dict(self.conn.execute("SELECT document_id, count(*) FROM turns GROUP BY document_id"))
        segment_counts = dict(self.conn.execute("SELECT document_id, count(*) FROM segments GROUP BY document_id"))
        cases: dict[int, list[str]] = defaultdict(list)
        for doc_id, case in self.conn.execute(
            "SELECT dc.document_id, c.name FROM document_cases dc JOIN cases c ON c.id = dc.case_id ORDER BY c.name"
        ):
            cases[doc_id].append(case)
        result = []
        for row in self.conn.execute(
            "SELECT id, guid, name, source_name, sha256, imported_at, language, characters, words, metadata "
            "FROM documents ORDER BY position, id"
        ):
            doc_id = row[0]
            result.append(DocumentInfo(
                id=doc_id, guid=row[1], name=row[2], source_name=row[3] or "", sha256=row[4], imported_at=row[5],
                language=row[6] or "", characters=row[7], words=row[8], turns=turn_counts.get(doc_id, 0),
                speakers=tuple(speakers.get(doc_id, ())), cases=tuple(cases.get(doc_id, ())),
                segments=segment_counts.get(doc_id, 0), metadata=json.loads(row[9] or "{}"),
            ))
        return result

    def document(self, ref: str | int) -> DocumentInfo:
        """One document by id or by name (exact, else case-insensitive when unambiguous)."""
        doc_id = ref if isinstance(ref, int) else self.document_id(ref)
        for info in self.documents():
            if info.id == doc_id:
                return info
        raise WorkbenchError(f"no document with id {doc_id}")

    def document_id(self, name: str) -> int:
        """Resolve a document name to its id, or raise a message that suggests close names."""
        found = self._one("SELECT id FROM documents WHERE name = ?", (name,))
        if found is not None:
            return int(found)
        rows = self.conn.execute("SELECT id FROM documents WHERE lower(name) = lower(?)", (name,)).fetchall()
        if len(rows) == 1:
            return int(rows[0][0])
        names = [r[0] for r in self.conn.execute("SELECT name FROM documents")]
        raise WorkbenchError(f"no document named {name!r}{_suggest(name, names)}")

    def document_text(self, document_id: int) -> str:
        text = self._one("SELECT text FROM documents WHERE id = ?", (document_id,))
        if text is None:
            raise WorkbenchError(f"no document with id {document_id}")
        return text

    def document_texts(self, document_ids: Iterable[int] | None = None) -> dict[int, str]:
        """Texts by document id (all documents when ``document_ids`` is None)."""
        if document_ids is None:
            return dict(self.conn.execute("SELECT id, text FROM documents"))
        ids = sorted(set(document_ids))
        result: dict[int, str] = {}
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            result.update(self.conn.execute(f"SELECT id, text FROM documents WHERE id IN ({marks})", chunk))
        return result

    def document_names(self) -> dict[int, str]:
        return dict(self.conn.execute("SELECT id, name FROM documents ORDER BY position, id"))

    def turns(self, document_id: int | None = None) -> dict[int, list[Turn]]:
        """Speaker turns by document id, in text order."""
        sql = "SELECT document_id, start, end, speaker, timestamp, seconds FROM turns"
        params: tuple[Any, ...] = ()
        if document_id is not None:
            sql += " WHERE document_id = ?"
            params = (document_id,)
        result: dict[int, list[Turn]] = defaultdict(list)
        for doc_id, start, end, speaker, timestamp, seconds in self.conn.execute(sql + " ORDER BY document_id, start",
                                                                               params):
            result[doc_id].append(Turn(start, end, speaker, timestamp, seconds))
        return result

    def units(self, kind: str, document_id: int | None = None) -> dict[int, list[Span]]:
        """Stored units (``sentence`` or ``paragraph``) by document id, in text order."""
        sql = "SELECT document_id, start, end FROM units WHERE kind = ?"
        params: tuple[Any, ...] = (kind,)
        if document_id is not None:
            sql += " AND document_id = ?"
            params += (document_id,)
        result: dict[int, list[Span]] = defaultdict(list)
        for doc_id, start, end in self.conn.execute(sql + " ORDER BY document_id, start", params):
            result[doc_id].append(Span(start, end))
        return result

    def unit_at(self, kind: str, document_id: int, offset: int) -> Span | None:
        """The stored unit (``sentence``, ``paragraph``) containing ``offset``, else the next one if it starts
        within two characters (a click just before a sentence)."""
        row = self.conn.execute(
            "SELECT start, end FROM units WHERE document_id = ? AND kind = ? AND start <= ? "
            "ORDER BY start DESC LIMIT 1", (document_id, kind, offset)).fetchone()
        if row and row[0] <= offset < row[1]:
            return Span(*row)
        row = self.conn.execute(
            "SELECT start, end FROM units WHERE document_id = ? AND kind = ? AND start > ? AND start <= ? "
            "ORDER BY start LIMIT 1", (document_id, kind, offset, offset + 2)).fetchone()
        return Span(*row) if row else None

    def document_lengths(self) -> dict[int, int]:
        return dict(self.conn.execute("SELECT id, characters FROM documents"))

    # ================================================================================================ coders
    def coder_id(self, name: str, create: bool = True) -> int:
        """The id of coder ``name``, created (role ``coder``) if new and ``create`` is set."""
        name = normalise_name(name)
        if not name:
            raise WorkbenchError("a coder needs a name (use --coder NAME)")
        found = self._one("SELECT id FROM coders WHERE name = ?", (name,))
        if found is not None:
            return int(found)
        if not create:
            names = [r[0] for r in self.conn.execute("SELECT name FROM coders")]
            raise WorkbenchError(f"no coder named {name!r}{_suggest(name, names)}")
        with self.transaction():
            return int(self.conn.execute("INSERT INTO coders (name, role) VALUES (?, 'coder')", (name,)).lastrowid)

    def coders(self) -> list[dict[str, Any]]:
        """Coders with their role and number of segments."""
        return [
            {"name": name, "role": role, "segments": count}
            for name, role, count in self.conn.execute(
                "SELECT c.name, c.role, count(s.id) FROM coders c LEFT JOIN segments s ON s.coder_id = c.id "
                "GROUP BY c.id ORDER BY c.name"
            )
        ]

    def set_coder_role(self, name: str, role: str) -> None:
        coder = self.coder_id(name)
        with self.transaction():
            self.conn.execute("UPDATE coders SET role = ? WHERE id = ?", (role, coder))

    # ================================================================================================ codes
    def codes(self) -> list[Code]:
        """All codes, depth first in codebook order, each with its path."""
        rows = self.conn.execute(
            "SELECT id, guid, name, parent_id, colour, definition, when_to_use, when_not_to_use, example, keywords,"
            " position FROM codes ORDER BY position, id"
        ).fetchall()
        children: dict[int | None, list[tuple]] = defaultdict(list)
        for row in rows:
            children[row[3]].append(row)
        result: list[Code] = []

        def walk(parent: int | None, prefix: str) -> None:
            for row in children.get(parent, []):
                path = f"{prefix}/{row[2]}" if prefix else row[2]
                result.append(Code(
                    id=row[0], guid=row[1], name=row[2], parent_id=row[3], colour=row[4], definition=row[5] or "",
                    when_to_use=row[6] or "", when_not_to_use=row[7] or "", example=row[8] or "",
                    keywords=tuple(json.loads(row[9] or "[]")), position=row[10] or 0, path=path,
                ))
                walk(row[0], path)

        walk(None, "")
        return result

    def code(self, code_id: int) -> Code:
        for code in self.codes():
            if code.id == code_id:
                return code
        raise WorkbenchError(f"no code with id {code_id}")

    def resolve_code(self, ref: str) -> Code:
        """Find a code by name, by path (``parent/child``), or case-insensitively when that is unambiguous."""
        ref = " ".join((ref or "").split())
        codes = self.codes()
        for matches in (
            [c for c in codes if c.path == ref],
            [c for c in codes if c.name == ref],
            [c for c in codes if c.path.lower() == ref.lower()],
            [c for c in codes if c.name.lower() == ref.lower()],
        ):
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1:
                paths = ", ".join(repr(c.path) for c in matches)
                raise WorkbenchError(f"code name {ref!r} is ambiguous; use its path: {paths}")
        raise WorkbenchError(f"unknown code {ref!r}{_suggest(ref, [c.name for c in codes])}")

    def segment_counts_by_code(self) -> dict[int, int]:
        return dict(self.conn.execute("SELECT code_id, count(*) FROM segments GROUP BY code_id"))

    def _code_record(self, code_id: int) -> dict[str, Any]:
        code = self.code(code_id)
        record = asdict(code)
        record["keywords"] = list(code.keywords)
        return record

    def _check_sibling_name(self, name: str, parent_id: int | None, exclude: int | None = None) -> None:
        clash = self._one(
            "SELECT id FROM codes WHERE coalesce(parent_id, 0) = ? AND name = ? AND id IS NOT ?",
            (parent_id or 0, name, exclude),
        )
        if clash is not None:
            where = f"under {self.code(parent_id).path!r}" if parent_id else "at the top level"
            raise WorkbenchError(f"a code named {name!r} already exists {where}")

    def add_code(
        self, name: str, parent_id: int | None = None, colour: str | None = None, who: str = "",
        definition: str = "", when_to_use: str = "", when_not_to_use: str = "", example: str = "",
        keywords: Sequence[str] = (), guid: str | None = None,
    ) -> int:
        """Add a code (at the end of its siblings) and audit it; returns its id."""
        name = _check_code_name(name)
        if parent_id is not None and self._one("SELECT 1 FROM codes WHERE id = ?", (parent_id,)) is None:
            raise WorkbenchError(f"no parent code with id {parent_id}")
        self._check_sibling_name(name, parent_id)
        if colour:
            colour = normalise_colour(colour)
        else:
            colour = PALETTE[self._one("SELECT count(*) FROM codes") % len(PALETTE)]
        if guid and self._one("SELECT 1 FROM codes WHERE guid = ?", (guid,)):
            guid = None
        with self.transaction():
            position = self._one("SELECT coalesce(max(position), 0) + 1 FROM codes WHERE coalesce(parent_id, 0) = ?",
                                 (parent_id or 0,))
            code_id = int(self.conn.execute(
                "INSERT INTO codes (guid, name, parent_id, colour, definition, when_to_use, when_not_to_use, example,"
                " keywords, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (guid or new_guid(), name, parent_id, colour, definition.strip(), when_to_use.strip(),
                 when_not_to_use.strip(), example.strip(), json.dumps([k for k in keywords if k], ensure_ascii=False),
                 position),
            ).lastrowid)
            self._audit(who, "code.add", self._code_guid(code_id), None, self._code_record(code_id))
        return code_id

    def _code_guid(self, code_id: int) -> str:
        return self._one("SELECT guid FROM codes WHERE id = ?", (code_id,))

    def update_code(self, code_id: int, who: str = "", **fields: Any) -> None:
        """Change a code's name, colour, definition, when to use, when not to use, example or keywords."""
        before = self._code_record(code_id)
        updates: dict[str, Any] = {}
        for key, value in fields.items():
            if value is None:
                continue
            if key == "name":
                value = _check_code_name(value)
                self._check_sibling_name(value, before["parent_id"], exclude=code_id)
            elif key == "colour":
                value = normalise_colour(value)
            elif key == "keywords":
                value = json.dumps([str(k) for k in value if str(k).strip()], ensure_ascii=False)
            elif key in CODE_FIELDS:
                value = str(value).strip()
            else:
                raise WorkbenchError(f"a code has no field {key!r}")
            updates[key] = value
        if not updates:
            return
        action = "code.rename" if set(updates) == {"name"} else (
            "code.recolour" if set(updates) == {"colour"} else "code.update")
        with self.transaction():
            assignments = ", ".join(f"{key} = ?" for key in updates)
            self.conn.execute(f"UPDATE codes SET {assignments} WHERE id = ?", (*updates.values(), code_id))
            self._audit(who, action, before["guid"], before, self._code_record(code_id))

    def _descendants(self, code_id: int) -> set[int]:
        found: set[int] = set()
        frontier = [code_id]
        while frontier:
            rows = self.conn.execute(
                f"SELECT id FROM codes WHERE parent_id IN ({','.join('?' * len(frontier))})", frontier
            ).fetchall()
            frontier = [r[0] for r in rows if r[0] not in found]
            found.update(frontier)
        return found

    def move_code(self, code_id: int, parent_id: int | None, who: str = "", position: int | None = None) -> None:
        """Move a code under ``parent_id`` (None: top level); refuses cycles and sibling name clashes."""
        before = self._code_record(code_id)
        if parent_id is not None:
            if parent_id == code_id or parent_id in self._descendants(code_id):
                raise WorkbenchError(f"cannot move {before['path']!r} under itself or one of its children")
            self.code(parent_id)
        self._check_sibling_name(before["name"], parent_id, exclude=code_id)
        with self.transaction():
            if position is None:
                position = self._one(
                    "SELECT coalesce(max(position), 0) + 1 FROM codes WHERE coalesce(parent_id, 0) = ? AND id != ?",
                    (parent_id or 0, code_id))
            self.conn.execute("UPDATE codes SET parent_id = ?, position = ? WHERE id = ?",
                              (parent_id, position, code_id))
            self._audit(who, "code.move", before["guid"], before, self._code_record(code_id))

    def delete_code(self, code_id: int, who: str = "", delete_segments: bool = False) -> int:
        """Delete a code. Refused while segments use it, unless ``delete_segments``; refused while it has
        children. Returns the number of segments deleted with it."""
        code = self.code(code_id)
        children = self._one("SELECT count(*) FROM codes WHERE parent_id = ?", (code_id,))
        if children:
            raise WorkbenchError(f"code {code.path!r} has {children} child code(s); move or delete them first")
        used = self._one("SELECT count(*) FROM segments WHERE code_id = ?", (code_id,))
        if used and not delete_segments:
            raise WorkbenchError(f"code {code.path!r} is used by {used} segment(s); merge it into another code, "
                                 "or delete it together with its segments (--delete-segments)")
        with self.transaction():
            for segment in self.segments(code_ids=[code_id]):
                self._delete_segment_row(segment, who, "segment.delete", reason=f"code {code.path!r} deleted")
            self.conn.execute("UPDATE memos SET code_id = NULL WHERE code_id = ?", (code_id,))
            before = self._code_record(code_id)
            self.conn.execute("DELETE FROM codes WHERE id = ?", (code_id,))
            self._audit(who, "code.delete", code.guid, before, None)
        return used

    def merge_codes(self, source_id: int, target_id: int, who: str = "") -> int:
        """Merge code ``source`` into ``target``: its segments move to the target (a coder's overlapping
        segments are joined into one), its children move under the target, then it is deleted.
        Returns the number of segments moved."""
        if source_id == target_id:
            raise WorkbenchError("cannot merge a code into itself")
        source, target = self.code(source_id), self.code(target_id)
        if target_id in self._descendants(source_id):
            raise WorkbenchError(f"cannot merge {source.path!r} into its own child {target.path!r}")
        for child_id, child_name in self.conn.execute("SELECT id, name FROM codes WHERE parent_id = ?", (source_id,)):
            self._check_sibling_name(child_name, target_id)
        moved = self._one("SELECT count(*) FROM segments WHERE code_id = ?", (source_id,))
        with self.transaction():
            for child_id, in self.conn.execute("SELECT id FROM codes WHERE parent_id = ?", (source_id,)).fetchall():
                self.move_code(child_id, target_id, who)
            for segment in self.segments(code_ids=[source_id]):
                before = self._segment_record(segment.id)
                self.conn.execute("UPDATE segments SET code_id = ?, updated = ? WHERE id = ?",
                                  (target_id, now(), segment.id))
                self._audit(who, "segment.update", segment.guid, before, self._segment_record(segment.id))
            self._join_overlaps(target_id, who)
            self.conn.execute("UPDATE memos SET code_id = ? WHERE code_id = ?", (target_id, source_id))
            before = self._code_record(source_id)
            self.conn.execute("DELETE FROM codes WHERE id = ?", (source_id,))
            self._audit(who, "code.merge", source.guid, before,
                        {"into": target.guid, "into_path": target.path, "segments_moved": moved})
        return moved

    def _join_overlaps(self, code_id: int, who: str) -> None:
        """Join each coder's overlapping segments of one code into the earliest one (memos kept, joined)."""
        rows = self.conn.execute(
            "SELECT id, document_id, coder_id, start, end, memo FROM segments WHERE code_id = ? "
            "ORDER BY document_id, coder_id, start, end", (code_id,)
        ).fetchall()
        keeper: list[Any] | None = None
        for row in rows:
            seg_id, doc_id, coder_id, start, end, memo = row
            if keeper and keeper[1] == doc_id and keeper[2] == coder_id and start < keeper[4]:
                before = self._segment_record(keeper[0])
                keeper[4] = max(keeper[4], end)
                memos = [m for m in (keeper[5], memo) if m]
                keeper[5] = "\n".join(dict.fromkeys(memos))
                absorbed = self._segment_record(seg_id)
                self.conn.execute("DELETE FROM segments WHERE id = ?", (seg_id,))
                self._audit(who, "segment.delete", absorbed["guid"], absorbed,
                            {"joined_into": before["guid"]})
                self.conn.execute("UPDATE segments SET end = ?, memo = ?, updated = ? WHERE id = ?",
                                  (keeper[4], keeper[5], now(), keeper[0]))
                self._audit(who, "segment.update", before["guid"], before, self._segment_record(keeper[0]))
            else:
                keeper = list(row)

    # ================================================================================================ segments
    def _segment_select(self) -> str:
        return (
            "SELECT s.id, s.guid, d.name, s.document_id, s.start, s.end, c.name, s.code_id, k.name, "
            "coalesce(s.memo, ''), s.created, s.updated FROM segments s "
            "JOIN documents d ON d.id = s.document_id JOIN codes c ON c.id = s.code_id "
            "JOIN coders k ON k.id = s.coder_id"
        )

    def segments(
        self,
        document_ids: Sequence[int] | None = None,
        code_ids: Sequence[int] | None = None,
        coders: Sequence[str] | None = None,
        with_text: bool = False,
    ) -> list[Segment]:
        """Segments, filtered by documents, codes and coder names, ordered by document, start, end, code."""
        filters = _in_filters({"s.document_id": document_ids, "s.code_id": code_ids, "k.name": coders})
        if filters is None:
            return []
        where, params = filters
        sql = self._segment_select() + where + " ORDER BY d.position, d.id, s.start, s.end, c.name, k.name, s.id"
        rows = self.conn.execute(sql, params).fetchall()
        texts = self.document_texts({r[3] for r in rows}) if with_text else {}
        return [
            Segment(id=r[0], guid=r[1], document=r[2], document_id=r[3], start=r[4], end=r[5], code=r[6],
                    code_id=r[7], coder=r[8], memo=r[9], created=r[10], updated=r[11],
                    text=texts[r[3]][r[4]:r[5]] if with_text else "")
            for r in rows
        ]

    def segment(self, segment_id: int, with_text: bool = True) -> Segment:
        row = self.conn.execute(self._segment_select() + " WHERE s.id = ?", (segment_id,)).fetchone()
        if row is None:
            raise WorkbenchError(f"no segment with id {segment_id}")
        text = self.document_text(row[3])[row[4]:row[5]] if with_text else ""
        return Segment(id=row[0], guid=row[1], document=row[2], document_id=row[3], start=row[4], end=row[5],
                       code=row[6], code_id=row[7], coder=row[8], memo=row[9], created=row[10], updated=row[11],
                       text=text)

    def _segment_record(self, segment_id: int) -> dict[str, Any]:
        row = self.conn.execute(
            "SELECT s.guid, d.name, s.start, s.end, c.guid, c.name, k.name, coalesce(s.memo, ''), s.created "
            "FROM segments s JOIN documents d ON d.id = s.document_id JOIN codes c ON c.id = s.code_id "
            "JOIN coders k ON k.id = s.coder_id WHERE s.id = ?", (segment_id,)
        ).fetchone()
        if row is None:
            raise WorkbenchError(f"no segment with id {segment_id}")
        keys = ("guid", "document", "start", "end", "code_guid", "code", "coder", "memo", "created")
        return {"id": segment_id, **dict(zip(keys, row))}

    def _check_span(self, document_id: int, start: int, end: int, length: int | None = None) -> None:
        if length is None:
            length = self._one("SELECT characters FROM documents WHERE id = ?", (document_id,))
            if length is None:
                raise WorkbenchError(f"no document with id {document_id}")
        if isinstance(start, bool) or isinstance(end, bool) or not isinstance(start, int) or not isinstance(end, int):
            raise WorkbenchError("start and end must be whole numbers")
        if start < 0 or end > length:
            raise WorkbenchError(f"segment {start}–{end} lies outside the text (0–{length})")
        if start >= end:
            raise WorkbenchError(f"segment start {start} must be before its end {end}")

    def _overlapping_own(self, document_id: int, code_id: int, coder_id: int, start: int, end: int,
                         exclude: int | None = None) -> tuple[int, int, int] | None:
        return self.conn.execute(
            "SELECT id, start, end FROM segments WHERE document_id = ? AND code_id = ? AND coder_id = ? "
            "AND start < ? AND end > ? AND id IS NOT ? LIMIT 1",
            (document_id, code_id, coder_id, end, start, exclude),
        ).fetchone()

    def _overlap_message(self, code_id: int, coder: str, hit: tuple[int, int, int], start: int, end: int) -> str:
        name = self._one("SELECT name FROM codes WHERE id = ?", (code_id,))
        return (f"segment {start}–{end} overlaps {coder}'s existing {name!r} segment #{hit[0]} ({hit[1]}–{hit[2]}); "
                "widen that segment instead")

    def add_segment(self, document_id: int, start: int, end: int, code_id: int, coder: str, memo: str = "",
                    who: str | None = None) -> int:
        """Code ``[start, end)`` of a document; refuses spans outside the text, empty spans, unknown codes and
        overlap with the same coder's segment of the same code. Returns the segment id."""
        return self.add_segments([NewSegment(document_id, start, end, code_id, coder, memo)], who=who)[0]

    def add_segments(self, new: Sequence[NewSegment], who: str | None = None) -> list[int]:
        """Add several segments, all or nothing, with the checks of :meth:`add_segment`. The checks run inside the
        write transaction, so another connection cannot slip an overlapping segment in between."""
        with self.transaction():
            self._check_new_segments(new)
            ids: list[int] = []
            coder_ids: dict[str, int] = {}
            stamp = now()
            for seg in new:
                coder = normalise_name(seg.coder)
                if coder not in coder_ids:
                    coder_ids[coder] = self.coder_id(coder)
                guid = new_guid()
                seg_id = int(self.conn.execute(
                    "INSERT INTO segments (guid, document_id, start, end, code_id, coder_id, memo, created, updated)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (guid, seg.document_id, seg.start, seg.end, seg.code_id, coder_ids[coder], seg.memo or "",
                     stamp, stamp),
                ).lastrowid)
                ids.append(seg_id)
                self._audit(who or coder, "segment.add", guid, None, self._segment_record(seg_id))
        return ids

    def _check_new_segments(self, new: Sequence[NewSegment]) -> None:
        lengths: dict[int, int] = {}
        known_codes: set[int] = set()
        batch: dict[tuple[int, int, str], list[tuple[int, int]]] = defaultdict(list)
        for seg in new:
            if seg.document_id not in lengths:
                length = self._one("SELECT characters FROM documents WHERE id = ?", (seg.document_id,))
                if length is None:
                    raise WorkbenchError(f"no document with id {seg.document_id}")
                lengths[seg.document_id] = length
            self._check_span(seg.document_id, seg.start, seg.end, lengths[seg.document_id])
            if seg.code_id not in known_codes:
                if self._one("SELECT 1 FROM codes WHERE id = ?", (seg.code_id,)) is None:
                    raise WorkbenchError(f"unknown code id {seg.code_id}")
                known_codes.add(seg.code_id)
            coder = normalise_name(seg.coder)
            if not coder:
                raise WorkbenchError("a segment needs a coder (use --coder NAME)")
            batch[(seg.document_id, seg.code_id, coder)].append((seg.start, seg.end))
        for (doc_id, code_id, coder), spans in batch.items():
            spans.sort()
            for (s1, e1), (s2, e2) in zip(spans, spans[1:]):
                if s2 < e1:
                    name = self._one("SELECT name FROM codes WHERE id = ?", (code_id,))
                    raise WorkbenchError(f"segments {s1}–{e1} and {s2}–{e2} of {name!r} by {coder} overlap")
            coder_id = self._one("SELECT id FROM coders WHERE name = ?", (coder,))
            if coder_id is not None:
                for start, end in spans:
                    hit = self._overlapping_own(doc_id, code_id, coder_id, start, end)
                    if hit:
                        raise WorkbenchError(self._overlap_message(code_id, coder, hit, start, end))

    def update_segment(self, segment_id: int, who: str, start: int | None = None, end: int | None = None,
                       memo: str | None = None) -> None:
        """Widen, narrow or re-memo a segment, with the checks of :meth:`add_segment` (inside the write
        transaction); audited."""
        with self.transaction():
            seg = self.segment(segment_id, with_text=False)
            start = seg.start if start is None else start
            end = seg.end if end is None else end
            self._check_span(seg.document_id, start, end)
            coder_id = self._one("SELECT coder_id FROM segments WHERE id = ?", (segment_id,))
            hit = self._overlapping_own(seg.document_id, seg.code_id, coder_id, start, end, exclude=segment_id)
            if hit:
                raise WorkbenchError(self._overlap_message(seg.code_id, seg.coder, hit, start, end))
            before = self._segment_record(segment_id)
            self.conn.execute("UPDATE segments SET start = ?, end = ?, memo = ?, updated = ? WHERE id = ?",
                              (start, end, seg.memo if memo is None else memo, now(), segment_id))
            self._audit(who, "segment.update", seg.guid, before, self._segment_record(segment_id))

    def _delete_segment_row(self, segment: Segment, who: str, action: str, reason: str = "") -> None:
        before = self._segment_record(segment.id)
        self.conn.execute("DELETE FROM segments WHERE id = ?", (segment.id,))
        self._audit(who, action, segment.guid, before, {"reason": reason} if reason else None)

    def remove_segment(self, segment_id: int, who: str, reason: str = "") -> dict[str, Any]:
        """Remove a coding (audited with the full record, so it can be restored); returns that record."""
        seg = self.segment(segment_id, with_text=False)
        record = self._segment_record(segment_id)
        with self.transaction():
            self._delete_segment_row(seg, who, "segment.delete", reason)
        return record

    def restore_segment(self, record: dict[str, Any], who: str) -> int:
        """Put back a removed segment from its audit record (same GUID, memo and creation time)."""
        with self.transaction():
            return self._restore_segment(record, who)

    def _restore_segment(self, record: dict[str, Any], who: str) -> int:
        doc_id = self.document_id(record["document"])
        code_id = self._one("SELECT id FROM codes WHERE guid = ?", (record["code_guid"],))
        if code_id is None:
            raise WorkbenchError(f"cannot restore the segment: its code {record['code']!r} no longer exists")
        self._check_span(doc_id, record["start"], record["end"])
        coder_id = self.coder_id(record["coder"])
        hit = self._overlapping_own(doc_id, code_id, coder_id, record["start"], record["end"])
        if hit:
            raise WorkbenchError(self._overlap_message(code_id, record["coder"], hit, record["start"], record["end"]))
        guid = record["guid"]
        if self._one("SELECT 1 FROM segments WHERE guid = ?", (guid,)):
            guid = new_guid()
        seg_id = int(self.conn.execute(
            "INSERT INTO segments (guid, document_id, start, end, code_id, coder_id, memo, created, updated)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (guid, doc_id, record["start"], record["end"], code_id, coder_id, record.get("memo", ""),
             record.get("created") or now(), now()),
        ).lastrowid)
        self._audit(who, "segment.restore", guid, None, self._segment_record(seg_id))
        return seg_id

    # ================================================================================================ cases
    def set_cases(self, rows: Sequence[CaseRow], attribute_types: dict[str, str]) -> None:
        """Link documents to cases and set the cases' attribute values (typed ``number``/``date``/``text``),
        all or nothing. A case's value given twice must agree."""
        doc_ids = {row.document: self.document_id(row.document) for row in rows}
        values: dict[str, dict[str, str]] = defaultdict(dict)
        for row in rows:
            if not row.case.strip():
                raise WorkbenchError(f"the cases file gives document {row.document!r} an empty case name")
            for attribute, value in row.values.items():
                if value == "":
                    continue
                earlier = values[row.case].get(attribute)
                if earlier is not None and earlier != value:
                    raise WorkbenchError(f"case {row.case!r} has two values for {attribute!r}: {earlier!r} and "
                                         f"{value!r}")
                values[row.case][attribute] = value
        with self.transaction():
            attribute_ids: dict[str, int] = {}
            for attribute, kind in attribute_types.items():
                found = self._one("SELECT id FROM attributes WHERE name = ?", (attribute,))
                if found is None:
                    found = self.conn.execute("INSERT INTO attributes (name, type) VALUES (?, ?)",
                                              (attribute, kind)).lastrowid
                else:
                    self.conn.execute("UPDATE attributes SET type = ? WHERE id = ?", (kind, found))
                attribute_ids[attribute] = int(found)
            case_ids: dict[str, int] = {}
            for row in rows:
                if row.case not in case_ids:
                    found = self._one("SELECT id FROM cases WHERE name = ?", (row.case,))
                    if found is None:
                        found = self.conn.execute("INSERT INTO cases (guid, name) VALUES (?, ?)",
                                                  (new_guid(), row.case)).lastrowid
                    case_ids[row.case] = int(found)
                self.conn.execute("INSERT OR IGNORE INTO document_cases (document_id, case_id) VALUES (?, ?)",
                                  (doc_ids[row.document], case_ids[row.case]))
            for case, attrs in values.items():
                for attribute, value in attrs.items():
                    self.conn.execute(
                        "INSERT INTO case_values (case_id, attribute_id, value) VALUES (?, ?, ?) "
                        "ON CONFLICT (case_id, attribute_id) DO UPDATE SET value = excluded.value",
                        (case_ids[case], attribute_ids[attribute], value),
                    )
            self._audit("", "cases.import", "cases", None, {"rows": len(rows), "cases": sorted(case_ids)})

    def attributes(self) -> dict[str, str]:
        """Attribute names and their types, by name."""
        return dict(self.conn.execute("SELECT name, type FROM attributes ORDER BY name"))

    def attribute_values(self, attribute: str) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT DISTINCT v.value FROM case_values v JOIN attributes a ON a.id = v.attribute_id "
            "WHERE a.name = ? ORDER BY v.value", (attribute,))]

    def cases(self) -> list[CaseInfo]:
        """All cases with their documents and attribute values."""
        docs: dict[int, list[str]] = defaultdict(list)
        for case_id, name in self.conn.execute(
            "SELECT dc.case_id, d.name FROM document_cases dc JOIN documents d ON d.id = dc.document_id "
            "ORDER BY d.position"
        ):
            docs[case_id].append(name)
        vals: dict[int, dict[str, str]] = defaultdict(dict)
        for case_id, attribute, value in self.conn.execute(
            "SELECT v.case_id, a.name, v.value FROM case_values v JOIN attributes a ON a.id = v.attribute_id"
        ):
            vals[case_id][attribute] = value
        return [CaseInfo(id=r[0], guid=r[1], name=r[2], documents=tuple(docs.get(r[0], ())), values=vals.get(r[0], {}))
                for r in self.conn.execute("SELECT id, guid, name FROM cases ORDER BY name")]

    def document_cases(self) -> dict[int, list[int]]:
        """Case ids by document id."""
        result: dict[int, list[int]] = defaultdict(list)
        for doc_id, case_id in self.conn.execute("SELECT document_id, case_id FROM document_cases ORDER BY case_id"):
            result[doc_id].append(case_id)
        return result

    # ================================================================================================ memos
    def add_memo(self, text: str, author: str, kind: str = "project", document_id: int | None = None,
                 code_id: int | None = None, title: str = "") -> int:
        """Write a memo on the project, a document or a code."""
        if kind not in ("project", "document", "code"):
            raise WorkbenchError(f"a memo is on the project, a document or a code, not {kind!r}")
        if kind == "document" and document_id is None or kind == "code" and code_id is None:
            raise WorkbenchError(f"a {kind} memo needs its {kind}")
        if not text.strip():
            raise WorkbenchError("a memo needs some text")
        stamp = now()
        with self.transaction():
            return int(self.conn.execute(
                "INSERT INTO memos (guid, kind, document_id, code_id, author, title, text, created, updated) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (new_guid(), kind, document_id, code_id, author, title, text, stamp, stamp),
            ).lastrowid)

    def update_memo(self, memo_id: int, text: str, title: str | None = None) -> None:
        with self.transaction():
            self.conn.execute("UPDATE memos SET text = ?, title = coalesce(?, title), updated = ? WHERE id = ?",
                              (text, title, now(), memo_id))

    def memos(self, kind: str | None = None) -> list[Memo]:
        sql = ("SELECT m.id, m.guid, m.kind, d.name, c.name, coalesce(m.author, ''), coalesce(m.title, ''), "
               "coalesce(m.text, ''), m.created, m.updated FROM memos m LEFT JOIN documents d ON d.id = m.document_id "
               "LEFT JOIN codes c ON c.id = m.code_id")
        params: tuple[Any, ...] = ()
        if kind:
            sql += " WHERE m.kind = ?"
            params = (kind,)
        return [Memo(*row) for row in self.conn.execute(sql + " ORDER BY m.created, m.id", params)]

    # ================================================================================================ audit, stats
    def audit_log(self, limit: int | None = None) -> list[AuditEntry]:
        """The audit log, newest first."""
        sql = "SELECT id, at, who, action, target, before, after FROM audit_log ORDER BY id DESC"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [AuditEntry(r[0], r[1], r[2] or "", r[3], r[4] or "", json.loads(r[5]) if r[5] else None,
                           json.loads(r[6]) if r[6] else None) for r in self.conn.execute(sql)]

    def analysis_rows(self, document_ids: Sequence[int] | None = None,
                     coders: Sequence[str] | None = None) -> list[tuple[int, int, int, int, int, int]]:
        """Lean segment rows for analysis: ``(document_id, start, end, code_id, coder_id, id)``, ordered by document
        and start (plain tuples: fast for hundreds of thousands of segments)."""
        coder_ids = None
        if coders is not None:
            by_name = {name: coder_id for coder_id, name in self.coder_names().items()}
            coder_ids = [by_name[name] for name in coders if name in by_name]
        filters = _in_filters({"document_id": document_ids, "coder_id": coder_ids})
        if filters is None:
            return []
        where, params = filters
        sql = "SELECT document_id, start, end, code_id, coder_id, id FROM segments" + where
        return self.conn.execute(sql + " ORDER BY document_id, start", params).fetchall()

    def coder_names(self) -> dict[int, str]:
        return dict(self.conn.execute("SELECT id, name FROM coders"))

    def check_output(self, path: str | Path) -> Path:
        """Refuse to write an export over the project file itself (or its WAL files)."""
        target = Path(path).resolve()
        mine = Path(self.path).resolve()
        if target in (mine, Path(f"{mine}-wal"), Path(f"{mine}-shm")):
            raise WorkbenchError(f"{path} is the project file itself; choose another file name")
        if not target.parent.exists():
            raise WorkbenchError(f"folder {target.parent} does not exist")
        return target

    def data_version(self) -> int:
        """A number that changes with every audited change (imports, codes, segments, cases): a cache key."""
        return int(self._one("SELECT coalesce(max(id), 0) FROM audit_log"))

    def stats(self) -> dict[str, int]:
        """Counts of documents, words, turns, sentences, codes, segments, coders, cases and memos."""
        one = self._one
        return {
            "documents": one("SELECT count(*) FROM documents"),
            "words": one("SELECT coalesce(sum(words), 0) FROM documents"),
            "characters": one("SELECT coalesce(sum(characters), 0) FROM documents"),
            "turns": one("SELECT count(*) FROM turns"),
            "sentences": one("SELECT count(*) FROM units WHERE kind = 'sentence'"),
            "codes": one("SELECT count(*) FROM codes"),
            "segments": one("SELECT count(*) FROM segments"),
            "coders": one("SELECT count(*) FROM coders"),
            "cases": one("SELECT count(*) FROM cases"),
            "memos": one("SELECT count(*) FROM memos"),
        }


def _in_filters(filters: dict[str, Sequence[Any] | None]) -> tuple[str, list[Any]] | None:
    """``" WHERE a IN (?, ?) AND b IN (?)"`` and its parameters for the filters that are given (None: no filter);
    None when a filter is an empty list (nothing can match)."""
    clauses: list[str] = []
    params: list[Any] = []
    for column, values in filters.items():
        if values is None:
            continue
        values = list(values)
        if not values:
            return None
        clauses.append(f"{column} IN ({','.join('?' * len(values))})")
        params.extend(values)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


# --------------------------------------------------------------------------------------------------- open/create
def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=30)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = FULL")
    return conn


def create_project(path: str | Path) -> Project:
    """Create a new, empty project file; refuses to overwrite an existing file."""
    path = Path(path)
    if path.exists():
        raise WorkbenchError(f"{path} already exists; choose another file name")
    if not path.parent.exists():
        raise WorkbenchError(f"folder {path.parent} does not exist")
    conn = _connect(path)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        project = Project(path, conn)
        with project.transaction():
            conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
            conn.execute("INSERT INTO schema_version (version) VALUES (0)")
            _migrate(project)
    except BaseException:
        conn.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        raise
    return project


def _migrate(project: Project) -> None:
    version = project._one("SELECT version FROM schema_version")
    if version > SCHEMA_VERSION:
        raise WorkbenchError(f"{project.path} was made by a newer workbench (schema {version}); upgrade the workbench")
    if version == SCHEMA_VERSION:
        return
    with project.transaction():
        for step in range(version + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[step](project.db)
        project.conn.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION,))


def open_project(path: str | Path) -> Project:
    """Open an existing project file (migrating it forward if it is older); never creates a file."""
    path = Path(path)
    if not path.exists():
        raise WorkbenchError(f"no project at {path} (create one with: workbench init {path})")
    if not path.is_file():
        raise WorkbenchError(f"{path} is not a file")
    # The file is never opened by Python itself: closing any descriptor of a file drops all of this process's
    # POSIX locks on it, including those of other SQLite connections (the app keeps one per session).
    conn: sqlite3.Connection | None = None
    try:
        conn = _connect(path)
        if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            raise WorkbenchError(f"{path} is not a workbench project file")
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        project = Project(path, conn)
        _migrate(project)
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        if "not a database" in str(exc):
            raise WorkbenchError(f"{path} is not a workbench project file") from None
        raise WorkbenchError(f"{path} is not a readable workbench project ({exc})") from None
    except BaseException:
        if conn is not None:
            conn.close()
        raise
    return project
