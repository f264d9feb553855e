"""The reads the pages share (workbench/app/reads.py): one value per read and data version, kept for every session,
replaced when the project changes, bounded in number."""

from __future__ import annotations

import pytest
import streamlit as st

from workbench.app import reads
from workbench.app.reads import Shared
from workbench.store import open_project


@pytest.fixture(autouse=True)
def fresh_caches() -> None:
    st.cache_resource.clear()


def test_a_value_of_another_version_is_replaced_not_kept_beside_it() -> None:
    shared = Shared()
    shared.put(("p", "viewer", "documents"), 1, "one")
    assert shared.get(("p", "viewer", "documents"), 1) == (True, "one")
    assert shared.get(("p", "viewer", "documents"), 2) == (False, None)
    shared.put(("p", "viewer", "documents"), 2, "two")
    assert shared.get(("p", "viewer", "documents"), 1) == (False, None)   # an older version is not served either
    assert len(shared.values) == 1


def test_the_least_recently_used_read_goes_first(monkeypatch) -> None:
    monkeypatch.setattr(reads, "KEPT", 2)
    shared = Shared()
    shared.put(("a",), 1, "a")
    shared.put(("b",), 1, "b")
    shared.get(("a",), 1)
    shared.put(("c",), 1, "c")
    assert list(shared.values) == [("a",), ("c",)]


def test_a_read_runs_once_per_data_version_and_viewer(project_file, monkeypatch) -> None:
    calls: list[str] = []
    with open_project(project_file) as project, open_project(project_file) as other:
        real = type(project).document_names
        monkeypatch.setattr(type(project), "document_names", lambda self: calls.append("read") or real(self))
        first = reads.read(project, "document_names")
        assert reads.read(other, "document_names") == first and calls == ["read"]   # another session: shared
        other.rename_document(other.document_id("ria"), "ria 2", who="x")              # audited: a new version
        assert list(reads.read(project, "document_names").values()) == ["ria 2"] and calls == ["read", "read"]
        other.view_as("x")                                                             # another viewer: its own
        reads.read(other, "document_names")
        assert len(calls) == 3
