"""REFI-QDA exchange at scale: export a 1,000-document, 200,000-segment project as QDPX and import it as a new
project, each within 10 s, with the file size; baseline: reading the project's rows and writing its texts to a
plain zip (the least any export must do).

Usage: ``python benchmarks/exchange.py [SEGMENTS DOCUMENTS]`` (default 200000 1000; smaller while developing).
"""

from __future__ import annotations

import io
import os
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


def baseline(path: Path) -> float:
    def run() -> int:
        with open_project(path) as project:
            project.segments()
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
                for doc_id, text in project.document_texts().items():
                    archive.writestr(f"{doc_id}.txt", text)
            return len(buffer.getvalue())

    return timed(run)[0]


def cpu_timed(action):
    """Wall seconds, CPU seconds of this process, and the result (the machine may be shared: both are shown)."""
    cpu = time.process_time()
    wall, result = timed(action)
    return wall, time.process_time() - cpu, result


def main() -> None:
    segments = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    documents = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000
    source = build(segments, documents)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "project.qdpx"
        base = baseline(source)

        def export() -> object:
            with open_project(source) as project:
                return export_qdpx(project, out)

        seconds_out, cpu_out, _ = cpu_timed(export)
        size = out.stat().st_size
        with zipfile.ZipFile(out) as archive:
            qde = archive.getinfo("project.qde").file_size
        seconds_in, cpu_in, result = cpu_timed(
            lambda: import_project(Path(folder) / "copy.wbproj", out, who="benchmark"))
        with open_project(Path(folder) / "copy.wbproj") as copy:
            stats = copy.stats()
    scale = f"{documents:,} documents, {segments:,} segments"
    load = os.getloadavg()[0]
    print(f"exchange benchmark: {scale}; QDPX {size / 1e6:.1f} MB (project.qde {qde / 1e6:.1f} MB unpacked); "
          f"load average {load:.1f} on {os.cpu_count()} cores")
    report("export QDPX (wall)", seconds_out, "s", "<= 10 s", seconds_out <= 10,
           f"CPU {cpu_out:.2f} s; baseline (rows + texts to zip) {base:.2f} s, ratio {seconds_out / base:.1f}x")
    report("import-project QDPX (wall)", seconds_in, "s", "<= 10 s", seconds_in <= 10,
           f"CPU {cpu_in:.2f} s; {stats['segments']:,} segments, {stats['sentences']:,} sentences stored")
    assert stats["segments"] == segments and stats["documents"] == documents, (stats, result.as_dict())


if __name__ == "__main__":
    main()
