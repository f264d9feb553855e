"""Documents for writing up: the codebook as a methods appendix (Markdown, DOCX), the theme report as DOCX, and a
quote bank (DOCX) of codes' segments grouped by code and case.

User text (code names, definitions, quotes, memos) is always written as literal text: Markdown punctuation is
escaped in Markdown, and python-docx runs are plain text (characters XML cannot hold are replaced by U+FFFD).
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from ..escaping import markdown_text
from ..models import Code
from ..store import Project

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
FIELDS = (("definition", "Definition"), ("when_to_use", "When to use"), ("when_not_to_use", "When not to use"),
          ("example", "Example"))


def md(value: str) -> str:
    """Literal text in Markdown, lines kept (:func:`workbench.escaping.markdown_text`)."""
    return markdown_text(value, keep_lines=True)


def plain(value: str) -> str:
    """Text safe for a Word document (XML 1.0 characters only)."""
    return _INVALID_XML.sub("\ufffd", value)


def code_counts(project: Project) -> dict[int, dict[str, int]]:
    """Per code id: segments, documents and coders."""
    counts: dict[int, dict[str, Any]] = defaultdict(lambda: {"segments": 0, "documents": set(), "coders": set()})
    for document_id, _start, _end, code_id, coder_id, _id in project.analysis_rows():
        entry = counts[code_id]
        entry["segments"] += 1
        entry["documents"].add(document_id)
        entry["coders"].add(coder_id)
    return {code_id: {"segments": e["segments"], "documents": len(e["documents"]), "coders": len(e["coders"])}
            for code_id, e in counts.items()}


def _depth(code: Code) -> int:
    return code.path.count("/")


def codebook_markdown(project: Project, title: str = "Codebook") -> str:
    """The codebook as a methods appendix in Markdown."""
    codes = project.codes()
    counts = code_counts(project)
    lines = [f"# {md(title)}", "", f"{date.today().isoformat()} · {md(project.path.stem)} · {len(codes)} codes", ""]
    for code in codes:
        c = counts.get(code.id, {"segments": 0, "documents": 0, "coders": 0})
        lines += [f"{'#' * min(2 + _depth(code), 6)} {md(code.path)}", ""]
        for key, label in FIELDS:
            value = getattr(code, key)
            if value:
                lines += [f"**{label}:** " + "  \n".join(md(line) for line in value.split("\n")), ""]
        if code.keywords:
            lines += ["**Keywords:** " + ", ".join(md(k) for k in code.keywords), ""]
        lines += [f"**Counts:** {c['segments']} segments in {c['documents']} documents by {c['coders']} coders", ""]
    return "\n".join(lines).rstrip() + "\n"


def _document(title: str, subtitle: str) -> Any:
    import docx

    document = docx.Document()
    document.core_properties.title = plain(title)
    document.add_heading(plain(title), level=0)
    document.add_paragraph(plain(subtitle))
    return document


def _save(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _labelled(document: Any, label: str, value: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{label}: ").bold = True
    paragraph.add_run(plain(value))


def codebook_docx(project: Project, title: str = "Codebook") -> bytes:
    """The codebook as a methods appendix in Word: per code its definition, when to use, when not to use,
    example, keywords and counts."""
    codes = project.codes()
    counts = code_counts(project)
    document = _document(title, f"{date.today().isoformat()} · {project.path.stem} · {len(codes)} codes")
    for code in codes:
        c = counts.get(code.id, {"segments": 0, "documents": 0, "coders": 0})
        document.add_heading(plain(code.path), level=min(1 + _depth(code), 9))
        for key, label in FIELDS:
            if getattr(code, key):
                _labelled(document, label, getattr(code, key))
        if code.keywords:
            _labelled(document, "Keywords", ", ".join(code.keywords))
        _labelled(document, "Counts", f"{c['segments']} segments in {c['documents']} documents by {c['coders']} "
                                      "coders")
    return _save(document)


def theme_report_docx(project: Project, scope: Any = None, unit: str = "overlap", distance: int | None = None,
                      title: str = "Theme report") -> bytes:
    """The theme report of the co-occurrence page as a Word document."""
    from ..analysis.report import themes

    found, result = themes(project, scope, unit, distance)
    document = _document(title, f"{date.today().isoformat()} · {project.path.name} · co-occurrence unit: "
                                f"{result.unit}")
    document.add_paragraph(plain(result.explanation)).runs[0].italic = True
    for theme in found:
        f = theme.frequency
        document.add_heading(plain(theme.code), level=1)
        if theme.definition:
            document.add_paragraph(plain(" ".join(theme.definition.split())))
        document.add_paragraph(f"{f.segments} segments in {f.documents} documents and {f.cases} cases; "
                               f"{f.words:,} words coded.")
        if theme.partners:
            names = [p.b if p.a == theme.code else p.a for p in theme.partners]
            document.add_paragraph("Co-occurs most with: " + "; ".join(
                plain(f"{name} ({p.count}×)") for name, p in zip(names, theme.partners)) + ".")
        for quote in theme.quotes:
            who = f"{quote.document}, {quote.speaker}" if quote.speaker else quote.document
            paragraph = document.add_paragraph(plain(quote.text), style="Quote")
            paragraph.add_run(plain(f"\n— {who}")).italic = True
        if not theme.quotes:
            document.add_paragraph("Not coded yet.").runs[0].italic = True
    return _save(document)


def quote_bank_docx(project: Project, codes: Sequence[Code] | None = None,
                    with_children: bool = True) -> tuple[bytes, int]:
    """The segments of ``codes`` (default: all; with their child codes) as quotes grouped by code, then by case
    (documents without a case under "no case"), each with document, speaker, coder, offsets and memo."""
    from ..filters import subtree_ids
    from ..retrieval import retrieve

    all_codes = project.codes()
    roots = [c.id for c in codes] if codes else [c.id for c in all_codes]
    wanted = subtree_ids(all_codes, roots) if with_children else roots
    found = retrieve(project, code_ids=wanted)
    grouped: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for item in found:
        grouped[item.code_path][item.cases or "no case"].append(item)
    document = _document("Quote bank", f"{date.today().isoformat()} · {project.path.stem} · {len(found)} segments")
    for code in all_codes:
        if code.path not in grouped:
            continue
        document.add_heading(plain(code.path), level=1)
        if code.definition:
            document.add_paragraph(plain(" ".join(code.definition.split()))).runs[0].italic = True
        for case in sorted(grouped[code.path], key=lambda name: (name == "no case", name.lower())):
            document.add_heading(plain(case), level=2)
            for item in grouped[code.path][case]:
                segment = item.segment
                document.add_paragraph(plain(segment.text.strip()), style="Quote")
                source = ", ".join(part for part in (segment.document, item.speaker) if part)
                meta = document.add_paragraph()
                meta.add_run(plain(f"— {source} ({segment.start}–{segment.end}), coded by {segment.coder}")).italic = True
                if segment.memo:
                    _labelled(document, "Memo", segment.memo)
    return _save(document), len(found)
