"""The one AppTest harness of the page tests (``tests/test_app_*.py``): small projects, the ``app`` fixture, helpers.

Each test gets its own copy of a small project (built once per session with the core API) and an AppTest of
``workbench/app/main.py`` on that project. The browser component of the Code page does not run under AppTest, so
the tests leave in session state what it would leave there (``pending`` selection, ``cursor``) and use the
keyboard fallbacks and ordinary widgets by their keys. After the app acted, the tests look at the project file
itself (segments, codes, audit log) through a separate connection, not only at what the page shows.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from workbench.codebook import import_codebook
from workbench.ingest import import_sources
from workbench.store import Project, create_project, open_project

from .conftest import CODEBOOK, TRANSCRIPT

MAIN = Path(__file__).resolve().parent.parent / "workbench" / "app" / "main.py"
PAGES = {
    "project": "views/project.py",
    "code": "views/code.py",
    "codebook": "views/codebook.py",
    "retrieve": "views/retrieve.py",
    "review": "views/review.py",
    "training": "views/training.py",
}
TITLES = {"project": "Project", "codebook": "Codebook", "retrieve": "Retrieve", "review": "Review",
          "training": "Training"}

JAN = (
    "Interviewer: Wat doet u in de buurt?\n"
    "\n"
    "Jan: Ik ben vrijwilliger bij het buurtteam. Ik help mensen met formulieren.\n"
)
CASES_CSV = b"document,case,role,age\nria,Ria,resident,78\njan,Jan,volunteer,45\n"

# Phrases of the two transcripts that tests code; offsets are looked up in the stored text.
SINDS = "Sinds achtenzestig."
VERTROUW = "Ik vertrouw die gemeente voor geen meter."
SANNE = "Maar Sanne van het buurtteam, die is goud."
NIEMAND = "Nu ken ik niemand meer."
VRIJWILLIGER = "Ik ben vrijwilliger bij het buurtteam."
FORMULIEREN = "Ik help mensen met formulieren."

# A spread of codings by two coders over both documents (document, phrase, code path, coder, memo).
SEEDED = [
    ("ria", SINDS, "link work", "anna", "early years"),
    ("ria", SANNE, "link work/best persons", "anna", ""),
    ("ria", NIEMAND, "distrust", "anna", ""),
    ("ria", VERTROUW, "distrust/distrust of institutions", "bob", ""),
    ("ria", "Sinds achtenzestig. Eh, toen was het hier nog nieuw", "link work", "bob", ""),
    ("jan", VRIJWILLIGER, "link work", "bob", ""),
    ("jan", FORMULIEREN, "participation fatigue", "anna", ""),
]


# ================================================================================================ projects
@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Closed project files built once: ``empty``, and ``full`` (two transcripts, the codebook and a cases
    table, no codings yet). Tests copy them."""
    folder = tmp_path_factory.mktemp("templates")
    empty = folder / "empty.wbproj"
    create_project(empty).close()
    full = folder / "full.wbproj"
    with create_project(full) as project:
        import_sources(project, [("ria.txt", TRANSCRIPT.encode("utf-8")), ("jan.txt", JAN.encode("utf-8"))],
                       ("cases.csv", CASES_CSV))
        import_codebook(project, CODEBOOK)
    return {"empty": empty, "full": full}


@pytest.fixture
def empty_path(templates: dict[str, Path], tmp_path: Path) -> Path:
    return Path(shutil.copy(templates["empty"], tmp_path / "empty.wbproj"))


@pytest.fixture
def full_path(templates: dict[str, Path], tmp_path: Path) -> Path:
    return Path(shutil.copy(templates["full"], tmp_path / "study.wbproj"))


@pytest.fixture
def seeded_path(full_path: Path) -> Path:
    """The full project with the :data:`SEEDED` codings."""
    with open_project(full_path) as project:
        for document, phrase, code, coder, memo in SEEDED:
            add(project, document, phrase, code, coder, memo)
    return full_path


def span_of(project: Project, document: str, phrase: str) -> tuple[int, int]:
    text = project.document_text(project.document_id(document))
    start = text.index(phrase)
    return start, start + len(phrase)


def add(project: Project, document: str, phrase: str, code: str, coder: str, memo: str = "") -> int:
    start, end = span_of(project, document, phrase)
    return project.add_segment(project.document_id(document), start, end, project.resolve_code(code).id, coder,
                               memo=memo)


def code_id(path: Path, code: str) -> int:
    with open_project(path) as project:
        return project.resolve_code(code).id


def phrase_span(path: Path, document: str, phrase: str) -> tuple[int, int]:
    with open_project(path) as project:
        return span_of(project, document, phrase)


def segments(path: Path, **filters) -> list:
    with open_project(path) as project:
        return project.segments(with_text=True, **filters)


def audit(path: Path) -> list:
    with open_project(path) as project:
        return project.audit_log()


# ================================================================================================ the app
@pytest.fixture
def app(app_on) -> Callable[..., AppTest]:
    """``app(path, page, argv=(), **state)``: the shared harness (``app_on`` in conftest)."""
    return app_on


def go(at: AppTest, page: str) -> AppTest:
    """Navigate like the sidebar does (the browser drops the query string on a page change)."""
    at.query_params.clear()
    at.switch_page(PAGES[page])
    return at.run()


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def values(elements) -> list[str]:
    return [e.value for e in elements]


def shown_codings(at: AppTest) -> int:
    """The count in the Code page's caption (``… · N codings shown``)."""
    found = [re.search(r"(\d+) codings shown", c.value) for c in at.caption]
    counts = [int(m.group(1)) for m in found if m]
    assert len(counts) == 1, values(at.caption)
    return counts[0]


def retrieved(at: AppTest) -> int:
    """The count at the top of the Retrieve page (``**N segments** in M documents``)."""
    found = [re.match(r"\*\*(\d+) segments\*\*", m.value) for m in at.markdown]
    counts = [int(m.group(1)) for m in found if m]
    assert len(counts) == 1, values(at.markdown)
    return counts[0]


def html_markdown(at: AppTest) -> list[str]:
    """The text of every element rendered with ``unsafe_allow_html``."""
    return [m.value for m in [*at.markdown, *at.caption] if getattr(m, "allow_html", False)]
