"""Exercises: a supervisor turns documents and a reference coder into an exercise; students code blind, submit,
then see how far they are from the reference and why.

Rules (each asked of the Privileges object, with the exercise facts of the acting student filled in):

- Creating an exercise or adding students: ``can_manage_exercises`` (supervisor, admin, the single-user mode).
- A student codes only in the documents of the exercises they have not submitted yet (``exercise_documents``);
  their codings are ordinary segments with their name as coder, and they see only their own codings
  (``can_see_codings_of``), never the reference's.
- Submitting: only the student themself (or someone who manages exercises, for them), once. After submitting, the
  exercise's documents are no longer theirs to code, so the comparison stays what they handed in.
- Feedback (agreement per code with the reference, their spans beside the reference's, and the definitions of the
  codes they missed or over-applied): the student after submitting (``can_see_reference`` of that exercise), and
  those who manage exercises at any time. A student asking before submitting is refused.
- The class table (students × codes): those who manage exercises.

Matching spans: a student's segment and a reference segment of the same code match when they overlap by at least
``overlap`` % (default 90) of the longer one (the agreement statistics' segment matching). A reference segment no
student segment matches was *missed*; a student segment no reference segment matches was *over-applied*.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from ..errors import WorkbenchError
from ..models import Code
from ..privileges import Privileges
from ..review.access import privileges_of
from ..review.queue import DEFAULT_OVERLAP, Side, side_by_side


def student_privileges(project: Any, who: str | Privileges) -> Privileges:
    """The acting user's privileges; for a student with the documents of their open exercises and the exercises
    they have submitted filled in (``Project.student_exercises``)."""
    privileges = privileges_of(project, who)
    if not privileges.is_student:
        return privileges
    documents, submitted = project.student_exercises(privileges.name)
    return replace(privileges, exercise_documents=privileges.exercise_documents | frozenset(documents),
                   submitted_exercises=privileges.submitted_exercises | frozenset(submitted))


def _student_key(exercise: Any, privileges: Privileges) -> str | None:
    for name in exercise.students:
        if privileges.is_me(name):
            return name
    return None


def create_exercise(project: Any, name: str, reference: str, documents: Sequence[str], students: Sequence[str],
                    who: str | Privileges, instructions: str = "") -> Any:
    """Create an exercise from documents (by name) and a reference coder, for some students."""
    with project.transaction():
        privileges = student_privileges(project, who)
        privileges.require(privileges.can_manage_exercises(), "create exercises")
        doc_ids = [project.document_id(d) for d in documents]
        project.coder_id(reference, create=False)
        reference_segments = project.segments(document_ids=doc_ids, coders=[reference]) if doc_ids else []
        if doc_ids and not reference_segments:
            raise WorkbenchError(f"{reference!r} has no codings in those documents to be the reference")
        return project.add_exercise(name, reference, doc_ids, students, who=privileges.name,
                                    instructions=instructions)


def add_students(project: Any, exercise: str, students: Sequence[str], who: str | Privileges) -> Any:
    with project.transaction():
        privileges = student_privileges(project, who)
        privileges.require(privileges.can_manage_exercises(), "change exercises")
        return project.add_exercise_students(project.exercise(exercise).id, students, who=privileges.name)


def submit(project: Any, exercise: str, who: str | Privileges, student: str | None = None) -> Any:
    """Hand in an exercise: the acting student's own (``student`` only for those who manage exercises)."""
    with project.transaction():
        privileges = student_privileges(project, who)
        found = project.exercise(exercise)
        name = student or privileges.name
        if not privileges.is_me(name):
            privileges.require(privileges.can_manage_exercises(), f"submit exercise {found.name!r} for {name}")
        key = next((s for s in found.students if Privileges(name=name).is_me(s)), name)
        return project.submit_exercise(found.id, key)


