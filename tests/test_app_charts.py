"""Charts that read at any size (issue 9 §2), asserted on the Vega-Lite specs the co-occurrence page sends
(AppTest): the heatmap with 2, 6, 21 and 60 codes keeps a minimum cell size, every label and visible counts; legends
are whole numbers; the code × attribute matrix opens on a categorical attribute and bins number attributes at
chosen edges."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from workbench.ingest import import_sources
from workbench.models import NewSegment
from workbench.store import create_project

from .test_app_cooccurrence import app, fresh_caches, show  # noqa: F401  (fixtures: an AppTest on the page)

CASES = (b"document,case,role,age,interviewed\n"
         b"d0,Ann,resident,23,2026-01-10\nd1,Bob,professional,41,2026-02-11\nd2,Cor,resident,67,2026-03-12\n"
         b"d3,Dee,volunteer,45,2026-03-20\n")


def build(path: Path, n_codes: int) -> Path:
    """Four documents; every code coded on every document's first sentence, so every pair co-occurs."""
    with create_project(path) as project:
        text = "R: Een zin over de buurt hier. Nog een zin daarna.\n"
        import_sources(project, [(f"d{i}.txt", (text + f"I: nummer {i}.\n").encode()) for i in range(4)],
                       cases=("cases.csv", CASES), language="nl")
        codes = [project.add_code(f"code {i:02d} met een langere naam") for i in range(n_codes)]
        project.add_segments([NewSegment(d + 1, 3, 30 + (c % 5), code, "m")
                              for d in range(4) for c, code in enumerate(codes)])
    return path


def specs(at: AppTest) -> list[dict]:
    assert not at.exception, [e.value for e in at.exception]
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


def layers_of(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def heatmap(at: AppTest) -> dict:
    found = [s for s in specs(at) if any(mark_type(layer) == "rect" for layer in layers_of(s))]
    assert len(found) == 1
    return found[0]


def mark_type(layer: dict) -> str:
    mark = layer.get("mark")
    return mark.get("type") if isinstance(mark, dict) else mark


@pytest.mark.parametrize("n", [2, 6, 21, 60])
def test_heatmap_keeps_cells_labels_and_counts_for_any_number_of_codes(app, tmp_path, n):
    at = app(build(tmp_path / f"c{n}.wbproj", n))
    spec = heatmap(at)
    names = [f"code {i:02d} met een langere naam" for i in range(n)]
    assert spec["width"] >= 18 * n and spec["height"] >= 18 * n  # a minimum cell size
    assert spec["width"] / n >= 18
    rect, text = (next(layer for layer in layers_of(spec) if mark_type(layer) == kind) for kind in ("rect", "text"))
    encoding = spec.get("encoding") or rect["encoding"]
    for axis in ("x", "y"):
        assert encoding[axis]["scale"]["domain"] == names  # every code is on both axes
        assert encoding[axis]["axis"]["labelOverlap"] is False  # and every label is drawn
        assert encoding[axis]["axis"]["labelLimit"] >= 200
    assert text["mark"]["fontSize"] >= 9 and text["encoding"]["text"]["condition"]["field"] == "count"
    legend = rect["encoding"]["color"]["condition"]["legend"]
    assert legend["format"] == "d" and all(isinstance(v, int) for v in legend["values"])


def test_network_legends_are_whole_numbers(app, tmp_path):
    at = show(app(build(tmp_path / "c6.wbproj", 6)), "Network")
    network = [s for s in specs(at) if any(mark_type(layer) == "line" for layer in layers_of(s))]
    assert len(network) == 1
    legends = [enc[channel]["legend"] for layer in layers_of(network[0]) for enc in [layer.get("encoding", {})]
               for channel in ("strokeWidth", "size") if channel in enc]
    assert len(legends) == 2
    for legend in legends:
        assert legend["format"] == "d" and legend["tickMinStep"] == 1
        assert legend["values"] and all(isinstance(v, int) for v in legend["values"])


def matrix_frame(at: AppTest):
    found = [d.value for d in at.dataframe if "code" in d.value.columns and "segments" not in d.value.columns
             and "code A" not in d.value.columns]
    assert len(found) == 1
    return found[0]


def test_matrix_opens_on_a_categorical_attribute(app, tmp_path):
    at = show(app(build(tmp_path / "c2.wbproj", 2)), "Codes × attribute")
    assert at.selectbox(key="cooc_attribute").value == "role"
    assert list(matrix_frame(at).columns) == ["code", "professional", "resident", "volunteer"]


def test_matrix_bins_a_number_attribute_at_chosen_edges(app, tmp_path):
    at = show(app(build(tmp_path / "c2.wbproj", 2)), "Codes × attribute")
    at.selectbox(key="cooc_attribute").set_value("age").run()
    assert not at.exception
    at.text_input(key="cooc_bins_age").input("20, 40, 60").run()
    frame = matrix_frame(at)
    assert list(frame.columns) == ["code", "20–39", "40–59", "60+"]
    assert frame.iloc[0].tolist()[1:] == [1, 2, 1]  # segments: Ann; Bob and Dee; Cor
    at.toggle(key="cooc_bin_on_age").set_value(False).run()
    assert list(matrix_frame(at).columns) == ["code", "23", "41", "45", "67"]


def test_matrix_bins_a_date_attribute(app, tmp_path):
    at = show(app(build(tmp_path / "c2.wbproj", 2)), "Codes × attribute")
    at.selectbox(key="cooc_attribute").set_value("interviewed").run()
    at.text_input(key="cooc_bins_interviewed").input("2026-02-01, 2026-03-15").run()
    frame = matrix_frame(at)
    assert list(frame.columns) == ["code", "before 2026-02-01", "2026-02-01 to 2026-03-14", "2026-03-15 or later"]
    assert frame.iloc[0].tolist()[1:] == [1, 2, 1]


def test_bad_bin_edges_are_refused_with_a_message(app, tmp_path):
    at = show(app(build(tmp_path / "c2.wbproj", 2)), "Codes × attribute")
    at.selectbox(key="cooc_attribute").set_value("age").run()
    at.text_input(key="cooc_bins_age").input("twenty").run()
    assert not at.exception
    assert any("bin edges must be numbers" in e.value for e in at.error)
