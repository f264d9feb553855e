"""The Review and Training pages driven headlessly with Streamlit's AppTest, on small projects built with the core;
what the pages did is checked in the project file through a separate connection."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from workbench.ingest import import_sources
from workbench.privileges import Privileges
from workbench.review.consensus import load_review
from workbench.store import create_project, open_project
from workbench.training.exercises import create_exercise, submit

from .conftest import CODEBOOK, TRANSCRIPT
from .app_harness import app, ok  # noqa: F401 - the app fixture
from .test_review import NIEMAND, OTHER, SANNE, SINDS, VERTROUW, add



@pytest.fixture
def study(tmp_path: Path) -> Path:
    """anna and bob differ on three passages of ria (as in tests/test_review.py); marloes is the reference of an
    exercise on ria for student stan, who has coded SINDS."""
    from workbench.codebook import import_codebook

    path = tmp_path / "study.wbproj"
    with create_project(path) as project:
        import_sources(project, [("ria.txt", TRANSCRIPT.encode("utf-8")), ("jan.txt", OTHER.encode("utf-8"))])
        import_codebook(project, CODEBOOK)
        add(project, SINDS, "link work", "anna")
        add(project, SINDS, "link work", "bob", widen=1)
        add(project, VERTROUW, "distrust", "anna")
        add(project, "Ik vertrouw die gemeente", "distrust", "bob")
        add(project, NIEMAND, "distrust", "anna")
        add(project, SANNE, "link work/best persons", "bob")
        add(project, SINDS, "link work", "marloes")
        add(project, SANNE, "link work/best persons", "marloes")
        create_exercise(project, "First steps", "marloes", ["ria"], ["stan"], who="sue")
        add(project, SINDS, "link work", "stan")
    return path


def open_page(app, path: Path, name: str, coder: str = "sue", **state) -> AppTest:
    """The app (the shared harness) on page ``name``, run as ``--coder coder``."""
    return app(path, name, argv=("--coder", coder), **state)


def texts(at: AppTest) -> str:
    return "\n".join(str(e.value) for e in [*at.markdown, *at.caption, *at.info, *at.success, *at.error])


def test_review_page_shows_the_first_passage_with_both_sides_and_the_guidance(app, study):
    at = open_page(app, study, "review", rev_a="anna", rev_b="bob")
    assert "0 of 3 decided" in at.get("progress")[0].proto.text
    shown = texts(at)
    assert "Passage 1 of 3" in shown and NIEMAND in shown
    assert "bob did not code this passage with this code." in shown
    assert "When not to use" in shown


def test_deciding_on_the_review_page_writes_the_consensus_and_moves_on(app, study):
    at = open_page(app, study, "review", rev_a="anna", rev_b="bob")
    ok(at.button(key="rev_accept-a").click().run())
    assert "1 of 3 decided" in at.get("progress")[0].proto.text
    assert "Passage 2 of 3" in texts(at)
    with open_project(study) as project:
        assert [s.text for s in project.segments(coders=["consensus"], with_text=True)] == [NIEMAND]
        assert next(e for e in project.audit_log() if e.action == "review.decide").who == "sue"
    ok(at.button(key="rev_accept-b").click().run())
    ok(at.toggle(key="rev_undecided").set_value(True).run())
    assert "Passage 1 of 1" in texts(at) and SANNE in texts(at)


def test_an_edited_span_on_the_review_page(app, study):
    at = open_page(app, study, "review", rev_a="anna", rev_b="bob", rev_index=1)
    with open_project(study) as project:
        text = project.document_text(project.document_id("ria"))
    start = text.index("die gemeente")
    at.number_input(key="rev_edit_start").set_value(start)
    at.number_input(key="rev_edit_end").set_value(start + len("die gemeente"))
    ok(at.button(key="rev_edit").click().run())
    with open_project(study) as project:
        assert [s.text for s in project.segments(coders=["consensus"], with_text=True)] == ["die gemeente"]
        review = load_review(project, "anna,bob")
        assert review.decision(review.items[1]).decision == "edit"
    at.number_input(key="rev_edit_start").set_value(0)
    at.number_input(key="rev_edit_end").set_value(3)
    ok(at.button(key="rev_edit").click().run())
    assert any("does not overlap the passage" in e.value for e in at.error)


def test_a_comment_on_a_reviewed_segment_is_answerable(app, study):
    at = open_page(app, study, "review", rev_a="anna", rev_b="bob")
    with open_project(study) as project:
        guid = project.segments(coders=["anna"], code_ids=[project.resolve_code("distrust").id])[0].guid
        seg_id = next(s.id for s in project.segments() if s.guid == guid)
    key = f"rev_c_{seg_id}_new"
    at.text_area(key=key).set_value("Is this distrust?")
    ok(at.button(key=f"{key}_go").click().run())
    with open_project(study) as project:
        first = project.comments("segment", [guid])
    assert [c.text for c in first] == ["Is this distrust?"] and first[0].author == "sue"
    reply = f"rev_c_{seg_id}_reply_{first[0].thread}"
    at.text_input(key=reply).set_value("Yes: of institutions.")
    ok(at.button(key=f"{reply}_go").click().run())
    with open_project(study) as project:
        assert [c.reply_to for c in project.comments("segment", [guid])] == [None, first[0].guid]


PASSWORD = "a-long-passphrase"


@pytest.fixture
def team(study: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The study with accounts: ada (admin), sue (supervisor), cody (coder), stan (the exercise's student) and
    sam (a student without exercises). Password hashing made quick for the tests."""
    from argon2 import PasswordHasher

    from workbench.app import login

    monkeypatch.setattr("workbench.auth._hasher", lambda: PasswordHasher(time_cost=1, memory_cost=1024,
                                                                         parallelism=1))
    login.throttle.clear()
    login.sessions.clear()
    with open_project(study) as project:
        for name, role in {"ada": "admin", "sue": "supervisor", "cody": "coder", "stan": "student",
                           "sam": "student"}.items():
            project.add_account(name, role, PASSWORD, who=Privileges.local())
    return study


