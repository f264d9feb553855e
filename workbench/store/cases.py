"""Cases, their typed attributes and the documents that belong to them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from ..errors import WorkbenchError
from ..models import CaseInfo, CaseRow
from . import actions
from .base import StoreBase, new_guid, normalise_name


class CasesMixin(StoreBase):
    """Link documents to cases; read cases and attributes."""

    def set_cases(self, rows: Sequence[CaseRow], attribute_types: dict[str, str], who: Any = "") -> None:
        """Link documents to cases and set the cases' attribute values (typed ``number``/``date``/``text``),
        all or nothing. A case's value given twice must agree. Audited with the cases' state before and after."""
        rows = [CaseRow(normalise_name(row.document), normalise_name(row.case),
                        {normalise_name(k): v for k, v in row.values.items()}) for row in rows]
        attribute_types = {normalise_name(k): v for k, v in attribute_types.items()}
        values: dict[str, dict[str, str]] = defaultdict(dict)
        for row in rows:
            if not row.case.strip():
                raise WorkbenchError(f"the cases file gives document {row.document!r} an empty case name")
            for attribute, value in row.values.items():
                if value == "":
                    continue
                earlier = values[row.case].get(attribute)
                if earlier is not None and earlier != value:
                    raise WorkbenchError(f"case {row.case!r} has two values for {attribute!r}: {earlier!r} and "
                                         f"{value!r}")
                values[row.case][attribute] = value
        with self.transaction():
            who = self._allowed(who, "can_import", "import cases").name
            doc_ids = {row.document: self.document_id(row.document) for row in rows}
            names = sorted({row.case for row in rows})
            before = self._cases_state(names, attribute_types)
            attribute_ids: dict[str, int] = {}
            for attribute, kind in attribute_types.items():
                found = self._one("SELECT id FROM attributes WHERE name = ?", (attribute,))
                if found is None:
                    found = self.conn.execute("INSERT INTO attributes (name, type) VALUES (?, ?)",
                                              (attribute, kind)).lastrowid
                else:
                    self.conn.execute("UPDATE attributes SET type = ? WHERE id = ?", (kind, found))
                attribute_ids[attribute] = int(found)
            case_ids: dict[str, int] = {}
            for row in rows:
                if row.case not in case_ids:
                    found = self._one("SELECT id FROM cases WHERE name = ?", (row.case,))
                    if found is None:
                        found = self.conn.execute("INSERT INTO cases (guid, name) VALUES (?, ?)",
                                                  (new_guid(), row.case)).lastrowid
                    case_ids[row.case] = int(found)
                self.conn.execute("INSERT OR IGNORE INTO document_cases (document_id, case_id) VALUES (?, ?)",
                                  (doc_ids[row.document], case_ids[row.case]))
            for case, attrs in values.items():
                for attribute, value in attrs.items():
                    self.conn.execute(
                        "INSERT INTO case_values (case_id, attribute_id, value) VALUES (?, ?, ?) "
                        "ON CONFLICT (case_id, attribute_id) DO UPDATE SET value = excluded.value",
                        (case_ids[case], attribute_ids[attribute], value),
                    )
            self._audit(who, actions.cases_imported(before, {"rows": len(rows),
                                                             **self._cases_state(names, attribute_types)}))

    def _cases_state(self, names: Sequence[str], attributes: Sequence[str]) -> dict[str, Any]:
        """The named cases' documents and values, and the named attributes' types: what an audit entry keeps."""
        cases = {info.name: {"guid": info.guid, "documents": list(info.documents), "values": info.values}
                 for info in self.cases() if info.name in set(names)}
        types = {name: kind for name, kind in self.attributes().items() if name in set(attributes)}
        return {"cases": cases, "attribute_types": types}

    def attributes(self) -> dict[str, str]:
        """Attribute names and their types, by name."""
        return dict(self.conn.execute("SELECT name, type FROM attributes ORDER BY name"))

    def attribute_values(self, attribute: str) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT DISTINCT v.value FROM case_values v JOIN attributes a ON a.id = v.attribute_id "
            "WHERE a.name = ? ORDER BY v.value", (attribute,))]

    def cases(self) -> list[CaseInfo]:
        """All cases with their documents and attribute values."""
        docs: dict[int, list[str]] = defaultdict(list)
        for case_id, name in self.conn.execute(
            "SELECT dc.case_id, d.name FROM document_cases dc JOIN documents d ON d.id = dc.document_id "
            "ORDER BY d.position"
        ):
            docs[case_id].append(name)
        vals: dict[int, dict[str, str]] = defaultdict(dict)
        for case_id, attribute, value in self.conn.execute(
            "SELECT v.case_id, a.name, v.value FROM case_values v JOIN attributes a ON a.id = v.attribute_id"
        ):
            vals[case_id][attribute] = value
        return [CaseInfo(id=r[0], guid=r[1], name=r[2], documents=tuple(docs.get(r[0], ())), values=vals.get(r[0], {}))
                for r in self.conn.execute("SELECT id, guid, name FROM cases ORDER BY name")]

    def case_labels(self, document_ids: Sequence[int] | None = None) -> dict[int, str]:
        """Each document's case names joined with ``"; "`` (as listings and exports show them), by document id."""
        return {doc_id: "; ".join(names) for doc_id, names in self.document_case_names(document_ids).items()}

    def document_cases(self) -> dict[int, list[int]]:
        """Case ids by document id."""
        result: dict[int, list[int]] = defaultdict(list)
        for doc_id, case_id in self.conn.execute("SELECT document_id, case_id FROM document_cases ORDER BY case_id"):
            result[doc_id].append(case_id)
        return result
