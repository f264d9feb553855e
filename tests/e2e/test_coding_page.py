"""The coding page in a real browser: mouse selection, exact offsets, literal text, deep links, removal, undo."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.codebook import import_codebook
from workbench.ingest import import_sources
from workbench.store import create_project, open_project

from ..conftest import CODEBOOK
from .conftest import App
from .helpers import (
    TRANSCRIPT, apply_code, char_box, drag_select, highlight_spans, open_transcript, pending_span, wait_idle,
)

ROOT = Path(__file__).resolve().parents[2]
EMOJI = "R: Ik 😀 ben blij. 👍🏽 Echt waar, zeg.\r\nI: Goed zo 🇳🇱 hoor.\r\nR: Ja, de buurt is 𝔰𝔱𝔦𝔩.\r\n"
HOSTILE = (
    "R: <script>window.__pwned = 1</script> en <img src=x onerror=\"window.__pwned = 2\">\n"
    "I: **vet** en <b>tag</b> &amp; [link](javascript:alert(1))\n"
)


@pytest.fixture(scope="module")
def project_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("e2e") / "e2e.wbproj"
    with create_project(path) as project:
        import_sources(project, [
            ("emoji.txt", EMOJI.encode("utf-8")),
            ("hostile.txt", HOSTILE.encode("utf-8")),
            ("ria.txt", (ROOT / "interviews" / "bewoner-ria.txt").read_bytes()),
        ])
        import_codebook(project, CODEBOOK)
        tracker = "![t](http://127.0.0.1:9/tracker.png)"
        vtt = ("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v " + tracker + ">Hallo allemaal.\n\n"
               "00:00:04.000 --> 00:00:05.000\n<v I>Welkom.\n")
        import_sources(project, [("tracker.vtt", vtt.encode("utf-8"))], name="track " + tracker)
        tracked = project.document_id("track " + tracker)
        project.add_segment(tracked, 0, 12, project.resolve_code("distrust").id, "coder " + tracker, memo=tracker)
        project.add_segment(tracked, 0, 12, project.resolve_code("link work").id, "other")
        doc = project.document_id("emoji")
        text = project.document_text(doc)
        start = text.index("Echt")
        project.add_segment(doc, start, start + len("Echt waar"), project.resolve_code("link work").id, "other")
    return path


@pytest.fixture(scope="module")
def app(project_path):
    running = App(project_path, coder="e2e")
    yield running
    running.stop()


def stored(project_path: Path, document: str, coder: str = "e2e") -> list:
    with open_project(project_path) as project:
        return project.segments(document_ids=[project.document_id(document)], coders=[coder], with_text=True)


def text_of(project_path: Path, document: str) -> str:
    with open_project(project_path) as project:
        return project.document_text(project.document_id(document))


def code_by_mouse(page, app, project_path: Path, document: str, start: int, end: int, code: str,
                  memo: str | None = None) -> list:
    """Drag over [start, end), check the pending span, apply ``code``; returns the stored rows of that code."""
    open_transcript(page, app, document)
    drag_select(page, start, end)
    assert pending_span(page) == (start, end)
    apply_code(page, code, memo=memo)
    return [s for s in stored(project_path, document) if s.code == code]


def test_drag_select_apply_and_reload(page, app, project_path) -> None:
    text = text_of(project_path, "ria")
    start = text.index("Sinds achtenzestig.")
    end = start + len("Sinds achtenzestig. Mei achtenzestig.")
    rows = code_by_mouse(page, app, project_path, "ria", start, end, "participation fatigue", memo="eerste test")
    assert [(s.start, s.end, s.text, s.memo) for s in rows] == [
        (start, end, "Sinds achtenzestig. Mei achtenzestig.", "eerste test")]
    page.reload()
    page.wait_for_selector(f"{TRANSCRIPT} [data-codes]", state="attached")
    assert (start, end) in highlight_spans(page, "participation fatigue")


def test_offsets_after_emoji_are_code_points(page, app, project_path) -> None:
    text = text_of(project_path, "emoji")
    start = text.index("ben blij")
    end = start + len("ben blij")
    rows = code_by_mouse(page, app, project_path, "emoji", start, end, "distrust of institutions")
    assert [(s.start, s.end, s.text) for s in rows] == [(start, end, "ben blij")]


def test_selection_across_a_line_break_from_crlf(page, app, project_path) -> None:
    text = text_of(project_path, "emoji")
    assert "\r" not in text
    start = text.index("zeg.")
    end = text.index("Goed") + len("Goed")
    rows = code_by_mouse(page, app, project_path, "emoji", start, end, "distrust among residents")
    assert [(s.start, s.end, s.text) for s in rows] == [(start, end, "zeg.\nI: Goed")]


def test_selection_across_an_existing_highlight_and_astral_letters(page, app, project_path) -> None:
    text = text_of(project_path, "emoji")
    start = text.index("👍🏽")
    end = text.index("𝔱") + len("𝔱𝔦")
    open_transcript(page, app, "emoji")
    assert highlight_spans(page, "link work")
    drag_select(page, start, end)
    assert pending_span(page) == (start, end)
    apply_code(page, "participation fatigue")
    rows = [s for s in stored(project_path, "emoji") if s.code == "participation fatigue"]
    assert [(s.start, s.end, s.text) for s in rows] == [(start, end, text[start:end])]
    assert rows[0].text.startswith("👍🏽 Echt waar") and rows[0].text.endswith("𝔱𝔦")


def test_transcript_text_is_literal_and_never_executed(page, app, project_path) -> None:
    open_transcript(page, app, "hostile")
    rendered = page.locator(TRANSCRIPT).inner_text()
    assert "<script>window.__pwned = 1</script>" in rendered
    assert '<img src=x onerror="window.__pwned = 2">' in rendered
    assert "**vet** en <b>tag</b> &amp;" in rendered
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator(f"{TRANSCRIPT} script, {TRANSCRIPT} img, {TRANSCRIPT} b").count() == 0
    joined = page.eval_on_selector_all(f"{TRANSCRIPT} .wb-piece", "els => els.map(e => e.textContent).join('')")
    assert joined == text_of(project_path, "hostile")


def test_deep_link_opens_the_document_scrolled_to_the_offset(page, app, project_path) -> None:
    text = text_of(project_path, "ria")
    offset = text.index("Twee jaar later was ze dood")
    open_transcript(page, app, "ria", start=offset)
    page.wait_for_timeout(600)
    visible = page.evaluate(
        """(offset) => {
          const scroller = document.querySelector('.wb-scroll');
          const piece = [...document.querySelectorAll('[data-testid="transcript"] .wb-piece')]
            .find(p => +p.dataset.start <= offset && offset < +p.dataset.end);
          const a = scroller.getBoundingClientRect(), b = piece.getBoundingClientRect();
          return scroller.scrollTop > 0 && b.bottom > a.top && b.top < a.bottom;
        }""",
        offset,
    )
    assert visible
    assert page.get_by_role("heading", name="ria").count() == 1


def test_deep_link_to_an_unknown_document_warns(page, app) -> None:
    open_transcript(page, app, "emoji")
    page.goto(f"{app.url}/code?document=nope&start=3")
    page.wait_for_selector("text=/not in this project/")


def test_remove_a_coding_by_clicking_its_highlight(page, app, project_path) -> None:
    text = text_of(project_path, "ria")
    start = text.index("Henk en ik waren net getrouwd")
    end = start + len("Henk en ik waren net getrouwd")
    segment = next(s for s in code_by_mouse(page, app, project_path, "ria", start, end, "distrust")
                   if s.start == start)
    box = char_box(page, start + 3)
    page.mouse.click(box["left"] + 1, (box["top"] + box["bottom"]) / 2)
    page.wait_for_selector(f"text=At offset")
    wait_idle(page)
    page.locator(".st-key-remove_%d button" % segment.id).click()
    page.wait_for_selector("text=Coding removed.")
    wait_idle(page)
    assert all(s.id != segment.id for s in stored(project_path, "ria"))
    assert (start, end) not in highlight_spans(page, "distrust")


def test_ctrl_z_undoes_the_last_coding(page, app, project_path) -> None:
    text = text_of(project_path, "ria")
    start = text.index("Een eigen douche")
    end = start + len("Een eigen douche")
    assert any(s.start == start for s in code_by_mouse(page, app, project_path, "ria", start, end, "best persons"))
    page.locator(TRANSCRIPT).click(position={"x": 5, "y": 5})
    wait_idle(page)
    page.keyboard.press("Control+z")
    page.wait_for_selector("text=/Undone: code best persons/")
    wait_idle(page)
    assert not any(s.start == start and s.code == "best persons" for s in stored(project_path, "ria"))
    with open_project(project_path) as project:
        assert project.audit_log(limit=1)[0].action == "segment.delete"


def test_applying_a_code_keeps_the_transcript_in_place(page, app, project_path) -> None:
    text = text_of(project_path, "ria")
    start = text.index("de vuilnis op de trap")
    end = start + len("de vuilnis op de trap")
    open_transcript(page, app, "ria")
    drag_select(page, start, end)
    before = page.evaluate("() => document.querySelector('.wb-scroll').scrollTop")
    page.evaluate("() => { document.querySelector('.wb-root').__sameElement = true; }")
    apply_code(page, "distrust among residents")
    assert before > 0
    assert page.evaluate("() => document.querySelector('.wb-scroll').scrollTop") == before
    assert page.evaluate("() => document.querySelector('.wb-root').__sameElement") is True


def test_names_with_markdown_images_load_nothing(page, app, project_path) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    with open_project(project_path) as project:
        name = next(d.name for d in project.documents() if d.name.startswith("track"))
    from urllib.parse import quote

    open_transcript(page, app, quote(name))
    page.wait_for_selector(f"{TRANSCRIPT} [data-codes]", state="attached")
    page.locator(f"{TRANSCRIPT} [data-codes]").first.click()
    page.wait_for_selector("text=At offset")
    wait_idle(page)
    for path in ("retrieve", "cooccurrence", "project"):
        page.goto(f"{app.url}/{path}")
        page.wait_for_selector('[data-testid="stApp"]')
        wait_idle(page)
        page.wait_for_timeout(500)
    assert not [url for url in requested if url.startswith("http://127.0.0.1:9/")]


def test_a_recent_code_applies_once_and_only_to_the_selection_it_was_clicked_for(page, app, project_path) -> None:
    text = text_of(project_path, "ria")
    first = text.index("Henk en ik")
    second = text.index("Een douche")
    third = text.index("het badhuis")
    open_transcript(page, app, "ria")
    drag_select(page, first, first + 3)
    apply_code(page, "link work")  # now a recent code
    recent = page.locator(".st-key-quick_code")
    drag_select(page, second, second + 3)
    recent.get_by_text("link work", exact=True).click()
    wait_idle(page)
    drag_select(page, third, third + 5)  # a new selection: the clicked pill must not apply itself again
    wait_idle(page)
    page.wait_for_timeout(500)
    spans = [(s.start, s.end) for s in stored(project_path, "ria") if s.code == "link work"]
    assert (first, first + 3) in spans and (second, second + 3) in spans and (third, third + 5) not in spans
    recent.get_by_text("link work", exact=True).click()
    wait_idle(page)
    spans = [(s.start, s.end) for s in stored(project_path, "ria") if s.code == "link work"]
    assert (third, third + 5) in spans
