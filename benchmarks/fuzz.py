"""Benchmark of the importers against bad files (issue 10, §1): a larger run of the fuzz suite's generated files.

Every file goes through ``workbench.cli.main`` in a worker process with spaCy loaded (as in ``tests/test_fuzz.py``)
and is killed after 10 s. Prints how many files were refused (exit 2, one ``error:`` line, project unchanged),
imported cleanly, or went wrong (any other status, a traceback, a timeout, a changed project), and the slowest
files. Baseline in the same run: importing the valid seed files.

    python benchmarks/fuzz.py [--count 1000] [--seed 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fuzzing import Case, Worker, hostile, make_template, mutated, problems, run_case, seeds  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="mutated files (default 1000)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        template = make_template(folder)
        worker = Worker()
        worker.start()
        try:
            baseline = [run_case(worker, Case(name, kind, data), template, folder)
                        for name, (kind, data) in seeds().items()]
            started = time.perf_counter()
            outcomes = [run_case(worker, case, template, folder)
                        for case in hostile(large=True) + mutated(args.count, args.seed)]
            total = time.perf_counter() - started
        finally:
            worker.stop()
    kinds: Counter[str] = Counter()
    wrong = []
    for outcome in outcomes:
        found = problems(outcome)
        kinds["wrong" if found else "refused" if outcome.code == 2 else "imported"] += 1
        if found:
            wrong.append((outcome.case.name, found))
    times = sorted(outcomes, key=lambda o: o.seconds, reverse=True)
    print(f"{len(outcomes)} bad files in {total:.1f} s: {kinds['refused']} refused, {kinds['imported']} imported "
          f"cleanly, {kinds['wrong']} wrong (target 0)")
    print(f"per file: median {statistics.median(o.seconds for o in outcomes) * 1000:.0f} ms; valid seed files "
          f"(baseline): median {statistics.median(o.seconds for o in baseline) * 1000:.0f} ms")
    print("slowest files (target: each under 10 s):")
    for outcome in times[:5]:
        status = "timeout" if outcome.code is None else f"exit {outcome.code}"
        print(f"  {outcome.seconds:6.2f} s  {outcome.case.name} ({len(outcome.case.data):,} bytes, {status})")
    for name, found in wrong[:20]:
        print(f"  WRONG {name}: {'; '.join(found)}")
    return 1 if wrong else 0


if __name__ == "__main__":
    raise SystemExit(main())
