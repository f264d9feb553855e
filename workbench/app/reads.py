"""Reads of the project that the pages share until the project changes.

A read (``read(project, "documents")``) runs once per (project file, data version, viewer) and is then kept for
every session of this server: a rerun, a page turn or a second tab reads nothing that grew with the project. The data
version changes with every audited write (see ``Project.data_version``), so a change made here, in another tab or by
the command line is read on the next run. The viewer is part of the key because what a read shows depends on who
reads (blind coding, exercises). Only the latest version of each read is kept (a value of another version is
replaced, not kept beside it), so memory follows the number of distinct reads, not the number of changes. The
values are shared: treat them as read-only (the models are frozen dataclasses; lists are handed out as tuples).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from workbench.store import Project

T = TypeVar("T")
FIRST_DOCUMENTS = 100  # what the agreement page compares when no documents are chosen in a large project
FIRST_REVIEWED = 20  # the review page's queue when no documents are chosen (one passage at a time: fewer suffice)
KEPT = 256  # distinct reads kept (the least recently used goes first)


class Shared:
    """The values of this server's sessions: per (file, viewer, what) the value of one data version."""

    def __init__(self) -> None:
        self.values: OrderedDict[tuple, tuple[int, Any]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, wanted: tuple, version: int) -> tuple[bool, Any]:
        with self.lock:
            found = self.values.get(wanted)
            if found is None or found[0] != version:
                return False, None
            self.values.move_to_end(wanted)
            return True, found[1]

    def put(self, wanted: tuple, version: int, value: Any) -> None:
        with self.lock:
            self.values[wanted] = (version, value)
            self.values.move_to_end(wanted)
            while len(self.values) > KEPT:
                self.values.popitem(last=False)


@st.cache_resource(show_spinner=False)
def _shared() -> Shared:
    return Shared()


def _kept(project: Project, what: tuple, make: Callable[[], T]) -> T:
    version = project.data_version()  # read first: a value is never older than its version
    wanted = (str(project.path), repr(project.viewer), *what)
    shared = _shared()
    found, value = shared.get(wanted, version)
    if not found:
        value = make()
        shared.put(wanted, version, value)
    return value


def read(project: Project, name: str, *args: Any, **kwargs: Any) -> Any:
    """``project.<name>(*args, **kwargs)``, kept until the project changes (lists come back as tuples)."""
    def make() -> Any:
        value = getattr(project, name)(*args, **kwargs)
        return tuple(value) if isinstance(value, list) else value

    return _kept(project, ("read", name, args, tuple(sorted(kwargs.items()))), make)


def derived(project: Project, name: str, make: Callable[..., T], *args: Any) -> T:
    """``make(project, *args)`` (a table built from reads, say), kept under ``name`` until the project changes."""
    return _kept(project, ("derived", name, args), lambda: make(project, *args))


def computed(project: Project, name: str, make: Callable[..., T], *args: Any, text: str = "Computing…") -> T:
    """``make(project, *args, progress=callback)`` once per project version, ``name`` and ``args``, kept for every
    session; while it first runs a progress bar shows ``text`` and the fraction done that ``make`` reports
    (``progress(fraction)``)."""
    def run() -> T:
        bar = st.progress(0.0, text=text)
        try:
            return make(project, *args, progress=lambda done: bar.progress(min(max(float(done), 0.0), 1.0),
                                                                          text=text))
        finally:
            bar.empty()

    return _kept(project, ("computed", name, args), run)
