"""Editing cases and attributes in place (the Project page's table): add a case or an attribute, change a value,
assign a document to cases. Every change is audited in its transaction; values are typed as on import."""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import WorkbenchError
from . import actions
from .base import StoreBase, new_guid
from .groups import clean_name

KINDS = ("text", "number", "date")


class CaseChangesMixin(StoreBase):
    """Add, rename and delete cases, add attributes, set values, link documents to cases."""

    def _case_id(self, name: str, create: bool, who: str) -> int:
        found = self._one("SELECT id FROM cases WHERE name = ?", (name,))
        if found is not None:
            return int(found)
        if not create:
            raise WorkbenchError(f"no case named {name!r}")
        case_id = int(self.conn.execute("INSERT INTO cases (guid, name) VALUES (?, ?)",
                                        (new_guid(), clean_name(name, "case"))).lastrowid)
        self._audit(who, actions.case_added(self._one("SELECT guid FROM cases WHERE id = ?", (case_id,)), name))
        return case_id

    def add_case(self, name: str, who: str = "") -> int:
        name = clean_name(name, "case")
        with self.transaction():
            who = self._allowed(who, "can_import", "edit cases").name
            if self._one("SELECT 1 FROM cases WHERE lower(name) = lower(?)", (name,)):
                raise WorkbenchError(f"a case named {name!r} already exists")
            return self._case_id(name, True, who)

    def rename_case(self, case: str, new_name: str, who: str = "") -> None:
        """Rename a case: the same case (GUID, documents, attribute values), another name; refused when another
        case has that name (regardless of case)."""
        new_name = clean_name(new_name, "case")
        with self.transaction():
            who = self._allowed(who, "can_import", "edit cases").name
            case_id = self._case_id(case, False, who)
            if new_name == case:
                return
            if self._one("SELECT 1 FROM cases WHERE lower(name) = lower(?) AND id != ?", (new_name, case_id)):
                raise WorkbenchError(f"a case named {new_name!r} already exists")
            self.conn.execute("UPDATE cases SET name = ? WHERE id = ?", (new_name, case_id))
            self._audit(who, actions.case_renamed(self._one("SELECT guid FROM cases WHERE id = ?", (case_id,)), case,
                                                  new_name))

    def delete_case(self, case: str, who: str = "") -> None:
        """Delete a case and its attribute values; refused while documents belong to it (the documents' cases are
        changed first, so that no document loses its case unnoticed)."""
        with self.transaction():
            who = self._allowed(who, "can_import", "edit cases").name
            case_id = self._case_id(case, False, who)
            members = self._one("SELECT count(*) FROM document_cases WHERE case_id = ?", (case_id,))
            if members:
                raise WorkbenchError(f"case {case!r} has {members} document(s); take them out of the case first "
                                     "(the documents' cases), then delete it")
            values = dict(self.conn.execute(
                "SELECT a.name, v.value FROM case_values v JOIN attributes a ON a.id = v.attribute_id "
                "WHERE v.case_id = ? ORDER BY a.name", (case_id,)).fetchall())
            guid = self._one("SELECT guid FROM cases WHERE id = ?", (case_id,))
            self.conn.execute("DELETE FROM case_values WHERE case_id = ?", (case_id,))
            self.conn.execute("DELETE FROM cases WHERE id = ?", (case_id,))
            self._audit(who, actions.case_deleted(guid, case, values))

    def add_attribute(self, name: str, kind: str = "text", who: str = "") -> None:
        name = clean_name(name, "case attribute")
        if kind not in KINDS:
            raise WorkbenchError(f"an attribute's type is one of {', '.join(KINDS)}, not {kind!r}")
        with self.transaction():
            who = self._allowed(who, "can_import", "edit case attributes").name
            if self._one("SELECT 1 FROM attributes WHERE lower(name) = lower(?)", (name,)):
                raise WorkbenchError(f"an attribute named {name!r} already exists")
            self.conn.execute("INSERT INTO attributes (name, type) VALUES (?, ?)", (name, kind))
            self._audit(who, actions.attribute_added(name, kind))

    def set_case_value(self, case: str, attribute: str, value: str, who: str = "") -> None:
        """Set (or with ``""`` clear) one case's value of one attribute; a number or date attribute takes only
        numbers or dates."""
        from ..cases import _NUMBER, normalise_value

        value = (value or "").strip()
        with self.transaction():
            who = self._allowed(who, "can_import", "edit case attributes").name
            case_id = self._case_id(case, False, who)
            row = self.conn.execute("SELECT id, type FROM attributes WHERE name = ?", (attribute,)).fetchone()
            if row is None:
                raise WorkbenchError(f"no case attribute named {attribute!r}")
            attribute_id, kind = row
            if value and kind == "number" and not _NUMBER.match(value):
                raise WorkbenchError(f"{attribute} is a number attribute: {value!r} is not a number")
            if value and kind == "date":
                from ..cases import _as_date

                if not _as_date(value):
                    raise WorkbenchError(f"{attribute} is a date attribute: {value!r} is not a date like 2026-03-17")
            value = normalise_value(value, kind)
            old = self._one("SELECT value FROM case_values WHERE case_id = ? AND attribute_id = ?",
                            (case_id, attribute_id))
            if (old or "") == value:
                return
            if value:
                self.conn.execute(
                    "INSERT INTO case_values (case_id, attribute_id, value) VALUES (?, ?, ?) "
                    "ON CONFLICT (case_id, attribute_id) DO UPDATE SET value = excluded.value",
                    (case_id, attribute_id, value))
            else:
                self.conn.execute("DELETE FROM case_values WHERE case_id = ? AND attribute_id = ?",
                                  (case_id, attribute_id))
            self._audit(who, actions.case_value_set(self._one("SELECT guid FROM cases WHERE id = ?", (case_id,)), case,
                                                    attribute, old, value))

    def set_document_cases(self, document_id: int, cases: Sequence[str], who: str = "") -> None:
        """The cases a document belongs to (cases not yet in the project are added)."""
        names = list(dict.fromkeys(clean_name(c, "case") for c in cases if c.strip()))
        with self.transaction():
            who = self._allowed(who, "can_import", "assign documents to cases").name
            doc = self._one("SELECT name FROM documents WHERE id = ?", (document_id,))
            if doc is None:
                raise WorkbenchError(f"no document with id {document_id}")
            before = [r[0] for r in self.conn.execute(
                "SELECT c.name FROM document_cases dc JOIN cases c ON c.id = dc.case_id WHERE dc.document_id = ? "
                "ORDER BY c.name", (document_id,))]
            if sorted(before) == sorted(names):
                return
            ids = [self._case_id(name, True, who) for name in names]
            self.conn.execute("DELETE FROM document_cases WHERE document_id = ?", (document_id,))
            self.conn.executemany("INSERT INTO document_cases (document_id, case_id) VALUES (?, ?)",
                                  [(document_id, i) for i in ids])
            self._audit(who, actions.document_cases_set(
                self._one("SELECT guid FROM documents WHERE id = ?", (document_id,)), doc, before, sorted(names)))
