"""The app with accounts (AppTest): the login page, logout, idle expiry, slowed failed logins, single sign-on that
cannot reach its provider, who is working now, and the pages' refusals per role (student, blind coder)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from workbench.privileges import Privileges
from workbench.store import open_project

from .app_harness import (  # noqa: F401 - fixtures
    NIEMAND, SINDS, VERTROUW, add, app, full_path, go, ok, seeded_path, shown_codings, templates, values,
)

PASSWORD = "a-long-passphrase"
ROLES = {"ada": "admin", "sam": "supervisor", "anna": "coder", "bob": "coder", "stu": "student"}


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    from argon2 import PasswordHasher

    monkeypatch.setattr("workbench.auth._hasher", lambda: PasswordHasher(time_cost=1, memory_cost=1024,
                                                                         parallelism=1))
    from workbench.app import login

    login.throttle.clear()
    login.sessions.clear()


@pytest.fixture
def team_path(seeded_path: Path) -> Path:
    """The seeded project (codings by anna and bob) with one account per role."""
    with open_project(seeded_path) as project:
        for name, role in ROLES.items():
            project.add_account(name, role, PASSWORD, who=Privileges.local())
    return seeded_path


def log_in(at, name: str, password: str = PASSWORD):
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    next(b for b in at.button if b.label == "Log in").click()
    return ok(at.run())


def everything_shown(at) -> str:
    parts = [*values(at.markdown), *values(at.caption), *values(at.title), *values(at.info), *values(at.error),
             *values(at.warning), *values(at.subheader)]
    return "\n".join(str(p) for p in parts)


def test_login_page_shows_no_project_content_until_logged_in_then_logout(app, team_path):
    at = app(team_path)
    assert values(at.title) == ["Log in"]
    shown = everything_shown(at)
    assert "ria" not in shown and "Ria" not in shown and not at.dataframe
    at = log_in(at, "Anna")
    assert "Project" in values(at.title)
    assert any("Logged in as anna (coder)" in c for c in values(at.sidebar.caption))
    assert at.session_state["_account"] == "anna"
    next(b for b in at.sidebar.button if b.label == "Log out").click()
    at = ok(at.run())
    assert values(at.title) == ["Log in"] and "You are logged out." in values(at.warning)


def test_wrong_password_and_then_slowed_down(app, team_path):
    from workbench.app import login

    login.throttle().clock = lambda: 1000.0  # a stopped clock: the wait cannot pass while the test runs
    at = app(team_path)
    for _ in range(3):
        at = log_in(at, "bob", "not-the-password")
        assert "Wrong name or password." in values(at.warning)
    at = log_in(at, "bob", PASSWORD)  # right now, but too soon after three failures
    assert any(w.startswith("Too many failed logins: wait") for w in values(at.warning))
    assert values(at.title) == ["Log in"]


def test_idle_session_is_logged_out(app, team_path):
    at = log_in(app(team_path), "anna")
    at.session_state["_last_active"] = time.time() - 2 * 3600
    at = ok(at.run())
    assert values(at.title) == ["Log in"]
    assert any("without activity" in w for w in values(at.warning))


def test_removed_account_is_logged_out(app, team_path):
    at = log_in(app(team_path), "bob")
    with open_project(team_path) as project:
        project.remove_account("bob", who="ada")
    at = ok(at.run())
    assert values(at.title) == ["Log in"] and "Your account was removed." in values(at.warning)


def test_single_sign_on_configured_but_unreachable_says_so(app, team_path):
    at = app(team_path)
    at.secrets["auth"] = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "x" * 32,
                          "client_id": "workbench", "client_secret": "s",
                          "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
    at = ok(at.run())
    warnings = values(at.warning)
    assert any("Single sign-on is configured, but the single sign-on provider at http://127.0.0.1:9/" in w
               and "cannot be reached" in w for w in warnings), warnings
    assert not any(b.label == "Log in with single sign-on" for b in at.button)
    assert any(b.label == "Log in" for b in at.button)  # the password login still works


def test_project_page_shows_who_is_working_now(app, team_path):
    log_in(app(team_path), "bob")
    at = log_in(app(team_path), "sam")
    assert any(c == "Working now: bob (coder), sam (supervisor)" for c in values(at.caption)), values(at.caption)


def test_student_is_refused_retrieve_and_analysis_and_sees_no_other_codings(app, team_path):
    at = log_in(app(team_path), "stu")
    at = go(at, "retrieve")
    assert any("may not retrieve across the whole project" in e for e in values(at.error))
    assert "Sinds achtenzestig" not in everything_shown(at)
    at.switch_page("views/cooccurrence.py")
    at = ok(at.run())
    assert any("may not open the analysis" in e for e in values(at.error))
    at = go(at, "code")  # no exercise yet: no document to read
    assert shown_text_of_code_page(at) == ""


def shown_text_of_code_page(at) -> str:
    return "\n".join(str(c.value) for c in at.caption if "codings shown" in str(c.value))


def test_student_in_an_exercise_sees_only_their_own_codings(app, team_path, monkeypatch):
    with open_project(team_path) as project:
        ria = project.document_id("ria")
    monkeypatch.setattr("workbench.store.project.Project.student_exercises", lambda self, name: ([ria], []))
    with open_project(team_path) as project:
        add(project, "ria", VERTROUW, "distrust", "stu")
    at = log_in(app(team_path), "stu")
    at = go(at, "code")
    assert shown_codings(at) == 1
    at.radio(key="code_scope").set_value("one coder")
    at = ok(at.run())
    assert "anna" not in at.selectbox(key="code_scope_coder").options  # another coder's codings cannot be chosen
    assert at.selectbox(key="document" if False else "code_document").options == ["ria"]


@pytest.mark.parametrize("blind, expected", [("off", 7), ("on", 3)])
def test_blind_coder_sees_only_their_own_codings_on_every_page(app, team_path, blind, expected):
    with open_project(team_path) as project:
        project.set_setting("blind", blind, who="ada")
        anna = sum(1 for s in project.segments() if s.coder == "anna")
        ria_all = sum(1 for s in project.segments() if s.document == "ria")
        ria_anna = sum(1 for s in project.segments() if s.document == "ria" and s.coder == "anna")
    at = log_in(app(team_path), "bob" if False else "anna")
    at = go(at, "code")
    assert shown_codings(at) == (ria_all if blind == "off" else ria_anna)
    at = go(at, "retrieve")
    count = next(int(m.value.split("**")[1].split()[0]) for m in at.markdown if m.value.startswith("**"))
    assert count == (expected if blind == "off" else anna)
    at = log_in(app(team_path), "sam")  # the supervisor sees all
    at = go(at, "retrieve")
    assert next(int(m.value.split("**")[1].split()[0]) for m in at.markdown if m.value.startswith("**")) == 7


def test_coder_reads_the_codebook_without_edit_controls(app, team_path):
    at = log_in(app(team_path), "anna")
    at = go(at, "codebook")
    assert any("a supervisor or an admin edits it" in i for i in values(at.info))
    assert not any(b.label == "Add code" for b in at.button)
    at = log_in(app(team_path), "sam")
    at = go(at, "codebook")
    assert any(b.label == "Add code" for b in at.button)


def test_student_never_sees_the_reference_of_an_exercise_before_submitting(app, team_path):
    from workbench.training.exercises import create_exercise, submit

    with open_project(team_path) as project:
        create_exercise(project, "first", "anna", ["ria"], ["stu"], who="sam")
    at = log_in(app(team_path), "stu")
    at = go(at, "code")
    assert at.selectbox(key="code_document").options == ["ria"]  # only the exercise's document
    assert shown_codings(at) == 0  # anna's reference codings are not shown
    at.radio(key="code_scope").set_value("one coder")
    at = ok(at.run())
    assert "anna" not in at.selectbox(key="code_scope_coder").options
    at.switch_page("views/training.py")
    at = ok(at.run())
    shown = everything_shown(at)
    assert "hidden until you submit" in shown and "anna" not in shown and "against the reference" not in shown
    with open_project(team_path) as project:
        submit(project, "first", "stu")
    at = ok(at.run())
    shown = everything_shown(at)
    assert "against the reference" in shown and "anna" in shown  # after submitting: the reference


@pytest.mark.parametrize("value", ["", "__", "a__b_c__", "-_-_-___", "x" * 64])
def test_cookie_component_key_never_holds_streamlits_delimiter(value):
    # Session keys are URL-safe base64, so `__` turns up by chance; Streamlit refuses it in a component key.
    from workbench.app.login import cookie_component_key

    key = cookie_component_key(value)
    assert "__" not in key and key.startswith("login_cookie_")
    assert cookie_component_key(value) == key
