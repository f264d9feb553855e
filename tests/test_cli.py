"""The command line, through a real subprocess: outputs, JSON fields, errors, files left unchanged."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import CODEBOOK, TRANSCRIPT, file_state

ROOT = Path(__file__).resolve().parent.parent


def _write_files(tmp_path: Path) -> dict[str, Path]:
    transcript = tmp_path / "interview ria.txt"
    transcript.write_text(TRANSCRIPT, encoding="utf-8")
    emoji = tmp_path / "emoji.txt"
    emoji.write_text("R: Ik 😀 ben blij.\r\nI: Echt? 👍🏽 Mooi.\r\n", encoding="utf-8")
    codebook = tmp_path / "codebook.yaml"
    codebook.write_text(CODEBOOK, encoding="utf-8")
    cases = tmp_path / "cases.csv"
    cases.write_text("document,case,role,age,interviewed\ninterview ria,Ria,resident,73,2026-03-01\n"
                     "emoji,Emo,newcomer,31,2026-04-02\n", encoding="utf-8")
    return {"transcript": transcript, "emoji": emoji, "codebook": codebook, "cases": cases}


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return _write_files(tmp_path)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A project built once through the command line; each test gets a copy."""
    from .conftest import run_cli

    folder = tmp_path_factory.mktemp("template")
    written = _write_files(folder)
    project = folder / "p.wbproj"
    assert run_cli("init", project).returncode == 0
    result = run_cli("import", project, written["transcript"], written["emoji"], "--cases", written["cases"])
    assert result.returncode == 0, result.stderr
    assert run_cli("codebook", "import", project, written["codebook"]).returncode == 0
    return project


@pytest.fixture
def ready(template: Path, tmp_path: Path) -> Path:
    project = tmp_path / "p.wbproj"
    shutil.copyfile(template, project)
    return project


def assert_error(result, fragment: str) -> None:
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert fragment in lines[0], lines[0]


def test_init_refuses_existing(cli, tmp_path) -> None:
    project = tmp_path / "p.wbproj"
    assert cli("init", project).returncode == 0
    assert_error(cli("init", project), "already exists")


def test_documents_json(cli, ready) -> None:
    docs = {d["name"]: d for d in cli("documents", ready, "--json").json()}
    assert set(docs) == {"interview ria", "emoji"}
    ria = docs["interview ria"]
    assert ria["turns"] == 4 and ria["speakers"] == ["Interviewer", "Ria"] and ria["cases"] == ["Ria"]
    assert ria["characters"] == len(TRANSCRIPT.strip("\n")) and ria["words"] == len(TRANSCRIPT.split())
    table = cli("documents", ready).stdout
    assert "interview ria" in table and "characters" in table


def test_text_prints_the_stored_text_exactly(cli, ready) -> None:
    assert cli("text", ready, "emoji").stdout == "R: Ik 😀 ben blij.\nI: Echt? 👍🏽 Mooi."
    assert_error(cli("text", ready, "nope"), "no document named 'nope'")


def test_cases_are_typed(cli, ready) -> None:
    data = cli("cases", ready, "--json").json()
    assert data["attributes"] == {"age": "number", "interviewed": "date", "role": "text"}
    ria = next(c for c in data["cases"] if c["name"] == "Ria")
    assert ria["documents"] == ["interview ria"] and ria["attributes"]["role"] == "resident"


def test_codes_json_tree_with_counts(cli, ready) -> None:
    assert cli("code", "add", ready, "emoji", "0", "5", "best persons").returncode == 0
    tree = cli("codes", ready, "--json").json()
    link = tree[0]
    assert link["name"] == "link work" and link["definition"] == "Connecting people to help."
    assert {"when_to_use", "when_not_to_use", "example", "keywords", "colour", "children"} <= set(link)
    assert link["segments"] == 0 and link["children"][0]["segments"] == 1
    assert link["segments_with_children"] == 1


