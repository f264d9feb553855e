"""The first hour in a real browser (issue 9 §1): the coder's name is remembered in this browser, a reload keeps
the unfinished coding, and other coders' new codings appear without any action; turn timestamps, numbers and code
names beside the stripes. One app server for the module, without a preset coder (the first coding asks the name)."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.codebook import import_codebook
from workbench.ingest import import_sources
from workbench.store import create_project, open_project

from ..conftest import CODEBOOK
from .conftest import App
from .helpers import TRANSCRIPT, apply_code, drag_select, highlight_spans, open_transcript, pending_span, wait_idle

ROOT = Path(__file__).resolve().parents[2]
VTT = ("WEBVTT\n\n" + "".join(
    f"00:0{i // 6}:{(i % 6) * 10:02d}.000 --> 00:0{i // 6}:{(i % 6) * 10 + 9:02d}.000\n"
    f"<v {'Ria' if i % 2 else 'Interviewer'}>Zin nummer {i} van het gesprek, lang genoeg om te lezen.\n\n"
    for i in range(8)))


@pytest.fixture(scope="module")
def project_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("first-hour") / "first.wbproj"
    with create_project(path) as project:
        import_sources(project, [("ria.txt", (ROOT / "interviews" / "bewoner-ria.txt").read_bytes())])
        import_codebook(project, CODEBOOK)
        import_sources(project, [("gesprek.vtt", VTT.encode("utf-8"))])
        doc = project.document_id("gesprek")
        project.add_segment(doc, 0, len(project.document_text(doc)), project.resolve_code("distrust").id, "other")
    return path


@pytest.fixture(scope="module")
def app(project_path):
    """The app without a preset coder (the name is asked, then remembered by the browser)."""
    running = App(project_path)
    yield running
    running.stop()


def span(project_path: Path, phrase: str) -> tuple[int, int]:
    with open_project(project_path) as project:
        start = project.document_text(project.document_id("ria")).index(phrase)
    return start, start + len(phrase)


def sidebar_coder(page) -> str:
    return page.locator('[data-testid="stSidebar"]').get_by_text("Coder:").first.inner_text()


def test_the_coders_name_is_remembered_over_a_reload_and_in_a_new_tab(page, app, project_path) -> None:
    start, end = span(project_path, "licht en lucht en groen")
    open_transcript(page, app, "ria")
    assert "not set" in sidebar_coder(page)
    drag_select(page, start, end)
    name_box = page.get_by_label("Your name (saved with every coding)")
    name_box.fill("fatima")
    name_box.blur()
    wait_idle(page)
    assert "fatima" in sidebar_coder(page)
    apply_code(page, "link work")

    page.reload()
    page.wait_for_selector(f"{TRANSCRIPT} .wb-piece", state="attached")  # far blocks are not laid out
    page.wait_for_function("() => document.querySelector('[data-testid=\"stSidebar\"]').innerText"
                           ".includes('Coder: fatima')")
    other = page.context.new_page()
    open_transcript(other, app, "ria")
    other.wait_for_function("() => document.querySelector('[data-testid=\"stSidebar\"]').innerText"
                            ".includes('Coder: fatima')")
    start2, end2 = span(project_path, "de vuilnis op de trap")
    drag_select(other, start2, end2)
    assert other.get_by_label("Your name (saved with every coding)").count() == 0
    apply_code(other, "distrust")
    with open_project(project_path) as project:
        mine = project.segments(coders=["fatima"])
    assert sorted((s.start, s.end) for s in mine) == [(start, end), (start2, end2)]


def test_a_reload_keeps_the_unfinished_selection_codes_and_memo(page, app, project_path) -> None:
    start, end = span(project_path, "wij waren zó blij")
    open_transcript(page, app, "ria")
    drag_select(page, start, end)
    picker = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Codes to apply").locator("input")
    picker.click()
    picker.type("distrust")
    page.get_by_role("option", name="distrust", exact=True).click()
    page.keyboard.press("Escape")
    wait_idle(page)
    page.get_by_label("Memo (optional)").fill("nog uitzoeken")
    page.get_by_label("Memo (optional)").blur()
    wait_idle(page)

    page.wait_for_function("() => Object.keys(sessionStorage).some(k => k.startsWith('workbench:draft:')"
                           " && sessionStorage.getItem(k).includes('nog uitzoeken'))")  # the tab keeps the draft
    page.goto(f"{app.url}/code?document=ria")  # a reload of the coding page: a new session in this tab
    page.wait_for_selector("text=/was kept over the reload/")
    wait_idle(page)
    assert pending_span(page) == (start, end)
    assert page.get_by_label("Memo (optional)").input_value() == "nog uitzoeken"
    assert page.locator('[data-testid="stMultiSelect"]').filter(has_text="Codes to apply") \
        .get_by_text("distrust", exact=True).count() == 1


def test_another_coders_new_coding_appears_without_any_action(page, app, project_path) -> None:
    start, end = span(project_path, "Sinds")
    open_transcript(page, app, "ria")
    assert (start, end) not in highlight_spans(page, "participation fatigue")
    with open_project(project_path) as project:
        project.add_segment(project.document_id("ria"), start, end,
                            project.resolve_code("participation fatigue").id, "somebody else")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=\"transcript\"] [data-codes]')]"
        ".some(e => e.dataset.codes.split(',').includes('participation fatigue'))", timeout=15_000)
    assert (start, end) in highlight_spans(page, "participation fatigue")


def test_timestamps_numbers_and_code_names_beside_the_stripes(page, app, project_path) -> None:
    open_transcript(page, app, "gesprek")
    page.wait_for_selector('[data-testid="gutter"] .wb-gutter-time')
    times = page.eval_on_selector_all('[data-testid="gutter"] .wb-gutter-mark', "els => els.map(e => e.textContent)")
    assert times[:3] == ["00:00:00", "00:00:10", "00:00:20"]
    label = page.locator(".wb-stripe-label").first
    label.wait_for()
    assert label.text_content() == "distrust"
    assert page.locator(".wb-stripe").first.get_attribute("title").startswith("distrust")

    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Numbers").click()
    page.get_by_role("option", name="paragraph numbers").click()
    wait_idle(page)
    page.wait_for_function("() => [...document.querySelectorAll('.wb-gutter-mark')]"
                           ".some(e => e.textContent.startsWith('¶1'))")
    # each mark sits at the height of its turn's first character
    tops = page.evaluate("""() => {
        const t = document.querySelector('[data-testid="transcript"]');
        return [...document.querySelectorAll('.wb-gutter-mark')].slice(0, 3).map(m => {
            const offset = +m.dataset.offset;
            const piece = [...t.querySelectorAll('.wb-piece')]
                .find(p => +p.dataset.start <= offset && offset < +p.dataset.end);
            const r = document.createRange(); r.setStart(piece.firstChild, offset - +piece.dataset.start);
            r.setEnd(piece.firstChild, offset - +piece.dataset.start + 1);
            return [m.getBoundingClientRect().top, r.getClientRects()[0].top];
        }); }""")
    assert all(abs(mark - char) < 6 for mark, char in tops), tops