def visible_exercises(project: Any, who: str | Privileges) -> list[Any]:
    """The exercises this user may see: all for those who manage exercises, a student's own otherwise."""
    privileges = student_privileges(project, who)
    exercises = project.exercises()
    if privileges.can_manage_exercises():
        return exercises
    return [e for e in exercises if _student_key(e, privileges) is not None]


# ------------------------------------------------------------------------------------------------ feedback
@dataclass(frozen=True)
class CodeFeedback:
    """One code of an exercise: the student's and the reference's segments, how many matched, and the code's
    guidance."""

    code: str
    code_id: int
    colour: str
    definition: str
    when_to_use: str
    when_not_to_use: str
    student_segments: int
    reference_segments: int
    matched_student: int
    matched_reference: int
    agreement: dict[str, Any] = field(default_factory=dict)

    @property
    def missed(self) -> int:
        """Reference segments no student segment matches."""
        return self.reference_segments - self.matched_reference

    @property
    def over_applied(self) -> int:
        """Student segments no reference segment matches."""
        return self.student_segments - self.matched_student

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "student_segments": self.student_segments,
                "reference_segments": self.reference_segments, "matched_student": self.matched_student,
                "matched_reference": self.matched_reference, "missed": self.missed,
                "over_applied": self.over_applied, "agreement": self.agreement, "definition": self.definition,
                "when_to_use": self.when_to_use, "when_not_to_use": self.when_not_to_use}


@dataclass(frozen=True)
class Passage:
    """A passage of one code where the student's and the reference's segments meet (or one of them alone)."""

    document: str
    code: str
    colour: str
    start: int
    end: int
    student: tuple[Side, ...]
    reference: tuple[Side, ...]

    @property
    def agrees(self) -> bool:
        return all(s.matched for s in self.student + self.reference)

    def as_json(self) -> dict[str, Any]:
        return {"document": self.document, "code": self.code, "start": self.start, "end": self.end,
                "agrees": self.agrees, "student": [s.as_json() for s in self.student],
                "reference": [s.as_json() for s in self.reference]}


@dataclass(frozen=True)
class Feedback:
    exercise: str
    student: str
    reference: str
    submitted: str | None
    codes: list[CodeFeedback]
    passages: list[Passage]

    @property
    def missed_codes(self) -> list[CodeFeedback]:
        return [c for c in self.codes if c.missed]

    @property
    def over_applied_codes(self) -> list[CodeFeedback]:
        return [c for c in self.codes if c.over_applied]

    def as_json(self) -> dict[str, Any]:
        return {"exercise": self.exercise, "student": self.student, "reference": self.reference,
                "submitted": self.submitted, "codes": [c.as_json() for c in self.codes],
                "missed": [c.code for c in self.missed_codes],
                "over_applied": [c.code for c in self.over_applied_codes],
                "passages": [p.as_json() for p in self.passages]}


def _compare(project: Any, exercise: Any, student: str, overlap: int,
             agreement: bool = True) -> tuple[list[CodeFeedback], list[Passage]]:
    codes: dict[int, Code] = {c.id: c for c in project.codes()}
    doc_ids = list(exercise.document_ids)
    segments = project.segments(document_ids=doc_ids, coders=[student, exercise.reference], with_text=True)
    grouped: dict[tuple[int, int], dict[str, list[Any]]] = defaultdict(lambda: {"s": [], "r": []})
    for seg in segments:
        grouped[(seg.document_id, seg.code_id)]["s" if seg.coder == student else "r"].append(seg)
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    found: list[tuple[int, int, str, Passage]] = []
    order = {d: i for i, d in enumerate(doc_ids)}
    for (doc_id, code_id), sides in grouped.items():
        mine, theirs = sides["s"], sides["r"]
        code = codes[code_id]
        tally = counts[code_id]
        document = (mine or theirs)[0].document
        for a, b, start, end in side_by_side(mine, theirs, overlap, agreements=True):
            tally[0] += len(a)
            tally[1] += len(b)
            tally[2] += sum(s.matched for s in a)
            tally[3] += sum(s.matched for s in b)
            found.append((order[doc_id], start, code.path, Passage(document, code.path, code.colour, start, end,
                                                                   a, b)))
    stats = _agreement(project, exercise, student, overlap) if agreement and counts else {}
    result = []
    for code in codes.values():
        if code.id not in counts:
            continue
        s, r, ms, mr = counts[code.id]
        result.append(CodeFeedback(code.path, code.id, code.colour, code.definition, code.when_to_use,
                                   code.when_not_to_use, s, r, ms, mr, stats.get(code.path, {})))
    found.sort(key=lambda t: (t[0], t[1], t[2]))
    return result, [p for _, _, _, p in found]


