"""The codebook's codes: tree, names, colours, guidance; add, edit, move, delete, merge."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from ..colours import PALETTE, distinct_colour, shade  # noqa: F401  (PALETTE: re-exported)
from ..errors import WorkbenchError
from ..intervals import join_overlapping
from ..models import Code
from . import actions
from .base import StoreBase, new_guid, normalise_name, now, suggest

COLOUR_PATTERN = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
CODE_FIELDS = ("definition", "when_to_use", "when_not_to_use", "example")


def normalise_colour(colour: str) -> str:
    """``#abc`` or ``#AABBCC`` → ``#aabbcc``; anything else is refused."""
    colour = (colour or "").strip()
    if not COLOUR_PATTERN.match(colour):
        raise WorkbenchError(f"colour {colour!r} is not a hex colour like #1f77b4")
    if len(colour) == 4:
        colour = "#" + "".join(ch * 2 for ch in colour[1:])
    return colour.lower()


def check_code_name(name: str) -> str:
    """A code name as stored (NFC, white space folded), or a one-line refusal."""
    name = normalise_name(name)
    if not name:
        raise WorkbenchError("a code needs a name")
    if "/" in name:
        raise WorkbenchError(f"code name {name!r} may not contain '/' (it separates parent and child in paths)")
    if len(name) > 200:
        raise WorkbenchError("a code name may be at most 200 characters")
    return name



