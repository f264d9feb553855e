"""Nothing leaves the machine: every page used on a hostile project (names, definitions, memos, attributes and the
project file name with remote images, links and HTML) makes the browser request nothing but 127.0.0.1.

Every request of the browser context is intercepted: loopback requests go through, any other is recorded and
aborted. Websockets are recorded as well."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from workbench.ingest import import_sources
from workbench.store import create_project

from .conftest import App
from .helpers import open_page, wait_idle

REMOTE = "203.0.113.9"  # TEST-NET-3: never routed; a request to it is the leak we look for
# Line ends that end an HTML block in CommonMark, then an image, raw HTML, a link, a protocol-relative image
# (backslashes count as slashes in browsers, so names without "/" can reach out too), a stylesheet and math.
PAYLOAD = (f"\r\r![p](http://{REMOTE}/p.png)\r\n\r\n<img src=\"http://{REMOTE}/i.png\"> [l](http://{REMOTE}/l)"
           f" ![b](\\\\{REMOTE}\\b.png)\n\n<link rel=stylesheet href=//{REMOTE}/s.css> $x$ **bold**")
NAME = f"![n](\\\\{REMOTE}\\n.png) <img src=\\\\{REMOTE}\\m.png> _x_"  # no "/" (code and file names)
TEXT = (f"Interviewer: Hoe gaat het?\n\nR: Goed. ![t](http://{REMOTE}/t.png) <img src=http://{REMOTE}/u.png>"
        " Echt waar.\n")


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    path = folder / f"{NAME}.wbproj"
    with create_project(path) as project:
        document = f"doc {NAME}"
        import_sources(project, [(f"{document}.txt", TEXT.encode())],
                       cases=("cases.csv", f"document,case,{NAME}\n{document},case {NAME},v {NAME}\n".encode()),
                       language="nl")
        parent = project.add_code(f"code {NAME}", definition=PAYLOAD, when_to_use=PAYLOAD, when_not_to_use=PAYLOAD,
                                  example=PAYLOAD, keywords=[PAYLOAD])
        child = project.add_code(f"child {NAME}", parent_id=parent, definition=PAYLOAD)
        doc_id = project.document_id(document)
        text = project.document_text(doc_id)
        start = text.index("Goed")
        project.add_segment(doc_id, start, start + 20, parent, f"coder {NAME}", memo=PAYLOAD)
        project.add_segment(doc_id, start + 5, start + 30, child, f"coder {NAME}", memo=PAYLOAD)
        project.add_memo(PAYLOAD, author=f"author {NAME}", title=PAYLOAD)
        project.add_memo(PAYLOAD, author=PAYLOAD, kind="code", code_id=parent, title=NAME)
    running = App(path, coder=f"coder {NAME}")
    yield running
    running.stop()


@pytest.fixture
def watched(page):
    """The page, with every non-loopback request recorded and aborted."""
    outside: list[str] = []

    def route(route, request) -> None:
        host = urlsplit(request.url).hostname
        if request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            route.continue_()
        else:
            outside.append(request.url)
            route.abort()

    page.context.route("**/*", route)
    page.on("websocket", lambda ws: None if urlsplit(ws.url).hostname == "127.0.0.1" else outside.append(ws.url))
    page.on("request", lambda r: None if urlsplit(r.url).hostname in ("127.0.0.1", None) or
            r.url.startswith(("data:", "blob:")) else outside.append(r.url))
    return page, outside


def expand_everything(page) -> None:
    """Open every expander and visit every tab, so all user text on the page is rendered."""
    wait_idle(page)
    for summary in page.locator('[data-testid="stExpander"] summary >> visible=true').all():
        summary.click()
        wait_idle(page)
    for tab in page.get_by_role("tab").all():
        tab.click()
        wait_idle(page)


def open_first_dropdown(page) -> None:
    """Show the options of the first select box (code paths are options)."""
    box = page.locator('[data-testid="stSelectbox"] >> visible=true').first
    if box.count():
        box.click()
        page.wait_for_timeout(300)
        page.keyboard.press("Escape")


@pytest.mark.parametrize("path", ["", "code", "codebook", "retrieve", "cooccurrence", "agreement"])
def test_a_page_on_a_hostile_project_requests_nothing_outside_loopback(hostile_app, watched, path):
    page, outside = watched
    open_page(page, hostile_app, path)
    expand_everything(page)
    open_first_dropdown(page)
    page.wait_for_timeout(500)
    body = page.locator('[data-testid="stMain"]').inner_text() + page.locator(
        '[data-testid="stSidebar"]').inner_text()
    assert REMOTE in body, "the hostile strings should be on the page, shown as text"
    # An element that would load or lead to the remote host; a link inside the app whose query string carries a
    # hostile document name (``code?document=…203.0.113.9…``) stays on 127.0.0.1 and does not count.
    live = page.evaluate("""remote => [...document.querySelectorAll('img[src], link[href], a[href]')]
        .filter(e => new URL(e.getAttribute('src') || e.getAttribute('href'), document.baseURI).hostname === remote)
        .map(e => e.parentElement.outerHTML)""", REMOTE)
    assert live == []
    assert outside == []


def test_the_sidebar_shows_the_project_file_name_as_typed(hostile_app, watched):
    page, outside = watched
    open_page(page, hostile_app, "")
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    assert f"{NAME}.wbproj" in sidebar
    assert outside == []
    assert Path(hostile_app.project).name == f"{NAME}.wbproj"
