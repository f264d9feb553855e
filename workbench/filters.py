"""Selecting documents by case attributes and codes by subtree: shared by retrieval and analysis."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .errors import WorkbenchError
from .models import Code
from .store import Project


def parse_where(conditions: Iterable[str]) -> dict[str, list[str]]:
    """``["role=resident", "role=volunteer", "gender=woman"]`` → ``{"role": [...], "gender": [...]}``."""
    where: dict[str, list[str]] = {}
    for condition in conditions:
        attribute, equals, value = condition.partition("=")
        if not equals or not attribute.strip():
            raise WorkbenchError(f"filter {condition!r} must look like ATTRIBUTE=VALUE")
        where.setdefault(attribute.strip(), []).append(value.strip())
    return where


def documents_where(project: Project, where: Mapping[str, Sequence[str]] | None) -> list[int] | None:
    """Ids of documents belonging to a case that matches every attribute condition (values within one attribute
    are alternatives). None when there is no condition (all documents)."""
    if not where:
        return None
    attributes = project.attributes()
    cases = project.cases()
    for attribute, values in where.items():
        if attribute not in attributes:
            known = ", ".join(sorted(attributes)) or "none"
            raise WorkbenchError(f"unknown case attribute {attribute!r} (attributes: {known})")
        present = {c.values.get(attribute) for c in cases}
        for value in values:
            if value not in present:
                shown = ", ".join(sorted(v for v in present if v)) or "none"
                raise WorkbenchError(f"no case has {attribute}={value} (values: {shown})")
    matching = {c.id for c in cases if all(c.values.get(a) in set(vs) for a, vs in where.items())}
    return sorted(doc_id for doc_id, case_ids in project.document_cases().items() if matching & set(case_ids))


def subtree_ids(codes: Sequence[Code], root_ids: Iterable[int]) -> list[int]:
    """The given codes and all their descendants."""
    children: dict[int | None, list[int]] = {}
    for code in codes:
        children.setdefault(code.parent_id, []).append(code.id)
    found: list[int] = []
    stack = list(root_ids)
    while stack:
        code_id = stack.pop()
        if code_id not in found:
            found.append(code_id)
            stack.extend(children.get(code_id, []))
    return found
