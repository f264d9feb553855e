"""Exports that cannot attack their reader (issue 10, §2): CSV cells neutralised against formula injection, XLSX
text, Markdown/HTML/SVG escaping, control characters cleaned at the boundary and escaped in every output, and
exports that never write over the project file (also through links) and are written atomically."""

from __future__ import annotations

import csv
import io
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from workbench import cli
from workbench.analysis.cooccurrence import cooccurrence
from workbench.analysis.report import heatmap_svg, theme_report_html, theme_report_markdown
from workbench.errors import WorkbenchError
from workbench.escaping import markdown_text, markup_text, terminal_text
from workbench.exchange.segments_table import export_segments, rows_to_xlsx, segment_rows
from workbench.ingest import import_sources
from workbench.safe_files import FORMULA_STARTS, atomic_write, check_output, csv_cell, csv_text
from workbench.store import open_project
from workbench.textnorm import normalise_name as clean_name

from .conftest import file_state

HOSTILE = ["=HYPERLINK(\"x\",\"y\")", "+SUM(1)", "-2+3", "@cmd", "\tTAB", "\rCR", "＝1+1"]
IMG = "<img src=x onerror=alert(1)>"


def run(capsysbinary, *args: object) -> tuple[int, str, str]:
    """The command line in this process (the same ``main`` the console script runs)."""
    code = cli.main([str(a) for a in args])
    captured = capsysbinary.readouterr()
    return code, captured.out.decode("utf-8"), captured.err.decode("utf-8")


@pytest.fixture
def hostile(project_file: Path) -> Path:
    """The test project with formula-like names, memos, coders and a case attribute, and a partner code whose
    name is an HTML image with an event handler."""
    with open_project(project_file) as project:
        doc = project.document_id("ria")
        text = project.document_text(doc)
        first = project.add_code(HOSTILE[0], colour="#123456", definition="=1+1 " + IMG)
        partner = project.add_code(IMG)
        start = text.index("Ik vertrouw")
        project.add_segment(doc, start, start + 20, first, "@coder", memo="+memo")
        project.add_segment(doc, start + 5, start + 30, partner, "-coder", memo="=2*3")
        project.add_segment(doc, start, start + 10, project.resolve_code("distrust").id, "ann", memo="\tx")
    cases = b"document,case,role\nria,=Ria,@resident\n"
    with open_project(project_file) as project:
        import_sources(project, [], ("cases.csv", cases))
    return project_file


def cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def assert_neutral(text: str) -> None:
    found = cells(text)
    assert found
    for cell in found:
        assert is_number(cell) or not cell.startswith(FORMULA_STARTS), cell


# ------------------------------------------------------------------------------------------- CSV
@given(st.one_of(st.text(), st.integers(), st.floats(), st.none()))
def test_csv_cell_neutralises_every_formula_start(value) -> None:
    result = csv_cell(value)
    if isinstance(value, str) and value[:1] in "=+-@\t\r＝＋－＠" and value:
        assert result == ("'" + value).replace("\r\n", "\n").replace("\r", "\n")
    elif isinstance(value, str):
        assert result == value.replace("\r\n", "\n").replace("\r", "\n")
    else:
        assert result == value


@given(st.lists(st.text(), min_size=1, max_size=5))
def test_csv_text_never_writes_a_formula_cell(values) -> None:
    text = csv_text([{str(i): v for i, v in enumerate(values)}], [str(i) for i in range(len(values))])
    rows = list(csv.reader(io.StringIO(text, newline="")))
    for cell, value in zip(rows[1], values):
        assert not cell.startswith(FORMULA_STARTS)
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        assert cell in (value, "'" + value)


def test_segment_export_csv_is_neutralised(hostile: Path, tmp_path: Path) -> None:
    target = tmp_path / "segments.csv"
    with open_project(hostile) as project:
        assert export_segments(project, target) == 3
    text = target.read_text(encoding="utf-8")
    assert_neutral(text)
    assert "'=HYPERLINK" in text and "'@coder" in text and "'+memo" in text


@pytest.mark.parametrize("args", [
    ("cooccurrence", "--format", "csv"),
    ("cooccurrence", "--format", "csv", "--unit", "sentence"),
    ("frequencies", "--format", "csv"),
    ("matrix", "role", "--format", "csv"),
    ("passages", HOSTILE[0], IMG, "--format", "csv"),
    ("agreement", "--coders", "@coder,-coder", "--format", "csv"),
])
def test_every_csv_command_is_neutralised(hostile: Path, capsysbinary, args) -> None:
    code, stdout, stderr = run(capsysbinary, args[0], hostile, *args[1:])
    assert code == 0, stderr
    assert_neutral(stdout)


