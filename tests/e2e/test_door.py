"""The locked door of `workbench serve`: the tokened URL, a signed cookie, refused foreign Host headers."""

from __future__ import annotations

import http.client
import re
from pathlib import Path

import pytest

from workbench.ingest import import_sources
from workbench.store import create_project

from ..conftest import TRANSCRIPT
from .conftest import App
from .helpers import wait_idle


@pytest.fixture(scope="module")
def door_app(tmp_path_factory):
    path = tmp_path_factory.mktemp("door") / "door.wbproj"
    with create_project(path) as project:
        import_sources(project, [("geheim-interview.txt", TRANSCRIPT.encode("utf-8"))])
    running = App(path, door=True)
    yield running
    running.stop()


def raw_get(app: App, path: str = "/", host: str | None = None) -> tuple[int, dict[str, str], str]:
    connection = http.client.HTTPConnection("127.0.0.1", app.port, timeout=10)
    connection.putrequest("GET", path, skip_host=True)
    connection.putheader("Host", host or f"127.0.0.1:{app.port}")
    connection.endheaders()
    response = connection.getresponse()
    result = response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode()
    connection.close()
    return result


def test_serve_prints_the_tokened_url_on_a_line_of_its_own(door_app):
    log = Path(door_app.project.with_suffix(".log")).read_text()
    lines = log.splitlines()
    assert f"http://127.0.0.1:{door_app.port}/?token={door_app.token}" in lines
    assert log.count(door_app.token) == 1  # nowhere else in the server's output


def test_raw_requests_without_the_token_or_with_a_foreign_host_are_refused(door_app):
    status, _, body = raw_get(door_app)
    assert status == 403 and "?token=" in body and "geheim" not in body
    status, _, body = raw_get(door_app, f"/?token={door_app.token}", host=f"rebound.example:{door_app.port}")
    assert status == 403 and "unknown host" in body
    status, headers, _ = raw_get(door_app, f"/?token={door_app.token}")
    assert status == 303 and "HttpOnly" in headers["set-cookie"] and door_app.token not in headers["set-cookie"]


def test_browser_without_token_is_shown_how_to_get_in_then_the_token_lets_it_in(door_app, browser):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(door_app.url + "/")
        assert "This workbench is locked" in page.content()
        assert "geheim-interview" not in page.content()
        page.goto(f"{door_app.url}/?token={door_app.token}")
        page.wait_for_selector('[data-testid="stApp"]')
        wait_idle(page)
        assert "token=" not in page.url
        page.get_by_text("geheim-interview").first.wait_for(state="attached")
        again = context.new_page()  # the cookie keeps the door open for this browser
        again.goto(f"{door_app.url}/project")
        again.wait_for_selector('[data-testid="stApp"]')
        again.get_by_text("geheim-interview").first.wait_for(state="attached")
    finally:
        context.close()
    stranger = browser.new_context()
    try:
        page = stranger.new_page()
        page.goto(f"{door_app.url}/project")
        assert "This workbench is locked" in page.content()
        assert re.search("geheim", page.content()) is None
    finally:
        stranger.close()
