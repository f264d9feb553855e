"""Password hashes, the failed-login throttle, idle sessions, and the door middleware (called as ASGI)."""

from __future__ import annotations

import asyncio
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.auth import (FREE_FAILURES, MAX_DELAY, LoginThrottle, Sessions, cookie_matches, door_cookie_value,
                            hash_password, new_token, token_matches, verify_password)
from workbench.door import DoorMiddleware, allowed_hosts, cookie_name
from workbench.errors import WorkbenchError


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_hash_is_argon2_salted_and_verifies():
    first, second = hash_password("correct horse"), hash_password("correct horse")
    assert first.startswith("$argon2id$") and first != second
    assert "correct horse" not in first
    assert verify_password(first, "correct horse")
    assert not verify_password(first, "correct horsE")
    assert not verify_password(None, "correct horse")
    assert not verify_password("not a hash", "correct horse")


def test_short_passwords_are_refused():
    with pytest.raises(WorkbenchError, match="at least 8 characters"):
        hash_password("short")


def test_throttle_waits_after_free_failures_per_account_and_per_address():
    clock = Clock()
    throttle = LoginThrottle(clock)
    for _ in range(FREE_FAILURES):
        assert throttle.wait_seconds("ria", "10.0.0.1") == 0
        throttle.failed("ria", "10.0.0.1")
    assert throttle.wait_seconds("ria", "10.0.0.1") == 1.0
    assert throttle.wait_seconds("RIA ", "10.0.0.9") == 1.0  # per account, name folded
    assert throttle.wait_seconds("daan", "10.0.0.1") == 1.0  # per address
    assert throttle.wait_seconds("daan", "10.0.0.9") == 0
    throttle.failed("ria", "10.0.0.1")
    assert throttle.wait_seconds("ria", None) == 2.0  # doubles
    clock.now += 2.0
    assert throttle.wait_seconds("ria", None) == 0
    for _ in range(30):
        throttle.failed("ria", None)
    assert throttle.wait_seconds("ria", None) == MAX_DELAY
    throttle.succeeded("ria", "10.0.0.1")
    assert throttle.wait_seconds("ria", "10.0.0.1") == 0


def test_sessions_expire_and_list_who_is_working():
    clock = Clock()
    sessions = Sessions(idle_minutes=10, clock=clock)
    sessions.touch("s1", "ria", "coder")
    sessions.touch("s2", "daan", "supervisor")
    sessions.touch("s3", "ria", "coder")
    assert [(p.name, p.role) for p in sessions.working_now()] == [("daan", "supervisor"), ("ria", "coder")]
    clock.now += 601
    sessions.touch("s2", "daan", "supervisor")
    assert [p.name for p in sessions.working_now()] == ["daan"]
    assert sessions.expired(clock.now - 601) and not sessions.expired(clock.now - 599)
    assert not sessions.expired(None)
    sessions.leave("s2")
    assert sessions.working_now() == []


@given(st.text(min_size=1, max_size=40))
@settings(max_examples=50)
def test_token_and_cookie_checks(given_token):
    token = new_token()
    assert token_matches(token, token) and cookie_matches(token, door_cookie_value(token))
    assert token not in door_cookie_value(token)
    assert token_matches(token, given_token) is (given_token == token)
    assert cookie_matches(token, given_token) is (given_token == door_cookie_value(token))
    assert not token_matches("", "") and not cookie_matches("", door_cookie_value(""))


# ------------------------------------------------------------------------------------------- the middleware
async def _inner(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"project content"})


def call(door: DoorMiddleware, path: str = "/", query: str = "", host: str = "127.0.0.1:8600",
         cookie: str | None = None, kind: str = "http") -> list[dict]:
    headers = [(b"host", host.encode())]
    if cookie is not None:
        headers.append((b"cookie", cookie.encode()))
    scope = {"type": kind, "path": path, "query_string": query.encode(), "headers": headers, "root_path": ""}
    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request"}

    run_in_own_loop(door(scope, receive, send))
    return sent


def run_in_own_loop(coroutine) -> None:
    """Run a coroutine on a thread of its own: an earlier test (Playwright's sync API) may leave an event loop
    running in this thread, where ``asyncio.run`` refuses to start."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(coroutine)
        except BaseException as exc:  # noqa: BLE001 - raised again in the test's thread
            failures.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if failures:
        raise failures[0]


def body(sent: list[dict]) -> bytes:
    return b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def make_door(mode: str = "token", token: str = "t0ken") -> DoorMiddleware:
    return DoorMiddleware(_inner, mode=mode, token=token, hosts=allowed_hosts("127.0.0.1", 8600), port=8600)


def test_door_without_token_shows_how_to_get_in_and_no_content():
    sent = call(make_door())
    assert sent[0]["status"] == 403
    assert b"?token=" in body(sent) and b"project content" not in body(sent)


def test_door_with_wrong_token_stays_shut():
    assert call(make_door(), query="token=wrong")[0]["status"] == 403


def test_door_with_token_sets_a_signed_cookie_and_drops_the_token_from_the_address():
    sent = call(make_door(), path="/code", query="token=t0ken&document=ria")
    start = sent[0]
    assert start["status"] == 303
    headers = dict(start["headers"])
    assert headers[b"location"] == b"/code?document=ria"
    cookie = headers[b"set-cookie"].decode()
    assert cookie.startswith(f"{cookie_name(8600)}={door_cookie_value('t0ken')};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "t0ken" not in cookie
    inside = call(make_door(), path="/code", cookie=f"{cookie_name(8600)}={door_cookie_value('t0ken')}")
    assert body(inside) == b"project content"


def test_door_closes_the_websocket_without_the_cookie():
    sent = call(make_door(), path="/_stcore/stream", kind="websocket")
    assert sent == [{"type": "websocket.close", "code": 1008}]


def test_door_refuses_a_foreign_host_even_with_the_cookie():
    cookie = f"{cookie_name(8600)}={door_cookie_value('t0ken')}"
    for mode in ("token", "accounts", "open"):
        sent = call(make_door(mode), host="evil.example:8600", cookie=cookie)
        assert sent[0]["status"] == 403 and b"project content" not in body(sent)
    assert body(call(make_door("open"), host="localhost:8600")) == b"project content"
    assert body(call(make_door("accounts"))) == b"project content"


def test_health_check_passes_the_token_door():
    assert body(call(make_door(), path="/_stcore/health")) == b"project content"


def test_allowed_hosts():
    assert "localhost:8501" in allowed_hosts("127.0.0.1", 8501)
    assert allowed_hosts("192.168.1.5", 80) == ["192.168.1.5:80"]
    assert allowed_hosts("0.0.0.0", 80) == []


def test_login_tokens_resume_until_idle_or_revoked():
    clock = Clock()
    sessions = Sessions(idle_minutes=10, clock=clock)
    token = sessions.issue("ria", "coder")
    assert sessions.resume(token) == "ria"
    assert sessions.resume("forged") is None and sessions.resume(None) is None
    clock.now += 599
    assert sessions.resume(token) == "ria"  # resuming restarts the idle time
    clock.now += 599
    assert sessions.resume(token) == "ria"
    clock.now += 601
    assert sessions.resume(token) is None
    other = sessions.issue("daan", "coder")
    sessions.revoke(other)
    assert sessions.resume(other) is None
