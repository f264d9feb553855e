"""Training exercises: who may make, code, submit and see what; the comparison with the reference worked out by
hand; the class table; the exercise commands."""

from __future__ import annotations

import pytest

from workbench.errors import WorkbenchError
from workbench.ingest import import_sources
from workbench.privileges import Privileges
from workbench.store import open_project
from workbench.training.exercises import (add_students, class_table, create_exercise, feedback, student_privileges,
                                          submit, visible_exercises)

from .conftest import file_state
from .test_review import NIEMAND, OTHER, SANNE, SINDS, VERTROUW, add

SUPERVISOR = Privileges(name="sue", role="supervisor")
STUDENT = Privileges(name="stan", role="student")
OTHER_STUDENT = Privileges(name="stella", role="student")


@pytest.fixture
def course(project):
    """Reference marloes codes ria (SINDS link work, VERTROUW distrust, SANNE best persons) and jan; the exercise
    is ria for students stan and stella. stan codes SINDS well, VERTROUW too short, and NIEMAND (not in the
    reference)."""
    import_sources(project, [("jan.txt", OTHER.encode("utf-8"))])
    add(project, SINDS, "link work", "marloes")
    add(project, VERTROUW, "distrust", "marloes")
    add(project, SANNE, "link work/best persons", "marloes")
    add(project, "Ik help mensen met formulieren.", "link work", "marloes", document="jan")
    create_exercise(project, "First steps", "marloes", ["ria"], ["stan", "stella"], who=SUPERVISOR,
                    instructions="Code the whole interview.")
    add(project, SINDS, "link work", "stan")
    add(project, "Ik vertrouw die gemeente", "distrust", "stan")
    add(project, NIEMAND, "distrust", "stan")
    return project


def test_an_exercise_has_its_documents_reference_and_students(course):
    exercise = course.exercise("First steps")
    assert exercise.document_ids == (course.document_id("ria"),) and exercise.reference == "marloes"
    assert exercise.students == {"stan": None, "stella": None}
    assert exercise.instructions == "Code the whole interview."
    assert next(e for e in course.audit_log() if e.action == "exercise.add").who == "sue"


@pytest.mark.parametrize("who", [Privileges(name="cody", role="coder"), STUDENT])
def test_only_those_who_manage_exercises_make_them(course, who):
    with pytest.raises(WorkbenchError, match="may not create exercises"):
        create_exercise(course, "Mine", "marloes", ["ria"], [], who=who)
    with pytest.raises(WorkbenchError, match="may not change exercises"):
        add_students(course, "First steps", ["eve"], who=who)


@pytest.mark.parametrize("args, message", [
    (("First steps", "marloes", ["ria"], []), "already exists"),
    (("X", "nobody", ["ria"], []), "no coder named 'nobody'"),
    (("X", "stan", ["jan"], []), "no codings in those documents"),
    (("X", "marloes", [], []), "at least one document"),
    (("X", "marloes", ["ria"], ["marloes"]), "cannot also be a student"),
    (("X", "marloes", ["nope"], []), "no document named 'nope'"),
])
def test_bad_exercises_are_refused(course, args, message):
    with pytest.raises(WorkbenchError, match=message):
        create_exercise(course, *args, who=SUPERVISOR)
    assert len(course.exercises()) == 1


def test_a_student_codes_only_in_open_exercises_and_never_sees_the_reference(course):
    ria, jan = course.document_id("ria"), course.document_id("jan")
    mine = student_privileges(course, STUDENT)
    assert mine.can_code(ria) and not mine.can_code(jan)
    assert not mine.can_see_codings_of("marloes") and mine.can_see_codings_of("stan")
    exercise = course.exercise("First steps")
    assert not mine.can_see_reference(exercise.guid)
    with pytest.raises(WorkbenchError, match="may not see the reference of exercise 'First steps' before"):
        feedback(course, "First steps", STUDENT)
    with pytest.raises(WorkbenchError, match="may not see stella's results"):
        feedback(course, "First steps", STUDENT, student="stella")
    with pytest.raises(WorkbenchError, match="may not see the class table"):
        class_table(course, "First steps", STUDENT)
    assert [e.name for e in visible_exercises(course, STUDENT)] == ["First steps"]
    assert visible_exercises(course, Privileges(name="sam", role="student")) == []


