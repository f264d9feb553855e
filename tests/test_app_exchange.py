"""The exchange controls of the Project and Codebook pages (AppTest): QDPX/QDC out, merge and QDC in, DOCX."""

from __future__ import annotations

import io
import shutil

import docx

from workbench.exchange.importing import qdc_bytes, qdpx_bytes
from workbench.exchange.qdpx_read import read_qdc, read_qdpx
from workbench.store import open_project

from .app_harness import add, app, empty_path, full_path, ok, seeded_path, segments, templates  # noqa: F401


def test_project_page_prepares_a_qdpx_and_a_quote_bank(app, seeded_path):
    at = app(seeded_path)
    ok(at.button(key="prepare_qdpx").click().run())
    bundle, _ = read_qdpx(at.session_state["_file_qdpx"], "x.qdpx")
    assert len(bundle.segments) == len(segments(seeded_path)) and len(bundle.documents) == 2
    ok(at.button(key="prepare_quotes").click().run())
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(at.session_state["_file_quotes"])).paragraphs)
    assert "Sinds achtenzestig." in text and "link work/best persons" in text


def test_project_page_merges_an_uploaded_copy(app, seeded_path, tmp_path):
    other = tmp_path / "copy.wbproj"
    shutil.copy(seeded_path, other)
    with open_project(other) as copy:
        add(copy, "jan", "Ik help mensen met formulieren.", "distrust", "carla", "from the copy")
        data, _ = qdpx_bytes(copy)
    before = len(segments(seeded_path))
    at = app(seeded_path, coder="lead")
    at.file_uploader(key="merge_upload").upload("copy.qdpx", data, "application/zip")
    ok(at.run())
    ok(at.button(key="merge_button").click().run())
    after = segments(seeded_path)
    assert len(after) == before + 1 and any(s.coder == "carla" and s.memo == "from the copy" for s in after)
    assert any("merge copy.qdpx" in t.value for t in at.text)


def test_codebook_page_qdc_out_and_in(app, full_path, empty_path):
    at = app(full_path, "codebook")
    ok(at.button(key="prepare_qdc").click().run())
    bundle, _ = read_qdc(at.session_state["_file_qdc"], "x.qdc")
    assert "link work" in {c.name for c in bundle.codes}
    ok(at.button(key="prepare_codebook_docx").click().run())
    assert at.session_state["_file_codebook_docx"][:2] == b"PK"
    with open_project(full_path) as project:
        data = qdc_bytes(project)
    fresh = app(empty_path, "codebook", coder="lead")
    fresh.file_uploader(key="qdc_upload").upload("codes.qdc", data, "application/xml")
    ok(fresh.run())
    ok(fresh.button(key="import_qdc").click().run())
    with open_project(empty_path) as project, open_project(full_path) as original:
        assert [(c.guid, c.path) for c in project.codes()] == [(c.guid, c.path) for c in original.codes()]


def _import_upload(at, data: bytes, name: str = "") -> None:
    at.file_uploader(key="import_project_upload").upload("study.qdpx", data, "application/zip")
    ok(at.run())
    if name:
        at.text_input(key="import_project_name").input(name)
    ok(at.button(key="import_project_button").click().run())


def test_project_page_imports_a_qdpx_as_a_new_project_and_opens_it(app, seeded_path):
    with open_project(seeded_path) as original:
        original.add_to_group("residents", ["ria"])
        data, _ = qdpx_bytes(original)
        expected = sorted((s.document, s.start, s.end, s.code, s.coder) for s in original.segments())
    at = app(seeded_path, coder="lead")
    _import_upload(at, data, "Imported _study_")
    target = seeded_path.parent / "Imported _study_.wbproj"
    assert target.is_file()
    [report] = [t.value for t in at.text if t.value.startswith("import study.qdpx")]
    assert "1 document groups" in report and f"{len(expected)} segments" in report
    assert any(s.value == "Created Imported \\_study\\_.wbproj." for s in at.success)  # as typed, not italic
    with open_project(target) as made:
        assert sorted((s.document, s.start, s.end, s.code, s.coder) for s in made.segments()) == expected
        assert [g.name for g in made.groups()] == ["residents"]
    ok(at.button(key="prepare_qdpx").click().run())  # a file prepared from this project …
    assert "download_qdpx" in [b.key for b in at.get("download_button")]
    ok(at.button(key="open_imported_project").click().run())
    assert at.session_state["project_path"] == str(target)
    assert "_file_qdpx" not in at.session_state  # … is not offered for the other one
    assert "download_qdpx" not in [b.key for b in at.get("download_button")]
    assert any(str(target) in c.value.replace("\\", "") for c in at.caption)


def test_a_refused_project_import_says_why_in_one_line_and_leaves_nothing(app, seeded_path):
    folder = seeded_path.parent

    def files() -> list[str]:  # the project's own -wal and -shm come and go with its connections
        return sorted(p.name for p in folder.iterdir() if not p.name.endswith(("-wal", "-shm")))

    before = files()
    at = app(seeded_path, coder="lead")
    _import_upload(at, b"not a zip at all", "broken")
    [error] = [e.value for e in at.error]
    assert "study.qdpx is not a QDPX file" in error and "\n" not in error
    at = app(seeded_path, coder="lead")
    _import_upload(at, b"", seeded_path.stem)  # the name of this very project
    [error] = [e.value for e in at.error]
    assert "already exists beside this project; choose another name" in error
    at = app(seeded_path, coder="lead")
    _import_upload(at, b"x", "../elsewhere")
    [error] = [e.value for e in at.error]
    assert "cannot be a file name" in error
    assert files() == before
    assert "_imported_project" not in at.session_state
