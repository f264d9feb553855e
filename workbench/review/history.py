"""The codebook's history, read from the audit log: every change to a code with who and when, and the codebook as
it stood at any moment, so two moments can be compared (a diff of the codebook between two dates).

The audit log records every change to codes (``code.add``, ``code.update``, ``code.rename``, ``code.recolour``,
``code.move``, ``code.merge``, ``code.delete``) with the full code record before and after, in the transaction of
the change. The codebook at time T is the replay of those entries up to T; paths are rebuilt from the parents as
they stood then (renaming a parent changes its children's paths without an entry of their own).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from ..errors import WorkbenchError
from ..models import AuditEntry

FIELDS = ("name", "path", "colour", "definition", "when_to_use", "when_not_to_use", "example", "keywords")
REMOVING = ("code.delete", "code.merge")


def parse_when(text: str | None, end: bool = False) -> datetime | None:
    """``2026-03-17`` (the whole day: from its start, or with ``end`` up to its end) or an ISO time
    ``2026-03-17T10:30[:00][+01:00]`` (UTC when no zone is given)."""
    if text is None or not str(text).strip():
        return None
    text = str(text).strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
            return moment + timedelta(days=1) - timedelta(microseconds=1) if end else moment
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise WorkbenchError(f"{text!r} is not a date like 2026-03-17 or a time like 2026-03-17T10:30") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _at(entry: AuditEntry) -> datetime:
    moment = datetime.fromisoformat(entry.at)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def code_entries(entries: Iterable[AuditEntry]) -> list[AuditEntry]:
    """The audit entries about codes, oldest first."""
    return sorted((e for e in entries if e.action.startswith("code.")), key=lambda e: e.id)


@dataclass(frozen=True)
class Change:
    """One change to one code: when, who, what, and each field's old and new value."""

    at: str
    who: str
    action: str
    guid: str
    code: str
    changes: dict[str, tuple[Any, Any]]
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"at": self.at, "who": self.who, "action": self.action, "guid": self.guid, "code": self.code,
                "changes": {k: {"before": v[0], "after": v[1]} for k, v in self.changes.items()},
                "note": self.note}


def _paths(state: dict[str, dict[str, Any]]) -> dict[str, str]:
    by_id = {record["id"]: record for record in state.values()}
    result: dict[str, str] = {}
    for guid, record in state.items():
        names, seen, current = [], set(), record
        while current is not None and current["id"] not in seen:
            seen.add(current["id"])
            names.append(current["name"])
            current = by_id.get(current.get("parent_id"))
        result[guid] = "/".join(reversed(names))
    return result


def _view(record: dict[str, Any] | None, path: str) -> dict[str, Any]:
    if record is None:
        return {}
    view = {key: record.get(key) for key in FIELDS}
    view["path"] = path
    view["keywords"] = list(record.get("keywords") or [])
    return view


def codebook_at(entries: Sequence[AuditEntry], moment: datetime | None,
                before: bool = False) -> dict[str, dict[str, Any]]:
    """The codes as they stood at ``moment`` (None: now; with ``before``: just before it, without the changes made
    at that very moment), by GUID, each with the FIELDS (path rebuilt)."""
    state: dict[str, dict[str, Any]] = {}
    for entry in code_entries(entries):
        if moment is not None and (_at(entry) >= moment if before else _at(entry) > moment):
            break
        if entry.action in REMOVING or entry.after is None:
            state.pop(entry.target, None)
        else:
            state[entry.target] = dict(entry.after)
    paths = _paths(state)
    return {guid: _view(record, paths[guid]) for guid, record in state.items()}


def history(entries: Sequence[AuditEntry], since: datetime | None = None,
            until: datetime | None = None) -> list[Change]:
    """Every change to codes between ``since`` and ``until`` (inclusive; None: open), oldest first."""
    state: dict[str, dict[str, Any]] = {}
    result: list[Change] = []
    for entry in code_entries(entries):
        moment = _at(entry)
        before_paths = _paths(state)
        old = state.get(entry.target)
        before = _view(old, before_paths.get(entry.target, "")) if old is not None else {}
        note = ""
        if entry.action in REMOVING or entry.after is None:
            state.pop(entry.target, None)
            after: dict[str, Any] = {}
            if entry.action == "code.merge" and entry.after:
                note = f"merged into {entry.after.get('into_path', '')} ({entry.after.get('segments_moved', 0)} " \
                       "segments moved)"
            if not before and entry.before:
                before = _view(entry.before, entry.before.get("path", ""))
        else:
            state[entry.target] = dict(entry.after)
            after = _view(state[entry.target], _paths(state)[entry.target])
        if (since is not None and moment < since) or (until is not None and moment > until):
            continue
        changes = {key: (before.get(key), after.get(key)) for key in FIELDS
                   if before.get(key) != after.get(key)}
        name = after.get("path") or before.get("path") or entry.target
        result.append(Change(entry.at, entry.who, entry.action, entry.target, name, changes, note))
    return result


def diff(entries: Sequence[AuditEntry], since: datetime | None, until: datetime | None) -> dict[str, Any]:
    """The codebook at ``until`` compared with the codebook just before ``since`` (None: before the first change /
    now), so it sums up exactly the changes :func:`history` lists for the same range: codes added, removed and
    changed (each changed field with its old and new value), by path."""
    if since is not None and until is not None and since > until:
        raise WorkbenchError("the start of the period must not be later than its end", cli="period")
    old = codebook_at(entries, since, before=True) if since is not None else {}
    new = codebook_at(entries, until)
    added = sorted((new[g]["path"], g) for g in new.keys() - old.keys())
    removed = sorted((old[g]["path"], g) for g in old.keys() - new.keys())
    changed = []
    for guid in sorted(old.keys() & new.keys(), key=lambda g: new[g]["path"]):
        fields = {k: {"before": old[guid][k], "after": new[guid][k]} for k in FIELDS if old[guid][k] != new[guid][k]}
        if fields:
            changed.append({"code": new[guid]["path"], "guid": guid, "changes": fields})
    return {
        "added": [{"code": path, "guid": guid} for path, guid in added],
        "removed": [{"code": path, "guid": guid} for path, guid in removed],
        "changed": changed,
    }


def describe(change: Change) -> str:
    """One line about a change, for people."""
    verbs = {"code.add": "added", "code.delete": "deleted", "code.merge": "merged", "code.rename": "renamed",
             "code.recolour": "recoloured", "code.move": "moved", "code.update": "edited"}
    parts = []
    for key, (old, new) in change.changes.items():
        if change.action in ("code.add", "code.delete", "code.merge") or key == "path" and "name" in change.changes:
            continue
        if key in ("definition", "when_to_use", "when_not_to_use", "example"):
            parts.append(key.replace("_", " "))
        else:
            parts.append(f"{key} {_short(old)} → {_short(new)}")
    detail = ": " + "; ".join(parts) if parts else ""
    if change.note:
        detail += f" ({change.note})"
    return f"{verbs.get(change.action, change.action)} {change.code}{detail}"


def _short(value: Any) -> str:
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    text = "" if value is None else str(value)
    return repr(text if len(text) <= 40 else text[:39] + "…")