def test_xlsx_stores_formula_like_text_as_text() -> None:
    from openpyxl import load_workbook

    data = rows_to_xlsx([{"code": value, "start": 3} for value in HOSTILE], ("code", "start"))
    sheet = load_workbook(io.BytesIO(data)).active
    values = [(cell.value, cell.data_type) for cell in sheet["A"][1:]]
    assert [v for v, _ in values][:5] == HOSTILE[:5]
    assert all(kind == "s" for _, kind in values)
    assert sheet["B2"].value == 3


# ------------------------------------------------------------------------------------------- reports
def test_markdown_report_renders_no_user_html(hostile: Path) -> None:
    with open_project(hostile) as project:
        markdown = theme_report_markdown(project)
    rendered = MarkdownIt("commonmark").render(markdown)
    assert "<img" not in rendered and "onerror=alert(1)&gt;" in rendered
    assert "=1+1 &lt;img" in rendered  # the definition, shown literally


@given(st.text(max_size=80))
def test_markdown_text_renders_literally(text: str) -> None:
    rendered = MarkdownIt("commonmark").render(markdown_text(text))
    assert rendered.count("<") == rendered.count("<p>") * 2 if rendered else True  # only the paragraph


def test_html_report_escapes_everything(hostile: Path) -> None:
    with open_project(hostile) as project:
        page = theme_report_html(project)
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def _old_project_names(path: Path) -> None:
    """Names with control characters, as an older version stored them (written with SQL, past the checks)."""
    with open_project(path) as project:
        project.conn.execute("UPDATE codes SET name = 'link\x01work\x1b[31m' WHERE name = 'link work'")
        project.conn.execute("UPDATE coders SET name = 'ann\x1b]0;pwned\x07' WHERE name = 'ann'")
        project.conn.execute("UPDATE documents SET name = 'ria\x1b[2J'")


def test_svg_heatmap_is_valid_xml_for_old_names_with_control_characters(hostile: Path) -> None:
    _old_project_names(hostile)
    with open_project(hostile) as project:
        doc = project.conn.execute("SELECT id FROM documents").fetchone()[0]
        code = project.conn.execute("SELECT id FROM codes WHERE name LIKE 'link%'").fetchone()[0]
        project.add_segment(doc, 0, 9, code, "bob")
        project.add_segment(doc, 0, 5, project.resolve_code("distrust").id, "bob")
        svg = heatmap_svg(cooccurrence(project))
        report = theme_report_html(project)
    root = ET.fromstring(svg)
    labels = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "link\\x01work\\x1b[31m" in labels
    assert "link\\x01work\\x1b[31m" in report and "\x01" not in report and "\x1b" not in report


def test_terminal_output_has_no_raw_escape_sequences(hostile: Path, capsysbinary) -> None:
    _old_project_names(hostile)
    for args in (("codes",), ("segments",), ("documents",), ("frequencies",), ("cooccurrence",)):
        code, stdout, stderr = run(capsysbinary, args[0], hostile, *args[1:])
        assert code == 0, stderr
        assert "\x1b" not in stdout and "\x01" not in stdout and "\x07" not in stdout, args
    assert "link\\x01work\\x1b[31m" in run(capsysbinary, "codes", hostile)[1]


def test_escape_helpers() -> None:
    assert terminal_text("a\x1b[31mb\u202ec\td") == "a\\x1b[31mb\\u202ec\\x09d"
    assert markup_text("a\x01<b>&\"") == "a\\x01&lt;b&gt;&amp;&quot;"
    assert markdown_text("# <b>*x*</b>\n- y") == "\\# \\<b\\>\\*x\\*\\</b\\> - y"


# ------------------------------------------------------------------------------------------- names
def test_control_characters_are_stripped_where_names_are_accepted(project_file: Path, tmp_path: Path) -> None:
    assert clean_name(" a\x01b\x1b[31m \t c\u202e ") == "ab[31m c"
    with open_project(project_file) as project:
        code = project.add_code("new\x01 code\x1b")
        assert project.code(code).name == "new code"
        project.update_code(code, name="re\x07named")
        assert project.code(code).name == "renamed"
        doc = project.document_id("ria")
        segment = project.add_segment(doc, 0, 5, code, "mar\x1bloes")
        assert project.segment(segment).coder == "marloes"
        import_sources(project, [("inter\x1bview.txt", b"R: hallo daar.")])
        assert "interview" in project.document_names().values()
        cases = b"document,case,ro\x01le,note\nria,Ri\x1ba,x," + b"a long note " * 20 + b"\n"
        import_sources(project, [], ("c.csv", cases))
        assert [c.name for c in project.cases()] == ["Ria"] and list(project.attributes()) == ["note", "role"]