def test_code_add_and_segments_json_with_emoji_offsets(cli, ready) -> None:
    text = cli("text", ready, "emoji").stdout
    start = text.index("👍🏽")
    end = start + len("👍🏽 Mooi.")
    result = cli("code", "add", ready, "emoji", str(start), str(end), "distrust", "--coder", "marloes",
                 "--memo", "twijfel")
    assert result.returncode == 0, result.stderr
    segments = cli("segments", ready, "--json").json()
    assert len(segments) == 1
    segment = segments[0]
    assert {"id", "document", "start", "end", "code", "coder", "memo", "text"} <= set(segment)
    assert (segment["document"], segment["start"], segment["end"], segment["code"], segment["coder"],
            segment["memo"], segment["text"]) == ("emoji", start, end, "distrust", "marloes", "twijfel", "👍🏽 Mooi.")
    assert segment["speaker"] == "I" and segment["case"] == "Emo"
    assert cli("segments", ready, "--json", "--coder", "daan").json() == []
    assert len(cli("segments", ready, "--json", "--code", "distrust", "--document", "emoji").json()) == 1


@pytest.mark.parametrize("args,fragment", [
    (("emoji", "0", "999", "distrust"), "outside the text"),
    (("emoji", "5", "5", "distrust"), "before its end"),
    (("emoji", "-1", "5", "distrust"), "outside the text"),
    (("emoji", "0", "5", "no such code"), "unknown code"),
    (("ghost", "0", "5", "distrust"), "no document named 'ghost'"),
])
def test_code_add_errors_leave_the_file_unchanged(cli, ready, args, fragment) -> None:
    before = file_state(ready)
    assert_error(cli("code", "add", ready, *args), fragment)
    assert file_state(ready) == before


def test_import_refusals_leave_the_file_unchanged(cli, ready, tmp_path, files) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00" * 20)
    unknown = tmp_path / "notes.doc"
    unknown.write_bytes(b"whatever")
    big = tmp_path / "big.txt"
    big.write_text("R: " + "woord " * 400_000, encoding="utf-8")
    good = tmp_path / "good.txt"
    good.write_text("R: Een nieuw verhaal.", encoding="utf-8")
    before = file_state(ready)
    assert_error(cli("import", ready, empty), "is empty")
    assert_error(cli("import", ready, binary), "binary")
    assert_error(cli("import", ready, unknown), "unsupported file type .doc")
    assert_error(cli("import", ready, big, "--max-mb", "1"), "over the limit of 1 MB")
    assert_error(cli("import", ready, files["transcript"]), "already in the project as document 'interview ria'")
    assert_error(cli("import", ready, good, empty), "is empty")  # all or nothing
    assert_error(cli("import", ready, tmp_path / "missing.txt"), "no file at")
    assert file_state(ready) == before
    assert len(cli("documents", ready, "--json").json()) == 2


def test_import_with_name_and_language(cli, ready, tmp_path) -> None:
    english = tmp_path / "en.txt"
    english.write_text("Interviewer: How are you?\nR: Fine, thanks. And you?", encoding="utf-8")
    assert cli("import", ready, english, "--name", "English one", "--language", "en").returncode == 0
    assert "English one" in {d["name"] for d in cli("documents", ready, "--json").json()}


def test_code_import_all_or_nothing(cli, ready, tmp_path) -> None:
    good = tmp_path / "codings.csv"
    good.write_text("document,start,end,code,coder,memo\nemoji,0,5,distrust,daan,\n"
                    "interview ria,0,9,link work,daan,kop\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("document,start,end,code,coder\nemoji,0,5,participation fatigue,daan\n"
                   "emoji,3,999,distrust,daan\n", encoding="utf-8")
    before = file_state(ready)
    assert_error(cli("code", "import", ready, bad), "bad.csv")
    assert file_state(ready) == before
    assert cli("code", "import", ready, good).returncode == 0
    segments = cli("segments", ready, "--json").json()
    assert [(s["document"], s["code"], s["memo"]) for s in segments] == [
        ("interview ria", "link work", "kop"), ("emoji", "distrust", "")]


