"""Charts that read at any size (issue 9 §2), in the browser: the co-occurrence heatmap with 2, 6, 21 and 60 codes as
Vega draws it (the SVG in the page), and the network's legends. Every label on both axes is drawn, whole and without
overlapping its neighbour; every cell is at least 18 px square and shows its count in a legible font inside the
cell. A screenshot of each chart goes to the ``screenshots`` folder (a temporary folder; `make screenshots` writes
docs/screenshots)."""

from __future__ import annotations

import math
import re

import pytest

from ..test_app_charts import build
from .conftest import App
from .helpers import open_page, wait_idle

CHART = '[data-testid="stVegaLiteChart"]'

READ_HEATMAP = r"""() => {
  const svg = [...document.querySelectorAll('[data-testid="stVegaLiteChart"] svg')]
    .find(s => s.querySelector('g.mark-rect'));
  if (!svg) return null;
  const box = e => { const r = e.getBoundingClientRect();
                     return {x: r.x, y: r.y, width: r.width, height: r.height}; };
  const slant = t => { const m = (t.getAttribute('transform') || '').match(/rotate\((-?[\d.]+)\)/);
                       return m ? ((+m[1] + 540) % 360) - 180 : 0; };
  return {
    axes: [...svg.querySelectorAll('g.role-axis')].map(axis =>
      [...axis.querySelectorAll('g.role-axis-label text')].map(t => ({
        text: t.textContent, size: parseFloat(t.getAttribute('font-size')),
        angle: slant(t), ...box(t)}))),
    cells: [...svg.querySelectorAll('g.mark-rect.role-mark path')].map(box),
    counts: [...svg.querySelectorAll('g.mark-text.role-mark text')].map(t => ({text: t.textContent, ...box(t)})),
    legend: [...svg.querySelectorAll('g.role-legend-label text')].map(t => t.textContent),
  };
}"""

SCROLL_TO_END = r"""() => {
  const holder = document.querySelector('.st-key-cooc_heatmap');
  holder.scrollLeft = holder.scrollWidth;
  const cells = [...holder.querySelectorAll('svg g.mark-rect.role-mark path')];
  return {column_right: holder.getBoundingClientRect().right, scrolls: holder.scrollWidth > holder.clientWidth,
          last_cell_right: Math.max(...cells.map(c => c.getBoundingClientRect().right))};
}"""

READ_LEGENDS = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"] svg g.role-legend')]
  .map(legend => [...legend.querySelectorAll('g.role-legend-label text')].map(t => t.textContent))"""


def names(n: int) -> list[str]:
    return [f"code {i:02d} met een langere naam" for i in range(n)]


@pytest.fixture(scope="module", params=[2, 6, 21, 60], ids=lambda n: f"{n}-codes")
def chart_app(request, tmp_path_factory):
    """A project in which every pair of ``n`` codes overlaps once in each of four documents (count 4), served."""
    n = request.param
    running = App(build(tmp_path_factory.mktemp(f"codes{n}") / f"c{n}.wbproj", n), coder="marloes")
    yield n, running
    running.stop()


def overlaps(a: dict, b: dict) -> bool:
    return a["x"] < b["x"] + b["width"] - 0.5 and b["x"] < a["x"] + a["width"] - 0.5 and \
        a["y"] < b["y"] + b["height"] - 0.5 and b["y"] < a["y"] + a["height"] - 0.5


def centre(box: dict) -> tuple[float, float]:
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def inside(inner: dict, outer: dict) -> bool:
    return (outer["x"] - 0.5 <= inner["x"] and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 0.5
            and outer["y"] - 0.5 <= inner["y"] and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 0.5)


def test_heatmap_draws_every_label_cell_and_count(page, chart_app, screenshots) -> None:
    n, app = chart_app
    open_page(page, app, "cooccurrence")
    page.wait_for_selector(f"{CHART} svg g.mark-rect.role-mark path", state="attached", timeout=90_000)
    wait_idle(page)
    drawn = page.evaluate(READ_HEATMAP)
    assert drawn is not None
    # both axes carry every code, whole (no ellipsis), in a legible size, and no label overlaps its neighbour:
    # level labels (the rows) do not share a pixel; slanted ones (the columns, parallel lines) lie at least a
    # font size apart across their slant
    assert len(drawn["axes"]) == 2
    for labels in drawn["axes"]:
        assert sorted(label["text"] for label in labels) == names(n)
        assert all(label["width"] > 0 and label["size"] >= 9 for label in labels)
        for first, second in zip(labels, labels[1:]):
            if first["angle"] == 0:
                assert not overlaps(first, second), (first, second)
            else:
                apart = abs(centre(second)[0] - centre(first)[0]) * abs(math.sin(math.radians(first["angle"])))
                assert apart >= first["size"], (first, second)
    assert {label["angle"] for labels in drawn["axes"] for label in labels} == {0, -50}
    # n × (n − 1) cells (the diagonal is left out), each at least 18 px square
    assert len(drawn["cells"]) == n * (n - 1)
    assert min(min(cell["width"], cell["height"]) for cell in drawn["cells"]) >= 18 - 0.5
    # every cell shows its count (4), legibly and inside a cell
    shown = [count for count in drawn["counts"] if count["text"].strip()]
    assert len(shown) == n * (n - 1) and {count["text"] for count in shown} == {"4"}
    assert all(count["height"] >= 9 for count in shown)
    assert all(any(inside(count, cell) for cell in drawn["cells"]) for count in shown)
    assert drawn["legend"] == ["4"]  # one count: one legend value, not 1, 2, 3 piled onto 4
    # a chart wider than the page's column scrolls sideways to its last column (never cut off at the column's edge)
    reach = page.evaluate(SCROLL_TO_END)
    assert reach["last_cell_right"] <= reach["column_right"] + 0.5, reach
    page.locator(CHART).first.screenshot(path=str(screenshots / f"cooccurrence-heatmap-{n}-codes.png"))
    assert (screenshots / f"cooccurrence-heatmap-{n}-codes.png").stat().st_size > 2_000


def test_network_legends_are_whole_numbers(page, chart_app, screenshots) -> None:
    n, app = chart_app
    open_page(page, app, "cooccurrence")
    page.get_by_role("tab", name="Network").click()
    page.wait_for_selector(f"{CHART} svg g.mark-line", state="attached", timeout=90_000)
    wait_idle(page)
    legends = page.evaluate(READ_LEGENDS)  # count (line width) and frequency (dot size)
    assert len(legends) == 2 and all(re.fullmatch(r"\d+", text) for labels in legends for text in labels), legends
    assert all(len(set(labels)) == len(labels) for labels in legends), legends  # no value drawn on top of itself
    page.locator(CHART).first.screenshot(path=str(screenshots / f"cooccurrence-network-{n}-codes.png"))
