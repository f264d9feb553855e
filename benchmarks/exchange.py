"""REFI-QDA exchange at scale: export a 1,000-document, 200,000-segment project as QDPX and import it as a new
project, each within 10 s, with the file size. Wall and CPU time are printed (the machine may be shared), each
beside a baseline measured in the same run, so the ratio means something under load:

- export baseline: reading the project's rows and writing its texts to a plain zip (the least any export does);
- import baseline: unpacking ``project.qde``, parsing it with lxml and storing one plain row per selection with
  sqlite3 (no indexes, no checks, no audit: the least any import does).

The two commands are also timed as a user runs them (``workbench export`` and ``workbench import-project`` in a new
process: Python's start and the modules' loading included).

Usage: ``python benchmarks/exchange.py [SEGMENTS DOCUMENTS]`` (default 200000 1000; smaller while developing).
"""

from __future__ import annotations

import importlib
import io
import os
import sqlite3
import subprocess
import sys
import time
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import report, timed  # noqa: E402
from scale_data import build  # noqa: E402

from workbench.exchange.importing import export_qdpx, import_project  # noqa: E402
from workbench.store import open_project  # noqa: E402


def export_baseline(path: Path) -> tuple[float, float]:
    def run() -> int:
        with open_project(path) as project:
            project.segments()
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
                for doc_id, text in project.document_texts().items():
                    archive.writestr(f"{doc_id}.txt", text)
            return len(buffer.getvalue())

    wall, cpu, _ = cpu_timed(run)
    return wall, cpu


def import_baseline(qdpx: Path, folder: Path) -> tuple[float, float]:
    from lxml import etree

    def run() -> int:
        with zipfile.ZipFile(qdpx) as archive:
            data = archive.read("project.qde")
        root = etree.fromstring(data, etree.XMLParser(huge_tree=True, resolve_entities=False))
        conn = sqlite3.connect(folder / "baseline.sqlite", isolation_level=None)
        conn.execute("CREATE TABLE selections (guid TEXT, source TEXT, start INTEGER, end INTEGER, code TEXT)")
        conn.execute("BEGIN")
        rows = [(s.get("guid"), source.get("guid"), int(s.get("startPosition")), int(s.get("endPosition")),
                 s[0][0].get("targetGUID")) for source in root.iter("{*}TextSource")
                for s in source.iter("{*}PlainTextSelection")]
        conn.executemany("INSERT INTO selections VALUES (?, ?, ?, ?, ?)", rows)
        conn.execute("COMMIT")
        conn.close()
        return len(rows)

    wall, cpu, _ = cpu_timed(run)
    return wall, cpu


def command_seconds(*args: str) -> float:
    """Wall seconds of ``workbench ARGS`` in a new process."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "workbench", *args], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def cpu_timed(action):
    """Wall seconds, CPU seconds of this process, and the result (the machine may be shared: both are shown)."""
    cpu = time.process_time()
    wall, result = timed(action)
    return wall, time.process_time() - cpu, result


def main() -> None:
    segments = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    documents = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000
    source = build(segments, documents)
    importlib.import_module("sqlite_utils")  # loaded before the timing (the app has it loaded)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        out = folder / "project.qdpx"
        base_out = export_baseline(source)

        def export() -> object:
            with open_project(source) as project:
                return export_qdpx(project, out)

        seconds_out, cpu_out, _ = cpu_timed(export)
        size = out.stat().st_size
        with zipfile.ZipFile(out) as archive:
            qde = archive.getinfo("project.qde").file_size
        base_in = import_baseline(out, folder)
        seconds_in, cpu_in, result = cpu_timed(lambda: import_project(folder / "copy.wbproj", out, who="benchmark"))
        with open_project(folder / "copy.wbproj") as copy:
            stats = copy.stats()
        command_out = command_seconds("export", str(source), str(folder / "command.qdpx"))
        command_in = command_seconds("import-project", str(folder / "command.wbproj"), str(out))
    scale = f"{documents:,} documents, {segments:,} segments"
    print(f"exchange benchmark: {scale}; QDPX {size / 1e6:.1f} MB (project.qde {qde / 1e6:.1f} MB unpacked); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    report("export QDPX (wall)", seconds_out, "s", "<= 10 s", seconds_out <= 10,
           f"CPU {cpu_out:.2f} s; baseline (rows + texts to zip) {base_out[0]:.2f} s wall, {base_out[1]:.2f} s CPU; "
           f"ratio {seconds_out / base_out[0]:.1f}x wall, {cpu_out / base_out[1]:.1f}x CPU")
    report("import-project QDPX (wall)", seconds_in, "s", "<= 10 s", seconds_in <= 10,
           f"CPU {cpu_in:.2f} s; baseline (unzip + lxml parse + plain rows) {base_in[0]:.2f} s wall, "
           f"{base_in[1]:.2f} s CPU; ratio {seconds_in / base_in[0]:.1f}x wall, {cpu_in / base_in[1]:.1f}x CPU; "
           f"{stats['segments']:,} segments, {stats['sentences']:,} sentences stored")
    report("workbench export (command, wall)", command_out, "s", "<= 10 s", command_out <= 10,
           "a new process: Python's start and the modules' loading included")
    report("workbench import-project (command, wall)", command_in, "s", "<= 10 s", command_in <= 10,
           f"a new process, as above; load average now {os.getloadavg()[0]:.1f}")
    assert stats["segments"] == segments and stats["documents"] == documents, (stats, result.as_dict())


if __name__ == "__main__":
    main()
