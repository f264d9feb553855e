"""Logging in: password hashes, slowing down failed logins, idle sessions, who is working now, the door token.

Pure Python (no Streamlit): the login page and the command line use these; the store keeps only the hash.
Passwords are hashed with argon2id (``argon2-cffi``), never stored or logged in clear.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from .errors import WorkbenchError

MIN_PASSWORD = 8
DEFAULT_IDLE_MINUTES = 60
FREE_FAILURES = 3  # failed logins before the waiting starts
MAX_DELAY = 300.0  # seconds


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


def check_password_strength(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise WorkbenchError(f"a password needs at least {MIN_PASSWORD} characters")
    if password != password.strip() or "\n" in password:
        raise WorkbenchError("a password may not start or end with white space")
    return password


def hash_password(password: str) -> str:
    """An argon2id hash (salted; the string carries its parameters)."""
    return _hasher().hash(check_password_strength(password))


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; a missing hash never matches (but costs the same time)."""
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    hasher = _hasher()
    try:
        if not stored_hash:
            hasher.verify(_DUMMY_HASH(), password or "")
            return False
        return hasher.verify(stored_hash, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


_dummy: list[str] = []


def _DUMMY_HASH() -> str:  # noqa: N802 - a lazily made constant
    if not _dummy:
        _dummy.append(_hasher().hash(secrets.token_urlsafe(16)))
    return _dummy[0]


# ------------------------------------------------------------------------------------------- failed logins
class LoginThrottle:
    """Slows down failed logins per account and per address: after :data:`FREE_FAILURES` failures, each
    further attempt must wait ``2 ** (failures - FREE_FAILURES)`` seconds (at most :data:`MAX_DELAY`) after the
    last failure. A success clears the account's and the address's count."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._failures: dict[str, tuple[int, float]] = {}

    @staticmethod
    def _keys(account: str, address: str | None) -> list[str]:
        keys = ["account:" + " ".join((account or "").split()).casefold()]
        if address:
            keys.append("address:" + address)
        return keys

    def wait_seconds(self, account: str, address: str | None = None) -> float:
        """How long this login must still wait (0: it may be tried now)."""
        now = self.clock()
        wait = 0.0
        with self._lock:
            for key in self._keys(account, address):
                count, last = self._failures.get(key, (0, now))
                if count >= FREE_FAILURES:
                    delay = min(2.0 ** (count - FREE_FAILURES), MAX_DELAY)
                    wait = max(wait, last + delay - now)
        return max(wait, 0.0)

    def failed(self, account: str, address: str | None = None) -> None:
        now = self.clock()
        with self._lock:
            for key in self._keys(account, address):
                count, _ = self._failures.get(key, (0, now))
                self._failures[key] = (count + 1, now)

    def succeeded(self, account: str, address: str | None = None) -> None:
        with self._lock:
            for key in self._keys(account, address):
                self._failures.pop(key, None)


# ------------------------------------------------------------------------------------------- sessions
@dataclass
class Presence:
    """One browser session's user and when it last did something."""

    name: str
    role: str
    last_seen: float


class Sessions:
    """Who is working now (one entry per browser session), and idle expiry. Shared by the sessions of one
    server process."""

    def __init__(self, idle_minutes: float = DEFAULT_IDLE_MINUTES, clock: Callable[[], float] = time.time) -> None:
        self.idle_seconds = idle_minutes * 60
        self.clock = clock
        self._lock = threading.Lock()
        self._sessions: dict[str, Presence] = {}
        self._tokens: dict[str, Presence] = {}  # login cookies: a random key -> who, last seen

    def issue(self, name: str, role: str) -> str:
        """A new login token for ``name`` (the browser keeps it in a cookie; only this server process knows it)."""
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[token] = Presence(name, role, self.clock())
        return token

    def resume(self, token: str | None) -> str | None:
        """The name a still-fresh login token belongs to (its idle time restarts), else None."""
        if not token:
            return None
        with self._lock:
            seen = self._tokens.get(token)
            if seen is None:
                return None
            if self.clock() - seen.last_seen > self.idle_seconds:
                del self._tokens[token]
                return None
            seen.last_seen = self.clock()
            return seen.name

    def revoke(self, token: str | None) -> None:
        with self._lock:
            self._tokens.pop(token or "", None)

    def touch(self, session_id: str, name: str, role: str) -> None:
        with self._lock:
            self._sessions[session_id] = Presence(name, role, self.clock())

    def expired(self, last_active: float | None) -> bool:
        """Whether a session last active at ``last_active`` has been idle too long."""
        return last_active is not None and self.clock() - last_active > self.idle_seconds

    def leave(self, session_id: str) -> None:
        with self._lock:
            self._sessions.pop(session_id, None)

    def working_now(self) -> list[Presence]:
        """The users active within the idle time, one entry per name (the latest), by name."""
        now = self.clock()
        latest: dict[str, Presence] = {}
        with self._lock:
            for key, seen in list(self._sessions.items()):
                if now - seen.last_seen > self.idle_seconds:
                    del self._sessions[key]
                    continue
                if seen.name not in latest or latest[seen.name].last_seen < seen.last_seen:
                    latest[seen.name] = seen
        return [latest[name] for name in sorted(latest, key=str.casefold)]


# ------------------------------------------------------------------------------------------- the door token
DOOR_COOKIE = "workbench_door"


def new_token() -> str:
    return secrets.token_hex(24)


def door_cookie_value(token: str) -> str:
    """The signed cookie a browser gets for opening the tokened URL (the token itself never goes in it)."""
    return hmac.new(token.encode(), b"workbench door v1", hashlib.sha256).hexdigest()


def token_matches(token: str, given: str | None) -> bool:
    return bool(token) and given is not None and hmac.compare_digest(token.encode(), given.encode())


def cookie_matches(token: str, given: str | None) -> bool:
    return bool(token) and given is not None and hmac.compare_digest(door_cookie_value(token).encode(),
                                                                     given.encode())
