"""The theme report (Markdown or HTML): per code its definition, counts, top co-occurring codes and three
representative quotes; and an SVG heatmap of a co-occurrence matrix."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ..escaping import markdown_text as md
from ..escaping import markup_text
from ..store import Project
from .cooccurrence import Cooccurrence, Pair, cooccurrence
from .data import AnalysisData, Item, Scope, load
from .frequencies import Frequency, frequencies

QUOTES = 3


@dataclass(frozen=True)
class Quote:
    document: str
    speaker: str
    text: str
    start: int


@dataclass(frozen=True)
class Theme:
    code: str
    code_id: int
    definition: str
    frequency: Frequency
    partners: list[Pair]
    quotes: list[Quote]


def representative_quotes(project: Project, items: Sequence[Item], count: int = QUOTES) -> list[Quote]:
    """Up to ``count`` quotes from different documents where possible, preferring passages of a readable length
    (one to three sentences)."""
    from ..context import TurnIndex

    names = project.document_names()
    texts = project.document_texts({i.document_id for i in items})
    turns = project.turns()

    def score(item: Item) -> float:
        length = len(texts[item.document_id][item.start:item.end])
        return abs(length - 220) + (400 if length < 40 else 0)

    chosen: list[Item] = []
    for item in sorted(items, key=lambda i: (score(i), i.document_id, i.start)):
        if len(chosen) == count:
            break
        if all(item.document_id != c.document_id for c in chosen):
            chosen.append(item)
    for item in sorted(items, key=score):
        if len(chosen) == count:
            break
        if item not in chosen:
            chosen.append(item)
    return [Quote(names[i.document_id], "; ".join(TurnIndex(turns.get(i.document_id, [])).speakers(i.start, i.end)),
                  " ".join(texts[i.document_id][i.start:i.end].split()), i.start)
            for i in sorted(chosen, key=lambda i: (list(names).index(i.document_id), i.start))]


def themes(project: Project, scope: Scope | None = None, unit: str = "overlap", distance: int | None = None,
           top: int = 5) -> tuple[list[Theme], Cooccurrence]:
    """The material of the theme report."""
    scope = scope or Scope()
    data: AnalysisData = load(project, scope)
    result = cooccurrence(project, unit, distance, scope, data=data)
    totals = {f.code_id: f for f in frequencies(project, scope, by_coder=False, data=data)}
    definitions = {c.id: c.definition for c in data.codes}
    by_code: dict[int, list[Item]] = {c: [] for c in data.code_ids}
    for item in data.items():
        by_code.setdefault(item.code_id, []).append(item)
    found = []
    for code_id in data.code_ids:
        partners = [p for p in result.pairs if code_id in (p.a_id, p.b_id)][:top]
        found.append(Theme(data.names[code_id], code_id, definitions.get(code_id, ""), totals[code_id], partners,
                           representative_quotes(project, by_code[code_id])))
    return found, result


def _partner(pair: Pair, code: str) -> str:
    return pair.b if pair.a == code else pair.a


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def theme_report_markdown(project: Project, scope: Scope | None = None, unit: str = "overlap",
                          distance: int | None = None, title: str = "Theme report") -> str:
    """The theme report as Markdown; every name and text from the project goes through
    :func:`workbench.escaping.markdown_text`, so a renderer shows it literally."""
    found, result = themes(project, scope, unit, distance)
    lines = [f"# {md(title)}", "", f"{date.today().isoformat()} · {md(project.path.name)} · co-occurrence unit: "
             f"{md(result.unit)}", "", f"*{md(result.explanation)}*", ""]
    for theme in found:
        f = theme.frequency
        lines += [f"## {md(theme.code)}", ""]
        if theme.definition:
            lines += [md(theme.definition), ""]
        lines += [f"**{f.segments} segments** in {f.documents} documents and {f.cases} cases; {f.words:,} words "
                  "coded.", ""]
        if theme.partners:
            lines.append("Co-occurs most with: " + "; ".join(
                f"{md(_partner(p, theme.code))} ({p.count}×, c = {_number(p.c_coefficient)})" for p in theme.partners)
                + ".")
            lines.append("")
        for quote in theme.quotes:
            who = f"{quote.document}, {quote.speaker}" if quote.speaker else quote.document
            lines += [f"> {md(quote.text)}", f"> — {md(who)}", ""]
        if not theme.quotes:
            lines += ["*Not coded yet.*", ""]
    return "\n".join(lines).rstrip() + "\n"


def theme_report_html(project: Project, scope: Scope | None = None, unit: str = "overlap",
                      distance: int | None = None, title: str = "Theme report") -> str:
    """The theme report as a self-contained HTML page (all text escaped)."""
    found, result = themes(project, scope, unit, distance)
    colours = {c.id: c.colour for c in project.codes()}
    e = markup_text
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{e(title)}</title><style>body{{font-family:Georgia,serif;max-width:46rem;margin:2rem auto;"
        "line-height:1.55;color:#1f2328}} h2{{border-bottom:1px solid #d0d7de;padding-bottom:.2rem}}"
        " blockquote{{margin:.8rem 0;padding:.2rem 1rem;border-left:4px solid #aaa;color:#333}}"
        " .meta{{color:#6e7781;font-size:.9rem}} .swatch{{display:inline-block;width:.8rem;height:.8rem;"
        "border-radius:2px;margin-right:.4rem}}</style></head><body>",
        f"<h1>{e(title)}</h1><p class='meta'>{date.today().isoformat()} · {e(project.path.name)} · "
        f"co-occurrence unit: {e(result.unit)}</p><p><em>{e(result.explanation)}</em></p>",
    ]
    for theme in found:
        f = theme.frequency
        colour = colours.get(theme.code_id, "#999999")
        parts.append(f"<h2><span class='swatch' style='background:{e(colour)}'></span>{e(theme.code)}</h2>")
        if theme.definition:
            parts.append(f"<p>{e(' '.join(theme.definition.split()))}</p>")
        parts.append(f"<p><strong>{f.segments} segments</strong> in {f.documents} documents and {f.cases} cases; "
                     f"{f.words:,} words coded.</p>")
        if theme.partners:
            parts.append("<p>Co-occurs most with: " + "; ".join(
                f"{e(_partner(p, theme.code))} ({p.count}×, c = {_number(p.c_coefficient)})"
                for p in theme.partners) + ".</p>")
        for quote in theme.quotes:
            who = f"{quote.document}, {quote.speaker}" if quote.speaker else quote.document
            parts.append(f"<blockquote>{e(quote.text)}<br><span class='meta'>— {e(who)}</span></blockquote>")
    parts.append("</body></html>")
    return "\n".join(parts)


def heatmap_svg(result: Cooccurrence, cell: int = 34, label_width: int = 230) -> str:
    """The co-occurrence matrix as an SVG heatmap with counts in the cells (all labels escaped)."""
    codes = [c for c in result.code_ids if result.frequency.get(c)]
    names = [result.names[c] for c in codes]
    size = len(codes)
    width = label_width + size * cell + 20
    height = label_width + size * cell + 40
    highest = max((p.count for p in result.pairs), default=1)
    e = markup_text
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="Helvetica, Arial, sans-serif" font-size="12">',
           f'<text x="10" y="20" font-size="13">{e(f"Co-occurrence ({result.unit}): {result.explanation}"[:180])}'
           "</text>"]
    top = label_width + 30
    for i, name in enumerate(names):
        y = top + i * cell + cell / 2 + 4
        out.append(f'<text x="{label_width - 6}" y="{y:.0f}" text-anchor="end">{e(name)}</text>')
        x = label_width + i * cell + cell / 2 + 4
        out.append(f'<text x="{x:.0f}" y="{top - 6}" transform="rotate(-60 {x:.0f} {top - 6})">{e(name)}</text>')
    for i, a in enumerate(codes):
        for j, b in enumerate(codes):
            count = result.frequency.get(a, 0) if a == b else result.count(a, b)
            shade = 0 if a == b or not count else 0.15 + 0.85 * count / highest
            fill = "#eeeeee" if a == b else f"rgba(31, 119, 180, {shade:.2f})" if count else "#ffffff"
            x, y = label_width + j * cell, top + i * cell
            out.append(f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="{fill}" stroke="#d0d7de"/>')
            if count:
                colour = "#ffffff" if shade > 0.6 else "#1f2328"
                out.append(f'<text x="{x + cell / 2:.0f}" y="{y + cell / 2 + 4:.0f}" text-anchor="middle" '
                           f'fill="{colour}">{count}</text>')
    out.append("</svg>")
    return "\n".join(out)
