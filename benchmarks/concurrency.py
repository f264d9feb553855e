"""Many coders on one project file at once: 2, 4, 8 and 16 coder processes code for N seconds, each on a document of
its own and then all on one shared document, through the same core call as the coding page (``apply_codes``, one
connection per coder as one app session has).

Per run it prints the codings stored, lost (acknowledged to the coder but not in the file: must be 0), duplicated
(one coder's same code on the same span twice: must be 0), errors a coder would have seen (must be 0) and the
50th / 99th percentile and the maximum wait for one coding (from the click to the answer). Target: p99 < 1 s with
8 coders. The baseline measured in the same run is one coder alone.

    python benchmarks/concurrency.py [--seconds 60] [--coders 2,4,8,16] [--pause 0.01] [--keep DIR]
"""

from __future__ import annotations

import argparse
import multiprocessing
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import report, synthetic_transcript  # noqa: E402

SPAN = 12    # characters per coding
STEP = 17    # one coder's codings never overlap each other (so each one adds a segment)
CODES = 12


def build(path: Path, documents: int, words: int) -> None:
    from workbench.ingest import import_sources
    from workbench.store import create_project

    with create_project(path) as project:
        sources = [(f"own-{i}.txt", synthetic_transcript(words, seed=i).encode()) for i in range(documents)]
        sources.append(("shared.txt", synthetic_transcript(words, seed=999).encode()))
        import_sources(project, sources, language="nl")
        for i in range(CODES):
            project.add_code(f"code {i}")


def coder(path: str, name: str, document: str, offset: int, seconds: float, pause: float, ready, go,
          out) -> None:
    """One coder: codes a span, waits a moment (reading), codes the next, until the time is up."""
    from workbench.coding import apply_codes
    from workbench.errors import WorkbenchError
    from workbench.store import open_project

    project = open_project(path)
    doc_id = project.document_id(document)
    length = len(project.document_text(doc_id))
    codes = [c.id for c in project.codes()]
    waits: list[float] = []
    acknowledged: list[tuple[int, int, int]] = []
    errors: list[str] = []
    ready.put(name)
    go.wait()
    start_at = time.time()
    k = 0
    deadline = start_at + seconds
    while time.time() < deadline:
        start = (offset + k * STEP) % (length - SPAN)
        if k and start < STEP:  # wrapped round the document: stop rather than overlap own codings
            break
        code = codes[k % len(codes)]
        began = time.perf_counter()
        try:
            change = apply_codes(project, doc_id, start, start + SPAN, [code], name)
        except (WorkbenchError, sqlite3.Error) as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
        else:
            acknowledged.extend((seg_id, start, code) for seg_id in change.added)
        waits.append(time.perf_counter() - began)
        k += 1
        time.sleep(pause)  # between two clicks
    project.close()
    out.put({"name": name, "waits": waits, "acknowledged": acknowledged, "errors": errors})


def check(path: Path, results: list[dict]) -> tuple[int, int, int]:
    """Stored, lost, duplicated, looked up in the file through a fresh connection."""
    conn = sqlite3.connect(str(path))
    rows = {r[0]: r[1:] for r in conn.execute(
        "SELECT s.id, k.name, s.start, s.code_id FROM segments s JOIN coders k ON k.id = s.coder_id")}
    duplicated = conn.execute(
        "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM segments "
        "GROUP BY document_id, coder_id, code_id, start, end HAVING n > 1)").fetchone()[0]
    audited = conn.execute("SELECT count(*) FROM audit_log WHERE action = 'segment.add'").fetchone()[0]
    conn.close()
    lost = sum(1 for r in results for seg_id, start, code in r["acknowledged"]
               if rows.get(seg_id) != (r["name"], start, code))
    assert audited >= len(rows), "every stored segment has its audit entry"
    return len(rows), lost, duplicated


def run(folder: Path, coders: int, shared: bool, seconds: float, words: int, pause: float) -> dict:
    path = folder / f"c{coders}-{'shared' if shared else 'own'}.wbproj"
    build(path, coders, words)
    context = multiprocessing.get_context("spawn")
    queue, ready, go = context.Queue(), context.Queue(), context.Event()
    processes = [context.Process(target=coder, args=(
        str(path), f"coder{i}", "shared" if shared else f"own-{i}", i * SPAN if shared else 0, seconds, pause,
        ready, go, queue)) for i in range(coders)]
    for process in processes:
        process.start()
    for _ in processes:  # every coder has started and opened the project before the clock runs
        ready.get(timeout=300)
    go.set()
    results = [queue.get(timeout=seconds + 120) for _ in processes]
    for process in processes:
        process.join()
    stored, lost, duplicated = check(path, results)
    waits = sorted(w for r in results for w in r["waits"])
    errors = [e for r in results for e in r["errors"]]
    q = statistics.quantiles(waits, n=100, method="inclusive") if len(waits) > 1 else [waits[0]] * 99
    return {"coders": coders, "where": "one shared document" if shared else "own documents", "stored": stored,
            "acknowledged": sum(len(r["acknowledged"]) for r in results), "lost": lost, "duplicated": duplicated,
            "errors": len(errors), "first_error": errors[0] if errors else "", "p50": q[49] * 1000,
            "p99": q[98] * 1000, "max": waits[-1] * 1000, "codings_per_s": len(waits) / seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--coders", default="2,4,8,16")
    parser.add_argument("--words", type=int, default=8000, help="words per document")
    parser.add_argument("--pause", type=float, default=0.01,
                        help="seconds a coder waits between two codings (default 0.01: a stress test; a person "
                             "takes seconds)")
    parser.add_argument("--keep", metavar="DIR", help="build the projects in DIR and keep them")
    args = parser.parse_args()
    counts = [int(c) for c in args.coders.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        print(f"{args.seconds:g} s per run, documents of {args.words:,} words, {args.pause * 1000:g} ms between two "
              "codings of one coder")
        baseline = run(folder, 1, False, min(args.seconds, 10), args.words, args.pause)
        print(f"baseline, one coder alone: p50 {baseline['p50']:.1f} ms, p99 {baseline['p99']:.1f} ms, "
              f"max {baseline['max']:.1f} ms")
        header = (f"{'coders':>6} {'where':<20} {'stored':>7} {'lost':>5} {'dup':>4} {'errors':>6} "
                  f"{'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'codings/s':>9}")
        print(header)
        rows = []
        for count in counts:
            for shared in (False, True):
                row = run(folder, count, shared, args.seconds, args.words, args.pause)
                rows.append(row)
                print(f"{row['coders']:>6} {row['where']:<20} {row['stored']:>7} {row['lost']:>5} "
                      f"{row['duplicated']:>4} {row['errors']:>6} {row['p50']:>8.1f} {row['p99']:>8.1f} "
                      f"{row['max']:>8.1f} {row['codings_per_s']:>9.1f}", flush=True)
                if row["first_error"]:
                    print(f"       first error: {row['first_error']}")
        for row in rows:
            if row["coders"] == 8:
                report(f"p99 wait for one coding, 8 coders, {row['where']}", row["p99"], "ms", "< 1000 ms",
                       row["p99"] < 1000, f"(×{row['p99'] / max(baseline['p99'], 1e-9):.1f} one coder alone)")
        bad = [r for r in rows if r["lost"] or r["duplicated"] or r["errors"]]
        report("codings lost + duplicated + errors shown, all runs", sum(
            r["lost"] + r["duplicated"] + r["errors"] for r in rows), "", "0", not bad)


if __name__ == "__main__":
    main()
