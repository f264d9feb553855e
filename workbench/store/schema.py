"""The schema: one migration function per version; a project file is migrated forward when it is opened."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

SCHEMA_VERSION = 7
APPLICATION_ID = 0x5742_4E43  # "WBNC": marks a file as a workbench project


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


def _migration_2(db: sqlite_utils.Database) -> None:
    """Indexes for large projects: every foreign key that a page filters or joins on, and one covering index that
    the analyses read all segments from in document order without touching the table."""
    db.execute("CREATE INDEX IF NOT EXISTS idx_segments_coder_id ON segments (coder_id)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_segments_analysis ON segments "
               "(document_id, start, end, code_id, coder_id)")
    db.execute("DROP INDEX IF EXISTS idx_segments_document_id_start")  # a prefix of the covering index
    db.execute("CREATE INDEX IF NOT EXISTS idx_codes_parent_id ON codes (parent_id)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_document_cases_case_id ON document_cases (case_id)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_case_values_attribute_id ON case_values (attribute_id)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_memos_document_id ON memos (document_id)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_memos_code_id ON memos (code_id)")


def _migration_3(db: sqlite_utils.Database) -> None:
    """Review decisions, comments and training exercises (issue #12 §2–3)."""
    db["review_decisions"].create(
        {"id": int, "guid": str, "item_key": str, "coder_a": str, "coder_b": str, "consensus": str,
         "document_guid": str, "code_guid": str, "decision": str, "start": int, "end": int, "segments": str,
         "who": str, "at": str},
        pk="id", not_null={"guid", "item_key", "coder_a", "coder_b", "consensus", "decision", "at"},
    )
    db["review_decisions"].create_index(["coder_a", "coder_b", "consensus", "item_key"], unique=True)
    db["comments"].create(
        {"id": int, "guid": str, "target_kind": str, "target_guid": str, "thread_guid": str, "reply_to": str,
         "author": str, "text": str, "created": str},
        pk="id", not_null={"guid", "target_kind", "target_guid", "thread_guid", "author", "text", "created"},
    )
    db["comments"].create_index(["guid"], unique=True)
    db["comments"].create_index(["target_guid"])
    db["exercises"].create(
        {"id": int, "guid": str, "name": str, "reference": str, "instructions": str, "created_by": str,
         "created": str},
        pk="id", not_null={"guid", "name", "reference", "created"},
    )
    db["exercises"].create_index(["name"], unique=True)
    db["exercises"].create_index(["guid"], unique=True)
    db["exercise_documents"].create(
        {"exercise_id": int, "document_id": int}, pk=("exercise_id", "document_id"),
        foreign_keys=[("exercise_id", "exercises", "id"), ("document_id", "documents", "id")],
    )
    db["exercise_students"].create(
        {"exercise_id": int, "student": str, "submitted": str}, pk=("exercise_id", "student"),
        foreign_keys=[("exercise_id", "exercises", "id")],
    )


def _migration_4(db: sqlite_utils.Database) -> None:
    """Accounts (linked to coders by name; only the password's argon2 hash) and project settings (blind coding)."""
    db["accounts"].create(
        {"id": int, "name": str, "role": str, "password_hash": str, "email": str, "created": str, "updated": str},
        pk="id", not_null={"name", "role", "password_hash"},
    )
    db.execute("CREATE UNIQUE INDEX idx_accounts_name ON accounts (name COLLATE NOCASE)")
    db["settings"].create({"key": str, "value": str}, pk="key", not_null={"value"})


_NEVER_REUSED = {
    "segments": (
        'id INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT NOT NULL,'
        ' document_id INTEGER NOT NULL REFERENCES documents(id), start INTEGER NOT NULL, "end" INTEGER NOT NULL,'
        ' code_id INTEGER NOT NULL REFERENCES codes(id), coder_id INTEGER NOT NULL REFERENCES coders(id),'
        ' memo TEXT, created TEXT, updated TEXT'
    ),
    "audit_log": (
        "id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, who TEXT, action TEXT NOT NULL, target TEXT,"
        " before TEXT, after TEXT"
    ),
}


def _migration_5(db: sqlite_utils.Database) -> None:
    """Ids are never reused: segments and the audit log are rebuilt with AUTOINCREMENT (rows, ids and indexes
    kept), and the audit log is indexed by target (an undo asks who last changed a segment)."""
    for table, columns in _NEVER_REUSED.items():
        indexes = [sql for sql, in db.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", [table])]
        names = ", ".join(f'"{c}"' for c in db[table].columns_dict)
        db.execute(f"CREATE TABLE {table}_rebuilt ({columns})")
        db.execute(f"INSERT INTO {table}_rebuilt ({names}) SELECT {names} FROM {table}")
        db.execute(f"DROP TABLE {table}")
        db.execute(f"ALTER TABLE {table}_rebuilt RENAME TO {table}")
        for statement in indexes:
            db.execute(statement)
    db.execute("CREATE INDEX IF NOT EXISTS idx_audit_log_target ON audit_log (target)")


def _migration_6(db: sqlite_utils.Database) -> None:
    """Document groups (sets)."""
    if "groups" in db.table_names():  # a file whose version was set back (tests) keeps its groups
        return
    db["groups"].create({"id": int, "guid": str, "name": str, "created": str}, pk="id", not_null={"guid", "name"})
    db["groups"].create_index(["guid"], unique=True)
    db.execute("CREATE UNIQUE INDEX idx_groups_name ON groups (lower(name))")
    db["group_documents"].create(
        {"group_id": int, "document_id": int}, pk=("group_id", "document_id"),
        foreign_keys=[("group_id", "groups", "id"), ("document_id", "documents", "id")],
    )
    db["group_documents"].create_index(["document_id"])


def _migration_7(db: sqlite_utils.Database) -> None:
    """Indexes for the Project page's listing at a million codings: each document's speakers in order of first
    turn (read from the index instead of two temporary B-trees), the count of sentences, and the documents' columns
    in listing order (SQLite stores a row's columns in order, so without it every column after ``text`` is reached
    by walking the text's overflow pages: 300 MB for 5,000 interviews)."""
    db.execute("CREATE INDEX IF NOT EXISTS idx_turns_document_id_speaker_start ON turns (document_id, speaker, start)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_units_kind ON units (kind)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_documents_listing ON documents (position, id, guid, name, source_name, "
               "sha256, imported_at, language, characters, words, metadata)")


MIGRATIONS = {1: _migration_1, 2: _migration_2, 3: _migration_3, 4: _migration_4, 5: _migration_5,
              6: _migration_6, 7: _migration_7}

