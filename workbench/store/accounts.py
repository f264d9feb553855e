"""Accounts, roles and project settings; who the acting user is and what they may see.

An account links to the coder of the same name (``coders.name``), so a removed account's codings stay, attributed.
Only the argon2 hash of a password is stored (:mod:`workbench.auth`); no password, hash or token goes into the
audit log. ``Project.privileges(who)`` turns today's ``who: str`` into a :class:`~workbench.privileges.Privileges`:
in a project without accounts a plain name is the single-user mode; with accounts the name must be an account.
``Project.viewer`` (set by the app for its session, and by the command line) limits what every read of codings
returns: while the project is blind, a coder reads only their own codings (and a student always).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import WorkbenchError
from ..privileges import Privileges, check_role
from . import actions
from .base import StoreBase, normalise_name, now, suggest

SETTINGS = {"blind": ("off", ("on", "off"))}


@dataclass(frozen=True)
class Account:
    """A user of the project (never with the password or its hash)."""

    name: str
    role: str
    email: str
    created: str
    updated: str

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "role": self.role, "email": self.email, "created": self.created,
                "updated": self.updated}


def _fold(name: str | None) -> str:
    return normalise_name(name).casefold()


class AccountsMixin(StoreBase):
    """Accounts, settings, and the acting user's privileges."""

    viewer: Privileges | None = None

    # ---------------------------------------------------------------------------------------------- settings
    def setting(self, key: str) -> str:
        default, _ = SETTINGS[key]
        value = self._one("SELECT value FROM settings WHERE key = ?", (key,))
        return default if value is None else value

    def is_blind(self) -> bool:
        return self.setting("blind") == "on"

    def set_setting(self, key: str, value: str, who: Any) -> None:
        """Change a project setting (``blind``: ``on`` or ``off``); audited."""
        if key not in SETTINGS:
            raise WorkbenchError(f"unknown setting {key!r}; settings: {', '.join(SETTINGS)}")
        value = (value or "").strip().lower()
        if value not in SETTINGS[key][1]:
            raise WorkbenchError(f"setting {key!r} is one of {', '.join(SETTINGS[key][1])}, not {value!r}")
        with self.transaction():
            actor = self.privileges(who)
            actor.require(actor.can_change_settings(), f"change the {key} setting")
            before = self.setting(key)
            self.conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) "
                              "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))
            self._audit(actor.name, actions.setting_changed(key, before, value))

    # ---------------------------------------------------------------------------------------------- accounts
    def has_accounts(self) -> bool:
        return self._one("SELECT EXISTS (SELECT 1 FROM accounts)") == 1

    def accounts(self) -> list[Account]:
        return [Account(*row) for row in self.conn.execute(
            "SELECT name, role, coalesce(email, ''), created, updated FROM accounts ORDER BY name COLLATE NOCASE")]

    def account(self, name: str) -> Account | None:
        """The account called ``name`` (white space folded, case-insensitive), if any."""
        row = self.conn.execute(
            "SELECT name, role, coalesce(email, ''), created, updated FROM accounts WHERE name = ? COLLATE NOCASE",
            (normalise_name(name),)).fetchone()
        return Account(*row) if row else None

    def account_by_email(self, email: str) -> Account | None:
        row = self.conn.execute(
            "SELECT name, role, coalesce(email, ''), created, updated FROM accounts "
            "WHERE email != '' AND email = ? COLLATE NOCASE", ((email or "").strip(),)).fetchone()
        return Account(*row) if row else None

    def _require_account(self, name: str) -> Account:
        found = self.account(name)
        if found is None:
            names = [a.name for a in self.accounts()]
            raise WorkbenchError(f"no account named {normalise_name(name)!r}{suggest(name, names)}")
        return found

    def add_account(self, name: str, role: str, password: str, who: Any, email: str = "") -> Account:
        """Add an account (its coder is the coder of the same name, made if new); audited without the hash."""
        from ..auth import hash_password

        name = normalise_name(name)
        if not name:
            raise WorkbenchError("an account needs a name")
        if len(name) > 100:
            raise WorkbenchError("an account name may be at most 100 characters")
        role = check_role(role)
        hashed = hash_password(password)
        with self.transaction():
            actor = self.privileges(who)
            actor.require(actor.can_manage_accounts(), "manage accounts")
            if self.account(name) is not None:
                raise WorkbenchError(f"an account named {name!r} already exists")
            stamp = now()
            self.conn.execute(
                "INSERT INTO accounts (name, role, password_hash, email, created, updated) VALUES (?, ?, ?, ?, ?, ?)",
                (name, role, hashed, (email or "").strip(), stamp, stamp))
            self._link_coder(name, role)
            self._audit(actor.name, actions.account_added({"name": name, "role": role,
                                                            "email": (email or "").strip()}))
        return self._require_account(name)

    def _link_coder(self, name: str, role: str) -> None:
        coder = self._one("SELECT id FROM coders WHERE name = ? COLLATE NOCASE", (name,))
        if coder is None:
            self.conn.execute("INSERT INTO coders (name, role) VALUES (?, ?)", (name, role))
        else:
            self.conn.execute("UPDATE coders SET role = ? WHERE id = ?", (role, coder))

    def _admins(self) -> int:
        return int(self._one("SELECT count(*) FROM accounts WHERE role = 'admin'"))

    def set_account_role(self, name: str, role: str, who: Any) -> None:
        role = check_role(role)
        with self.transaction():
            actor = self.privileges(who)
            actor.require(actor.can_manage_accounts(), "manage accounts")
            account = self._require_account(name)
            if account.role == "admin" and role != "admin" and self._admins() == 1:
                raise WorkbenchError(f"{account.name} is the only admin; make another account admin first")
            self.conn.execute("UPDATE accounts SET role = ?, updated = ? WHERE name = ?", (role, now(), account.name))
            self._link_coder(account.name, role)
            self._audit(actor.name, actions.account_role_changed(account.name, account.role, role))

    def set_account_password(self, name: str, password: str, who: Any) -> None:
        """A new password: by an admin (or the file's owner), or by the user themself."""
        from ..auth import hash_password

        hashed = hash_password(password)
        with self.transaction():
            actor = self.privileges(who)
            account = self._require_account(name)
            actor.require(actor.can_manage_accounts() or actor.is_me(account.name), "change another's password")
            self.conn.execute("UPDATE accounts SET password_hash = ?, updated = ? WHERE name = ?",
                              (hashed, now(), account.name))
            self._audit(actor.name, actions.account_password_changed(account.name))

    def remove_account(self, name: str, who: Any) -> None:
        """Remove an account; its coder and codings stay (attributed)."""
        with self.transaction():
            actor = self.privileges(who)
            actor.require(actor.can_manage_accounts(), "manage accounts")
            account = self._require_account(name)
            if account.role == "admin" and self._admins() == 1 and len(self.accounts()) > 1:
                raise WorkbenchError(f"{account.name} is the only admin; make another account admin first")
            self.conn.execute("DELETE FROM accounts WHERE name = ?", (account.name,))
            self.conn.execute("UPDATE coders SET role = 'former' WHERE name = ? COLLATE NOCASE", (account.name,))
            self._audit(actor.name, actions.account_removed(account.as_dict()))

    def check_login(self, name: str, password: str) -> Account | None:
        """The account if ``password`` is its password, else None (the same time either way)."""
        from ..auth import verify_password

        row = self.conn.execute("SELECT name, password_hash FROM accounts WHERE name = ? COLLATE NOCASE",
                                (normalise_name(name),)).fetchone()
        if not verify_password(row[1] if row else None, password) or row is None:
            return None
        return self.account(row[0])

    # ---------------------------------------------------------------------------------------------- who acts
    def privileges(self, who: Any) -> Privileges:
        """The acting user's privileges. ``who``: a :class:`Privileges` (used as it is, with the project's
        current blind setting), or a name: in a project without accounts the single-user mode; with accounts the
        name must be an account's."""
        blind_value, accounts = self.conn.execute(  # one query: the most frequent question of the store
            "SELECT (SELECT value FROM settings WHERE key = 'blind'), EXISTS (SELECT 1 FROM accounts)").fetchone()
        blind = blind_value == "on"
        if isinstance(who, Privileges):
            if who.blind != blind:
                who = Privileges(who.name, who.role, blind, who.exercise_documents, who.submitted_exercises)
            return who
        name = normalise_name(who)
        if not accounts:
            return Privileges.local(name, blind)
        account = self.account(name)
        if account is None:
            if not name:
                raise WorkbenchError("this project has accounts: log in with your account", cli="account")
            raise WorkbenchError(f"{name!r} is not an account of this project; an admin adds it",
                                 cli="add_account")
        # student_exercises: from the exercises part of the store (store/exercises.py)
        documents, submitted = self.student_exercises(account.name) if account.role == "student" else ((), ())
        return Privileges(account.name, account.role, blind, frozenset(documents), frozenset(submitted))

    def _allowed(self, who: Any, check: str, action: str, *args: Any) -> Privileges:
        """The acting user, if ``Privileges.<check>(*args)`` allows them; else the "… may not <action>" error.
        Call it inside the write transaction."""
        actor = self.privileges(who)
        actor.require(getattr(actor, check)(*args), action)
        return actor

    def view_as(self, who: Any) -> Privileges:
        """Let every later read of codings on this connection show only what ``who`` may see; returns them."""
        self.viewer = self.privileges(who)
        return self.viewer

    def _may_see_coder(self, coder: str) -> bool:
        return self.viewer is None or self.privileges(self.viewer).can_see_codings_of(coder)

    def _visible_where(self, column: str = "coder_id", keyword: str = "WHERE") -> str:
        """`` WHERE coder_id IN (1, 2)`` for the coders the viewer may see ('' when all; ids are integers)."""
        ids = self._visible_coder_ids()
        if ids is None:
            return ""
        return f" {keyword} {column} IN ({', '.join(str(int(i)) for i in ids)})"

    def visibility_key(self) -> tuple[int, ...] | None:
        """What the viewer may see, as a cache key (None: everything)."""
        ids = self._visible_coder_ids()
        return None if ids is None else tuple(sorted(ids))

    def _visible_coder_ids(self) -> list[int] | None:
        """The coder ids the viewer may see; None: all (no viewer, or one who sees everyone)."""
        viewer = self.viewer
        if viewer is None:
            return None
        viewer = self.privileges(viewer)
        if viewer.sees_all_codings():
            return None
        return [coder_id for coder_id, name in self.conn.execute("SELECT id, name FROM coders")
                if viewer.can_see_codings_of(name)]
