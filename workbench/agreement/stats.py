"""The agreement statistics as pure functions of counts: no project, no numpy, nothing read from disk.

Every function returns ``None`` where the statistic is undefined (no units, no variation), never NaN.

- :class:`BinaryTally` holds the (weighted) counts behind one code's binary decisions "coded / not coded" over a
  set of units; :func:`percent_agreement`, :func:`kappa_2x2` and :func:`alpha_binary` read it.
- :func:`krippendorff_alpha_nominal` and :func:`cohen_kappa` are the general textbook forms (any values, missing
  values as ``None``), used for the published examples and as the definitions the fast paths must agree with.
- :func:`unitized_binary_alpha` (|uα) and :func:`cu_alpha` (cuα) follow Krippendorff, Mathet, Bouvry & Widlöcher
  (2016) from their coincidence sums; :func:`unitized_alphas` computes both straight from the sections of one
  continuum (a slow, literal reading of the definitions).
- :func:`segments_match` is MAXQDA's segment agreement: two segments agree when they overlap by at least X % of
  the longer one.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, fields


@dataclass
class BinaryTally:
    """Counts behind the binary decisions on one code (weights: 1 per unit, or the number of characters).

    ``units``: pairable units (coded by at least two of the coders); ``agreeing``: units on which all coders who
    coded them agree; ``values``: pairable values n.. (each unit counts once per coder who coded it); ``ones``: the
    values "coded" n1; ``disagreeing``: the coincidences o01 of "coded" with "not coded" (pairs of values from
    different coders in one unit, each unit's pairs weighted 1 / (m_u − 1)); ``both_coded``: the coincidences o11.
    ``both``/``first_only``/``second_only``/``neither``: the 2×2 table of two coders over the units both coded.
    """

    units: float = 0
    agreeing: float = 0
    values: float = 0
    ones: float = 0
    disagreeing: float = 0
    both_coded: float = 0
    both: float = 0
    first_only: float = 0
    second_only: float = 0
    neither: float = 0

    def __add__(self, other: BinaryTally) -> BinaryTally:
        return BinaryTally(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


def percent_agreement(tally: BinaryTally) -> float | None:
    """The share of pairable units on which every coder who coded the unit gave the same answer."""
    return tally.agreeing / tally.units if tally.units else None


def kappa_2x2(both: float, first_only: float, second_only: float, neither: float) -> float | None:
    """Cohen's κ of a 2×2 table (rows: the first coder's yes/no, columns: the second's)."""
    n = both + first_only + second_only + neither
    if n <= 0:
        return None
    observed = (both + neither) / n
    first_yes, second_yes = (both + first_only) / n, (both + second_only) / n
    expected = first_yes * second_yes + (1 - first_yes) * (1 - second_yes)
    if expected >= 1:
        return None
    return (observed - expected) / (1 - expected)


def alpha_binary(tally: BinaryTally) -> float | None:
    """Krippendorff's nominal α of binary values: 1 − (n − 1)·o01 / (n0·n1)."""
    n, ones = tally.values, tally.ones
    zeros = n - ones
    if n < 2 or ones <= 0 or zeros <= 0:
        return None
    return 1 - (n - 1) * tally.disagreeing / (zeros * ones)


def cohen_kappa(first: Sequence[Hashable], second: Sequence[Hashable]) -> float | None:
    """Cohen's κ of two coders' values on the same units (any number of categories)."""
    if len(first) != len(second):
        raise ValueError("both coders need a value for every unit")
    n = len(first)
    if n == 0:
        return None
    observed = sum(a == b for a, b in zip(first, second)) / n
    count_a, count_b = Counter(first), Counter(second)
    expected = sum(count_a[v] * count_b[v] for v in count_a) / (n * n)
    if expected >= 1:
        return None
    return (observed - expected) / (1 - expected)


def krippendorff_alpha_nominal(data: Sequence[Sequence[Hashable | None]]) -> float | None:
    """Krippendorff's α for nominal values; ``data[coder][unit]``, ``None`` where a coder gave no value.

    The coincidence matrix o_ck sums, over units with m_u ≥ 2 values, the ordered pairs of values from different
    coders weighted 1 / (m_u − 1); α = 1 − (n − 1)·Σ_{c≠k} o_ck / Σ_{c≠k} n_c·n_k."""
    if not data:
        return None
    units = len(data[0])
    coincidences: defaultdict[tuple[Hashable, Hashable], float] = defaultdict(float)
    for u in range(units):
        present = [row[u] for row in data if row[u] is not None]
        m = len(present)
        if m < 2:
            continue
        for i, a in enumerate(present):
            for j, b in enumerate(present):
                if i != j:
                    coincidences[(a, b)] += 1 / (m - 1)
    margins: defaultdict[Hashable, float] = defaultdict(float)
    for (a, _), weight in coincidences.items():
        margins[a] += weight
    n = sum(margins.values())
    expected = sum(margins[a] * margins[b] for a in margins for b in margins if a != b)
    if n < 2 or expected <= 0:
        return None
    observed = sum(weight for (a, b), weight in coincidences.items() if a != b)
    return 1 - (n - 1) * observed / expected


# ------------------------------------------------------------------------------------------- unitized α
def unitized_binary_alpha(disagreeing: float, gap: float, valued: float, correction: float) -> float | None:
    """|uα from the coincidence sums of a binary continuum (coded with the code, or not).

    ``disagreeing``: l_{gap,valued}, the length of intersections of one coder's gap with another coder's valued
    section, summed over ordered pairs of coders and divided by (m − 1); ``gap``/``valued``: the margins l_gap and
    l_valued (their sum l.. is m × the length of the continuum); ``correction``: Σ ℓ² over valued sections plus
    Σ ℓ over gaps (a valued section does not pair with itself; a gap is a run of single characters).
    Expected: e_{gap,valued} = l_gap·l_valued / (l.. − correction / l..); |uα = 1 − l_{gap,valued} / e."""
    total = gap + valued
    if total <= 0 or gap <= 0 or valued <= 0:
        return None
    denominator = total - correction / total
    if denominator <= 0:
        return None
    return 1 - disagreeing * denominator / (gap * valued)


def cu_alpha(margins: dict[Hashable, float], diagonal: dict[Hashable, float], correction: float) -> float | None:
    """cuα from the coincidences among valued sections only (where coders' segments intersect).

    ``margins[c]``: l*_c, the intersections of value c with any other coder's valued sections (ordered pairs of
    coders, divided by m − 1); ``diagonal[c]``: l*_cc, the part of those where the other section has value c too;
    ``correction``: Σ p² over valued sections, p being each section's share of l*.. (its pairable length).
    D_o = l*.. − Σ_c l*_cc;  D_e = (l*..² − Σ_c l*_c²) / (l*.. − correction / l*..);  cuα = 1 − D_o / D_e."""
    total = sum(margins.values())
    if total <= 0:
        return None
    denominator = total - correction / total
    expected = (total * total - sum(v * v for v in margins.values())) / denominator if denominator > 0 else 0
    if expected <= 1e-12 * total:
        return None
    observed = total - sum(diagonal.get(c, 0.0) for c in margins)
    return 1 - observed / expected


Section = tuple[int, int, Hashable]  # [start, end) and its value (a code)


@dataclass(frozen=True)
class Unitized:
    """|uα per value and cuα of one continuum."""

    binary: dict[Hashable, float | None]
    cu: float | None


def unitized_alphas(length: int, coders: Sequence[Sequence[Section]]) -> Unitized:
    """|uα for every value and cuα over all values, straight from each coder's valued sections of one continuum
    ``[0, length)`` (the gaps are what no section of a value covers). Sections of one value by one coder may not
    overlap; sections of different values may (every intersecting pair then counts). Loops over pairs: for small
    examples and tests."""
    m = len(coders)
    if m < 2:
        return Unitized({}, None)
    values = sorted({v for sections in coders for _, _, v in sections}, key=str)
    binary: dict[Hashable, float | None] = {}
    for value in values:
        own = [[(s, e) for s, e, v in sections if v == value] for sections in coders]
        covered = [sum(e - s for s, e in spans) for spans in own]
        valued_total = sum(covered)
        gap_total = m * length - valued_total
        disagreeing = 0.0
        for i in range(m):
            for j in range(m):
                if i != j:  # i's valued sections against j's gaps: i's length minus what j also covers
                    both = sum(_meet(a, b) for a in own[i] for b in own[j])
                    disagreeing += (covered[i] - both) / (m - 1)
        correction = sum((e - s) ** 2 for spans in own for s, e in spans) + gap_total
        binary[value] = unitized_binary_alpha(disagreeing, gap_total, valued_total, correction)
    margins: defaultdict[Hashable, float] = defaultdict(float)
    diagonal: defaultdict[Hashable, float] = defaultdict(float)
    correction = 0.0
    for i, sections in enumerate(coders):
        for s, e, v in sections:
            share = 0.0
            for j, others in enumerate(coders):
                if j == i:
                    continue
                for s2, e2, v2 in others:
                    meet = _meet((s, e), (s2, e2)) / (m - 1)
                    share += meet
                    if v2 == v:
                        diagonal[v] += meet
            margins[v] += share
            correction += share * share
    return Unitized(binary, cu_alpha(dict(margins), dict(diagonal), correction))


def _meet(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


# --------------------------------------------------------------------------------------- segment matching
def segments_match(a: tuple[int, int], b: tuple[int, int], overlap: int) -> bool:
    """MAXQDA's rule: two segments agree when they share at least ``overlap`` % of the longer one's characters."""
    longer = max(a[1] - a[0], b[1] - b[0])
    return _meet(a, b) > 0 and 100 * _meet(a, b) >= overlap * longer