def test_submitting_closes_the_documents_and_opens_the_feedback(course):
    submitted = submit(course, "First steps", STUDENT)
    assert submitted.students["stan"] is not None and submitted.students["stella"] is None
    mine = student_privileges(course, STUDENT)
    assert not mine.can_code(course.document_id("ria"))
    assert mine.can_see_reference(submitted.guid)
    assert feedback(course, "First steps", STUDENT).student == "stan"
    with pytest.raises(WorkbenchError, match="already submitted"):
        submit(course, "First steps", STUDENT)
    with pytest.raises(WorkbenchError, match="may not submit exercise 'First steps' for stan"):
        submit(course, "First steps", OTHER_STUDENT, student="stan")
    with pytest.raises(WorkbenchError, match="not a student of exercise"):
        submit(course, "First steps", Privileges(name="sam", role="student"))
    entry = next(e for e in course.audit_log() if e.action == "exercise.submit")
    assert entry.who == "stan" and entry.after["student"] == "stan"


def test_the_feedback_compares_spans_per_code_by_hand(course):
    submit(course, "First steps", STUDENT)
    result = feedback(course, "First steps", STUDENT)
    by_code = {c.code: c for c in result.codes}
    # link work: SINDS by both (matched). distrust: stan's short VERTROUW does not match marloes's (24 of 41
    # characters) and NIEMAND is not in the reference. best persons: only marloes.
    assert {k: (c.student_segments, c.reference_segments, c.matched_reference, c.missed, c.over_applied)
            for k, c in by_code.items()} == {
        "link work": (1, 1, 1, 0, 0), "distrust": (2, 1, 0, 1, 2), "link work/best persons": (0, 1, 0, 1, 0)}
    assert [c.code for c in result.missed_codes] == ["link work/best persons", "distrust"]
    assert [c.code for c in result.over_applied_codes] == ["distrust"]
    assert [(p.code, p.agrees, [s.text for s in p.student], [s.text for s in p.reference])
            for p in result.passages] == [
        ("link work", True, [SINDS], [SINDS]),
        ("distrust", False, [NIEMAND], []),
        ("distrust", False, ["Ik vertrouw die gemeente"], [VERTROUW]),
        ("link work/best persons", False, [], [SANNE]),
    ]
    assert by_code["link work/best persons"].definition == "A named person who makes it work."
    assert set(by_code["link work"].agreement) >= {"cohen_kappa", "unitized_alpha", "percent_agreement"}
    assert by_code["link work"].agreement["percent_agreement"] == 1.0


def test_the_class_table_has_every_student_and_every_code_used(course):
    submit(course, "First steps", STUDENT)
    table = class_table(course, "First steps", SUPERVISOR)
    assert table.students == ["stan", "stella"] and table.codes == ["link work", "link work/best persons",
                                                                     "distrust"]
    assert table.submitted["stella"] is None and table.submitted["stan"] is not None
    assert table.cells[("stan", "distrust")].over_applied == 2
    assert table.cells[("stella", "link work")].matched_reference == 0
    assert table.cells[("stella", "link work")].missed == 1
    # the supervisor sees anyone's feedback at any time
    assert feedback(course, "First steps", SUPERVISOR, student="stella").codes[0].student_segments == 0


def test_exercise_commands(cli, course):
    path = course.path
    course.close()
    made = cli("exercise", "create", path, "Second", "--reference", "marloes", "--document", "jan",
               "--student", "stan", "--json")
    assert made.returncode == 0, made.stderr
    assert made.json()["documents"] == ["jan"]
    assert cli("exercise", "students", path, "Second", "stella").returncode == 0
    listed = cli("exercise", "list", path, "--json").json()
    assert [(e["name"], [s["name"] for s in e["students"]]) for e in listed] == [
        ("First steps", ["stan", "stella"]), ("Second", ["stan", "stella"])]
    assert cli("exercise", "submit", path, "First steps", "--coder", "stan").returncode == 0
    result = cli("exercise", "feedback", path, "First steps", "--coder", "stan", "--json")
    assert result.returncode == 0, result.stderr
    assert result.json()["missed"] == ["link work/best persons", "distrust"]
    text = cli("exercise", "feedback", path, "First steps", "--coder", "stan")
    assert "Codes you missed:" in text.stdout and "A named person who makes it work." in text.stdout
    table = cli("exercise", "class", path, "First steps", "--json").json()
    assert [s["name"] for s in table["students"]] == ["stan", "stella"]
    before = file_state(path)
    again = cli("exercise", "submit", path, "First steps", "--coder", "stan")
    assert again.returncode == 2 and again.stderr.startswith("error: stan already submitted")
    assert file_state(path) == before


