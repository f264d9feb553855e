"""The codebook: the code tree, and its readable YAML form (the one the app edits).

YAML format: a top-level ``codes:`` list; each code has ``name`` and optional ``colour``, ``definition``,
``when_to_use``, ``when_not_to_use``, ``example``, ``keywords`` (a list) and ``children`` (codes of the same form).
Optional top-level ``title`` and ``description``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from .errors import WorkbenchError
from .models import Code
from .safe_files import write_export
from .store import CODE_FIELDS, Project, normalise_colour, normalise_name

_ALLOWED_KEYS = {"name", "colour", "color", "keywords", "children", "guid", *CODE_FIELDS}


def code_tree(project: Project, with_counts: bool = True) -> list[dict[str, Any]]:
    """The codebook as nested dicts: name, path, colour, definition, when_to_use, when_not_to_use, example,
    keywords, segments (this code's own count), segments_with_children and children."""
    codes = project.codes()
    counts = project.segment_counts_by_code() if with_counts else {}
    totals = subtree_totals(codes, counts)
    nodes: dict[int, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for code in codes:
        node = code_record(code)
        if with_counts:
            node["segments"] = counts.get(code.id, 0)
            node["segments_with_children"] = totals[code.id]
        node["children"] = []
        nodes[code.id] = node
        (nodes[code.parent_id]["children"] if code.parent_id else roots).append(node)
    return roots


def subtree_totals(codes: Sequence[Code], counts: dict[int, int]) -> dict[int, int]:
    """Each code's segments together with those of all its child codes, by code id (``codes`` depth first, as
    :meth:`Project.codes` gives them)."""
    totals = {code.id: counts.get(code.id, 0) for code in codes}
    for code in reversed(codes):
        if code.parent_id is not None:
            totals[code.parent_id] += totals[code.id]
    return totals


def code_record(code: Code) -> dict[str, Any]:
    """One code as a plain dict (no children)."""
    return {
        "name": code.name,
        "path": code.path,
        "guid": code.guid,
        "colour": code.colour,
        "definition": code.definition,
        "when_to_use": code.when_to_use,
        "when_not_to_use": code.when_not_to_use,
        "example": code.example,
        "keywords": list(code.keywords),
    }


MAX_DEPTH = 30  # levels of codes; real codebooks have 2–4


def _validate_yaml_codes(items: Any, where: str, depth: int = 1) -> None:
    if depth > MAX_DEPTH:
        raise WorkbenchError(f"{where}: codes are nested more than {MAX_DEPTH} levels deep")
    if not isinstance(items, list):
        raise WorkbenchError(f"{where}: 'codes' and 'children' must be lists of codes")
    names: set[str] = set()
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            raise WorkbenchError(f"{where}: every code needs a 'name' (found {_shown(item)})")
        unknown = set(item) - _ALLOWED_KEYS
        if unknown:
            raise WorkbenchError(f"{where}: code {item['name']!r} has unknown field(s) "
                                 f"{', '.join(sorted(map(str, unknown)))[:200]}")
        name = normalise_name(item["name"])
        if name in names:
            raise WorkbenchError(f"{where}: code {name!r} appears twice under the same parent")
        names.add(name)
        keywords = item.get("keywords", [])
        if not isinstance(keywords, list) or not all(isinstance(k, (str, int, float)) for k in keywords):
            raise WorkbenchError(f"{where}: keywords of {name!r} must be a list of words")
        for key in (*CODE_FIELDS, "colour", "color", "guid"):
            if key in item and item[key] is not None and not isinstance(item[key], str):
                raise WorkbenchError(f"{where}: {key} of {name!r} must be text")
        _validate_yaml_codes(item.get("children") or [], where, depth + 1)


def _shown(item: Any) -> str:
    """A short, safe rendering of a bad YAML value (``repr`` of a deeply nested value would recurse)."""
    if isinstance(item, (dict, list)):
        return f"a {'mapping' if isinstance(item, dict) else 'list'}"
    return f"{item!r:.80}"


class _NoAliasLoader(yaml.SafeLoader):
    """A safe loader that refuses anchors and aliases: a codebook needs none, and they allow recursive documents
    and exponential "billion laughs" expansions."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.YAMLError(f"aliases are not allowed in a codebook (line {event.start_mark.line + 1})")
        return super().compose_node(parent, index)


_BRACKETS = re.compile(r"[^\[\]{}]+")
_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)
MAX_BRACKETS = 100  # flow collections ([…] and {…}) inside each other
MAX_INDENT = 400  # spaces before a line: about a hundred levels of block nesting


def _check_nesting(data: bytes | str, source: str) -> None:
    """Refuse YAML nested far deeper than any codebook before parsing it: PyYAML takes quadratic time and deep
    recursion on such documents (2,000 ``[`` took over 10 s before failing)."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    if max((len(m.group()) for m in _INDENT.finditer(text)), default=0) > MAX_INDENT:
        raise WorkbenchError(f"{source} is nested too deeply to be a codebook (a line indented over {MAX_INDENT} "
                             "spaces)")
    depth = 0
    for bracket in _BRACKETS.sub("", text):
        depth = depth + 1 if bracket in "[{" else max(depth - 1, 0)
        if depth > MAX_BRACKETS:
            raise WorkbenchError(f"{source} is nested too deeply to be a codebook (over {MAX_BRACKETS} brackets)")


def load_yaml(data: bytes | str, source: str = "codebook") -> dict[str, Any]:
    """Parse and check a codebook YAML document."""
    _check_nesting(data, source)
    try:
        document = yaml.load(data, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader subclass
    except RecursionError:
        raise WorkbenchError(f"{source} is nested too deeply to be a codebook") from None
    except yaml.YAMLError as exc:
        if "aliases are not allowed" in str(exc):
            raise WorkbenchError(f"{source}: {exc}") from None
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise WorkbenchError(f"{source} is not valid YAML{where}") from None
    if not isinstance(document, dict) or "codes" not in document:
        raise WorkbenchError(f"{source} has no top-level 'codes:' list")
    _validate_yaml_codes(document["codes"], source)
    return document


def import_codebook(project: Project, data: bytes | str, source: str = "codebook", who: str = "") -> dict[str, int]:
    """Merge a YAML codebook into the project: new codes are added, existing ones get the file's colour,
    definitions and keywords. A code is matched by GUID first (so a code renamed or moved here is still the same
    code, and keeps its name and place), then by path. Nothing is deleted. All or nothing; returns counts
    added/updated."""
    document = load_yaml(data, source)
    counts = {"added": 0, "updated": 0}

    def apply(items: list[dict[str, Any]], parent_id: int | None, prefix: str) -> None:
        for item in items:
            name = normalise_name(item["name"])
            path = f"{prefix}/{name}" if prefix else name
            fields = {key: (item.get(key) or "").strip() for key in CODE_FIELDS if key in item}
            colour = item.get("colour") or item.get("color")
            keywords = [str(k).strip() for k in item.get("keywords") or [] if str(k).strip()]
            code = by_guid.get(str(item.get("guid") or "").strip().strip("{}").upper()) or by_path.get(path)
            if code is not None:
                changes: dict[str, Any] = {k: v for k, v in fields.items() if v != getattr(code, k)}
                if colour and normalise_colour(colour) != code.colour:
                    changes["colour"] = colour
                if "keywords" in item and tuple(keywords) != code.keywords:
                    changes["keywords"] = keywords
                if changes:
                    project.update_code(code.id, who=who, **changes)
                    counts["updated"] += 1
                code_id, path = code.id, code.path
            else:
                code_id = project.add_code(name, parent_id, colour=colour, who=who, keywords=keywords,
                                           guid=item.get("guid"), **fields)
                counts["added"] += 1
            apply(item.get("children") or [], code_id, path)

    with project.transaction():
        codes = project.codes()
        by_guid = {code.guid.upper(): code for code in codes}
        by_path = {code.path: code for code in codes}
        apply(document["codes"], None, "")
    return counts


def export_codebook(project: Project, title: str = "", description: str = "") -> str:
    """The project's codebook as YAML text (round-trips through :func:`import_codebook`)."""

    def strip(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
        result = []
        for node in nodes:
            item: dict[str, Any] = {"name": node["name"], "colour": node["colour"], "guid": node["guid"]}
            for key in CODE_FIELDS:
                if node[key]:
                    item[key] = node[key]
            if node["keywords"]:
                item["keywords"] = node["keywords"]
            if node["children"]:
                item["children"] = strip(node["children"])
            result.append(item)
        return result

    document: dict[str, Any] = {}
    if title:
        document["title"] = title
    if description:
        document["description"] = description
    document["codes"] = strip(code_tree(project, with_counts=False))
    return yaml.dump(document, allow_unicode=True, sort_keys=False, width=110, Dumper=_LiteralDumper)


class _LiteralDumper(yaml.SafeDumper):
    """Writes long text as folded blocks so the file stays readable."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_LiteralDumper.add_representer(str, _represent_str)


def import_codebook_file(project: Project, path: str | Path, who: str = "") -> dict[str, int]:
    path = Path(path)
    if not path.is_file():
        raise WorkbenchError(f"no file at {path}")
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise WorkbenchError(f"{path.name}: a codebook file must be .yaml or .yml")
    return import_codebook(project, path.read_bytes(), path.name, who=who)


def export_codebook_file(project: Project, path: str | Path) -> None:
    path = Path(path)
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise WorkbenchError(f"{path.name}: export the codebook as .yaml")
    write_export(project.path, path, export_codebook(project))