def test_stats_json(cli, ready) -> None:
    cli("code", "add", ready, "emoji", "0", "5", "distrust", "--coder", "a")
    cli("code", "add", ready, "emoji", "0", "5", "distrust", "--coder", "b")
    stats = cli("stats", ready, "--json").json()
    assert stats["documents"] == 2 and stats["segments"] == 2 and stats["codes"] == 6 and stats["coders"] == 2
    assert stats["turns"] == 6 and stats["sentences"] > 0


def test_export_csv_and_xlsx(cli, ready, tmp_path) -> None:
    cli("code", "add", ready, "interview ria", "0", "9", "distrust", "--coder", "a", "--memo", "=SUM(1)")
    out = tmp_path / "segments.csv"
    assert cli("export", ready, out).returncode == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert list(rows[0]) == ["document", "case", "speaker", "start", "end", "code", "coder", "memo", "text"]
    assert rows[0]["text"] == "Interview" and rows[0]["case"] == "Ria"
    xlsx = tmp_path / "segments.xlsx"
    assert cli("export", ready, xlsx).returncode == 0
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx).active
    assert [c.value for c in sheet[1]][:3] == ["document", "case", "speaker"]
    memo = sheet.cell(2, 8)
    assert (memo.value, memo.data_type) == ("=SUM(1)", "s")  # the exact memo, as text, never a formula
    assert_error(cli("export", ready, tmp_path / "x.pdf"), "export to a .csv or .xlsx")
    odd = tmp_path / "project.csv"
    assert cli("init", odd).returncode == 0
    before = file_state(odd)
    assert_error(cli("export", odd, odd), "is the project file itself")
    assert_error(cli("codebook", "export", ready, tmp_path / "nowhere" / "c.yaml"), "does not exist")
    assert file_state(odd) == before


def test_codebook_edits_from_the_command_line(cli, ready, tmp_path) -> None:
    assert cli("codebook", "add", ready, "fragmentation", "--colour", "#ff7f0e",
               "--definition", "Help split over many counters.").returncode == 0
    assert cli("codebook", "rename", ready, "fragmentation", "versnippering").returncode == 0
    assert cli("codebook", "move", ready, "versnippering", "--parent", "distrust").returncode == 0
    assert cli("codebook", "recolour", ready, "versnippering", "#000").returncode == 0
    cli("code", "add", ready, "emoji", "0", "5", "versnippering")
    assert_error(cli("codebook", "delete", ready, "versnippering"), "used by 1 segment")
    assert cli("codebook", "merge", ready, "versnippering", "participation fatigue").returncode == 0
    assert cli("segments", ready, "--json").json()[0]["code"] == "participation fatigue"
    out = tmp_path / "out.yaml"
    assert cli("codebook", "export", ready, out).returncode == 0
    assert "participation fatigue" in out.read_text(encoding="utf-8")
    audit = cli("audit", ready, "--json").json()
    assert {"code.add", "code.rename", "code.move", "code.recolour", "code.merge"} <= {
        a["action"] for a in audit["entries"]}
    assert {"memo.add", "memo.update", "cases.import", "segment.restore"} <= set(audit["actions"])


def test_missing_project_is_an_error_and_creates_nothing(cli, tmp_path) -> None:
    missing = tmp_path / "nope.wbproj"
    assert_error(cli("documents", missing), "no project at")
    assert not missing.exists()


def test_usage_errors_are_one_line(cli) -> None:
    assert_error(cli("frobnicate"), "invalid choice")
    assert_error(cli("code", "add"), "required")


