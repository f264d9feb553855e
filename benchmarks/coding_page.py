"""Benchmark of the coding page (issue: coding in the browser). Generates its own data; prints figures and ratios.

A 20,000-word transcript with 500 segments:
1. the server-side rerun after applying a code (the script run in the server, median)  target ≤ 50 ms
2. in Chromium: page open to painted transcript and stripes                  target ≤ 2.5 s
3. in Chromium: mouseup to re-rendered highlights (pending selection shown)  target ≤ 600 ms
   and click on Apply to the new highlight painted (reported)
With ``--long`` (or ``--long-only``) also a 150,000-word transcript with 5,000 segments: mouseup → selection shown
≤ 150 ms, Apply → painted ≤ 500 ms, no main-thread task over 100 ms (Chromium's long-task observer).

Baseline measured in the same run: the core work alone (apply_codes + building the component's data).
"""

from __future__ import annotations

import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import median_ms, report, synthetic_transcript

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbench.coding import apply_codes, undo  # noqa: E402
from workbench.ingest import import_sources  # noqa: E402
from workbench.models import NewSegment  # noqa: E402
from workbench.store import create_project, open_project  # noqa: E402

CODES = [f"theme {i:02d}" for i in range(20)]


def build(folder: Path, words: int = 20_000, segments: int = 500) -> Path:
    path = folder / f"coding-{words}.wbproj"
    with create_project(path) as project:
        for name in CODES:
            project.add_code(name)
        import_sources(project, [("long.txt", synthetic_transcript(words, seed=3, emoji=True).encode())])
        doc_id = project.document_id("long")
        length = project.document_lengths()[doc_id]
        rng = random.Random(5)
        code_ids = [project.resolve_code(c).id for c in CODES]
        slot = length // segments
        new = []
        for i in range(segments):
            start = i * slot + rng.randint(0, slot // 3)
            end = min(start + rng.randint(30, 600), length)
            new.append(NewSegment(doc_id, start, end, code_ids[i % 20], "bench" if i % 3 else "other"))
        project.add_segments(new)
    return path


def server_rerun(path: Path) -> tuple[float, float]:
    from streamlit.testing.v1 import AppTest

    os.environ["WORKBENCH_PROJECT"] = str(path)
    sys.argv = [sys.argv[0]]
    at = AppTest.from_file(str(ROOT / "workbench" / "app" / "main.py"), default_timeout=60)
    at.session_state["coder"] = "bench"
    at.run()
    at.switch_page("views/code.py")
    at.run()
    with open_project(path) as project:
        doc_id = project.document_id("long")
        code_id = project.resolve_code("theme 00").id
        length = project.document_lengths()[doc_id]
    samples = []
    for i in range(25):
        start = 50 + i * (length // 30)
        at.session_state["pending"] = {"start": start, "end": start + 7}
        at.run()
        at.multiselect(key="pick_codes").set_value([code_id])
        at.button(key="apply_codes").click().run()
        assert not at.exception, at.exception
        samples.append(at.session_state["_last_run_ms"])
    rerun = statistics.median(samples)

    from workbench.app.highlighter import highlighter_data

    with open_project(path) as project:
        codes = {c.id: c for c in project.codes()}
        text = project.document_text(doc_id)
        turns = project.turns(doc_id)[doc_id]
        counter = iter(range(10**6))

        def core() -> None:
            start = 57 + next(counter) * 37 % (length - 100)
            change = apply_codes(project, doc_id, start, start + 5, [code_id], "core")
            highlighter_data("long", text, project.segments(document_ids=[doc_id]), turns, codes, "k", False)
            undo(project, change, "core")

        core_ms = median_ms(core, 25)
    return rerun, core_ms


LONG_TASKS = """
window.__wbLongTasks = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__wbLongTasks.push([entry.startTime, entry.duration]);
}).observe({ type: "longtask", buffered: true });
// In the page's own clock: the mouseup or click that started an action, and the frame after its result is in the
// page (a selection mark, a highlight with the code applied), so Playwright's round trips are not counted.
window.__wbStarted = 0;
window.__wbDone = 0;
window.__wbWatch = null;
for (const type of ["mouseup", "click"]) {
  document.addEventListener(type, () => { window.__wbStarted = performance.now(); window.__wbDone = 0; }, true);
}
new MutationObserver(() => {  // kept cheap (it runs inside the tasks it measures): the block is looked up once
  const watch = window.__wbWatch;
  if (!watch || window.__wbDone || !window.__wbStarted) return;
  if (!watch.pending && !(watch.block && watch.block.isConnected)) {
    const transcript = document.querySelector('[data-testid="transcript"]');
    watch.block = transcript && [...transcript.children]
      .find((b) => +b.dataset.start <= watch.offset && watch.offset < +b.dataset.end);
  }
  const block = watch.block;
  const found = watch.pending ? document.querySelector(".wb-pending")
    : block && [...block.querySelectorAll("[data-codes]")].some((p) =>
        +p.dataset.start <= watch.offset && watch.offset < +p.dataset.end
        && p.dataset.codes.split(",").includes(watch.code));
  if (found) requestAnimationFrame(() => { window.__wbDone = performance.now(); });
}).observe(document, { subtree: true, childList: true });
"""
# The longest task that overlaps the windows [from, to) (the page's clock) of the actions measured.
LONGEST = """(windows) => Math.max(0, ...window.__wbLongTasks
  .filter(([at, length]) => windows.some(([from, to]) => at < to && at + length > from)).map(([at, length]) => length))"""
NOW = "() => performance.now()"

IN_PAGE = "() => window.__wbDone && window.__wbDone - window.__wbStarted"


def browser_figures(path: Path, run_log: Path, pieces: int = 500,
                    stripes: int = 5) -> tuple[float, float, float, float, float]:
    """Medians: page open (s), mouseup to pending highlight (ms), Apply click to highlight (ms), both in the
    page's clock up to the next frame, the server's script run after Apply (ms, from the app's run log); and the
    longest main-thread task while selecting and applying (ms, Chromium's long-task observer). ``pieces`` and
    ``stripes``: how many must be drawn for the page to count as open (stripes are drawn only near the viewport)."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS, App
    from tests.e2e.helpers import TRANSCRIPT, char_box, open_transcript, wait_idle

    app = App(path, coder="bench", env={"WORKBENCH_RUN_LOG": str(run_log)})
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1440, "height": 950})
            page.add_init_script(LONG_TASKS)
            open_transcript(page, app, "long")  # warm-up
            opens = []
            for _ in range(5):
                began = time.perf_counter()
                page.goto(f"{app.url}/code?document=long")
                page.wait_for_function(
                    f"() => document.querySelectorAll('[data-testid=\"transcript\"] .wb-piece').length > {pieces}"
                    f" && document.querySelectorAll('.wb-stripe').length > {stripes}", timeout=120_000)
                opens.append(time.perf_counter() - began)
            wait_idle(page)
            page.wait_for_timeout(1500)
            page.evaluate("() => { window.__wbLongTasks = []; }")
            mouseups, applies, reruns, round_trips, selecting, applying, picking, scrolling = [], [], [], [], [], [], [], []
            text_length = int(page.eval_on_selector(TRANSCRIPT, "e => e.dataset.length"))
            for i in range(8):
                start = 400 + i * (text_length // 10)
                since = page.evaluate(NOW)
                first, last = char_box(page, start), char_box(page, start + 12)
                scrolling.append([since, page.evaluate(NOW)])  # a far place scrolled into view and laid out
                page.mouse.move(first["left"] + 1, (first["top"] + first["bottom"]) / 2)
                page.mouse.down()
                page.mouse.move(last["right"] - 1, (last["top"] + last["bottom"]) / 2, steps=5)
                page.evaluate("() => { window.__wbWatch = {pending: true}; window.__wbStarted = 0; }")
                since = page.evaluate(NOW)
                began = time.perf_counter()
                page.mouse.up()
                page.wait_for_selector(".wb-pending")
                round_trips.append(time.perf_counter() - began)
                mouseups.append(page.wait_for_function(IN_PAGE).json_value() / 1000)
                wait_idle(page)
                selecting.append([since, page.evaluate(NOW)])  # the selection, its rerun and redraw
                since = page.evaluate(NOW)
                code = f"theme {10 + i:02d}"
                picker = page.locator(".st-key-pick_codes input")  # CSS, not roles: no walk over the whole text
                picker.click()
                picker.type(code)
                page.locator('[role="option"]').filter(has_text=re.compile(f"^{code}$")).click()
                page.keyboard.press("Escape")
                wait_idle(page)
                picking.append([since, page.evaluate(NOW)])  # Streamlit's code picker: not the transcript's
                run_log.write_text("")
                page.evaluate("([offset, code]) => { window.__wbWatch = {offset, code}; window.__wbStarted = 0; }",
                              [start + 3, code])
                since = page.evaluate(NOW)
                page.locator(".st-key-apply_codes button").click()
                applies.append(page.wait_for_function(IN_PAGE).json_value() / 1000)
                wait_idle(page)
                applying.append([since, page.evaluate(NOW)])
                lines = [line.split("\t") for line in run_log.read_text().splitlines() if line.startswith("code")]
                reruns.append(float(lines[0][1]))
            per_round = [(page.evaluate(LONGEST, [s]), page.evaluate(LONGEST, [a]))
                         for s, a in zip(selecting, applying)]
            longest_selecting = max(s for s, _ in per_round)
            longest_applying = max(a for _, a in per_round)
            longest = max(longest_selecting, longest_applying)
            longest_picking = page.evaluate(LONGEST, picking)
            longest_scrolling = page.evaluate(LONGEST, scrolling)
            browser.close()
    finally:
        app.stop()
    print(f"  (mouseup to the mark found by Playwright, round trips included: "
          f"{statistics.median(round_trips) * 1000:.0f} ms median; longest task selecting {longest_selecting:.0f} ms, "
          f"applying {longest_applying:.0f} ms; while scrolling a far place into "
          f"view {longest_scrolling:.0f} ms; while picking a code in Streamlit's multiselect (not the transcript's, "
          f"not counted) {longest_picking:.0f} ms; load {os.getloadavg()[0]:.1f})")
    print(f"  (longest task of each round, selecting and applying, 0 when none reached 50 ms: "
          f"{[(round(s), round(a)) for s, a in per_round]})")
    return (statistics.median(opens), statistics.median(mouseups) * 1000, statistics.median(applies) * 1000,
            statistics.median(reruns), longest)


def main() -> None:
    long_only = "--long-only" in sys.argv
    long = long_only or "--long" in sys.argv  # read before server_rerun, which empties sys.argv for AppTest
    folder = Path(tempfile.mkdtemp(prefix="wb-bench-coding-"))
    path = build(folder)
    with open_project(path) as project:
        stats = project.stats()
    print(f"benchmarks/coding_page.py: {stats['words']:,} words, {stats['segments']} segments, "
          f"{stats['turns']} turns (data in {folder})\n")
    small = None
    if not long_only:
        apptest_rerun, core_ms = server_rerun(path)
        opened, mouseup, applied, rerun, longest = small = browser_figures(path, folder / "runs.log")
        report("server-side rerun after applying a code (median)", rerun, "ms", "≤ 50 ms", rerun <= 50,
               f"the script run in the server; core alone (apply + component data + undo) {core_ms:.1f} ms; "
               f"under AppTest (compiles the page every run) {apptest_rerun:.1f} ms")
        report("page open to painted transcript and stripes (median)", opened, "s", "≤ 2.5 s", opened <= 2.5)
        report("mouseup to the selection shown (median)", mouseup, "ms", "≤ 600 ms", mouseup <= 600)
        report("Apply click to the new highlight painted (median)", applied, "ms", "reported", True)
        report("longest main-thread task while selecting and applying", longest, "ms", "reported", True)
    if long:
        long_path = build(folder, words=150_000, segments=5_000)
        with open_project(long_path) as project:
            stats = project.stats()
        print(f"\nthe long transcript: {stats['words']:,} words, {stats['segments']:,} segments, "
              f"{stats['turns']:,} turns")
        opened, mouseup, applied, rerun, longest = browser_figures(long_path, folder / "runs-long.log",
                                                                   pieces=5_000, stripes=5)

        def baseline(figure: int, unit: str) -> str:  # the 20,000-word transcript measured in this run
            return f"; the short transcript in this run {small[figure]:.2f} {unit}" if small else ""

        report("long: page open to painted transcript and stripes (median)", opened, "s", "reported", True,
               baseline(0, "s").lstrip("; "))
        report("long: mouseup to the selection shown (median)", mouseup, "ms", "≤ 150 ms", mouseup <= 150,
               baseline(1, "ms").lstrip("; "))
        report("long: Apply click to the new highlight painted (median)", applied, "ms", "≤ 500 ms",
               applied <= 500, f"server script run {rerun:.0f} ms{baseline(2, 'ms')} (server {small[3]:.0f} ms)"
               if small else f"server script run {rerun:.0f} ms")
        report("long: longest main-thread task while selecting and applying", longest, "ms", "≤ 100 ms",
               longest <= 100, baseline(4, "ms").lstrip("; "))


if __name__ == "__main__":
    main()
