"""Screenshots of every page of the demo project, saved to the ``screenshots`` folder
(`make screenshots` writes them to docs/screenshots/, shown in the README)."""

from __future__ import annotations

from .helpers import TRANSCRIPT, drag_select, open_page, open_transcript, save_screenshot as save


def test_screenshot_project_page(page, demo_app, screenshots) -> None:
    open_page(page, demo_app, "project")
    page.wait_for_selector("text=Cases and attributes")
    save(page, screenshots, "project")


def test_screenshot_coding_page(page, demo_app, screenshots) -> None:
    open_transcript(page, demo_app, "buurtteam-sanne", start=2600)
    page.wait_for_selector(f"{TRANSCRIPT} [data-codes]", state="attached")
    offset = page.evaluate(
        "() => { const p = [...document.querySelectorAll('[data-testid=\"transcript\"] .wb-piece')]"
        ".find(p => !p.dataset.codes && +p.dataset.start > 2600 && p.textContent.length > 60);"
        " return +p.dataset.start + 5; }")
    drag_select(page, offset, offset + 48)
    save(page, screenshots, "code")


def test_screenshot_codebook_page(page, demo_app, screenshots) -> None:
    open_page(page, demo_app, "codebook")
    page.get_by_text("definition and guidance").first.click()
    save(page, screenshots, "codebook")


def test_screenshot_retrieve_page(page, demo_app, screenshots) -> None:
    open_page(page, demo_app, "retrieve")
    picker = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Codes").first.locator("input")
    picker.click()
    picker.type("participation fatigue")
    page.get_by_role("option", name="participation fatigue", exact=True).click()
    page.keyboard.press("Escape")
    page.wait_for_selector("text=/\\d+ segments/")
    save(page, screenshots, "retrieve")


def test_screenshot_cooccurrence_page(page, demo_app, screenshots) -> None:
    open_page(page, demo_app, "cooccurrence")
    page.wait_for_selector("text=/Each number counts pairs of coded segments/")
    save(page, screenshots, "cooccurrence")
