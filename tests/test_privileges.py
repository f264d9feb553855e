"""The Privileges object: every role × action, against a table written out by hand (the oracle)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.errors import WorkbenchError
from workbench.privileges import LOCAL, ROLES, Privileges, check_role

ALL_ROLES = (*ROLES, LOCAL)

# action -> roles allowed (for a user acting on something that is not their own)
EXPECTED = {
    "can_edit_codebook": {"admin", "supervisor", LOCAL},
    "can_import": {"admin", "supervisor", LOCAL},
    "can_review": {"admin", "supervisor", LOCAL},
    "can_manage_exercises": {"admin", "supervisor", LOCAL},
    "can_change_settings": {"admin", "supervisor", LOCAL},
    "can_manage_accounts": {"admin", LOCAL},
    "can_export": {"admin", "supervisor", "coder", LOCAL},
    "can_write_memo": {"admin", "supervisor", "coder", LOCAL},
    "can_read_project": {"admin", "supervisor", "coder", LOCAL},
}


def user(role: str, blind: bool = False, **extra) -> Privileges:
    return Privileges(name="me", role=role, blind=blind, **extra)


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_role_by_action(role, action):
    assert getattr(user(role), action)() is (role in EXPECTED[action])


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("blind", [False, True])
def test_seeing_other_coders_codings(role, blind):
    me = user(role, blind)
    expected = role in ("admin", "supervisor", LOCAL) or (role == "coder" and not blind)
    assert me.can_see_codings_of("someone else") is expected
    assert me.can_see_codings_of("Me ") is True  # one's own, names folded
    assert me.visible_coders(["me", "other"]) == (["me", "other"] if expected else ["me"])
    assert me.sees_all_codings() is expected
    assert me.can_see_audit() is expected


@pytest.mark.parametrize("role", ALL_ROLES)
def test_editing_and_removing_codings(role):
    me = user(role, exercise_documents=frozenset({1}))
    oversees = role in ("admin", "supervisor", LOCAL)
    for action in (me.can_edit_segment, me.can_remove_segment):
        assert action("other", 1) is oversees
        assert action("me", 1) is True
        assert action("me", 2) is (role != "student")


@pytest.mark.parametrize("role", ALL_ROLES)
def test_coding(role):
    me = user(role, exercise_documents=frozenset({7}))
    assert me.can_code(7) is True
    assert me.can_code(8) is (role != "student")
    assert me.can_code() is (role != "student")
    assert me.can_code_as("me", 7) is True
    assert me.can_code_as("consensus", 7) is (role in ("admin", "supervisor", LOCAL))
    assert me.can_read_document(8) is (role != "student")


def test_student_sees_a_reference_only_after_submitting():
    student = user("student", submitted_exercises=frozenset({3}))
    assert not student.can_see_reference(4)
    assert not student.can_see_reference(None)
    assert student.can_see_reference(3)
    for role in ("admin", "supervisor", "coder", LOCAL):
        assert user(role).can_see_reference(4)


def test_local_user_without_a_name_codes_as_anyone():
    assert Privileges.local().can_code_as("marloes")
    assert Privileges.local().can_remove_segment("daan")


def test_require_names_the_user_and_the_action():
    with pytest.raises(WorkbenchError, match=r"^ria \(student\) may not edit the codebook$"):
        Privileges("ria", "student").require(False, "edit the codebook")
    Privileges("ria", "student").require(True, "code")


def test_check_role():
    assert check_role(" Supervisor ") == "supervisor"
    with pytest.raises(WorkbenchError, match="unknown role 'boss'"):
        check_role("boss")


NAMES = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=12)  # control characters are
# stripped where names are accepted (tests/test_safe_exports.py)


@given(NAMES, NAMES)
def test_own_name_match_is_folded(a, b):
    me = Privileges(a, "coder", blind=True)
    same = bool(" ".join(a.split())) and " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
    assert me.can_see_codings_of(b) is same
