"""Run inside a network namespace without interfaces (``unshare -n``) by ``test_offline_server.py``:

    python offline_probe.py PROJECT OUT_DIR

brings up ``lo``, starts ``workbench serve PROJECT --host 0.0.0.0`` under ``strace -f -e trace=connect`` (log in
OUT_DIR/connect.log), opens every page in Chromium, tries a cross-origin WebSocket (with and without the door's
cookie), stops the server and writes what it saw to OUT_DIR/probe.json.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from base64 import b64encode
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS, free_port, wait_until_healthy  # noqa: E402
from tests.e2e.helpers import wait_idle  # noqa: E402

PAGES = ["", "code", "codebook", "retrieve", "cooccurrence", "agreement"]
TOKEN = "probe-" + os.urandom(8).hex()


def door_cookie(port: int) -> str:
    """The cookie the door hands out for the token URL (``name=value``)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET /?token={TOKEN} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
                     .encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    for line in answer.decode("latin-1").split("\r\n"):
        if line.lower().startswith("set-cookie:"):
            return line.split(":", 1)[1].strip().split(";")[0]
    raise RuntimeError("the door gave no cookie")


def websocket_attempt(port: int, origin: str, cookie: str | None) -> str:
    """Open the app's WebSocket with a foreign ``Origin``; returns the status line of the answer."""
    key = b64encode(os.urandom(16)).decode()
    request = (f"GET /_stcore/stream HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
               f"Sec-WebSocket-Protocol: streamlit\r\nOrigin: {origin}\r\n"
               + (f"Cookie: {cookie}\r\n" if cookie else "") + "\r\n")
    with socket.create_connection(("127.0.0.1", port), timeout=15) as sock:
        sock.sendall(request.encode())
        sock.settimeout(15)
        try:
            answer = sock.recv(4096)
        except OSError as exc:
            return f"no answer ({exc})"
    return answer.decode("latin-1").split("\r\n", 1)[0]


def main(project: str, out: str) -> int:
    out_dir = Path(out)
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    interfaces = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True, check=True).stdout
    # A control: Streamlit's own look-up of the internal address, which connects towards 8.8.8.8, must show up.
    subprocess.run(["strace", "-f", "-qq", "-e", "trace=connect", "-o", str(out_dir / "control.log"),
                    sys.executable, "-c", "from streamlit import net_util; net_util.get_internal_ip()"],
                   check=True, cwd=ROOT)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(out_dir / "server.log", "w")
    server = subprocess.Popen(
        ["strace", "-f", "-qq", "-e", "trace=connect", "-o", str(out_dir / "connect.log"),
         sys.executable, "-m", "workbench", "serve", project, "--host", "0.0.0.0", "--port", str(port),
         "--coder", "probe"],
        stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, env={**os.environ, "WORKBENCH_TOKEN": TOKEN},
        start_new_session=True)  # its own process group: a SIGTERM to strace alone would leave the server running
    seen: dict = {"interfaces": interfaces, "pages": {}, "websockets": {}, "browser_outside": []}
    try:
        wait_until_healthy(url, server, out_dir / "server.log", seconds=90)
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.on("request", lambda r: None if r.url.startswith((url, "data:", "blob:"))
                       else seen["browser_outside"].append(r.url))
            page = context.new_page()
            page.set_default_timeout(60_000)
            page.goto(f"{url}/?token={TOKEN}")
            for path in PAGES:
                page.goto(f"{url}/{path}")
                page.wait_for_selector('[data-testid="stApp"]')
                wait_idle(page, 60_000)
                try:
                    seen["pages"][path or "project"] = page.locator("h1").first.inner_text(timeout=30_000)
                except PlaywrightError as exc:
                    seen["pages"][path or "project"] = f"no title: {exc}"[:300]
            browser.close()
        cookie = door_cookie(port)
        for name, origin, with_cookie in (("foreign origin with cookie", "http://attacker.example", True),
                                          ("foreign origin without cookie", "http://attacker.example", False),
                                          ("foreign IP origin with cookie", "http://198.51.100.7:8501", True)):
            seen["websockets"][name] = websocket_attempt(port, origin, cookie if with_cookie else None)
        time.sleep(1)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
        (out_dir / "probe.json").write_text(json.dumps(seen, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], sys.argv[2]))