def logged_in(app, path: Path, page: str, name: str) -> AppTest:
    """The app on ``path`` with ``name`` logged in, then on ``page``."""
    at = open_page(app, path, "project")
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(PASSWORD)
    next(b for b in at.button if b.label == "Log in").click()
    ok(at.run())
    at.switch_page(f"views/{page}.py")
    return ok(at.run())


@pytest.mark.parametrize("name", ["cody", "stan"])
def test_the_review_page_refuses_those_who_may_not_review(app, team, name):
    at = logged_in(app, team, "review", name)
    assert any("may not review codings" in e.value for e in at.error)
    assert not at.get("progress") and NIEMAND not in texts(at)


def test_a_supervisor_account_reviews(app, team):
    at = logged_in(app, team, "review", "sue")
    at.session_state["rev_a"], at.session_state["rev_b"] = "anna", "bob"
    ok(at.run())
    ok(at.button(key="rev_neither").click().run())
    with open_project(team) as project:
        assert next(e for e in project.audit_log() if e.action == "review.decide").who == "sue"


def test_training_page_for_the_supervisor_shows_the_class_table(app, study):
    at = open_page(app, study, "training")
    frames = at.dataframe
    table = frames[0].value
    assert list(table["student"]) == ["stan"] and list(table["submitted"]) == ["no"]
    assert table.loc[0, "link work"] == "1/1" and table.loc[0, "link work/best persons"] == "0/1"


def test_creating_an_exercise_on_the_training_page(app, study):
    at = open_page(app, study, "training")
    at.text_input(key="tr_new_name").set_value("Second")
    at.selectbox(key="tr_new_reference").set_value("marloes")
    with open_project(study) as project:
        ria = project.document_id("ria")
    at.multiselect(key="tr_new_documents").set_value([ria])
    at.text_input(key="tr_new_students").set_value("stan, stella")
    ok(at.button(key="tr_create").click().run())
    assert not at.error, [e.value for e in at.error]
    with open_project(study) as project:
        second = project.exercise("Second")
    assert second.students == {"stan": None, "stella": None} and second.document_ids == (ria,)


def test_a_student_sees_no_reference_before_submitting_then_the_feedback(app, team):
    at = logged_in(app, team, "training", "stan")
    shown = texts(at)
    assert "hidden until you submit" in shown and "marloes" not in shown
    assert not at.dataframe and SANNE not in shown
    assert at.button(key="tr_submit").disabled
    at.checkbox(key="tr_sure").check().run()
    ok(at.button(key="tr_submit").click().run())
    with open_project(team) as project:
        assert project.exercise("First steps").students["stan"] is not None
    shown = texts(at)
    assert "Codes you missed" in [s.value for s in at.subheader]
    assert "A named person who makes it work." in shown and SANNE in shown


