"""Reads of the project that the pages share until the project changes.

A read (``read(project, "documents")``) runs once per (project file, data version, viewer) and is then kept for
every session of this server: a rerun, a page turn or a second tab reads nothing that grew with the project. The data
version changes with every audited write (see ``Project.data_version``), so a change made here, in another tab or by
the command line is read on the next run. The viewer is part of the key because what a read shows depends on who
reads (blind coding, exercises). The values are shared: treat them as read-only (the models are frozen dataclasses;
lists are handed out as tuples).
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


def key(project: Project) -> tuple[str, int, str]:
    """What a shared read depends on: the file, its data version and who reads it."""
    return str(project.path), project.data_version(), repr(project.viewer)


@st.cache_resource(max_entries=256, show_spinner=False)
def _read(_project: Project, version: tuple[str, int, str], name: str, args: tuple, kwargs: tuple) -> Any:
    value = getattr(_project, name)(*args, **dict(kwargs))
    return tuple(value) if isinstance(value, list) else value


def read(project: Project, name: str, *args: Any, **kwargs: Any) -> Any:
    """``project.<name>(*args, **kwargs)``, kept until the project changes (lists come back as tuples)."""
    return _read(project, key(project), name, args, tuple(sorted(kwargs.items())))


@st.cache_resource(max_entries=64, show_spinner=False)
def _derived(_project: Project, _make: Callable[[Project], Any], version: tuple[str, int, str], name: str,
             args: tuple) -> Any:
    return _make(_project, *args)


def derived(project: Project, name: str, make: Callable[..., T], *args: Any) -> T:
    """``make(project, *args)`` (a table built from reads, say), kept under ``name`` until the project changes."""
    return _derived(project, make, key(project), name, args)


@st.cache_resource(show_spinner=False)
def _results() -> tuple[OrderedDict, threading.Lock]:
    return OrderedDict(), threading.Lock()


RESULTS_KEPT = 32


def computed(project: Project, name: str, make: Callable[..., T], *args: Any, text: str = "Computing…") -> T:
    """``make(project, *args, progress=callback)`` once per (project version, ``name``, ``args``), kept for every
    session (the newest results); while it first runs a progress bar shows ``text`` and the fraction done that
    ``make`` reports (``progress(fraction)``)."""
    store, lock = _results()
    wanted = (key(project), name, args)
    with lock:
        if wanted in store:
            store.move_to_end(wanted)
            return store[wanted]
    bar = st.progress(0.0, text=text)
    try:
        value = make(project, *args, progress=lambda done: bar.progress(min(max(float(done), 0.0), 1.0), text=text))
    finally:
        bar.empty()
    with lock:
        store[wanted] = value
        while len(store) > RESULTS_KEPT:
            store.popitem(last=False)
    return value
