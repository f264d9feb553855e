"""Benchmark of accounts and roles (issue #11). Generates its own data; prints figures and ratios.

1. a login: argon2id verification of a password (argon2-cffi's default costs)     target 20–1,000 ms
   (slow enough to make guessing expensive, quick enough for a person)
2. the role check of one write by an account (``Project.privileges``, inside the write transaction) against
   adding one segment (commit synced to disk), N segments in place                 target ≤ 10 %
3. read one document's segments as a blind coder (the store filters by coder) against the same read by the
   supervisor (no filter)                                                          target ≤ 1.5 ×

``python benchmarks/accounts.py [--documents N]`` (default 1,000 documents of 100 segments each: 100,000).
"""

from __future__ import annotations

import argparse
import random
import tempfile
from pathlib import Path

from common import median_ms, report
from store import fill_segments, make_project

from workbench.auth import hash_password, verify_password
from workbench.privileges import Privileges

PASSWORD = "a-long-benchmark-passphrase"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=1000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="wb-bench-accounts-"))
    print(f"benchmarks/accounts.py (data in {folder})\n")

    stored = hash_password(PASSWORD)
    login_ms = median_ms(lambda: verify_password(stored, PASSWORD), 15)
    wrong_ms = median_ms(lambda: verify_password(stored, PASSWORD + "x"), 15)
    report("a login (argon2id verify, default costs)", login_ms, "ms", "20–1,000 ms", 20 <= login_ms <= 1000,
           f"a wrong password {wrong_ms:.0f} ms (the same work)")

    projects = {}
    for name in ("single", "team"):
        project = make_project(folder, name, documents=args.documents, words=1200)
        fill_segments(project, list(project.document_names()), per_document=100)
        projects[name] = project
    team = projects["team"]
    for account, role in [("ada", "admin"), ("sam", "supervisor"), ("marloes", "coder"), ("daan", "coder")]:
        team.add_account(account, role, PASSWORD, who=Privileges.local())
    total = team.stats()["segments"]

    def adder(project, coder: str):
        doc_ids = list(project.document_names())
        lengths = project.document_lengths()
        extra = project.add_code("benchmark extra", who="sam" if project is team else "")
        rng = random.Random(3)
        taken: set[tuple[int, int]] = set()

        def add_one() -> None:
            while True:
                doc_id = rng.choice(doc_ids)
                start = rng.randrange(0, lengths[doc_id] // 6 - 1) * 6
                if (doc_id, start) not in taken:
                    taken.add((doc_id, start))
                    break
            project.add_segment(doc_id, start, start + 5, extra, coder)

        return add_one

    single_ms = median_ms(adder(projects["single"], "marloes"), 300)
    team_ms = median_ms(adder(team, "marloes"), 300)
    check_ms = median_ms(lambda: team.privileges("marloes"), 3000)
    local_ms = median_ms(lambda: projects["single"].privileges("marloes"), 3000)
    share = check_ms / team_ms
    report(f"role check of one write by an account, {total:,} segments", check_ms, "ms", "≤ 10 % of an add",
           share <= 0.10, f"{share:.1%} of adding one segment by an account ({team_ms:.2f} ms, commit synced); "
           f"without accounts: check {local_ms:.3f} ms, add {single_ms:.2f} ms")

    team.set_setting("blind", "on", who="sam")
    doc = list(team.document_names())[len(team.document_names()) // 2]
    team.view_as("sam")
    all_ms = median_ms(lambda: team.segments(document_ids=[doc], with_text=True), 200)
    seen_all = len(team.segments(document_ids=[doc]))
    team.view_as("marloes")
    blind_ms = median_ms(lambda: team.segments(document_ids=[doc], with_text=True), 200)
    seen_own = len(team.segments(document_ids=[doc]))
    ratio = blind_ms / all_ms
    report("one document's segments read by a blind coder", blind_ms, "ms", "≤ 1.5 × below", ratio <= 1.5,
           f"the supervisor {all_ms:.2f} ms (×{ratio:.2f}); {seen_own} of {seen_all} segments shown")
    for project in projects.values():
        project.close()


if __name__ == "__main__":
    main()