class CodesMixin(StoreBase):
    """Read and change the code tree."""

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
        ref = normalise_name(ref)
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
        raise WorkbenchError(f"unknown code {ref!r}{suggest(ref, [c.name for c in codes])}")

    def segment_counts_by_code(self) -> dict[int, int]:
        return dict(self.conn.execute("SELECT code_id, count(*) FROM segments" + self._visible_where()
                                      + " GROUP BY code_id"))

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
        """Add a code (at the end of its siblings) and audit it; returns its id. The name is checked inside the
        write transaction, so a concurrent add of the same name gets the same message as a sequential one."""
        name = check_code_name(name)
        if colour:
            colour = normalise_colour(colour)
        with self.transaction():
            who = self._allowed(who, "can_edit_codebook", "edit the codebook").name
            if parent_id is not None and self._one("SELECT 1 FROM codes WHERE id = ?", (parent_id,)) is None:
                raise WorkbenchError(f"no parent code with id {parent_id}")
            self._check_sibling_name(name, parent_id)
            colour = colour or self.suggest_colour(parent_id)
            if guid and self._one("SELECT 1 FROM codes WHERE guid = ?", (guid,)):
                guid = None
            position = self._one("SELECT coalesce(max(position), 0) + 1 FROM codes WHERE coalesce(parent_id, 0) = ?",
                                 (parent_id or 0,))
            code_id = int(self.conn.execute(
                "INSERT INTO codes (guid, name, parent_id, colour, definition, when_to_use, when_not_to_use, example,"
                " keywords, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (guid or new_guid(), name, parent_id, colour, definition.strip(), when_to_use.strip(),
                 when_not_to_use.strip(), example.strip(), json.dumps([k for k in keywords if k], ensure_ascii=False),
                 position),
            ).lastrowid)
            self._audit(who, actions.code_added(self._code_record(code_id)))
        return code_id

    def suggest_colour(self, parent_id: int | None = None) -> str:
        """The colour a new code gets when none is chosen: at the top level one that no code has yet; under a
        parent a shade of the parent's colour (a different one per child)."""
        used = [row[0] for row in self.conn.execute("SELECT colour FROM codes")]
        if parent_id is None:
            return distinct_colour(used)
        parent = self._one("SELECT colour FROM codes WHERE id = ?", (parent_id,))
        children = self._one("SELECT count(*) FROM codes WHERE parent_id = ?", (parent_id,))
        return shade(parent, children, used) if parent else distinct_colour(used)

    def update_code(self, code_id: int, who: str = "", **fields: Any) -> None:
        """Change a code's name, colour, definition, when to use, when not to use, example or keywords."""
        with self.transaction():
            who = self._allowed(who, "can_edit_codebook", "edit the codebook").name
            before = self._code_record(code_id)
            updates: dict[str, Any] = {}
            for key, value in fields.items():
                if value is None:
                    continue
                if key == "name":
                    value = check_code_name(value)
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
            assignments = ", ".join(f"{key} = ?" for key in updates)
            self.conn.execute(f"UPDATE codes SET {assignments} WHERE id = ?", (*updates.values(), code_id))
            constructor = (actions.code_renamed if set(updates) == {"name"} else
                           actions.code_recoloured if set(updates) == {"colour"} else actions.code_updated)
            self._audit(who, constructor(before, self._code_record(code_id)))

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
        with self.transaction():
            who = self._allowed(who, "can_edit_codebook", "edit the codebook").name
            before = self._code_record(code_id)
            if parent_id is not None:
                if parent_id == code_id or parent_id in self._descendants(code_id):
                    raise WorkbenchError(f"cannot move {before['path']!r} under itself or one of its children")
                self.code(parent_id)
            self._check_sibling_name(before["name"], parent_id, exclude=code_id)
            if position is None:
                position = self._one(
                    "SELECT coalesce(max(position), 0) + 1 FROM codes WHERE coalesce(parent_id, 0) = ? AND id != ?",
                    (parent_id or 0, code_id))
            self.conn.execute("UPDATE codes SET parent_id = ?, position = ? WHERE id = ?",
                              (parent_id, position, code_id))
            self._audit(who, actions.code_moved(before, self._code_record(code_id)))

    def delete_code(self, code_id: int, who: str = "", delete_segments: bool = False) -> int:
        """Delete a code. Refused while segments use it, unless ``delete_segments``; refused while it has
        children. Its memos stay, detached. Returns the number of segments deleted with it. Every check runs
        inside the write transaction: a coding added meanwhile by another connection makes it refuse."""
        with self.transaction():
            who = self._allowed(who, "can_edit_codebook", "edit the codebook").name
            code = self.code(code_id)
            children = self._one("SELECT count(*) FROM codes WHERE parent_id = ?", (code_id,))
            if children:
                raise WorkbenchError(f"code {code.path!r} has {children} child code(s); move or delete them first")
            used = self._one("SELECT count(*) FROM segments WHERE code_id = ?", (code_id,))
            if used and not delete_segments:
                raise WorkbenchError(f"code {code.path!r} is used by {used} segment(s); merge it into another code, "
                                     "or delete it together with its segments")
            for segment in self.segments(code_ids=[code_id]):
                self._delete_segment_row(segment.id, who, reason=f"code {code.path!r} deleted")
            self._reattach_memos(code_id, None, who)
            before = self._code_record(code_id)
            self.conn.execute("DELETE FROM codes WHERE id = ?", (code_id,))
            self._audit(who, actions.code_deleted(before))
        return used

    def merge_codes(self, source_id: int, target_id: int, who: str = "") -> int:
        """Merge code ``source`` into ``target``: its segments move to the target (a coder's overlapping
        segments are joined into one), its children and memos move to the target, then it is deleted.
        Returns the number of segments moved."""
        if source_id == target_id:
            raise WorkbenchError("cannot merge a code into itself")
        with self.transaction():
            who = self._allowed(who, "can_edit_codebook", "edit the codebook").name
            source, target = self.code(source_id), self.code(target_id)
            if target_id in self._descendants(source_id):
                raise WorkbenchError(f"cannot merge {source.path!r} into its own child {target.path!r}")
            children = self.conn.execute("SELECT id, name FROM codes WHERE parent_id = ?", (source_id,)).fetchall()
            for _, child_name in children:
                self._check_sibling_name(child_name, target_id)
            moved = self._one("SELECT count(*) FROM segments WHERE code_id = ?", (source_id,))
            for child_id, _ in children:
                self.move_code(child_id, target_id, who)
            for segment in self.segments(code_ids=[source_id]):
                before = self._segment_record(segment.id)
                self.conn.execute("UPDATE segments SET code_id = ?, updated = ? WHERE id = ?",
                                  (target_id, now(), segment.id))
                self._audit(who, actions.segment_updated(before, self._segment_record(segment.id)))
            self._join_overlaps(target_id, who)
            self._reattach_memos(source_id, target_id, who)
            before = self._code_record(source_id)
            self.conn.execute("DELETE FROM codes WHERE id = ?", (source_id,))
            self._audit(who, actions.code_merged(before, self._code_record(target_id), moved))
        return moved

    def _join_overlaps(self, code_id: int, who: str) -> None:
        """Join each coder's overlapping segments of one code into the earliest one (memos kept, joined)."""
        groups: dict[tuple[int, int], list[tuple[int, int, tuple[int, str]]]] = defaultdict(list)
        for seg_id, doc_id, coder_id, start, end, memo in self.conn.execute(
                "SELECT id, document_id, coder_id, start, end, coalesce(memo, '') FROM segments WHERE code_id = ?",
                (code_id,)):
            groups[(doc_id, coder_id)].append((start, end, (seg_id, memo)))
        for spans in groups.values():
            for _, end, parts in join_overlapping(spans):
                if len(parts) == 1:
                    continue
                keeper = parts[0][0]
                before = self._segment_record(keeper)
                for seg_id, _ in parts[1:]:
                    self._delete_segment_row(seg_id, who, joined_into=before["guid"])
                memo = "\n".join(dict.fromkeys(m for _, m in parts if m))
                self.conn.execute("UPDATE segments SET end = ?, memo = ?, updated = ? WHERE id = ?",
                                  (end, memo, now(), keeper))
                self._audit(who, actions.segment_updated(before, self._segment_record(keeper)))
