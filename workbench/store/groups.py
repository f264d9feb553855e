"""Document groups (sets, as MAXQDA and REFI-QDA call them): named sets of documents such as "residents" or
"professionals", usable as a filter by every analysis. A document may be in several groups."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import WorkbenchError
from . import actions
from .base import StoreBase, new_guid, now

if TYPE_CHECKING:
    from ..exchange.model import ExGroup


@dataclass(frozen=True)
class GroupInfo:
    """A document group with its documents (in document order)."""

    id: int
    guid: str
    name: str
    documents: tuple[str, ...]


def clean_name(name: str, what: str, limit: int = 200) -> str:
    """A name as stored: runs of white space folded to one space; refused when empty or longer than ``limit``."""
    name = " ".join((name or "").split())
    if not name:
        raise WorkbenchError(f"a {what} needs a name")
    if len(name) > limit:
        raise WorkbenchError(f"a {what}'s name may be at most {limit} characters")
    return name


class GroupsMixin(StoreBase):
    """Create, fill, empty and remove document groups."""

    def groups(self) -> list[GroupInfo]:
        members: dict[int, list[str]] = defaultdict(list)
        for group_id, name in self.conn.execute(
            "SELECT gd.group_id, d.name FROM group_documents gd JOIN documents d ON d.id = gd.document_id "
            "ORDER BY d.position, d.id"
        ):
            members[group_id].append(name)
        return [GroupInfo(r[0], r[1], r[2], tuple(members.get(r[0], ())))
                for r in self.conn.execute("SELECT id, guid, name FROM groups ORDER BY name")]

    def group_id(self, name: str) -> int:
        """A group by name (exact, else case-insensitive when unambiguous)."""
        return self._id_by_name("groups", name, "document group")

    def group_document_ids(self, names: Iterable[str]) -> set[int]:
        """The documents in any of the named groups."""
        ids = [self.group_id(n) for n in names]
        if not ids:
            return set()
        marks = ",".join("?" * len(ids))
        return {r[0] for r in self.conn.execute(
            f"SELECT document_id FROM group_documents WHERE group_id IN ({marks})", ids)}

    def add_group(self, name: str, who: str = "", guid: str | None = None) -> int:
        """Create an empty group; refused when one of that name exists."""
        name = clean_name(name, "document group")
        with self.transaction():
            who = self._allowed(who, "can_import", "manage document groups").name
            if self._one("SELECT 1 FROM groups WHERE lower(name) = lower(?)", (name,)):
                raise WorkbenchError(f"a document group named {name!r} already exists")
            if guid and self._one("SELECT 1 FROM groups WHERE guid = ?", (guid,)):
                guid = None
            group_id = int(self.conn.execute("INSERT INTO groups (guid, name, created) VALUES (?, ?, ?)",
                                             (guid or new_guid(), name, now())).lastrowid)
            self._audit(who, actions.group_added(name))
        return group_id

    def add_to_group(self, name: str, documents: Sequence[str], who: str = "", create: bool = True) -> int:
        """Put documents in a group (created when ``create`` and absent); returns how many were new in it."""
        with self.transaction():
            who = self._allowed(who, "can_import", "manage document groups").name
            try:
                group_id = self.group_id(name)
            except WorkbenchError:
                if not create:
                    raise
                group_id = self.add_group(name, who)
            doc_ids = [self.document_id(d) for d in documents]
            added = 0
            for doc_id in dict.fromkeys(doc_ids):
                added += self.conn.execute("INSERT OR IGNORE INTO group_documents (group_id, document_id) "
                                           "VALUES (?, ?)", (group_id, doc_id)).rowcount
            group = self._one("SELECT name FROM groups WHERE id = ?", (group_id,))
            if added:
                self._audit(who, actions.group_documents_added(group, [
                    self._one("SELECT name FROM documents WHERE id = ?", (d,)) for d in dict.fromkeys(doc_ids)]))
        return added

    def remove_from_group(self, name: str, documents: Sequence[str], who: str = "") -> int:
        """Take documents out of a group (they stay in the project); returns how many were taken out."""
        with self.transaction():
            who = self._allowed(who, "can_import", "manage document groups").name
            group_id = self.group_id(name)
            doc_ids = [self.document_id(d) for d in documents]
            removed = 0
            for doc_id in dict.fromkeys(doc_ids):
                removed += self.conn.execute("DELETE FROM group_documents WHERE group_id = ? AND document_id = ?",
                                             (group_id, doc_id)).rowcount
            if removed:
                self._audit(who, actions.group_documents_removed(
                    self._one("SELECT name FROM groups WHERE id = ?", (group_id,)), list(documents)))
        return removed

    def remove_group(self, name: str, who: str = "") -> None:
        """Remove a group (its documents stay in the project)."""
        with self.transaction():
            who = self._allowed(who, "can_import", "manage document groups").name
            group_id = self.group_id(name)
            record = next(g for g in self.groups() if g.id == group_id)
            self.conn.execute("DELETE FROM group_documents WHERE group_id = ?", (group_id,))
            self.conn.execute("DELETE FROM groups WHERE id = ?", (group_id,))
            self._audit(who, actions.group_removed(record.name, list(record.documents)))

    def _add_imported_groups(self, groups: Sequence[ExGroup], links: Sequence[tuple[str, str]],
                             doc_ids: dict[str, int], who: str, source: str) -> None:
        """Imported groups (their GUIDs kept unless taken) and new documents of existing groups (``(group GUID,
        document GUID)``), in the caller's write transaction; one audit entry per group."""
        taken = {g.upper() for g, in self.conn.execute("SELECT guid FROM groups")}
        names = {doc_id: name for doc_id, name in self.conn.execute("SELECT id, name FROM documents")}
        stamp = now()
        for group in groups:
            name = clean_name(group.name, "document group")
            if self._one("SELECT 1 FROM groups WHERE lower(name) = lower(?)", (name,)):
                raise WorkbenchError(f"a document group named {name!r} already exists")
            guid = group.guid if group.guid.upper() not in taken else new_guid()
            taken.add(guid.upper())
            group_id = int(self.conn.execute("INSERT INTO groups (guid, name, created) VALUES (?, ?, ?)",
                                             (guid, name, stamp)).lastrowid)
            members = list(dict.fromkeys(doc_ids[g.upper()] for g in group.documents if g.upper() in doc_ids))
            self.conn.executemany("INSERT INTO group_documents (group_id, document_id) VALUES (?, ?)",
                                  [(group_id, d) for d in members])
            self._audit(who, actions.group_imported({"guid": guid, "name": name,
                                                     "documents": [names[d] for d in members]}, source))
        by_guid = {g.upper(): (i, n) for i, g, n in self.conn.execute("SELECT id, guid, name FROM groups")}
        added: dict[str, list[str]] = defaultdict(list)
        for group_guid, doc_guid in links:
            group, doc_guid = by_guid.get(group_guid.upper()), doc_guid.upper()
            if group is None or doc_guid not in doc_ids:
                raise WorkbenchError("a group member refers to an unknown group or document")
            if self.conn.execute("INSERT OR IGNORE INTO group_documents (group_id, document_id) VALUES (?, ?)",
                                 (group[0], doc_ids[doc_guid])).rowcount:
                added[group_guid.upper()].append(names[doc_ids[doc_guid]])
        for group_guid, documents in added.items():
            self._audit(who, actions.group_imported({"guid": group_guid, "name": by_guid[group_guid][1],
                                                     "documents": documents}, source))
