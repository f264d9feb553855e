"""The co-occurrence page in a real browser: the heatmap cell opens the passages, which open the transcript."""

from __future__ import annotations

import json
import re

from ..conftest import run_cli
from .helpers import TRANSCRIPT, open_page, wait_idle

CELL = '[data-testid="stVegaLiteChart"] g.mark-rect path[aria-label*="code: {a}; with: {b};"]'


def test_heatmap_cell_lists_the_passages_and_links_to_the_transcript(page, demo_app) -> None:
    open_page(page, demo_app, "cooccurrence")
    page.wait_for_selector("text=/Each number counts pairs of coded segments/")
    cell = page.locator(CELL.format(a="link work", b="best persons"))
    label = cell.first.get_attribute("aria-label")
    count = int(re.search(r"count: (\d+)", label).group(1))
    cell.first.click(force=True)
    header = page.locator("text=/counted for link work × best persons/")
    header.wait_for()
    wait_idle(page)
    expected = json.loads(run_cli("passages", demo_app.project, "link work", "best persons",
                                  "--format", "json").stdout)
    assert expected["count"] == count
    assert header.inner_text().startswith(f"{count} counted")
    assert f"{len(expected['passages'])} passage" in header.inner_text()
    first = expected["passages"][0]
    page.get_by_role("link", name="Open in transcript").first.click()
    page.wait_for_url(re.compile(r"/code"))
    page.wait_for_selector(f"{TRANSCRIPT} .wb-piece", state="attached")  # far blocks are not laid out
    wait_idle(page)
    assert page.get_by_role("heading", name=first["document"]).count() == 1
    page.wait_for_timeout(500)
    assert page.evaluate(
        """(offset) => {
          const scroller = document.querySelector('.wb-scroll');
          const piece = [...document.querySelectorAll('[data-testid="transcript"] .wb-piece')]
            .find(p => +p.dataset.start <= offset && offset < +p.dataset.end);
          const a = scroller.getBoundingClientRect(), b = piece.getBoundingClientRect();
          return b.bottom > a.top && b.top < a.bottom;
        }""", first["start"])


def test_unit_switch_changes_the_sentence_above_the_chart(page, demo_app) -> None:
    open_page(page, demo_app, "cooccurrence")
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Unit of analysis").click()
    page.get_by_role("option", name="speaker turn").click()
    page.wait_for_selector("text=/counts the speaker turns in which both codes/")
    wait_idle(page)
