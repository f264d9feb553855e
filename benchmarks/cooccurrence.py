"""Benchmark of co-occurrence (issue: co-occurrence and theme summaries). Generates its own data.

A synthetic project of 1,000 documents, 60 codes and 200,000 segments:
1. the full ``overlap`` matrix through the core                       target ≤ 1 s
   beside a naive SQL self-join on the same data (the ratio printed)
2. the other units (sentence, turn, document, near 50) for reference
3. the co-occurrence page's rerun with that project (reported)
"""

from __future__ import annotations

import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import report, synthetic_transcript, timed

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbench.analysis.cooccurrence import cooccurrence  # noqa: E402
from workbench.ingest import import_sources  # noqa: E402
from workbench.models import NewSegment  # noqa: E402
from workbench.store import create_project, open_project  # noqa: E402


def build(folder: Path) -> Path:
    """1,000 documents of ~1,200 words; 60 codes in a two-level tree; 200 segments per document."""
    path = folder / "cooc.wbproj"
    rng = random.Random(11)
    with create_project(path) as project:
        parents = [project.add_code(f"theme {i}") for i in range(6)]
        codes = [project.add_code(f"code {p}.{j}", parent_id=parent)
                 for p, parent in enumerate(parents) for j in range(9)] + parents
        for batch in range(10):
            sources = [(f"doc{batch * 100 + i:04d}.txt", synthetic_transcript(1200, seed=batch * 100 + i).encode())
                       for i in range(100)]
            import_sources(project, sources, language="nl")
        lengths = project.document_lengths()
        new: list[NewSegment] = []
        for doc_id, length in lengths.items():
            placed: dict[tuple[int, str], list[tuple[int, int]]] = {}
            while sum(len(v) for v in placed.values()) < 200:
                code, coder = rng.choice(codes), rng.choice(("marloes", "daan"))
                start = rng.randrange(0, length - 30)
                end = min(start + rng.randint(20, 400), length)
                chain = placed.setdefault((code, coder), [])
                if any(s < end and start < e for s, e in chain):
                    continue  # the store keeps one coder's segments of one code apart
                chain.append((start, end))
                new.append(NewSegment(doc_id, start, end, code, coder))
            if len(new) >= 50_000:
                project.add_segments(new)
                new = []
        if new:
            project.add_segments(new)
    return path


def naive_self_join(path: Path) -> tuple[float, int]:
    """The textbook SQL: join segments with themselves on document and overlapping span."""
    connection = sqlite3.connect(path)
    seconds, rows = timed(lambda: connection.execute(
        "SELECT a.code_id, b.code_id, count(*) FROM segments a JOIN segments b "
        "ON a.document_id = b.document_id AND a.start < b.end AND b.start < a.end AND a.code_id < b.code_id "
        "GROUP BY a.code_id, b.code_id").fetchall())
    connection.close()
    return seconds, sum(r[2] for r in rows)


def page_rerun(path: Path) -> float:
    from streamlit.testing.v1 import AppTest

    os.environ["WORKBENCH_PROJECT"] = str(path)
    sys.argv = [sys.argv[0]]
    at = AppTest.from_file(str(ROOT / "workbench" / "app" / "main.py"), default_timeout=300)
    at.run()
    at.switch_page("views/cooccurrence.py")
    at.run()
    assert not at.exception, at.exception
    first = at.session_state["_last_run_ms"]
    samples = []
    for _ in range(5):
        at.run()
        samples.append(at.session_state["_last_run_ms"])
    return first, statistics.median(samples)


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="wb-bench-cooc-"))
    seconds, path = timed(lambda: build(folder))
    with open_project(path) as project:
        stats = project.stats()
        print(f"benchmarks/cooccurrence.py: {stats['documents']:,} documents, {stats['codes']} codes, "
              f"{stats['segments']:,} segments (built in {seconds:.0f} s in {folder})\n")
        runs = [timed(lambda: cooccurrence(project, "overlap")) for _ in range(3)]
        best = min(r[0] for r in runs)
        result = runs[0][1]
        total = sum(p.count for p in result.pairs)
        naive, naive_total = naive_self_join(path)
        report("full overlap matrix (best of 3)", best, "s", "≤ 1 s", best <= 1.0,
               f"{len(result.pairs):,} pairs of codes, {total:,} overlapping segment pairs; naive SQL self-join "
               f"{naive:.1f} s (×{naive / best:.1f} slower, same total: {naive_total == total})")
        for unit, distance in (("sentence", None), ("turn", None), ("document", None), ("near", 50)):
            seconds, _ = timed(lambda: cooccurrence(project, unit, distance))
            report(f"  {unit}{f' {distance}' if distance else ''} matrix", seconds, "s", "reported", True)
    first, again = page_rerun(path)
    report("co-occurrence page, first run (computes everything)", first / 1000, "s", "reported", True)
    report("co-occurrence page, rerun (cached analysis)", again, "ms", "reported", True)


if __name__ == "__main__":
    main()
