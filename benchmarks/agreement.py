"""Benchmark of intercoder agreement (issue 12 §4). Generates its own data.

A synthetic project of 1,000 documents, 30 codes, 3 coders and 200,000 segments (the coders code the same
passages with jittered boundaries, skip some and add their own), compared at the character level:
1. ``compute_agreement`` through the core, reading from the project          target ≤ 2 s
   beside a naive per-character Python loop over the same rows (same answer asserted)
2. the demo project (marloes and daan)                                       target ≤ 0.2 s
3. the other units, for reference

``--documents N`` scales the synthetic project down while developing (200 segments per document either way).
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from common import report, synthetic_transcript, timed

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbench.agreement import compute_agreement  # noqa: E402
from workbench.agreement.stats import segments_match  # noqa: E402
from workbench.demo import build_demo  # noqa: E402
from workbench.ingest import import_sources  # noqa: E402
from workbench.models import NewSegment  # noqa: E402
from workbench.store import create_project, open_project  # noqa: E402

CODERS = ("ann", "bob", "cat")
PER_DOCUMENT = 200


def build(folder: Path, documents: int) -> Path:
    """``documents`` transcripts of ~400 words; 30 codes; 200 segments per document from three coders."""
    path = folder / "agreement.wbproj"
    rng = random.Random(12)
    with create_project(path) as project:
        codes = [project.add_code(f"code {i:02d}") for i in range(30)]
        for batch in range(0, documents, 100):
            sources = [(f"doc{i:04d}.txt", synthetic_transcript(400, seed=i).encode())
                       for i in range(batch, min(batch + 100, documents))]
            import_sources(project, sources, language="nl")
        new: list[NewSegment] = []
        for doc_id, length in project.document_lengths().items():
            placed: dict[tuple[int, str], list[tuple[int, int]]] = defaultdict(list)
            count = 0

            def place(code: int, coder: str, start: int, end: int) -> bool:
                start, end = max(0, start), min(length, end)
                chain = placed[(code, coder)]
                if end - start < 5 or any(s < end and start < e for s, e in chain):
                    return False  # the store keeps one coder's segments of one code apart
                chain.append((start, end))
                new.append(NewSegment(doc_id, start, end, code, coder))
                return True

            while count < PER_DOCUMENT:
                code = rng.choice(codes)
                start = rng.randrange(0, length - 30)
                end = start + rng.randint(20, 300)
                for coder in CODERS:
                    if count < PER_DOCUMENT and rng.random() < 0.85:
                        count += place(code, coder, start + rng.randint(-15, 15), end + rng.randint(-15, 15))
            if len(new) >= 50_000:
                project.add_segments(new)
                new = []
        if new:
            project.add_segments(new)
    return path


def naive(project, coders: tuple[str, ...], overlap: int = 90) -> dict[str, dict[str, float | None]]:
    """The textbook loop: every character of every document, each coder's codes there, tallied one character at a
    time; segment matching by comparing every pair of same-code segments of a document."""
    rows = project.analysis_rows(coders=list(coders))
    names = project.coder_names()
    lengths = project.document_lengths()
    code_names = {c.id: c.name for c in project.codes()}
    by_doc: dict[int, list[tuple]] = defaultdict(list)
    for row in rows:
        by_doc[row[0]].append(row)
    used = sorted({r[3] for r in rows}, key=lambda c: code_names[c])
    total = {c: defaultdict(float) for c in used}
    units = values = 0
    empty: frozenset[int] = frozenset()
    for doc, segments in by_doc.items():
        present = sorted({coders.index(names[r[4]]) for r in segments})
        m = len(present)
        if m < 2:
            continue
        marks = {i: [empty] * lengths[doc] for i in present}
        for _, s, e, code, coder, _ in segments:
            mine = marks[coders.index(names[coder])]
            for x in range(s, e):
                mine[x] = mine[x] | {code}
        for x in range(lengths[doc]):
            here = [marks[i][x] for i in present]
            units += 1
            values += m
            for code in set().union(*here):
                ones = sum(code in v for v in here)
                t = total[code]
                t["ones"] += ones
                t["disagreeing_units"] += ones < m
                t["disagreeing"] += ones * (m - ones) / (m - 1)
        spans: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
        for _, s, e, code, coder, _ in segments:
            spans[(code, coders.index(names[coder]))].append((s, e))
        for _, s, e, code, coder, _ in segments:
            i = coders.index(names[coder])
            total[code]["correction"] += (e - s) ** 2
            ok = all(any(segments_match((s, e), other, overlap) for other in spans[(code, j)])
                     for j in present if j != i)
            total[code]["matched" if ok else "unmatched"] += 1
    result = {}
    for code, t in total.items():
        zeros = values - t["ones"]
        alpha = None if not (t["ones"] and zeros) else 1 - (values - 1) * t["disagreeing"] / (zeros * t["ones"])
        correction = t["correction"] + zeros
        u = None if not (t["ones"] and zeros) else 1 - t["disagreeing"] * (
            values - correction / values) / (zeros * t["ones"])
        result[code_names[code]] = {"units": units, "percent_agreement": (units - t["disagreeing_units"]) / units,
                                    "krippendorff_alpha": alpha, "unitized_alpha": u,
                                    "segments_matched": t["matched"], "segments_unmatched": t["unmatched"]}
    return result


def clocked(action):
    """Wall-clock and CPU seconds of one run of ``action`` (on a shared machine the two differ), and its result."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def same(fast: dict, slow: dict) -> bool:
    for code, figures in slow.items():
        for key, value in figures.items():
            mine = fast["codes"][code][key]
            if (value is None) != (mine is None) or (value is not None and not math.isclose(value, mine,
                                                                                            rel_tol=1e-9)):
                print(f"  differs: {code} {key}: naive {value}, core {mine}")
                return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=1000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="wb-bench-agreement-"))
    seconds, path = timed(lambda: build(folder, args.documents))
    with open_project(path) as project:
        stats = project.stats()
        print(f"benchmarks/agreement.py: {stats['documents']:,} documents, {stats['characters']:,} characters, "
              f"{stats['codes']} codes, {stats['segments']:,} segments by {len(CODERS)} coders "
              f"(built in {seconds:.0f} s in {folder})\n")
        runs = [clocked(lambda: compute_agreement(project, list(CODERS))) for _ in range(3)]
        best, cpu = min(r[0] for r in runs), min(r[1] for r in runs)
        result = runs[0][2].to_json()
        slow, slow_cpu, expected = clocked(lambda: naive(project, CODERS))
        agree = same(result, expected)
        report("3 coders, character level, from the project (best of 3)", best, "s", "≤ 2 s", best <= 2.0,
               f"CPU {cpu:.2f} s; naive per-character loop {slow:.0f} s, CPU {slow_cpu:.0f} s "
               f"(×{slow_cpu / cpu:.0f} the CPU time; same answer: {agree})")
        assert agree, "the core and the naive loop disagree"
        for unit in ("sentence", "turn", "paragraph", "document"):
            took, took_cpu, _ = clocked(lambda: compute_agreement(project, list(CODERS), unit))
            report(f"  {unit} units", took, "s", "reported", True, f"CPU {took_cpu:.2f} s")
    demo = folder / "demo.wbproj"
    build_demo(demo)
    with open_project(demo) as project:
        compute_agreement(project, ["marloes", "daan"])  # warm the caches of SQLite and numpy
        samples = [clocked(lambda: compute_agreement(project, ["marloes", "daan"])) for _ in range(5)]
        best = min(r[0] for r in samples)
        report("demo project, marloes and daan, character level (best of 5)", best, "s", "≤ 0.2 s", best <= 0.2,
               f"CPU {min(r[1] for r in samples):.3f} s")
    print(f"\nload: {' '.join(f'{x:.1f}' for x in os.getloadavg())} (1, 5, 15 min) on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
