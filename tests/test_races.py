"""Every check that guards a write runs inside the write's transaction: two real connections, forced interleavings.

The second connection writes while the first is between its call and its ``BEGIN IMMEDIATE``: a check made before
the transaction would miss that write; a check made inside it sees it and gives the sequential message.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

import pytest

from workbench.errors import WorkbenchError
from workbench.ingest import import_sources
from workbench.store import open_project


def _hold_before_begin(project, other_write):
    """Make ``project``'s next transaction wait, just before it begins, until ``other_write`` ran on another
    thread (with its own connection)."""
    original = project.transaction
    done = threading.Event()
    errors: list[BaseException] = []

    @contextmanager
    def held():
        if not project._depth and not done.is_set():
            worker = threading.Thread(target=lambda: _run(other_write, errors))
            worker.start()
            worker.join(10)
            done.set()
        with original():
            yield

    project.transaction = held
    return errors


def _run(action, errors) -> None:
    try:
        action()
    except BaseException as exc:  # noqa: BLE001 - reported to the test
        errors.append(exc)


def test_delete_code_racing_a_coding_never_deletes_the_new_segment(project_file) -> None:
    first, second = open_project(project_file), open_project(project_file)
    try:
        code = first.resolve_code("participation fatigue").id
        doc = first.documents()[0].id
        added: list[int] = []
        errors = _hold_before_begin(first, lambda: added.append(second.add_segment(doc, 0, 10, code, "y")))
        with pytest.raises(WorkbenchError, match="is used by 1 segment"):
            first.delete_code(code, who="x")
        assert not errors and added
        assert [s.id for s in second.segments(code_ids=[code])] == added
    finally:
        first.close()
        second.close()


def test_add_code_racing_the_same_name_gets_the_sequential_message(project_file) -> None:
    first, second = open_project(project_file), open_project(project_file)
    try:
        errors = _hold_before_begin(first, lambda: second.add_code("trust", who="y"))
        with pytest.raises(WorkbenchError, match="a code named 'trust' already exists at the top level"):
            first.add_code("trust", who="x")
        assert not errors
        assert [c.name for c in second.codes()].count("trust") == 1
    finally:
        first.close()
        second.close()


def test_rename_racing_a_new_sibling_gets_the_sequential_message(project_file) -> None:
    first, second = open_project(project_file), open_project(project_file)
    try:
        code = first.resolve_code("participation fatigue").id
        errors = _hold_before_begin(first, lambda: second.add_code("fatigue", who="y"))
        with pytest.raises(WorkbenchError, match="already exists"):
            first.update_code(code, who="x", name="fatigue")
        assert not errors
    finally:
        first.close()
        second.close()


def test_import_racing_the_same_document_gets_the_sequential_message(project_file) -> None:
    first, second = open_project(project_file), open_project(project_file)
    source = [("buurt.txt", "Jan: Het is hier goed wonen.\n".encode())]
    try:
        errors = _hold_before_begin(first, lambda: import_sources(second, source))
        with pytest.raises(WorkbenchError, match="already in the project|already exists"):
            import_sources(first, source)
        assert not errors
        assert [d.name for d in second.documents()].count("buurt") == 1
    finally:
        first.close()
        second.close()