def test_demo_project(cli, tmp_path) -> None:
    project = tmp_path / "demo.wbproj"
    result = cli("demo", project)
    assert result.returncode == 0, result.stderr
    docs = cli("documents", project, "--json").json()
    assert len(docs) >= 8
    assert all(1500 <= d["words"] <= 4000 for d in docs)
    assert all(d["cases"] and d["turns"] >= 20 and len(d["speakers"]) == 2 for d in docs)
    segments = cli("segments", project, "--json").json()
    by_coder: dict[str, list[dict]] = {}
    for segment in segments:
        by_coder.setdefault(segment["coder"], []).append(segment)
    assert set(by_coder) == {"marloes", "daan"}
    assert len(by_coder["marloes"]) >= 150
    assert {s["document"] for s in by_coder["marloes"]} == {d["name"] for d in docs}
    assert len({s["document"] for s in by_coder["daan"]}) == 3
    codes = [c.strip() for c in cli("codes", project).stdout.splitlines()[2:]]
    assert {s["code"] for s in by_coder["marloes"]} == {line.split("  ")[0].strip() for line in codes}
    assert_error(cli("demo", project), "already exists")


def test_memos_on_project_document_and_code(cli, ready) -> None:
    assert cli("memo", "add", ready, "Eerste indruk.", "--title", "Indruk").returncode == 0
    assert cli("memo", "add", ready, "Over Ria.", "--document", "interview ria", "--coder", "marloes").returncode == 0
    assert cli("memo", "add", ready, "Breed gebruikt.", "--code", "distrust").returncode == 0
    memos = cli("memos", ready, "--json").json()
    assert [(m["kind"], m["document"], m["code"], m["text"]) for m in memos] == [
        ("project", None, None, "Eerste indruk."), ("document", "interview ria", None, "Over Ria."),
        ("code", None, "distrust", "Breed gebruikt.")]
    assert memos[1]["author"] == "marloes"
    before = file_state(ready)
    assert_error(cli("memo", "add", ready, "x", "--code", "nope"), "unknown code")
    assert_error(cli("memo", "add", ready, "   "), "needs some text")
    assert file_state(ready) == before


def test_race_free_overlap_rule_and_folded_coder_names(cli, ready, tmp_path) -> None:
    codings = tmp_path / "ws.csv"
    codings.write_text("document,start,end,code,coder\nemoji,0,5,distrust,Jan Smit\nemoji,3,8,distrust,Jan  Smit\n",
                       encoding="utf-8")
    result = cli("code", "import", ready, codings)  # one coder (names folded): the overlap is merged, reported
    assert result.returncode == 0 and "1 overlapping rows of one coder's code merged" in result.stdout
    assert [(s["start"], s["end"], s["coder"]) for s in cli("segments", ready, "--json").json()] == [
        (0, 8, "Jan Smit")]
    before = file_state(ready)
    assert_error(cli("code", "add", ready, "emoji", "2", "6", "distrust", "--coder", " Jan  Smit "), "overlap")
    assert file_state(ready) == before
    assert_error(cli("import", ready, tmp_path / "x.txt", "--name", "  "), "no file at")
    other = tmp_path / "other.txt"
    other.write_text("R: Iets anders.", encoding="utf-8")
    assert_error(cli("import", ready, other, "--name", "  "), "must not be empty")


def test_the_command_line_starts_without_the_analysis_modules(tmp_path: Path) -> None:
    """numpy and the analysis are loaded by the commands that analyse (0.2 s at every other command's start);
    an analysis command still finds them."""
    script = "import sys, workbench.cli; print(sorted(m for m in ('numpy', 'workbench.analysis.cooccurrence') " \
             "if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
    project = tmp_path / "p.wbproj"
    subprocess.run([sys.executable, "-m", "workbench", "init", str(project)], check=True, capture_output=True)
    result = subprocess.run([sys.executable, "-m", "workbench", "cooccurrence", str(project), "--format", "json"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["unit"] == "overlap"
