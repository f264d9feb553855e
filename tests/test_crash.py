"""Crashes: a ``workbench`` process killed with SIGKILL in the middle of a large import, a codings import and a burst
of codings leaves a project that passes ``integrity_check``, in which each operation happened entirely or not at
all, every acknowledged coding is stored, and the audit log matches the segments."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.common import synthetic_transcript
from workbench.store import open_project

from .conftest import ROOT

pytestmark = pytest.mark.slow
WHEN = ("reading", "writing")  # killed while the files are read, or as soon as the transaction writes to the -wal


def workbench(*args: str | Path, **options) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "workbench", *map(str, args)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "WORKBENCH_CODER": "crash"}, **options)


def kill_after(process: subprocess.Popen, seconds: float) -> None:
    time.sleep(seconds)
    process.send_signal(signal.SIGKILL)
    process.wait()


def kill(process: subprocess.Popen, when: str, project: Path) -> None:
    """SIGKILL ``process`` half a second in (still reading its input), or the moment its write transaction starts
    filling the project's -wal (in the middle of the write, or just after the commit)."""
    if when == "reading":
        kill_after(process, 0.5)
        return
    wal = Path(f"{project}-wal")
    deadline = time.time() + 300
    while time.time() < deadline and process.poll() is None:
        if wal.exists() and wal.stat().st_size > 0:
            break
        time.sleep(0.0005)
    kill_after(process, 0)


def check_file(path: Path) -> sqlite3.Connection:
    """A fresh connection after the crash (SQLite recovers the -wal); the file must be intact."""
    conn = sqlite3.connect(str(path))
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    return conn


def audited_segments(conn: sqlite3.Connection) -> tuple[set[str], set[str]]:
    """The GUIDs of the stored segments and of those the audit log says were added and not deleted."""
    stored = {r[0] for r in conn.execute("SELECT guid FROM segments")}
    added = {r[0] for r in conn.execute("SELECT target FROM audit_log WHERE action IN ('segment.add', "
                                        "'segment.restore')")}
    deleted = {r[0] for r in conn.execute("SELECT target FROM audit_log WHERE action = 'segment.delete'")}
    return stored, added - deleted


@pytest.fixture
def project_path(tmp_path, cli) -> Path:
    path = tmp_path / "crash.wbproj"
    assert cli("init", path).returncode == 0
    for name in ("distrust", "link work", "participation fatigue"):
        assert cli("codebook", "add", path, name).returncode == 0
    return path


@pytest.mark.parametrize("when", WHEN)
def test_sigkill_during_a_large_import_leaves_all_or_nothing(project_path, tmp_path, when):
    files = []
    for i in range(20):
        file = tmp_path / f"interview-{i}.txt"
        file.write_text(synthetic_transcript(3000, seed=i), encoding="utf-8")
        files.append(file)
    kill(workbench("import", project_path, *files, "--language", "nl"), when, project_path)
    conn = check_file(project_path)
    documents = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    assert documents in (0, 20)
    imported = conn.execute("SELECT count(*) FROM audit_log WHERE action LIKE 'document%'").fetchone()[0]
    assert (documents == 0) == (imported == 0)
    assert conn.execute("SELECT count(*) FROM turns WHERE document_id NOT IN (SELECT id FROM documents)"
                        ).fetchone()[0] == 0
    conn.close()
    with open_project(project_path) as project:  # and the workbench opens it
        assert project.stats()["documents"] == documents


@pytest.mark.parametrize("when", WHEN)
def test_sigkill_during_a_codings_import_leaves_all_or_nothing(project_path, tmp_path, cli, when):
    text = synthetic_transcript(40_000, seed=7)
    (tmp_path / "long.txt").write_text(text, encoding="utf-8")
    assert cli("import", project_path, tmp_path / "long.txt", "--language", "nl").returncode == 0
    rows = ["document,start,end,code,coder"]
    codes = ("distrust", "link work", "participation fatigue")
    for i in range(6000):
        rows.append(f"long,{i * 20},{i * 20 + 15},{codes[i % 3]},coder{i % 4}")
    (tmp_path / "codings.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    kill(workbench("code", "import", project_path, tmp_path / "codings.csv"), when, project_path)
    conn = check_file(project_path)
    stored, audited = audited_segments(conn)
    assert len(stored) in (0, 6000)
    assert stored == audited
    conn.close()


BURST = """
import sys
from workbench.store import open_project
project = open_project(sys.argv[1])
codes = [c.id for c in project.codes()]
for i in range(100000):
    seg = project.add_segment(1, i * 3, i * 3 + 2, codes[i % len(codes)], f"coder{i % 3}")
    print(project.segment(seg, with_text=False).guid, flush=True)
"""


@pytest.mark.parametrize("delay", (0.5, 1.5))
def test_sigkill_during_a_burst_of_codings_keeps_every_acknowledged_one(project_path, tmp_path, cli, delay):
    (tmp_path / "long.txt").write_text(synthetic_transcript(120_000, seed=3), encoding="utf-8")
    assert cli("import", project_path, tmp_path / "long.txt", "--language", "nl").returncode == 0
    burst = subprocess.Popen([sys.executable, "-c", BURST, str(project_path)], cwd=ROOT, stdout=subprocess.PIPE,
                             text=True)
    kill_after(burst, delay + 1.0)
    acknowledged = set(burst.stdout.read().split())
    conn = check_file(project_path)
    stored, audited = audited_segments(conn)
    assert acknowledged <= stored  # a coding the coder was told about survives the crash
    assert len(stored - acknowledged) <= 1  # at most the one committed just before its line was printed
    assert stored == audited
    conn.close()
