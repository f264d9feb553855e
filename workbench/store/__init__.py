"""The project store: one SQLite file per project. The only package that knows the schema or writes SQL.

Conventions: text is stored once per document, NFC-normalised with ``\\n`` line ends; every offset is a Python
``str`` index (code point), half-open ``[start, end)``. Every multi-row change runs in one transaction, and every
change is written to the audit log in that same transaction, so a refused or failed change leaves the file exactly
as it was. One module per concern: ``base`` (connection, transactions), ``schema`` (migrations), ``files`` (create,
open), ``documents``, ``coders``, ``codes``, ``segments``, ``streams`` (segments streamed, counted and paged), ``cases``,
``memos``, ``audit``, ``review`` (review decisions), ``comments``, ``exercises``, ``backup`` (online backups and
restores, file level); ``project`` composes them.
"""

from ..models import CaseInfo, CaseRow, Memo
from .base import new_guid, normalise_name, now
from .codes import CODE_FIELDS, PALETTE, normalise_colour
from .files import create_project, open_project
from .project import Project
from .schema import APPLICATION_ID, SCHEMA_VERSION

__all__ = [
    "APPLICATION_ID", "CODE_FIELDS", "PALETTE", "SCHEMA_VERSION", "CaseInfo", "CaseRow", "Memo", "Project",
    "create_project", "new_guid", "normalise_colour", "normalise_name", "now", "open_project",
]
