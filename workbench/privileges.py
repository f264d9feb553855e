"""Who may do what: the one place that decides.

A :class:`Privileges` object describes the acting user: an account with a role (``admin``, ``supervisor``,
``coder``, ``student``), or the single-user mode of a project without accounts (the local user may do everything a
coder and a supervisor may). The core's write functions ask it before they change anything (and raise the
``WorkbenchError`` of :meth:`Privileges.require`: "… may not …"); the pages ask the same object what to show.

Roles (issue #11):

- ``admin``: everything, including accounts.
- ``supervisor``: reads all codings, edits the codebook, reviews, manages exercises, codes, and may correct or
  remove any coding (review decisions); changes project settings such as blind coding.
- ``coder``: codes; edits and removes only their own codings; reads other coders' codings only while the project is
  not blind.
- ``student``: codes only in the documents of their exercises; never sees other coders' codings, nor an
  exercise's reference before submitting it; no export, no project-wide retrieval.

Pure Python: no Streamlit, no SQL. The store builds the object for a name (``Project.privileges(who)``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .errors import WorkbenchError

ROLES = ("admin", "supervisor", "coder", "student")
LOCAL = "local"  # the single-user mode of a project without accounts
ROLE_HELP = {
    "admin": "everything, including accounts",
    "supervisor": "reads all codings, edits the codebook, reviews, exercises",
    "coder": "codes; edits own codings; sees others' only when the project is not blind",
    "student": "codes in their exercises only; sees only their own codings",
}


def check_role(role: str) -> str:
    """A role name, checked: one of :data:`ROLES`."""
    role = (role or "").strip().lower()
    if role not in ROLES:
        raise WorkbenchError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    return role


def _fold(name: str | None) -> str:
    return " ".join((name or "").split()).casefold()


@dataclass(frozen=True)
class Privileges:
    """What one acting user may do.

    ``name``: the user's name (an account name, or in the single-user mode the typed coder name, possibly empty);
    ``role``: one of :data:`ROLES`, or :data:`LOCAL` for a project without accounts; ``blind``: the project's blind
    coding setting; ``exercise_documents``: the document ids a student may code (their exercises);
    ``submitted_exercises``: the exercises a student has submitted (their reference becomes visible).
    """

    name: str
    role: str = LOCAL
    blind: bool = False
    exercise_documents: frozenset[int] = field(default_factory=frozenset)
    submitted_exercises: frozenset[int | str] = field(default_factory=frozenset)

    # ------------------------------------------------------------------ constructors
    @classmethod
    def local(cls, name: str = "", blind: bool = False) -> Privileges:
        """The single-user mode (a project without accounts, or the command line's owner of the file)."""
        return cls(name=" ".join((name or "").split()), role=LOCAL, blind=blind)

    # ------------------------------------------------------------------ what kind of user
    @property
    def is_local(self) -> bool:
        return self.role == LOCAL

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_student(self) -> bool:
        return self.role == "student"

    @property
    def _oversees(self) -> bool:
        """Admin, supervisor and the single-user mode: they see and may correct everyone's work."""
        return self.role in ("admin", "supervisor", LOCAL)

    def is_me(self, coder: str | None) -> bool:
        """Whether ``coder`` names this user (white space folded, case-insensitive)."""
        return bool(self.name) and _fold(coder) == _fold(self.name)

    def describe(self) -> str:
        """``"ria (student)"``: how refusals name the user."""
        if self.is_local:
            return self.name or "this user"
        return f"{self.name} ({self.role})"

    # ------------------------------------------------------------------ coding
    def can_code(self, document_id: int | None = None) -> bool:
        """Add codings of one's own (a student only in the documents of their exercises)."""
        if self.is_student:
            return document_id is not None and document_id in self.exercise_documents
        return True

    def can_code_as(self, coder: str, document_id: int | None = None) -> bool:
        """Add codings attributed to ``coder``: oneself, or anyone for those who oversee (imports of codings,
        a consensus coder)."""
        if self.is_me(coder) or (self.is_local and not self.name):
            return self.can_code(document_id)
        return self._oversees

    def can_edit_segment(self, coder: str, document_id: int | None = None) -> bool:
        """Widen, narrow or re-memo a coding made by ``coder``."""
        if self.is_me(coder):
            return self.can_code(document_id)
        return self._oversees

    def can_remove_segment(self, coder: str, document_id: int | None = None) -> bool:
        """Remove (or restore, by undo) a coding made by ``coder``."""
        return self.can_edit_segment(coder, document_id)

    def can_see_codings_of(self, coder: str) -> bool:
        """See ``coder``'s codings (on any page, in any export or analysis)."""
        if self.is_me(coder) or self._oversees:
            return True
        if self.is_student:
            return False
        return not self.blind

    def sees_all_codings(self) -> bool:
        """Whether this user sees every coder's codings (no filter needed)."""
        return self._oversees or (self.role == "coder" and not self.blind)

    def visible_coders(self, coders: Iterable[str]) -> list[str]:
        """The coders among ``coders`` whose codings this user may see."""
        return [c for c in coders if self.can_see_codings_of(c)]

    # ------------------------------------------------------------------ the project
    def can_read_project(self) -> bool:
        """Retrieve across the whole project, read every document, the analysis pages."""
        return not self.is_student

    def can_read_document(self, document_id: int) -> bool:
        return not self.is_student or document_id in self.exercise_documents

    def can_edit_codebook(self) -> bool:
        return self._oversees

    def can_import(self) -> bool:
        """Import documents and cases, edit case attributes."""
        return self._oversees

    def can_write_memo(self) -> bool:
        return not self.is_student

    def can_export(self) -> bool:
        return not self.is_student

    def can_see_audit(self) -> bool:
        """The audit log names every coder's changes: for those who oversee, and coders of a project that is not
        blind."""
        return self._oversees or (self.role == "coder" and not self.blind)

    def can_review(self) -> bool:
        return self._oversees

    def can_manage_exercises(self) -> bool:
        return self._oversees

    def can_see_reference(self, exercise: int | str | None = None) -> bool:
        """See an exercise's reference codings: a student only after submitting that exercise."""
        if self.is_student:
            return exercise is not None and exercise in self.submitted_exercises
        return True

    def can_change_settings(self) -> bool:
        """Project settings such as blind coding."""
        return self._oversees

    def can_manage_accounts(self) -> bool:
        """Add, remove and change accounts: admins, and the single-user mode (the owner of the file, who creates
        the first accounts on the command line)."""
        return self.role in ("admin", LOCAL)

    # ------------------------------------------------------------------ refusing
    def require(self, allowed: bool, action: str) -> None:
        """Raise ``WorkbenchError("<user> may not <action>")`` unless ``allowed``."""
        if not allowed:
            raise WorkbenchError(f"{self.describe()} may not {action}")
