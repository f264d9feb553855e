"""The demo project: the fictional Geuzenveld interviews, their cases, the codebook and two coders' codings."""

from __future__ import annotations

from pathlib import Path

from .codebook import import_codebook_file
from .errors import WorkbenchError
from .exchange.codings import read_codings
from .ingest import import_paths
from .store import Project
from .store.files import building_project, refuse_stale_journal

DEMO_FILES = ("interviews", "codebook/geuzenveld.yaml")
# The demo's training exercise: the shortest interview, marloes's coding as the reference, one student.
DEMO_EXERCISE = "Oefening: de vrijwilliger"
DEMO_EXERCISE_DOCUMENT = "vrijwilliger-kees"
DEMO_REFERENCE = "marloes"
DEMO_STUDENT = "student"
DEMO_ACCOUNTS = {"admin": "admin", "supervisor": "supervisor", DEMO_STUDENT: "student"}  # name: role
DEMO_INSTRUCTIONS = ("Code the interview with Kees with the codes you think apply (a few passages are enough to "
                     "try it), then submit: you will see how your coding compares with marloes's.")


def find_demo_source(source: str | Path | None = None) -> Path:
    """The folder holding ``interviews/`` and ``codebook/``: given, else the checkout the package lives in, else
    the current folder."""
    candidates = [Path(source)] if source else [Path(__file__).resolve().parent.parent, Path.cwd()]
    for folder in candidates:
        if (folder / "interviews").is_dir() and (folder / "codebook" / "geuzenveld.yaml").is_file():
            return folder
    raise WorkbenchError("cannot find the demo material (interviews/ and codebook/geuzenveld.yaml); "
                         "give the folder that holds it", cli="source")


def build_demo(path: str | Path, source: str | Path | None = None,
               accounts: dict[str, str] | None = None) -> dict[str, int]:
    """Build the demo project at ``path`` (which must not exist). Quotes in the codings are resolved against the
    stored text; a quote not found exactly once fails the build and leaves no file behind. With ``accounts`` (an
    empty dict to fill), the demo also gets the accounts of :data:`DEMO_ACCOUNTS` with fresh random passwords,
    put into that dict by name (to be shown once; they are stored only as hashes)."""
    path = Path(path)
    if path.exists():
        raise WorkbenchError(f"{path} already exists; choose another file name")
    refuse_stale_journal(path)
    folder = find_demo_source(source)
    interviews = sorted((folder / "interviews").glob("*.txt"))
    if not interviews:
        raise WorkbenchError(f"no transcripts in {folder / 'interviews'}")
    cases = folder / "interviews" / "cases.csv"
    with building_project(path, "building") as project:
        import_paths(project, interviews, cases=cases if cases.is_file() else None, who="demo")
        import_codebook_file(project, folder / "codebook" / "geuzenveld.yaml", who="demo")
        for codings in sorted((folder / "interviews" / "codings").glob("*.csv")):
            new = read_codings(project, codings.read_bytes(), codings.name)
            try:
                project.add_segments(new)
            except WorkbenchError as exc:
                raise WorkbenchError(f"{codings.name}: {exc}") from None
        add_demo_exercise(project)
        if accounts is not None:
            accounts.update(add_demo_accounts(project))
        stats = project.stats()
    return stats


def add_demo_exercise(project: Project) -> None:
    """The demo's exercise for the student ``student`` (see the README's training section)."""
    from .training.exercises import create_exercise

    create_exercise(project, DEMO_EXERCISE, DEMO_REFERENCE, [DEMO_EXERCISE_DOCUMENT], [DEMO_STUDENT], who="demo",
                    instructions=DEMO_INSTRUCTIONS)


def add_demo_accounts(project: Project) -> dict[str, str]:
    """The demo's accounts (``workbench demo --accounts``): an admin, a supervisor and the exercise's student, each
    with a random password; returns the passwords by name."""
    import secrets

    from .privileges import Privileges

    passwords = {name: secrets.token_urlsafe(12) for name in DEMO_ACCOUNTS}
    for name, role in DEMO_ACCOUNTS.items():
        project.add_account(name, role, passwords[name], who=Privileges.local("demo"))
    return passwords
