"""The co-occurrence page's charts (Vega-Lite through Altair): the heatmap and the network of codes. Built from a
:class:`~workbench.analysis.cooccurrence.Cooccurrence` result alone, so the page can keep them per data version and
filters instead of rebuilding them on every rerun."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from workbench.analysis.cooccurrence import Cooccurrence


def vega_lite_spec(chart: alt.TopLevelMixin | None) -> dict | None:
    """The chart as a Vega-Lite spec with its data inline (no row limit: 80 codes make 6,320 cells)."""
    if chart is None:
        return None
    with alt.data_transformers.disable_max_rows():
        return chart.to_dict(validate=False)  # built here, not typed by a user: checked by the tests instead


def heatmap_cell_size(codes: int) -> int:
    """Pixels per heatmap cell: never below 18 (a two-digit count and a label fit), larger for few codes."""
    return max(18, min(40, 900 // max(codes, 1)))


def integer_legend(highest: int, lowest: int = 1) -> alt.Legend:
    """A legend of counts from ``lowest`` to ``highest`` (the scale's domain: a value outside it would be drawn on
    top of an end): whole numbers only (no "1.000000", no 0.5 steps), at most six of them."""
    highest = max(int(highest), 1)
    lowest = min(max(int(lowest), 1), highest)
    step = max(1, math.ceil((highest - lowest) / 5))
    values = list(range(lowest, highest + 1, step))
    return alt.Legend(format="d", values=values + ([highest] if values[-1] != highest else []), tickMinStep=1)


def heatmap_chart(result: Cooccurrence, minimum: int) -> alt.LayerChart | None:
    """Codes × codes (those with a frequency), a count in every cell counted at least ``minimum`` times; every
    label drawn; None when fewer than two codes occur. Its selection ``cell`` gives the clicked pair."""
    present = [c for c in result.code_ids if result.frequency.get(c)]
    order = [result.names[c] for c in present]
    by_pair = {(p.a_id, p.b_id): p for p in result.pairs}
    cells = []
    for a in present:
        for b in present:
            if a == b:
                continue
            count = result.count(a, b)
            pair = by_pair.get((a, b)) or by_pair.get((b, a))
            cells.append({
                "a": result.names[a], "b": result.names[b], "count": count if count >= minimum else 0,
                "c": round(pair.c_coefficient, 3) if pair and pair.c_coefficient is not None else None,
                "containment": round(pair.containment, 3) if pair and pair.containment is not None else None,
                "frequencies": f"{result.frequency[a]} / {result.frequency[b]}",
                "note": "frequencies differ more than fivefold" if pair and pair.imbalanced else "",
            })
    if not cells:
        return None
    frame = pd.DataFrame(cells)
    pick = alt.selection_point(fields=["a", "b"], name="cell")
    size = heatmap_cell_size(len(order))
    highest = max((c["count"] for c in cells), default=1)
    lowest = min((c["count"] for c in cells if c["count"] > 0), default=1)
    every_label = dict(labelOverlap=False, labelLimit=260, labelFontSize=11 if size >= 20 else 10)
    base = alt.Chart(frame).encode(
        x=alt.X("b:N", sort=order, title=None, scale=alt.Scale(domain=order),
                axis=alt.Axis(labelAngle=-50, **every_label)),
        y=alt.Y("a:N", sort=order, title=None, scale=alt.Scale(domain=order), axis=alt.Axis(**every_label)),
    )
    heat = base.mark_rect(stroke="#ffffff").encode(
        color=alt.condition("datum.count > 0", alt.Color("count:Q", scale=alt.Scale(scheme="blues"),
                                                         title="count", legend=integer_legend(highest, lowest)),
                            alt.value("#f6f8fa")),
        tooltip=[alt.Tooltip("a:N", title="code"), alt.Tooltip("b:N", title="with"),
                 alt.Tooltip("count:Q"), alt.Tooltip("c:Q", title="c-coefficient"),
                 alt.Tooltip("containment:Q"), alt.Tooltip("frequencies:N"), alt.Tooltip("note:N")],
    ).add_params(pick)
    labels = base.mark_text(fontSize=max(9, min(12, size // 2))).encode(
        text=alt.condition("datum.count > 0", "count:Q", alt.value("")),
        color=alt.condition(f"datum.count > {0.55 * highest}", alt.value("#ffffff"), alt.value("#1f2328")),
    )
    # autosize "pad": the cells keep their size and the labels are added around them (Streamlit's default "fit"
    # squeezes labels, cells and counts into the chart's width: 80 px for two codes, nothing readable). SVG even for
    # many cells (Streamlit draws over 2,000 data on a canvas): 60 codes are 7,080 marks, light for SVG, and the
    # cells stay elements a browser test can measure.
    return (heat + labels).properties(width=size * len(order), height=size * len(order),
                                      autosize=alt.AutoSizeParams(type="pad", contains="padding"),
                                      usermeta={"embedOptions": {"renderer": "svg"}})


def network_chart(result: Cooccurrence, threshold: int, colours: dict[int, str]) -> alt.LayerChart | None:
    """Codes on a circle, a line for each pair counted at least ``threshold`` times (thicker for more), dots sized
    by frequency in the code's colour; None when no pair reaches the threshold."""
    linked = [p for p in result.pairs if p.count >= threshold]
    rank = {c: i for i, c in enumerate(result.code_ids)}
    nodes = sorted({p.a_id for p in linked} | {p.b_id for p in linked}, key=lambda c: rank[c])
    if not nodes:
        return None
    position = {c: (math.cos(2 * math.pi * i / len(nodes)), math.sin(2 * math.pi * i / len(nodes)))
                for i, c in enumerate(nodes)}
    highest_count = max([p.count for p in linked] + [1])
    lowest_count = min([p.count for p in linked] + [highest_count])
    edges = pd.DataFrame([{"edge": i, "x": position[c][0], "y": position[c][1], "count": p.count,
                           "pair": f"{p.a} – {p.b}", "c": p.c_coefficient}
                          for i, p in enumerate(linked) for c in (p.a_id, p.b_id)])
    points = pd.DataFrame([{"code": result.names[c], "x": position[c][0], "y": position[c][1],
                            "frequency": result.frequency[c], "colour": colours.get(c, "#888888")} for c in nodes])
    axis = alt.Axis(labels=False, ticks=False, grid=False, domain=False, title=None)
    lines = alt.Chart(edges).mark_line(color="#8c959f", opacity=0.7).encode(
        x=alt.X("x:Q", axis=axis, scale=alt.Scale(domain=[-1.6, 1.6])),
        y=alt.Y("y:Q", axis=axis, scale=alt.Scale(domain=[-1.3, 1.3])),
        detail="edge:N", strokeWidth=alt.StrokeWidth("count:Q", scale=alt.Scale(range=[1, 9]), title="count",
                                                     legend=integer_legend(highest_count, lowest_count)),
        tooltip=["pair:N", "count:Q", alt.Tooltip("c:Q", format=".3f", title="c-coefficient")])
    dots = alt.Chart(points).mark_circle(stroke="#1f2328", strokeWidth=0.5, opacity=1).encode(
        x="x:Q", y="y:Q", size=alt.Size("frequency:Q", scale=alt.Scale(range=[80, 900]), title="frequency",
                                        legend=integer_legend(int(points["frequency"].max()),
                                                               int(points["frequency"].min()))),
        color=alt.Color("colour:N", scale=None), tooltip=["code:N", "frequency:Q"])
    names = alt.Chart(points).mark_text(dy=-16, fontSize=11).encode(x="x:Q", y="y:Q", text="code:N")
    return (lines + dots + names).properties(height=620)
