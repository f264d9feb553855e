"""Code colours: a new top-level code gets a colour no other code has, a child code a shade of its parent's, so
the code tree reads in the coding stripes."""

from __future__ import annotations

import colorsys
from collections.abc import Collection

PALETTE = (
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
    "#bcbd22", "#7f7f7f", "#393b79", "#ad494a", "#637939", "#8c6d31", "#7b4173", "#3182bd",
)
_GOLDEN = 0.618033988749895


def _rgb(colour: str) -> tuple[float, float, float]:
    value = colour.lstrip("#")
    return tuple(int(value[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def _hex(r: float, g: float, b: float) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, x)) * 255):02x}" for x in (r, g, b))


def distinct_colour(used: Collection[str]) -> str:
    """The first palette colour no code uses; past the palette, hues spread by the golden angle (never one that
    is already used)."""
    taken = {c.lower() for c in used}
    for colour in PALETTE:
        if colour not in taken:
            return colour
    n = len(taken)
    while True:
        hue = (n * _GOLDEN) % 1.0
        lightness = (0.38, 0.50, 0.30)[n % 3]
        colour = _hex(*colorsys.hls_to_rgb(hue, lightness, 0.65))
        if colour not in taken:
            return colour
        n += 1


def shade(parent: str, index: int, used: Collection[str] = ()) -> str:
    """A shade of ``parent`` for its ``index``-th child (0-based): the parent's hue, lighter or darker by turns,
    and never a colour that is already used."""
    taken = {c.lower() for c in used}
    hue, lightness, saturation = colorsys.rgb_to_hls(*_rgb(parent))
    steps = (0.14, -0.12, 0.26, -0.22, 0.36, 0.07, -0.06, 0.20, -0.17, 0.31)
    for attempt in range(index, index + 40):
        step = steps[attempt % len(steps)] * (1 + attempt // len(steps) * 0.05)
        new_lightness = max(0.12, min(0.86, lightness + step))
        colour = _hex(*colorsys.hls_to_rgb(hue, new_lightness, max(saturation, 0.25)))
        if colour not in taken and colour != parent.lower():
            return colour
    return distinct_colour(taken)