def test_the_demo_ships_an_exercise_for_a_student_and_a_review_queue(tmp_path):
    from workbench.demo import DEMO_EXERCISE, DEMO_EXERCISE_DOCUMENT, DEMO_STUDENT, build_demo
    from workbench.review.consensus import load_review

    path = tmp_path / "demo.wbproj"
    build_demo(path)
    with open_project(path) as project:
        exercise = project.exercise(DEMO_EXERCISE)
        assert exercise.reference == "marloes" and exercise.students == {DEMO_STUDENT: None}
        assert exercise.document_ids == (project.document_id(DEMO_EXERCISE_DOCUMENT),)
        assert exercise.instructions
        review = load_review(project, "marloes,daan")
        assert review.total >= 20 and {i.kind for i in review.items} == {"only_a", "only_b", "differ"}
        reference = project.segments(document_ids=list(exercise.document_ids), coders=["marloes"])
        first = reference[0]
        project.add_segment(first.document_id, first.start, first.end, first.code_id, DEMO_STUDENT)
        student = Privileges(name=DEMO_STUDENT, role="student")
        submit(project, DEMO_EXERCISE, student)
        result = feedback(project, DEMO_EXERCISE, student)
        assert sum(c.matched_reference for c in result.codes) >= 1
        assert sum(c.reference_segments for c in result.codes) == len(reference)
        assert result.missed_codes


def test_the_store_tells_a_students_open_documents_and_submitted_exercises(course):
    ria = course.document_id("ria")
    assert course.student_exercises("Stan") == ([ria], [])          # names fold like coder names
    submit(course, "First steps", STUDENT)
    assert course.student_exercises("stan") == ([], [course.exercise("First steps").guid])
    assert course.student_exercises("nobody") == ([], [])


def test_with_accounts_a_student_codes_only_in_open_exercises(course, monkeypatch):
    from argon2 import PasswordHasher

    monkeypatch.setattr("workbench.auth._hasher", lambda: PasswordHasher(time_cost=1, memory_cost=1024,
                                                                         parallelism=1))
    for name, role in (("ada", "admin"), ("stan", "student"), ("sue", "supervisor")):
        course.add_account(name, role, "a-long-passphrase", who=Privileges.local())
    ria, jan = course.document_id("ria"), course.document_id("jan")
    stan = course.privileges("stan")
    assert stan.exercise_documents == {ria} and not stan.submitted_exercises
    code = course.resolve_code("participation fatigue").id
    course.add_segment(ria, 0, 5, code, "stan", who="stan")
    with pytest.raises(WorkbenchError, match="may not code in document 'jan'"):
        course.add_segment(jan, 0, 5, code, "stan", who="stan")
    with pytest.raises(WorkbenchError, match="may not see the reference"):
        feedback(course, "First steps", "stan")
    with pytest.raises(WorkbenchError, match="may not create exercises"):
        create_exercise(course, "Mine", "marloes", ["ria"], [], who="stan")
    submit(course, "First steps", "stan")
    assert course.privileges("stan").submitted_exercises == {course.exercise("First steps").guid}
    with pytest.raises(WorkbenchError, match="may not code in document 'ria'"):
        course.add_segment(ria, 10, 15, code, "stan", who="stan")
    assert feedback(course, "First steps", "stan").student == "stan"
    assert class_table(course, "First steps", "sue").students == ["stan", "stella"]


def test_a_students_session_sees_the_reference_only_in_the_feedback_after_submitting(course, monkeypatch):
    from argon2 import PasswordHasher

    monkeypatch.setattr("workbench.auth._hasher", lambda: PasswordHasher(time_cost=1, memory_cost=1024,
                                                                         parallelism=1))
    course.add_account("ada", "admin", "a-long-passphrase", who=Privileges.local())
    course.add_account("stan", "student", "a-long-passphrase", who=Privileges.local())
    course.view_as("stan")                       # as the app does for the session
    assert {s.coder for s in course.segments()} == {"stan"}
    submit(course, "First steps", "stan")
    course.view_as("stan")
    assert {s.coder for s in course.segments()} == {"stan"}          # still hidden everywhere else
    result = feedback(course, "First steps", "stan")
    assert sum(c.reference_segments for c in result.codes) == 3        # but compared in the feedback
    assert {s.coder for s in course.segments()} == {"stan"}


def test_the_demo_with_accounts_lets_the_student_log_in_to_the_exercise(cli, tmp_path):
    path = tmp_path / "team.wbproj"
    result = cli("demo", path, "--accounts")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split("shown only now")[1].splitlines()[1:]
    passwords = dict(line.split() for line in lines if line.strip())
    assert set(passwords) == {"admin", "supervisor", "student"}
    with open_project(path) as project:
        assert {a.name: a.role for a in project.accounts()} == {"admin": "admin", "supervisor": "supervisor",
                                                                "student": "student"}
        assert project.check_login("student", passwords["student"]).role == "student"
        student = project.privileges("student")
        exercise = project.exercise("Oefening: de vrijwilliger")
        assert student.is_student and student.exercise_documents == set(exercise.document_ids)
        assert passwords["student"] not in path.read_bytes().decode("utf-8", "replace")
