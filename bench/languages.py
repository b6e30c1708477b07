"""How well a texter's language is read from their first text, and what reading it costs.

Run from the repository root:

    .venv/bin/python bench/languages.py

It reads the team's own short first texts (bench/data/first_texts_en.txt and _es.txt, one a line)
and, for a line whose languages are en,es, prints per language: how many were read right by the
detector alone and by the line's rule (greeting words, then the detector, then the line's default
below the confidence threshold), and how often the rule fell back to the default. Then the cost per
text of the rule, against str.lower on the same texts in the same run, and the memory (RSS) the
detector's models added to this process.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from warmline.conversations.rules.languages import CONFIDENCE, best_guess, detect

DATA = Path(__file__).parent / "data"
LANGUAGES = ("en", "es")
ROUNDS = 5


def rss_kib() -> int:
    """This process's resident memory in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def texts(language: str) -> list[str]:
    """The team's first texts in `language`."""
    path = DATA / f"first_texts_{language}.txt"
    return [t.strip() for t in path.read_text(encoding="utf-8").splitlines() if t.strip()]


def cost_us(read: Callable[[str], object], sample: list[str]) -> float:
    """Microseconds per text for `read`, over a few rounds of the whole sample."""
    started = time.perf_counter()
    for _ in range(ROUNDS):
        for text in sample:
            read(text)
    return (time.perf_counter() - started) / (ROUNDS * len(sample)) * 1e6


# What the rule must read right of each language's set, whichever the line's default.
TARGET = 0.95


def main() -> int:
    """Print accuracy per language, fallbacks, cost per text and memory."""
    before = rss_kib()
    best_guess("warm up", LANGUAGES)  # loads the models once, as a worker does on its first text
    added_mib = (rss_kib() - before) / 1024
    print(f"confidence threshold {CONFIDENCE}; line languages en,es; default en and es")
    everything: list[str] = []
    met = True
    for language in LANGUAGES:
        sample = texts(language)
        everything += sample
        alone = sum(best_guess(t, LANGUAGES)[0] == language for t in sample)
        for default in LANGUAGES:
            read = [detect(t, LANGUAGES, default) for t in sample]
            right = sum(r == language for r in read)
            met = met and right >= TARGET * len(sample)
            # A default no text can be read as shows exactly where the rule fell back.
            fell_back = sum(detect(t, LANGUAGES, "?") == "?" for t in sample)
            print(
                f"{language}: {len(sample)} texts; detector alone {alone}/{len(sample)} "
                f"({alone / len(sample):.1%}); rule with default {default}: "
                f"{right}/{len(sample)} ({right / len(sample):.1%}); "
                f"fell back to the default {fell_back}"
            )
    baseline = cost_us(str.lower, everything)
    rule = cost_us(lambda t: detect(t, LANGUAGES, "en"), everything)
    print(
        f"cost per text: rule {rule:.1f} µs, str.lower {baseline:.2f} µs "
        f"({len(everything)} texts x {ROUNDS})"
    )
    print(f"memory added by loading the en and es models: {added_mib:.1f} MiB RSS")
    print(
        f"target: the rule reads at least {TARGET:.0%} of each set right -> {'ok' if met else 'FAIL'}"
    )
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
