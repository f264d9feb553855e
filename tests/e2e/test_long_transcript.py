"""A transcript long enough to be drawn in blocks: selections across a block boundary, far down the text, and
code-point offsets with emoji and combining characters on both sides of a boundary."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.codebook import import_codebook
from workbench.coding import block_bounds
from workbench.ingest import import_sources
from workbench.store import create_project, open_project

from ..conftest import CODEBOOK
from .conftest import App
from .helpers import TRANSCRIPT, apply_code, drag_select, highlight_spans, open_transcript, pending_span

# every turn ends with an emoji with a skin tone and a flag, and the next starts with combining characters
# (x + U+0301 and q + U+0307 have no composed form, so they stay two code points after NFC)
TURN = "{who}: x\u0301y q\u0307 beurt {n} " + "en toen kwam de brief van het buurtteam niet " * 9 + "eind 👍🏽🇳🇱\n"
LONG = "".join(TURN.format(who="IR"[n % 2], n=n) for n in range(120))


@pytest.fixture(scope="module")
def project_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("e2e-long") / "long.wbproj"
    with create_project(path) as project:
        import_sources(project, [("lang.txt", LONG.encode("utf-8"))])
        import_codebook(project, CODEBOOK)
    return path


@pytest.fixture(scope="module")
def app(project_path):
    running = App(project_path, coder="e2e")
    yield running
    running.stop()


def text_and_blocks(project_path: Path) -> tuple[str, list[int]]:
    with open_project(project_path) as project:
        doc = project.document_id("lang")
        text = project.document_text(doc)
        return text, block_bounds(text, project.turns(doc)[doc])


def stored(project_path: Path, code: str) -> list[tuple[int, int, str]]:
    with open_project(project_path) as project:
        rows = project.segments(document_ids=[project.document_id("lang")], with_text=True)
    return [(s.start, s.end, s.text) for s in rows if s.code == code]


def shown_blocks(page) -> list[list[int]]:
    return page.eval_on_selector_all(f"{TRANSCRIPT} > .wb-block", "els => els.map(e => [+e.dataset.start, +e.dataset.end])")


def stripe_meets_text(page, segment_start: int) -> bool:
    """A stripe of a segment starting at ``segment_start`` is drawn at the height of that character."""
    return page.evaluate(
        """(offset) => {
          const stripes = [...document.querySelectorAll('.wb-stripe')].filter(s => +s.dataset.start === offset);
          const piece = [...document.querySelectorAll('[data-testid="transcript"] .wb-piece')]
            .find(p => +p.dataset.start <= offset && offset < +p.dataset.end);
          const top = piece.getClientRects()[0].top;
          return stripes.some(s => Math.abs(s.getBoundingClientRect().top - top) < 4);
        }""",
        segment_start,
    )


def test_the_text_is_drawn_in_the_blocks_python_cut_and_reads_whole(page, app, project_path) -> None:
    text, bounds = text_and_blocks(project_path)
    assert len(bounds) > 4
    open_transcript(page, app, "lang")
    assert shown_blocks(page) == [[a, b] for a, b in zip(bounds, bounds[1:])]
    joined = page.eval_on_selector_all(f"{TRANSCRIPT} .wb-piece", "els => els.map(e => e.textContent).join('')")
    assert joined == text


def test_a_selection_spanning_two_blocks(page, app, project_path) -> None:
    text, bounds = text_and_blocks(project_path)
    cut = bounds[1]
    start = text.rindex("buurtteam", 0, cut)
    end = text.index("beurt", cut) + len("beurt")
    open_transcript(page, app, "lang")
    drag_select(page, start, end)
    assert pending_span(page) == (start, end)
    apply_code(page, "distrust")
    assert stored(project_path, "distrust") == [(start, end, text[start:end])]
    assert (start, end) in highlight_spans(page, "distrust")
    assert stripe_meets_text(page, start)


def test_a_selection_far_down_the_text_scrolled_into_view(page, app, project_path) -> None:
    text, bounds = text_and_blocks(project_path)
    start = text.index("beurt", bounds[-2] + 200)
    end = text.index("niet", start) + len("niet")
    open_transcript(page, app, "lang")
    drag_select(page, start, end)
    assert pending_span(page) == (start, end)
    assert page.evaluate("() => document.querySelector('.wb-scroll').scrollTop") > 2_000
    apply_code(page, "link work")
    assert stored(project_path, "link work") == [(start, end, text[start:end])]
    assert (start, end) in highlight_spans(page, "link work")
    assert stripe_meets_text(page, start)


def test_code_point_offsets_with_emoji_and_combining_marks_across_a_block_boundary(page, app, project_path) -> None:
    text, bounds = text_and_blocks(project_path)
    cut = bounds[2]
    start = text.rindex("👍🏽", 0, cut)
    end = text.index("q\u0307", cut) + len("q\u0307")
    assert text[start:end].startswith("👍🏽🇳🇱\n") and "x\u0301y" in text[start:end]
    open_transcript(page, app, "lang")
    drag_select(page, start, end)
    assert pending_span(page) == (start, end)
    apply_code(page, "participation fatigue")
    assert stored(project_path, "participation fatigue") == [(start, end, text[start:end])]
    assert (start, end) in highlight_spans(page, "participation fatigue")
