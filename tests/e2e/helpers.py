"""Driving the coding page like a user: real mouse drags, the code picker, waiting for Streamlit."""

from __future__ import annotations

import re

TRANSCRIPT = '[data-testid="transcript"]'


def wait_idle(page, timeout: float = 20_000) -> None:
    """Wait until Streamlit has finished its rerun."""
    page.wait_for_timeout(150)
    page.wait_for_function(
        "() => { const app = document.querySelector('[data-testid=\"stApp\"]');"
        " return app && app.getAttribute('data-test-script-state') !== 'running'; }",
        timeout=timeout,
    )
    page.wait_for_timeout(100)


def open_page(page, app, path: str) -> None:
    page.goto(f"{app.url}/{path}")
    page.wait_for_selector('[data-testid="stApp"]')
    wait_idle(page)


def open_transcript(page, app, document: str, start: int | None = None) -> None:
    query = f"code?document={document}" + (f"&start={start}" if start is not None else "")
    open_page(page, app, query)
    page.wait_for_selector(f"{TRANSCRIPT} .wb-piece", state="attached")  # far blocks are not laid out
    page.wait_for_timeout(300)


PIECE_AT = """(offset) => {
  const t = document.querySelector('[data-testid="transcript"]');
  const block = [...t.children].find(b => +b.dataset.start <= offset && offset < +b.dataset.end);
  return block && [...block.children].find(p => +p.dataset.start <= offset && offset < +p.dataset.end);
}"""


def char_box(page, offset: int) -> dict:
    """The on-screen box of the character at code-point ``offset``, scrolled into view first (and again until it
    stays put: the blocks that come into view are laid out only then and may move the text)."""
    return page.evaluate(
        """async (offset) => {
          const pieceAt = %s;
          const frame = () => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
          const box = () => {
            const piece = pieceAt(offset);
            const node = piece.firstChild;
            let units = 0, cps = +piece.dataset.start;
            while (cps < offset) { const c = node.data.codePointAt(units); units += c > 0xffff ? 2 : 1; cps++; }
            const c = node.data.codePointAt(units);
            const range = document.createRange();
            range.setStart(node, units); range.setEnd(node, units + (c > 0xffff ? 2 : 1));
            const r = range.getClientRects()[0] || range.getBoundingClientRect();
            return {left: r.left, right: r.right, top: r.top, bottom: r.bottom};
          };
          let before = null;
          for (let tries = 0; tries < 10; tries++) {
            pieceAt(offset).scrollIntoView({block: 'center'});
            await frame();
            const now = box();
            if (before && Math.abs(now.top - before.top) < 0.5 && Math.abs(now.left - before.left) < 0.5) return now;
            before = now;
          }
          return before;
        }""" % PIECE_AT,
        offset,
    )


def drag_select(page, start: int, end: int) -> None:
    """Select ``[start, end)`` with a real mouse drag, from the left half of the first character to the right
    half of the last one."""
    first = char_box(page, start)
    page.mouse.move(first["left"] + 1, (first["top"] + first["bottom"]) / 2)
    page.mouse.down()
    # Chromium fixes the selection's anchor at the first move of the pressed mouse, where the mouse went down:
    # move once before anything scrolls (the end may be in another block, scrolled into view below)
    page.mouse.move(first["left"] + 2, (first["top"] + first["bottom"]) / 2)
    last = char_box(page, end - 1)
    page.mouse.move(last["right"] - 1, (last["top"] + last["bottom"]) / 2, steps=12)
    page.mouse.up()
    page.wait_for_selector("text=/Selection \\d+–\\d+/")
    wait_idle(page)


def pending_span(page) -> tuple[int, int]:
    text = page.locator("text=/Selection \\d+–\\d+/").first.inner_text()
    found = re.search(r"(\d+)–(\d+)", text)
    return int(found.group(1)), int(found.group(2))


def apply_code(page, code: str, memo: str | None = None) -> None:
    """Pick ``code`` in the code picker (typing to filter) and apply it."""
    picker = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Codes to apply").locator("input")
    picker.click()
    picker.type(code)
    options = page.get_by_role("option")
    options.first.wait_for()
    texts = options.all_inner_texts()
    match = next(i for i, shown in enumerate(texts) if shown.strip() == code or shown.strip().endswith("/" + code))
    options.nth(match).click()
    page.keyboard.press("Escape")
    wait_idle(page)
    if memo:
        page.get_by_label("Memo (optional)").fill(memo)
        page.get_by_label("Memo (optional)").blur()
        wait_idle(page)
    page.get_by_role("button", name="Apply codes").click()
    page.wait_for_selector("text=/Coded \\d+ characters/")
    wait_idle(page)


def highlight_spans(page, code: str) -> list[tuple[int, int]]:
    """Merged ``(start, end)`` runs of the pieces that carry ``code``."""
    pieces = page.eval_on_selector_all(
        f"{TRANSCRIPT} [data-codes]",
        "(els, code) => els.filter(e => e.dataset.codes.split(',').includes(code))"
        ".map(e => [+e.dataset.start, +e.dataset.end])",
        code,
    )
    runs: list[list[int]] = []
    for start, end in sorted(pieces):
        if runs and runs[-1][1] == start:
            runs[-1][1] = end
        else:
            runs.append([start, end])
    return [tuple(r) for r in runs]


def save_screenshot(page, folder, name: str) -> None:
    """Save the visible page to ``folder/<name>.png`` (the ``screenshots`` fixture: a temporary folder, or
    docs/screenshots under ``make screenshots``)."""
    wait_idle(page)
    page.wait_for_timeout(400)
    page.screenshot(path=str(folder / f"{name}.png"))
    assert (folder / f"{name}.png").stat().st_size > 10_000
