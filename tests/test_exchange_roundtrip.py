"""Export → import gives the same project (a property over generated projects), and the command line contract of
``export .qdpx``, ``import-project``, ``codebook export/import .qdc``."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.exchange.importing import export_qdpx, import_project
from workbench.ingest import import_sources
from workbench.store import CaseRow, Project, create_project, open_project

from .conftest import file_state

XSD = Path("/work/shared/refi-qda/Project.xsd")
if not XSD.exists():
    XSD = Path(__file__).parent / "data" / "Project.xsd"

LETTERS = "abcdeéfghijklmnopqrstuvwxyzÅß"
TEXT_CHARS = LETTERS + "  .,;:!?'\"<>&*_#[]()-\n😀🇳🇱" + "\u0301"
words = st.text(alphabet=LETTERS, min_size=1, max_size=8)
prose = st.text(alphabet=TEXT_CHARS, max_size=40)


def snapshot(project: Project) -> dict:
    """Everything the round trip must keep, by GUID and name (no database ids)."""
    texts = {d.name: project.document_text(d.id) for d in project.documents()}
    return {
        "documents": [(d.guid, d.name, texts[d.name]) for d in project.documents()],
        "codes": [(c.guid, c.path, c.colour, c.definition, c.when_to_use, c.when_not_to_use, c.example,
                   c.keywords) for c in project.codes()],
        "segments": sorted((s.guid, s.document, s.start, s.end, s.code, s.coder, s.memo, s.created)
                           for s in project.segments()),
        "memos": sorted((m.guid, m.kind, m.document, m.code, m.author, m.title, m.text, m.created)
                        for m in project.memos()),
        "cases": [(c.guid, c.name, c.documents, c.values) for c in project.cases()],
        "attributes": project.attributes(),
        "groups": [(g.guid, g.name, g.documents) for g in project.groups()],
    }


@st.composite
def projects(draw) -> dict:
    documents = draw(st.lists(prose.map(lambda t: t.strip() or "x"), min_size=1, max_size=3))
    codes = draw(st.lists(st.tuples(words, st.integers(-1, 4), prose, prose, prose, prose,
                                    st.lists(words, max_size=3, unique=True)), min_size=1, max_size=6))
    segments = draw(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 60), st.integers(1, 20),
                                       st.integers(0, 5), st.sampled_from(["Ann", "Bo Li", "<c>"]), prose),
                             max_size=12))
    memos = draw(st.lists(st.tuples(st.sampled_from(["project", "document", "code"]), prose, words), max_size=3))
    cases = draw(st.lists(st.tuples(words, st.integers(0, 2), st.integers(0, 99), st.sampled_from(["a", "b c"])),
                          max_size=3))
    groups = draw(st.lists(st.tuples(prose, st.sets(st.integers(0, 2))), max_size=3))
    return {"documents": documents, "codes": codes, "segments": segments, "memos": memos, "cases": cases,
            "groups": groups}


def build(project: Project, spec: dict) -> None:
    import_sources(project, [(f"doc {i}.txt", f"R: {i} {text}".encode("utf-8"))
                             for i, text in enumerate(spec["documents"])])
    docs = project.documents()
    ids: list[int] = []
    for name, parent, definition, use, not_use, example, keywords in spec["codes"]:
        parent_id = ids[parent] if 0 <= parent < len(ids) else None
        siblings = {c.name for c in project.codes() if c.parent_id == parent_id}
        if name in siblings:
            continue
        ids.append(project.add_code(name, parent_id, definition=definition, when_to_use=use,
                                    when_not_to_use=not_use, example=example, keywords=keywords))
    for doc_index, start, length, code_index, coder, memo in spec["segments"]:
        doc = docs[doc_index % len(docs)]
        start = min(start, doc.characters - 1)
        end = min(start + length, doc.characters)
        code_id = ids[code_index % len(ids)]
        mine = [s for s in project.segments(document_ids=[doc.id], code_ids=[code_id], coders=[coder])
                if s.start < end and start < s.end]
        if not mine:
            project.add_segment(doc.id, start, end, code_id, coder, memo=memo)
    for kind, text, author in spec["memos"]:
        if text.strip():
            project.add_memo(text, author, kind=kind, document_id=docs[0].id if kind == "document" else None,
                             code_id=ids[0] if kind == "code" else None, title=author)
    rows = [CaseRow(docs[d % len(docs)].name, name, {"age": str(age), "group": group})
            for name, d, age, group in spec["cases"]]
    seen: dict[str, CaseRow] = {}
    rows = [seen.setdefault(r.case, r) for r in rows if r.case not in seen]
    if rows:
        project.set_cases(rows, {"age": "number", "group": "text"})
    names: set[str] = set()
    for name, members in spec["groups"]:
        name = " ".join(name.split())
        if not name or name.lower() in names:
            continue
        names.add(name.lower())
        project.add_group(name)
        if members:
            project.add_to_group(name, [docs[i % len(docs)].name for i in sorted(members)])


@pytest.mark.slow
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(projects())
def test_round_trip_keeps_everything(spec: dict) -> None:
    with tempfile.TemporaryDirectory() as folder:
        with create_project(Path(folder) / "a.wbproj") as project:
            build(project, spec)
            export_qdpx(project, Path(folder) / "a.qdpx")
            before = snapshot(project)
        import_project(Path(folder) / "b.wbproj", Path(folder) / "a.qdpx", who="tester")
        with open_project(Path(folder) / "b.wbproj") as copy:
            assert snapshot(copy) == before
        with zipfile.ZipFile(Path(folder) / "a.qdpx") as archive:
            _validate(archive.read("project.qde"))


def _validate(data: bytes) -> None:
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(XSD)))
    assert schema.validate(etree.fromstring(data)), schema.error_log


# ------------------------------------------------------------------------------------------- command line
def test_cli_export_import_project_and_report(cli, project_file, tmp_path) -> None:
    assert cli("code", "add", project_file, "ria", "0", "9", "link work", "--memo", "kop").returncode == 0
    out = tmp_path / "p.qdpx"
    result = cli("export", project_file, out, "--json")
    assert result.returncode == 0 and result.json()["imported"]["segments"] == 1
    with zipfile.ZipFile(out) as archive:
        _validate(archive.read("project.qde"))
    new = tmp_path / "new.wbproj"
    result = cli("import-project", new, out, "--json")
    assert result.returncode == 0, result.stderr
    report = result.json()
    assert report["imported"]["segments"] == 1 and report["imported"]["documents"] == 1
    assert report["positions"][0]["convention"].startswith("code points")
    assert cli("segments", new, "--json").json()[0]["memo"] == "kop"
    text = cli("import-project", tmp_path / "other.wbproj", out)
    assert "imported: 1 documents" in text.stdout and "positions of ria: code points" in text.stdout


def test_cli_import_project_errors_leave_no_file(cli, project_file, tmp_path) -> None:
    bad = tmp_path / "bad.qdpx"
    bad.write_bytes(b"not a zip")
    target = tmp_path / "new.wbproj"
    result = cli("import-project", target, bad)
    assert result.returncode == 2 and result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert not target.exists() and not list(tmp_path.glob(".new.wbproj*"))
    before = file_state(project_file)
    result = cli("import-project", project_file, bad)
    assert result.returncode == 2 and "already exists" in result.stderr
    assert file_state(project_file) == before


def test_cli_codebook_qdc_out_and_in(cli, project_file, tmp_path) -> None:
    qdc = tmp_path / "c.qdc"
    assert cli("codebook", "export", project_file, qdc).returncode == 0
    fresh = tmp_path / "fresh.wbproj"
    assert cli("init", fresh).returncode == 0
    result = cli("codebook", "import", fresh, qdc, "--json")
    assert result.returncode == 0, result.stderr
    assert result.json()["imported"]["codes"] == 6
    original = cli("codes", project_file, "--json").json()
    assert cli("codes", fresh, "--json").json() == original
    again = cli("codebook", "import", fresh, qdc, "--json").json()
    assert again["imported"] == {"codes": 0, "codes already in the project": 6}
    broken = tmp_path / "broken.qdc"
    broken.write_text("<CodeBook", encoding="utf-8")
    before = file_state(fresh)
    result = cli("codebook", "import", fresh, broken)
    assert result.returncode == 2 and "not valid XML" in result.stderr and file_state(fresh) == before


@pytest.mark.slow
def test_nvivo_sample_imports_into_a_project(tmp_path) -> None:
    from .test_exchange_read import SAMPLE, _expected_nvivo_selections

    if not SAMPLE.exists():
        pytest.skip("the NVivo sample is not available")
    report = import_project(tmp_path / "nvivo.wbproj", SAMPLE, who="tester")
    expected = set(_expected_nvivo_selections())
    with open_project(tmp_path / "nvivo.wbproj") as project:
        guids = {c.id: c.guid for c in project.codes()}
        stored = [(guids[s.code_id], s.text) for s in project.segments(with_text=True)]
        assert len(project.codes()) == 152 and len(project.documents()) == 2
    merged = report.imported.get("overlapping selections merged", 0)
    assert len(stored) == 330 - merged == report.imported["segments"]
    # every stored segment is exactly what NVivo shows for a selection of its code (merged ones: their union)
    assert sum((code, text) in expected for code, text in stored) >= len(stored) - merged
    assert report.positions[0]["convention"].startswith("UTF-16 code units")