def _agreement(project: Any, exercise: Any, student: str, overlap: int) -> dict[str, dict[str, Any]]:
    """Agreement per code (by path) of the student with the reference at character level, from the agreement
    statistics; empty while the student has coded none of the exercise's documents."""
    from ..agreement import compute_agreement

    names = project.document_names()
    if not project.segments(document_ids=list(exercise.document_ids), coders=[student]):
        return {}
    result = compute_agreement(project, [student, exercise.reference], unit="character",
                               documents=[names[d] for d in exercise.document_ids], overlap=overlap)
    return result.to_json()["codes"]


@contextmanager
def _allowed_reads(project: Any) -> Iterator[None]:
    """Read the student's and the reference's codings for a comparison the rules above have allowed: the viewer
    filter of a student's session (which hides the reference on every other page) is lifted for these reads."""
    saved = getattr(project, "viewer", None)
    project.viewer = None
    try:
        yield
    finally:
        project.viewer = saved


def feedback(project: Any, exercise: str, who: str | Privileges, student: str | None = None,
             overlap: int = DEFAULT_OVERLAP) -> Feedback:
    """A student's comparison with the reference (see the module docstring for who may see it when)."""
    privileges = student_privileges(project, who)
    found = project.exercise(exercise)
    name = student or privileges.name
    key = next((s for s in found.students if Privileges(name=name).is_me(s)), None)
    if key is None:
        raise WorkbenchError(f"{name!r} is not a student of exercise {found.name!r}")
    if privileges.is_me(key):
        if not privileges.can_manage_exercises():
            privileges.require(privileges.can_see_reference(found.guid),
                               f"see the reference of exercise {found.name!r} before submitting it")
    else:
        privileges.require(privileges.can_manage_exercises(), f"see {key}'s results")
    with _allowed_reads(project):
        codes, found_passages = _compare(project, found, key, overlap)
    return Feedback(found.name, key, found.reference, found.students[key], codes, found_passages)


@dataclass(frozen=True)
class ClassTable:
    """Students × codes of one exercise: per cell the student's result on the code."""

    exercise: str
    reference: str
    codes: list[str]
    students: list[str]
    submitted: dict[str, str | None]
    cells: dict[tuple[str, str], CodeFeedback]

    def as_json(self) -> dict[str, Any]:
        return {"exercise": self.exercise, "reference": self.reference, "codes": self.codes,
                "students": [{"name": s, "submitted": self.submitted[s],
                              "codes": {c: self.cells[(s, c)].as_json() if (s, c) in self.cells else None
                                        for c in self.codes}} for s in self.students]}


def class_table(project: Any, exercise: str, who: str | Privileges, overlap: int = DEFAULT_OVERLAP) -> ClassTable:
    """The supervisor's view of an exercise: every student × every code either the reference or a student used."""
    privileges = student_privileges(project, who)
    privileges.require(privileges.can_manage_exercises(), "see the class table")
    found = project.exercise(exercise)
    cells: dict[tuple[str, str], CodeFeedback] = {}
    used: set[str] = set()
    for student in found.students:
        with _allowed_reads(project):
            codes, _ = _compare(project, found, student, overlap)
        for code in codes:
            cells[(student, code.code)] = code
            used.add(code.code)
    order = [c.path for c in project.codes() if c.path in used]
    return ClassTable(found.name, found.reference, order, list(found.students), dict(found.students), cells)
