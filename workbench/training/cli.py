"""Training commands of the command line: ``workbench exercise create|students|list|submit|feedback|class``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from ..cli_common import default_coder, open_from_args as _open
from ..output import out, print_json, table
from ..review.queue import DEFAULT_OVERLAP
from .exercises import add_students, class_table, create_exercise, feedback, submit, visible_exercises


def _who(args: argparse.Namespace) -> Any:
    """The command line acts as the owner of the file (the single-user mode), named by --coder."""
    from ..privileges import Privileges

    return Privileges.local(args.coder or default_coder())



def _number(value: Any) -> str:
    return "" if value is None else f"{value:.2f}" if isinstance(value, float) else str(value)


def cmd_exercise_create(args: argparse.Namespace) -> None:
    with _open(args) as project:
        exercise = create_exercise(project, args.name, args.reference, args.document, args.student or (),
                                   who=_who(args), instructions=args.instructions or "")
        names = project.document_names()
    if args.json:
        print_json(exercise.as_json(names))
        return
    out(f"exercise {exercise.name!r}: {len(exercise.document_ids)} document(s), reference {exercise.reference}, "
        f"{len(exercise.students)} student(s)\n")


def cmd_exercise_students(args: argparse.Namespace) -> None:
    with _open(args) as project:
        exercise = add_students(project, args.name, args.students, who=_who(args))
    out(f"exercise {exercise.name!r}: students {', '.join(exercise.students)}\n")


def cmd_exercise_list(args: argparse.Namespace) -> None:
    with _open(args) as project:
        exercises = visible_exercises(project, _who(args))
        names = project.document_names()
    if args.json:
        print_json([e.as_json(names) for e in exercises])
        return
    out(table([(e.name, e.reference, ", ".join(names[d] for d in e.document_ids),
                ", ".join(f"{s}{' ✓' if t else ''}" for s, t in e.students.items())) for e in exercises],
              ("exercise", "reference", "documents", "students (✓ submitted)")))


def cmd_exercise_submit(args: argparse.Namespace) -> None:
    with _open(args) as project:
        exercise = submit(project, args.name, who=_who(args), student=args.student)
    name = args.student or _who(args).name
    key = next((s for s in exercise.students if s.casefold() == name.casefold()), name)
    out(f"{key} submitted exercise {exercise.name!r} at {exercise.students.get(key) or ''}\n")


def cmd_exercise_feedback(args: argparse.Namespace) -> None:
    with _open(args) as project:
        result = feedback(project, args.name, who=_who(args), student=args.student, overlap=args.overlap)
    if args.json:
        print_json(result.as_json())
        return
    out(f"{result.student} against {result.reference} on exercise {result.exercise!r}\n\n")
    out(table([(c.code, c.student_segments, c.reference_segments, c.matched_reference, c.missed, c.over_applied,
                _number(c.agreement.get("cohen_kappa")), _number(c.agreement.get("unitized_alpha")))
               for c in result.codes],
              ("code", "yours", "reference", "found", "missed", "over-applied", "kappa", "|u-alpha")))
    for title, codes in (("Codes you missed", result.missed_codes), ("Codes you over-applied",
                                                                      result.over_applied_codes)):
        if codes:
            out(f"\n{title}:\n")
            for c in codes:
                out(f"- {c.code}: {c.definition}\n  when to use: {c.when_to_use or '—'}\n"
                    f"  when not to use: {c.when_not_to_use or '—'}\n")


def cmd_exercise_class(args: argparse.Namespace) -> None:
    with _open(args) as project:
        result = class_table(project, args.name, who=_who(args), overlap=args.overlap)
    if args.json:
        print_json(result.as_json())
        return
    rows = []
    for student in result.students:
        cells = []
        for code in result.codes:
            cell = result.cells.get((student, code))
            cells.append("" if cell is None else f"{cell.matched_reference}/{cell.reference_segments}"
                         + (f" +{cell.over_applied}" if cell.over_applied else ""))
        rows.append((student, "yes" if result.submitted[student] else "no", *cells))
    out("found/reference segments, +over-applied, per student and code\n\n")
    out(table(rows, ("student", "submitted", *result.codes)))


def register_training(command: Callable[..., argparse.ArgumentParser], group: Callable[..., Any],
                      project_arg: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``workbench exercise …`` to the parser."""
    actions = group("exercise", "training exercises: students code blind against a reference coder")

    def common(sub: argparse.ArgumentParser, json: bool = True) -> None:
        project_arg(sub)
        sub.add_argument("name", metavar="EXERCISE")
        sub.add_argument("--coder", metavar="NAME", help="who acts (default: $WORKBENCH_CODER or your login name)")
        if json:
            sub.add_argument("--json", action="store_true")

    sub = command("create", cmd_exercise_create, "make an exercise from documents and a reference coder", actions)
    common(sub)
    sub.add_argument("--reference", required=True, metavar="CODER", help="the coder whose codings are the key")
    sub.add_argument("--document", action="append", required=True, metavar="D")
    sub.add_argument("--student", action="append", metavar="NAME")
    sub.add_argument("--instructions", metavar="TEXT")
    sub = command("students", cmd_exercise_students, "add students to an exercise", actions)
    common(sub, json=False)
    sub.add_argument("students", nargs="+", metavar="STUDENT")
    sub = command("list", cmd_exercise_list, "the exercises (a student: their own)", actions)
    project_arg(sub)
    sub.add_argument("--coder", metavar="NAME", help="who asks (default: $WORKBENCH_CODER or your login name)")
    sub.add_argument("--json", action="store_true")
    sub = command("submit", cmd_exercise_submit, "hand in an exercise (once)", actions)
    common(sub, json=False)
    sub.add_argument("--student", metavar="NAME", help="submit for this student (supervisors)")
    sub = command("feedback", cmd_exercise_feedback, "a student's agreement with the reference, after submitting",
                  actions)
    common(sub)
    sub.add_argument("--student", metavar="NAME", help="whose results (default: yours)")
    sub.add_argument("--overlap", type=int, default=DEFAULT_OVERLAP, metavar="PERCENT")
    sub = command("class", cmd_exercise_class, "the class table: students × codes", actions)
    common(sub)
    sub.add_argument("--overlap", type=int, default=DEFAULT_OVERLAP, metavar="PERCENT")