def test_a_student_sees_only_their_own_codings_on_the_code_page(app, team):
    at = logged_in(app, team, "code", "stan")
    at.session_state["current_document"] = "ria"
    ok(at.run())
    with open_project(team) as project:
        mine = project.segments(coders=["stan"])[0]
        theirs = project.segments(coders=["marloes"])[0]
    at.session_state["cursor"] = {"offset": theirs.start + 1, "segment": None}
    ok(at.run())
    shown = texts(at)
    assert "marloes" not in shown and "stan" in shown and mine.start <= theirs.start + 1 < mine.end


def test_a_student_without_exercises_is_told_so(app, team):
    at = logged_in(app, team, "training", "sam")
    assert any("no exercises" in i.value for i in at.info)


def test_comment_threads_on_the_code_page_under_a_coding(app, study):
    with open_project(study) as project:
        seg = project.segments(coders=["bob"], code_ids=[project.resolve_code("best persons").id])[0]
        code_guid = project.resolve_code("best persons").guid
        project.add_comment("code", code_guid, "Named persons only <b>please</b>", "sue")
    at = open_page(app, study, "code", coder="anna", current_document="ria",
             cursor={"offset": seg.start + 1, "segment": seg.id})
    at.text_area(key=f"seg_c_{seg.id}_new").set_value("Is Sanne a best person?")
    ok(at.button(key=f"seg_c_{seg.id}_new_go").click().run())
    with open_project(study) as project:
        (comment,) = project.comments("segment", [seg.guid])
    assert comment.author == "anna" and comment.text == "Is Sanne a best person?"
    shown = [m.value for m in at.markdown]
    assert any("Is Sanne a best person?" in m for m in shown)
    assert any("Named persons only &lt;b&gt;please&lt;/b&gt;" in m for m in shown)   # shown as text
    reply = f"code_c_{seg.id}_reply_{project_thread(study, code_guid)}"
    at.text_input(key=reply).set_value("Yes.")
    ok(at.button(key=f"{reply}_go").click().run())
    with open_project(study) as project:
        assert [c.text for c in project.comments("code", [code_guid])] == ["Named persons only <b>please</b>", "Yes."]


def project_thread(path, guid):
    with open_project(path) as project:
        return project.comments("code", [guid])[0].thread


def test_a_large_project_reviews_its_first_documents_until_all_are_asked_for(app, study, monkeypatch):
    import workbench.app.reads as reads

    with open_project(study) as project:          # jan too: anna and bob differ on one passage there
        add(project, "Ik help mensen met formulieren.", "distrust", "anna", document="jan")
        add(project, "Dat is mijn werk.", "link work", "bob", document="jan")
    monkeypatch.setattr(reads, "FIRST_REVIEWED", 1)  # ria, jan: "large" beyond one document
    at = open_page(app, study, "review", rev_a="anna", rev_b="bob")
    assert "0 of 3 decided" in at.get("progress")[0].proto.text            # ria's three passages only
    assert "The queue of the first 1 of the 2 documents both anna and bob coded" in texts(at)
    ok(at.toggle(key="rev_all").set_value(True).run())
    with open_project(study) as project:
        every = load_review(project, "anna,bob")
    assert len(every.items) == 5 and {i.document for i in every.items} == {"ria", "jan"}
    assert "0 of 5 decided" in at.get("progress")[0].proto.text
    ok(at.toggle(key="rev_all").set_value(False).run())
    with open_project(study) as project:
        jan = project.document_id("jan")
    ok(at.multiselect(key="rev_documents").select(jan).run())
    assert "0 of 2 decided" in at.get("progress")[0].proto.text            # jan chosen
    ok(at.button(key="rev_accept-b").click().run())                       # decided in jan's queue: the same key
    assert "1 of 2 decided" in at.get("progress")[0].proto.text
    with open_project(study) as project:
        review = load_review(project, "anna,bob")
        decided = [i for i in review.items if review.decision(i)]
        assert [(i.document, review.decision(i).decision) for i in decided] == [("jan", "accept-b")]
        assert review.progress() == "1 of 5 decided"


def test_the_queue_is_built_once_per_data_version(app, study, monkeypatch):
    import workbench.review.queue as queue

    calls = []
    real = queue._items
    monkeypatch.setattr(queue, "_items", lambda *a, **k: calls.append(1) or real(*a, **k))
    at = open_page(app, study, "review", rev_a="anna", rev_b="bob")
    built = len(calls)
    ok(at.button(key="rev_next").click().run())
    assert len(calls) == built                      # turning to the next passage builds nothing
    assert "Passage 2 of 3" in texts(at)
    ok(at.button(key="rev_accept-a").click().run())  # a decision (a write) is seen on the next run
    assert len(calls) > built and "1 of 3 decided" in texts(at) + at.get("progress")[0].proto.text
