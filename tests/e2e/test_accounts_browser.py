"""A project with accounts in a real browser: login and logout, and two users coding one document at once."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workbench.codebook import import_codebook
from workbench.ingest import import_sources
from workbench.privileges import Privileges
from workbench.store import create_project, open_project

from ..conftest import CODEBOOK, TRANSCRIPT
from .conftest import App
from .helpers import apply_code, drag_select, highlight_spans, wait_idle

PASSWORD = "a-long-passphrase"
UNDO = re.compile(r"^↶ Undo: code")


@pytest.fixture(scope="module")
def team_app(tmp_path_factory):
    path = tmp_path_factory.mktemp("team") / "team.wbproj"
    with create_project(path) as project:
        import_sources(project, [("ria.txt", TRANSCRIPT.encode("utf-8"))])
        import_codebook(project, CODEBOOK)
        for name, role in [("ada", "admin"), ("anna", "coder"), ("bob", "coder")]:
            project.add_account(name, role, PASSWORD, who=Privileges.local())
    running = App(path)
    yield running
    running.stop()


def log_in(page, app: App, name: str) -> None:
    page.goto(app.url + "/")
    page.get_by_role("textbox", name="Name").fill(name)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_text(f"Logged in as {name}").wait_for()
    wait_idle(page)


def open_code_page(page) -> None:
    """The Code page through the app's own navigation (a new address would be a new session: log in again)."""
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Code").first.click()
    page.wait_for_selector('[data-testid="transcript"] .wb-piece', state="attached")
    wait_idle(page)


def rerun(page) -> None:
    """Make the page run again (as any click does): show only my codings, then all coders again."""
    page.get_by_text("my codings").click()
    wait_idle(page)
    page.get_by_text("all coders").click()
    page.wait_for_selector('[data-testid="transcript"] .wb-piece', state="attached")
    wait_idle(page)


def new_page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 950})
    page = context.new_page()
    page.set_default_timeout(20_000)
    return context, page


def test_login_and_logout(team_app, browser):
    context, page = new_page(browser)
    try:
        page.goto(team_app.url + "/")
        page.get_by_role("button", name="Log in").wait_for()
        assert "ria" not in page.locator('[data-testid="stMain"]').inner_text()
        page.get_by_role("textbox", name="Name").fill("anna")
        page.get_by_role("textbox", name="Password").fill("wrong-password")
        page.get_by_role("button", name="Log in").click()
        page.get_by_text("Wrong name or password.").wait_for()
        log_in(page, team_app, "anna")
        page.goto(team_app.url + "/codebook")  # a new page of the same browser: still logged in (the cookie)
        page.get_by_text("Logged in as anna").wait_for()
        page.get_by_role("button", name="Log out").click()
        page.get_by_text("You are logged out.").wait_for()
        page.get_by_role("button", name="Log in").wait_for()
        page.reload()  # the login cookie is forgotten at logout
        page.get_by_role("button", name="Log in").wait_for()
        wait_idle(page)
        assert page.get_by_text("Logged in as anna").count() == 0
    finally:
        context.close()
    log = Path(team_app.project.with_suffix(".log")).read_text()
    assert PASSWORD not in log and "wrong-password" not in log


def offsets(path: Path, phrase: str) -> tuple[int, int]:
    with open_project(path) as project:
        text = project.document_text(project.document_id("ria"))
    start = text.index(phrase)
    return start, start + len(phrase)


def test_two_users_code_the_same_document_at_once(team_app, browser):
    (a_ctx, anna), (b_ctx, bob) = new_page(browser), new_page(browser)
    try:
        log_in(anna, team_app, "anna")
        log_in(bob, team_app, "bob")
        open_code_page(anna)
        open_code_page(bob)
        anna_span = offsets(team_app.project, "Sinds achtenzestig.")
        bob_span = offsets(team_app.project, "Iedereen kende iedereen.")
        drag_select(anna, *anna_span)
        drag_select(bob, *bob_span)  # both selections pending at the same time, each in its own session
        apply_code(anna, "distrust")
        apply_code(bob, "distrust")
        with open_project(team_app.project) as project:
            stored = {(s.coder, s.start, s.end) for s in project.segments()}
        assert stored == {("anna", *anna_span), ("bob", *bob_span)}
        rerun(anna)
        assert highlight_spans(anna, "distrust") == sorted([anna_span, bob_span])  # the other's, after a rerun
        anna.get_by_role("button", name=UNDO).click()
        anna.get_by_text(re.compile("Undone: code")).wait_for()
        with open_project(team_app.project) as project:
            assert {(s.coder, s.start, s.end) for s in project.segments()} == {("bob", *bob_span)}
        assert bob.get_by_role("button", name=UNDO).is_visible()  # bob's undo is his own
        bob.get_by_role("button", name=UNDO).click()
        bob.get_by_text(re.compile("Undone: code")).wait_for()
        with open_project(team_app.project) as project:
            assert list(project.segments()) == []
            assert {e.who for e in project.audit_log() if e.action.startswith("segment.")} == {"anna", "bob"}
    finally:
        a_ctx.close()
        b_ctx.close()
