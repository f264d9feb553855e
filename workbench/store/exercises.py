"""Exercises: a supervisor turns documents and a reference coder into an exercise for students, who code blind and
submit. Students are named like coders (their codings are segments of that coder); rows refer to the exercise and
documents by id within one transaction and are read by exercise GUID or name."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import WorkbenchError
from . import actions
from .base import StoreBase, new_guid, normalise_name, now, suggest


@dataclass(frozen=True)
class Exercise:
    """An exercise: its documents (ids, in project order), the reference coder and the students with the time
    each submitted (None: not yet)."""

    id: int
    guid: str
    name: str
    reference: str
    instructions: str
    created_by: str
    created: str
    document_ids: tuple[int, ...]
    students: dict[str, str | None]

    def as_json(self, documents: dict[int, str] | None = None) -> dict[str, Any]:
        return {"name": self.name, "guid": self.guid, "reference": self.reference,
                "instructions": self.instructions, "created_by": self.created_by, "created": self.created,
                "documents": [documents.get(d, d) if documents else d for d in self.document_ids],
                "students": [{"name": n, "submitted": s} for n, s in self.students.items()]}


class ExercisesMixin(StoreBase):
    """Write and read exercises."""

    def add_exercise(self, name: str, reference: str, document_ids: Sequence[int], students: Sequence[str],
                     who: str, instructions: str = "") -> Exercise:
        """Create an exercise (all or nothing; audited ``exercise.add``)."""
        name = normalise_name(name)
        if not name:
            raise WorkbenchError("an exercise needs a name")
        if not document_ids:
            raise WorkbenchError("an exercise needs at least one document", cli="document")
        names = list(dict.fromkeys(normalise_name(s) for s in students if normalise_name(s)))
        with self.transaction():
            if self._one("SELECT 1 FROM exercises WHERE name = ?", (name,)):
                raise WorkbenchError(f"an exercise named {name!r} already exists")
            reference = normalise_name(reference)
            if self._one("SELECT 1 FROM coders WHERE name = ?", (reference,)) is None:
                known = [r[0] for r in self.conn.execute("SELECT name FROM coders")]
                raise WorkbenchError(f"no coder named {reference!r}{suggest(reference, known)} to be the reference")
            if reference in names:
                raise WorkbenchError(f"the reference coder {reference!r} cannot also be a student")
            for doc_id in document_ids:
                if self._one("SELECT 1 FROM documents WHERE id = ?", (doc_id,)) is None:
                    raise WorkbenchError(f"no document with id {doc_id}")
            exercise_id = int(self.conn.execute(
                "INSERT INTO exercises (guid, name, reference, instructions, created_by, created) "
                "VALUES (?, ?, ?, ?, ?, ?)", (new_guid(), name, reference, instructions.strip(), who, now()),
            ).lastrowid)
            self.conn.executemany("INSERT OR IGNORE INTO exercise_documents (exercise_id, document_id) VALUES (?, ?)",
                                  [(exercise_id, d) for d in document_ids])
            self.conn.executemany("INSERT INTO exercise_students (exercise_id, student) VALUES (?, ?)",
                                  [(exercise_id, s) for s in names])
            exercise = self.exercise(exercise_id)
            self._audit(who, actions.exercise_added(exercise.as_json()))
        return exercise

    def add_exercise_students(self, exercise_id: int, students: Sequence[str], who: str) -> Exercise:
        """Give an exercise more students (audited ``exercise.students``)."""
        with self.transaction():
            before = self.exercise(exercise_id)
            for student in students:
                student = normalise_name(student)
                if not student:
                    continue
                if student == before.reference:
                    raise WorkbenchError(f"the reference coder {student!r} cannot also be a student")
                self.conn.execute("INSERT OR IGNORE INTO exercise_students (exercise_id, student) VALUES (?, ?)",
                                  (exercise_id, student))
            after = self.exercise(exercise_id)
            self._audit(who, actions.exercise_students_added(before.as_json(), after.as_json()))
        return after

    def submit_exercise(self, exercise_id: int, student: str) -> Exercise:
        """Record that ``student`` handed in the exercise (once; audited ``exercise.submit``)."""
        with self.transaction():
            exercise = self.exercise(exercise_id)
            student = normalise_name(student)
            if student not in exercise.students:
                raise WorkbenchError(f"{student!r} is not a student of exercise {exercise.name!r}")
            if exercise.students[student] is not None:
                raise WorkbenchError(f"{student} already submitted exercise {exercise.name!r} "
                                     f"({exercise.students[student][:16].replace('T', ' ')})")
            stamp = now()
            self.conn.execute("UPDATE exercise_students SET submitted = ? WHERE exercise_id = ? AND student = ?",
                              (stamp, exercise_id, student))
            self._audit(student, actions.exercise_submitted(exercise.guid, {"student": student, "submitted": stamp,
                                                                            "exercise": exercise.name}))
        return self.exercise(exercise_id)

    def exercise(self, ref: int | str) -> Exercise:
        """An exercise by id, GUID or name."""
        if isinstance(ref, int):
            row = self.conn.execute("SELECT id, guid, name, reference, coalesce(instructions, ''), "
                                    "coalesce(created_by, ''), created FROM exercises WHERE id = ?", (ref,)).fetchone()
        else:
            key = normalise_name(ref)
            row = self.conn.execute("SELECT id, guid, name, reference, coalesce(instructions, ''), "
                                    "coalesce(created_by, ''), created FROM exercises WHERE name = ? OR guid = ?",
                                    (key, key.upper())).fetchone()
        if row is None:
            known = [r[0] for r in self.conn.execute("SELECT name FROM exercises")]
            raise WorkbenchError(f"no exercise {ref!r}{suggest(str(ref), known)}")
        docs = tuple(r[0] for r in self.conn.execute(
            "SELECT e.document_id FROM exercise_documents e JOIN documents d ON d.id = e.document_id "
            "WHERE e.exercise_id = ? ORDER BY d.position, d.id", (row[0],)))
        students = dict(self.conn.execute(
            "SELECT student, submitted FROM exercise_students WHERE exercise_id = ? ORDER BY student", (row[0],)))
        return Exercise(*row, document_ids=docs, students=students)

    def exercises(self, student: str | None = None) -> list[Exercise]:
        """All exercises (or those of one student), oldest first."""
        if student is None:
            ids = [r[0] for r in self.conn.execute("SELECT id FROM exercises ORDER BY id")]
        else:
            ids = [r[0] for r in self.conn.execute(
                "SELECT exercise_id FROM exercise_students WHERE student = ? ORDER BY exercise_id",
                (normalise_name(student),))]
        return [self.exercise(i) for i in ids]

    def student_exercises(self, name: str) -> tuple[list[int], list[str]]:
        """What a student's privileges need: the documents of their exercises not yet submitted (theirs to code)
        and the GUIDs of the exercises they have submitted (their reference is visible to them)."""
        folded = normalise_name(name).casefold()
        documents: list[int] = []
        submitted: list[str] = []
        for exercise_id, guid, student, handed_in in self.conn.execute(
            "SELECT e.id, e.guid, s.student, s.submitted FROM exercise_students s "
            "JOIN exercises e ON e.id = s.exercise_id ORDER BY e.id"
        ).fetchall():
            if student.casefold() != folded:
                continue
            if handed_in is None:
                documents.extend(r[0] for r in self.conn.execute(
                    "SELECT document_id FROM exercise_documents WHERE exercise_id = ?", (exercise_id,)))
            else:
                submitted.append(guid)
        return documents, submitted
