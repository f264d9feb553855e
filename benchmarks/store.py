"""Benchmark of the project store (issue: foundation). Generates its own data; prints figures and ratios.

1. import 200 documents of 6,000 words, with turns and sentences      target ≥ 150,000 words/s
2. add one segment through the core with 100,000 segments in place      target ≤ 3 ms median
3. list one document's segments at 10 and at 1,000 documents            target second ≤ 1.2 × first
4. CSV export of 10,000 segments                                        target ≤ 0.5 s

Baselines measured in the same run: bare NFC + split of the same texts; a bare SQLite INSERT into an indexed table;
csv.writer over already-fetched rows. For scale, Taguette 1.5.2 on this kind of machine: 25 ms per document import,
15–18 ms per highlight, 7.5 s for a CSV export of 10,000 highlights.
"""

from __future__ import annotations

import csv
import io
import random
import sqlite3
import tempfile
import unicodedata
from pathlib import Path

from common import median_ms, report, synthetic_transcript, timed

from workbench.exchange.segments_table import export_segments
from workbench.ingest import import_sources
from workbench.models import NewSegment
from workbench.store import create_project

CODES = [f"code {i:02d}" for i in range(20)]


def fill_segments(project, doc_ids, per_document: int, seed: int = 1) -> None:
    """Add ``per_document`` non-overlapping-per-code segments to each document, in batches."""
    rng = random.Random(seed)
    code_ids = [project.resolve_code(name).id for name in CODES]
    lengths = project.document_lengths()
    batch: list[NewSegment] = []
    for doc_id in doc_ids:
        length = lengths[doc_id]
        slot = length // per_document
        for index in range(per_document):
            start = index * slot + rng.randint(0, max(slot // 4, 1))
            end = min(start + rng.randint(20, max(slot - slot // 4, 21)), (index + 1) * slot)
            if end <= start:
                end = start + 1
            batch.append(NewSegment(doc_id, start, end, rng.choice(code_ids), rng.choice(("marloes", "daan"))))
        if len(batch) >= 20_000:
            project.add_segments(batch)
            batch = []
    if batch:
        project.add_segments(batch)


def make_project(folder: Path, name: str, documents: int, words: int):
    project = create_project(folder / f"{name}.wbproj")
    for code in CODES:
        project.add_code(code)
    sources = [(f"doc{i:04d}.txt", synthetic_transcript(words, seed=i).encode()) for i in range(documents)]
    import_sources(project, sources, language="nl")
    return project


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="wb-bench-"))
    print(f"benchmarks/store.py (data in {folder})\n")

    # 1. import
    texts = [synthetic_transcript(6000, seed=i) for i in range(200)]
    total_words = sum(len(t.split()) for t in texts)
    sources = [(f"doc{i:03d}.txt", t.encode("utf-8")) for i, t in enumerate(texts)]
    project = create_project(folder / "import.wbproj")
    seconds, _ = timed(lambda: import_sources(project, sources, language="nl"))
    baseline, _ = timed(lambda: [len(unicodedata.normalize("NFC", t.replace("\r\n", "\n")).split()) for t in texts])
    stats = project.stats()
    project.close()
    rate = total_words / seconds
    report("import 200 × 6,000 words (turns + sentences)", rate, "words/s", "≥ 150,000", rate >= 150_000,
           f"{seconds:.2f} s, {seconds / 200 * 1000:.1f} ms/document (Taguette: 25 ms); "
           f"{stats['turns']:,} turns, {stats['sentences']:,} sentences; bare NFC+split {baseline:.2f} s "
           f"(×{seconds / baseline:.0f})")

    # 2. add one segment with 100,000 in place
    project = make_project(folder, "big", documents=1000, words=1200)
    doc_ids = list(project.document_names())
    fill_segments(project, doc_ids, per_document=100)
    assert project.stats()["segments"] == 100_000
    rng = random.Random(7)
    code_id = project.resolve_code("code 00").id
    lengths = project.document_lengths()
    extra = project.add_code("benchmark extra")
    positions = iter(range(10**9))

    def add_one() -> None:
        doc_id = rng.choice(doc_ids)
        start = next(positions) % (lengths[doc_id] - 10)
        try:
            project.add_segment(doc_id, start, start + 5, extra, f"bench{start}")
        except Exception:
            project.add_segment(doc_id, start, start + 5, code_id, f"bench-b{start}")

    add_ms = median_ms(add_one, 300)
    raw = sqlite3.connect(folder / "raw.db", isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=NORMAL")
    raw.execute("CREATE TABLE s (id INTEGER PRIMARY KEY, d INT, a INT, b INT, c INT, k INT)")
    raw.execute("CREATE INDEX s1 ON s (d, a)")
    raw.execute("BEGIN")
    raw.executemany("INSERT INTO s (d, a, b, c, k) VALUES (?, ?, ?, ?, ?)",
                    ((i % 1000, i, i + 5, i % 20, 1) for i in range(100_000)))
    raw.execute("COMMIT")
    counter = iter(range(10**9))
    bare_ms = median_ms(lambda: raw.execute("INSERT INTO s (d, a, b, c, k) VALUES (1, ?, ?, 3, 1)",
                                            (next(counter), 5)), 300)
    report("add one segment, 100,000 in the project (median)", add_ms, "ms", "≤ 3 ms", add_ms <= 3,
           f"Taguette: 15–18 ms; bare INSERT {bare_ms:.3f} ms (×{add_ms / bare_ms:.0f}: checks, audit, commit)")

    # 3. listing one document's segments at 10 and 1,000 documents
    small = make_project(folder, "small", documents=10, words=1200)
    fill_segments(small, list(small.document_names()), per_document=100)
    small_doc = list(small.document_names())[5]
    big_doc = doc_ids[500]
    at_10 = median_ms(lambda: small.segments(document_ids=[small_doc], with_text=True), 200)
    at_1000 = median_ms(lambda: project.segments(document_ids=[big_doc], with_text=True), 200)
    ratio = at_1000 / at_10
    report("list one document's segments at 10 documents", at_10, "ms", "baseline", True)
    report("list one document's segments at 1,000 documents", at_1000, "ms", "≤ 1.2 × above", ratio <= 1.2,
           f"ratio {ratio:.2f}")

    # 4. CSV export of 10,000 segments
    export_project = make_project(folder, "export", documents=100, words=1500)
    fill_segments(export_project, list(export_project.document_names()), per_document=100)
    assert export_project.stats()["segments"] == 10_000
    seconds, rows = timed(lambda: export_segments(export_project, folder / "export.csv"))
    fetched = [s.as_dict() for s in export_project.segments(with_text=True)]

    def bare_csv() -> None:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(fetched[0]))
        writer.writerows(fetched)

    bare, _ = timed(bare_csv)
    report("CSV export of 10,000 segments", seconds, "s", "≤ 0.5 s", seconds <= 0.5,
           f"{rows:,} rows with case and speaker; Taguette: 7.5 s (×{7.5 / seconds:.0f} faster); "
           f"bare csv.writer {bare:.3f} s")
    for p in (project, small, export_project):
        p.close()


if __name__ == "__main__":
    main()
