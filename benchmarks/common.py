"""Helpers shared by the benchmarks: synthetic transcripts, timing, and printing figures against targets."""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WORDS = (
    "ja nee eh nou ik weet het niet precies maar de gemeente zei dat we moesten wachten op een brief van het "
    "buurtteam en toen kwam er niks terwijl mijn buurvrouw al drie maanden op een afspraak wacht bij de "
    "corporatie over de schimmel in de badkamer dus ik denk wel eens wat doen ze eigenlijk allemaal met onze "
    "verhalen zoveel bijeenkomsten en vragenlijsten café één twee drie Fatima Sanne Kees Geuzenveld"
).split()


def synthetic_transcript(words: int, seed: int, emoji: bool = False) -> str:
    """A transcript of about ``words`` words in turns ``Interviewer:`` / ``R:`` with sentences of 5–25 words."""
    rng = random.Random(seed)
    lines: list[str] = [f"Synthetisch interview {seed}", "Datum: 1 januari 2026", ""]
    written = 0
    speaker = 0
    while written < words:
        sentences = []
        for _ in range(rng.randint(1, 6)):
            length = rng.randint(5, 25)
            sentence = " ".join(rng.choice(WORDS) for _ in range(length))
            if emoji and rng.random() < 0.1:
                sentence += " 😀"
            sentences.append(sentence[0].upper() + sentence[1:] + rng.choice(".?!."))
            written += length
        label = ("Interviewer", "R")[speaker]
        lines.append(f"{label}: " + " ".join(sentences))
        lines.append("")
        speaker ^= 1
    return "\n".join(lines)


def median_ms(action: Callable[[], object], repeat: int) -> float:
    """The median wall time of ``action`` over ``repeat`` runs, in milliseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def timed(action: Callable[[], object]) -> tuple[float, object]:
    """Seconds taken by one run of ``action``, and its result."""
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def report(name: str, value: float, unit: str, target: str, ok: bool, note: str = "") -> None:
    """One line of figures: the measurement, the target and whether it is met."""
    mark = "meets" if ok else "MISSES"
    print(f"{name:<58} {value:>12,.2f} {unit:<8} target {target:<14} {mark}  {note}".rstrip())
