"""The synthetic projects of the scale benchmark: N segments over D documents, written with one ``executemany`` per
table in one transaction (seconds, not the hours of coding them one by one), and cached in /tmp between runs.

The rows are what the workbench itself would store: documents with turns, sentences and paragraphs, a two-level
codebook of 60 codes, two coders whose segments of one code never overlap (as the store keeps them), and cases
with a ``role`` attribute. They are written straight into a project made by :func:`create_project`, so the schema
(and every migration) is the workbench's own.
"""

from __future__ import annotations

import os
import random
import re
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import synthetic_transcript  # noqa: E402

from workbench.store import SCHEMA_VERSION, create_project  # noqa: E402

CACHE = Path("/tmp/wb-scale-cache")
CODERS = ("marloes", "daan")
ROLES = ("resident", "social worker", "volunteer", "manager")
_TEMPLATES = 50  # distinct transcripts, reused (with a unique first line) so that generation stays fast


def _units(text: str) -> tuple[list[tuple[int, int, str]], list[tuple[int, int]], list[tuple[int, int]]]:
    """Turns (``Label: …`` lines), sentences and paragraphs of a synthetic transcript, as the importer finds them."""
    turns, sentences, paragraphs = [], [], []
    for match in re.finditer(r"^(Interviewer|R): (.*)$", text, flags=re.M):
        turns.append((match.start(), match.end(), match.group(1)))
        paragraphs.append((match.start(), match.end()))
        for sentence in re.finditer(r"[^.?!]+[.?!]", match.group(2)):
            begin = match.start(2) + sentence.start()
            while text[begin] == " ":
                begin += 1
            sentences.append((begin, match.start(2) + sentence.end()))
    return turns, sentences, paragraphs


def project_path(segments: int, documents: int) -> Path:
    return CACHE / f"scale-{segments}-{documents}-s{SCHEMA_VERSION}.wbproj"


def build(segments: int, documents: int, words: int = 1500) -> Path:
    """The cached project of ``segments`` segments over ``documents`` documents (built on first use)."""
    path = project_path(segments, documents)
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.stem}.{os.getpid()}.partial")  # one per builder: two never collide
    for suffix in ("", "-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    rng = random.Random(8)
    templates = [synthetic_transcript(words, seed=i) for i in range(_TEMPLATES)]
    shapes = [_units(t) for t in templates]
    per_document = max(1, segments // documents)
    stamp = "2026-01-01T00:00:00.000+00:00"
    with create_project(partial) as project:
        conn = project.conn
        with project.transaction():
            conn.executemany("INSERT INTO coders (id, name, role) VALUES (?, ?, 'coder')",
                             list(enumerate(CODERS, start=1)))
            codes = []
            for parent in range(6):
                parent_id = len(codes) + 1
                codes.append((parent_id, str(uuid.UUID(int=rng.getrandbits(128))).upper(), f"theme {parent}", None,
                              f"#{rng.randrange(0xFFFFFF):06x}", parent + 1))
                for child in range(9):
                    codes.append((len(codes) + 1, str(uuid.UUID(int=rng.getrandbits(128))).upper(),
                                  f"code {parent}.{child}", parent_id, f"#{rng.randrange(0xFFFFFF):06x}", child + 1))
            conn.executemany("INSERT INTO codes (id, guid, name, parent_id, colour, position) VALUES (?,?,?,?,?,?)",
                             codes)
            code_ids = [c[0] for c in codes]
            docs, turns, units, segs, doc_cases = [], [], [], [], []
            seg_id = 0
            for doc in range(documents):
                doc_id = doc + 1
                template = doc % _TEMPLATES
                head = f"Synthetisch interview {doc:05d}"
                base = templates[template]
                first = base.index("\n")
                text = head + base[first:]
                shift = len(head) - first
                length = len(text)
                docs.append((doc_id, str(uuid.UUID(int=rng.getrandbits(128))).upper(), f"interview {doc:05d}", text,
                             f"interview {doc:05d}.txt", f"{doc:064x}", stamp, "nl", length, len(text.split()), "{}",
                             doc_id))
                t_turns, t_sentences, t_paragraphs = shapes[template]
                turns.extend((doc_id, s + shift, e + shift, who, None, None) for s, e, who in t_turns)
                units.extend((doc_id, "sentence", s + shift, e + shift) for s, e in t_sentences)
                units.extend((doc_id, "paragraph", s + shift, e + shift) for s, e in t_paragraphs)
                doc_cases.append((doc_id, doc // 10 + 1))
                placed: dict[tuple[int, int], list[tuple[int, int]]] = {}
                made = 0
                while made < per_document:
                    code = rng.choice(code_ids)
                    coder = 1 + (rng.random() < 0.5)
                    start = rng.randrange(0, length - 30)
                    end = min(start + rng.randint(20, 400), length)
                    chain = placed.setdefault((code, coder), [])
                    if any(s < end and start < e for s, e in chain):
                        continue  # the store keeps one coder's segments of one code apart
                    chain.append((start, end))
                    seg_id += 1
                    made += 1
                    segs.append((seg_id, str(uuid.UUID(int=rng.getrandbits(128))).upper(), doc_id, start, end, code,
                                 coder, "memo" if seg_id % 50 == 0 else "", stamp, stamp))
            conn.executemany("INSERT INTO documents (id, guid, name, text, source_name, sha256, imported_at, "
                             "language, characters, words, metadata, position) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", docs)
            conn.executemany("INSERT INTO turns (document_id, start, end, speaker, timestamp, seconds) "
                             "VALUES (?,?,?,?,?,?)", turns)
            conn.executemany("INSERT INTO units (document_id, kind, start, end) VALUES (?,?,?,?)", units)
            cases = sorted({c for _, c in doc_cases})
            conn.executemany("INSERT INTO cases (id, guid, name) VALUES (?, ?, ?)",
                             [(c, str(uuid.UUID(int=rng.getrandbits(128))).upper(), f"case {c:04d}") for c in cases])
            conn.execute("INSERT INTO attributes (id, name, type) VALUES (1, 'role', 'text')")
            conn.executemany("INSERT INTO case_values (case_id, attribute_id, value) VALUES (?, 1, ?)",
                             [(c, ROLES[c % len(ROLES)]) for c in cases])
            conn.executemany("INSERT INTO document_cases (document_id, case_id) VALUES (?, ?)", doc_cases)
            conn.executemany("INSERT INTO segments (id, guid, document_id, start, end, code_id, coder_id, memo, "
                             "created, updated) VALUES (?,?,?,?,?,?,?,?,?,?)", segs)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    os.replace(partial, path)  # atomic: a reader sees no file or the whole file
    for suffix in ("-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    return path


if __name__ == "__main__":
    import time

    began = time.perf_counter()
    built = build(int(sys.argv[1]), int(sys.argv[2]))
    print(f"{built} in {time.perf_counter() - began:.1f} s")
