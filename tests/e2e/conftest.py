"""Browser tests: the app runs on a free loopback port and Playwright drives Debian's Chromium.

Under ``CI=true`` a missing browser is a failure, not a skip.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("WORKBENCH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
# Screenshots go to a temporary folder, so the suite never rewrites the tracked README pictures; `make screenshots`
# points $WORKBENCH_SCREENSHOTS at docs/screenshots to update them.
SCREENSHOTS_ENV = "WORKBENCH_SCREENSHOTS"


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (install Debian's chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


def wait_until_healthy(url: str, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    """Wait until the server at ``url`` answers its health check (it must not exit meanwhile)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited: {log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the app did not start within {seconds:g} s")


class App:
    """A running ``workbench serve`` on a free port."""

    def __init__(self, project: Path, coder: str | None = None, env: dict[str, str] | None = None,
                 door: bool = False) -> None:
        """``door``: keep the token door (the token is then ``self.token``); else ``--no-token``."""
        self.project = project
        self.token = "e2e-" + os.urandom(8).hex() if door else None
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "workbench", "serve", str(project), "--port", str(self.port)]
        if coder:
            command += ["--coder", coder]
        if not door:
            command.append("--no-token")
        env = {**(env or {}), **({"WORKBENCH_TOKEN": self.token} if self.token else {})}
        self.log = open(project.with_suffix(".log"), "w")
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, cwd=ROOT,
                                        env={**os.environ, **(env or {})})
        wait_until_healthy(self.url, self.process, project.with_suffix(".log"))

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    """Where browser tests save their screenshots: ``$WORKBENCH_SCREENSHOTS`` or a temporary folder."""
    chosen = os.environ.get(SCREENSHOTS_ENV)
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def demo_app(tmp_path_factory):
    """The demo project, served with the coder preset to marloes (read-only use: tests must not change it)."""
    from workbench.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.wbproj"
    build_demo(path)
    running = App(path, coder="marloes")
    yield running
    running.stop()


@pytest.fixture
def page(browser) -> Iterator:
    context = browser.new_context(viewport={"width": 1440, "height": 950})
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failing browser test, keep a screenshot beside the test log for diagnosis."""
    outcome = yield
    report = outcome.get_result()
    page = item.funcargs.get("page") if hasattr(item, "funcargs") else None
    if report.when == "call" and report.failed and page is not None:
        folder = ROOT / ".pytest_cache" / "e2e-failures"
        folder.mkdir(parents=True, exist_ok=True)
        try:
            page.screenshot(path=str(folder / f"{item.name}.png"), full_page=True)
        except Exception:
            pass
