"""The locked door in front of the app: an ASGI middleware around Streamlit's server.

- Every request whose ``Host`` header is not the served address is refused (403): a web page on another site
  cannot reach the app through a rebound DNS name.
- In token mode (a project without accounts) only a browser that opened the URL with ``?token=…`` gets in: that
  request is answered with a signed cookie (``HttpOnly``, ``SameSite=Strict``; the token itself is not in it) and a
  redirect to the same address without the token. Any other request without that cookie gets a page that says how
  to get in (HTTP 403), and the app's WebSocket, the only way project content reaches the browser, is closed.
- With accounts the app's login page is the door (the middleware still checks the Host header).

``workbench serve`` sets ``$WORKBENCH_DOOR`` (``token``, ``accounts`` or ``open``), ``$WORKBENCH_TOKEN`` and
``$WORKBENCH_ALLOWED_HOSTS`` for the server process.
"""

from __future__ import annotations

import os
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode

from .auth import DOOR_COOKIE, cookie_matches, door_cookie_value, token_matches

OPEN_PATHS = {"/_stcore/health"}  # says only "ok": lets scripts wait for the server
LOCKED_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Case-Study Coding Workbench: locked</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 4em auto; line-height: 1.5">
<h1>This workbench is locked</h1>
<p>Open the address that <code>workbench serve</code> printed when it started: it ends in
<code>?token=…</code>. Only a browser that opened that address gets in.</p>
<p>Lost it? Stop the server and start it again (a new token is printed), or set <code>WORKBENCH_TOKEN</code>
before starting it.</p>
</body></html>
"""


def allowed_hosts(host: str, port: int) -> list[str]:
    """The Host headers the server answers to; empty: any (the server listens on every address)."""
    if host in ("0.0.0.0", "::", ""):
        return []
    names = [host]
    if host in ("127.0.0.1", "::1", "localhost"):
        names = ["127.0.0.1", "localhost", "[::1]"]
    return [f"{name}:{port}" for name in names]


def cookie_name(port: int | str) -> str:
    """Cookies are shared by every port of a host: the port keeps two servers' doors apart."""
    return f"{DOOR_COOKIE}_{port}"


class DoorMiddleware:
    """See the module docstring. ``mode``, ``token`` and ``hosts`` default to the environment."""

    def __init__(self, app: Any, mode: str | None = None, token: str | None = None,
                 hosts: list[str] | None = None, port: int | str | None = None) -> None:
        self.app = app
        self.mode = mode if mode is not None else os.environ.get("WORKBENCH_DOOR", "token")
        self.token = token if token is not None else os.environ.get("WORKBENCH_TOKEN", "")
        if hosts is None:
            hosts = [h for h in os.environ.get("WORKBENCH_ALLOWED_HOSTS", "").split(",") if h]
        self.hosts = {h.lower() for h in hosts}
        self.port = port if port is not None else os.environ.get("WORKBENCH_PORT", "")
        if self.mode == "token" and not self.token:
            raise RuntimeError("the door needs a token ($WORKBENCH_TOKEN) in token mode")

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        host = headers.get("host", "").lower()
        if self.hosts and host not in self.hosts:
            await self._refuse(scope, send, 403, "unknown host: this server answers only to its own address\n",
                               "text/plain")
            return
        if self.mode != "token" or scope.get("path") in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        if cookie_matches(self.token, self._cookie(headers)):
            await self.app(scope, receive, send)
            return
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True))
        if scope["type"] == "http" and token_matches(self.token, query.get("token")):
            await self._let_in(scope, send, query)
            return
        await self._refuse(scope, send, 403, LOCKED_PAGE, "text/html; charset=utf-8")

    def _cookie(self, headers: dict[str, str]) -> str | None:
        jar = SimpleCookie()
        try:
            jar.load(headers.get("cookie", ""))
        except CookieError:
            return None
        morsel = jar.get(cookie_name(self.port))
        return morsel.value if morsel else None

    async def _let_in(self, scope: dict[str, Any], send: Any, query: dict[str, str]) -> None:
        rest = {k: v for k, v in query.items() if k != "token"}
        location = (scope.get("root_path", "") + scope.get("path", "/")) + (f"?{urlencode(rest)}" if rest else "")
        cookie = (f"{cookie_name(self.port)}={door_cookie_value(self.token)}; Path=/; HttpOnly; SameSite=Strict")
        await send({"type": "http.response.start", "status": 303, "headers": [
            (b"location", location.encode("latin-1")), (b"set-cookie", cookie.encode("latin-1")),
            (b"cache-control", b"no-store"), (b"referrer-policy", b"no-referrer"), (b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})

    @staticmethod
    async def _refuse(scope: dict[str, Any], send: Any, status: int, body: str, content_type: str) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        data = body.encode("utf-8")
        await send({"type": "http.response.start", "status": status, "headers": [
            (b"content-type", content_type.encode()), (b"content-length", str(len(data)).encode()),
            (b"cache-control", b"no-store")]})
        await send({"type": "http.response.body", "body": data})