# ------------------------------------------------------------------------------------------- writing files
@pytest.mark.parametrize("link", ["hard", "symbolic"])
@pytest.mark.parametrize("command", [
    ("export", "{out}"),
    ("codebook", "export", "{project}", "{out}"),
    ("report", "{project}", "{out}"),
    ("cooccurrence", "{project}", "--svg", "{out}"),
])
def test_exports_refuse_a_link_to_the_project(project_file: Path, tmp_path: Path, capsysbinary, link, command):
    suffix = {"export": ".csv", "codebook": ".yaml", "report": ".md", "cooccurrence": ".svg"}[command[0]]
    out = tmp_path / f"x{suffix}"
    (os.link if link == "hard" else os.symlink)(project_file, out)
    before = file_state(project_file)
    args = [a.format(project=project_file, out=out) for a in command]
    if command[0] == "export":
        args = ["export", str(project_file), str(out)]
    code, _, stderr = run(capsysbinary, *args)
    assert code == 2 and stderr.count("\n") == 1 and "project file itself" in stderr, stderr
    assert file_state(project_file) == before


def test_check_output_guards_the_wal_files_and_missing_folders(project_file: Path, tmp_path: Path) -> None:
    for name in (project_file, f"{project_file}-wal", f"{project_file}-shm"):
        with pytest.raises(WorkbenchError, match="project file itself"):
            check_output(project_file, name)
    with open_project(project_file) as project:
        project.add_code("wal writer")  # the -wal file exists while the project is open
        wal = Path(f"{project_file}-wal")
        assert wal.exists()
        os.link(wal, tmp_path / "w.csv")
        with pytest.raises(WorkbenchError, match="project file itself"):
            export_segments(project, tmp_path / "w.csv")
    with pytest.raises(WorkbenchError, match="does not exist"):
        check_output(project_file, tmp_path / "nowhere" / "x.csv")


def test_exports_are_written_atomically_beside_the_target(project_file: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    target = tmp_path / "segments.csv"
    target.symlink_to(victim)
    with open_project(project_file) as project:
        export_segments(project, target)
        rows = segment_rows(project)
    assert victim.read_text() == "keep me"  # the link is replaced, not written through
    assert not target.is_symlink() and target.read_text(encoding="utf-8").startswith("document,case")
    inode = target.stat().st_ino
    atomic_write(target, "new")
    assert target.read_text() == "new" and target.stat().st_ino != inode  # a new file renamed into place
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["p.wbproj", "segments.csv", "victim.txt"])
    assert rows == []


def test_atomic_write_leaves_the_old_file_when_writing_fails(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "a.csv"
    target.write_text("old")

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(OSError):
        atomic_write(target, "new")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["a.csv"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.text(), st.integers(), st.none(), st.floats()), min_size=3,
                max_size=3))
@example(["", "", "\r"])  # found by this test: a literal carriage return was read back as a line feed
@example(["a\r\nb", "x\ry", "\n"])
def test_xlsx_rows_are_the_cells_each_value_makes(values) -> None:
    """The sheet's rows, made a row at a time with text cells in one step, hold what ``_cell`` makes of each value
    (escaped, characters XML cannot hold dropped, empty values left out, an infinite or undefined number as its
    text), and openpyxl reads every value back."""
    import math
    import zipfile

    from openpyxl import load_workbook

    from workbench.exchange.xlsx import _ILLEGAL, _cell

    row = dict(zip(("a", "b", "c"), values))
    data = rows_to_xlsx([row], ("a", "b", "c"))
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode("utf-8")
    cells = "".join(_cell(f"{letter}2", value) for letter, value in zip("ABC", values))
    assert f'<row r="2">{cells}</row>' in sheet
    read = [c.value for c in next(load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2, max_row=2))]
    for value, got in zip(values, read):
        if isinstance(value, str) and value:
            assert (got or "") == _ILLEGAL.sub("", value)
        elif isinstance(value, float) and not math.isfinite(value):  # kept as the text a reader can hold
            assert got == str(value)
