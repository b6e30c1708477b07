"""Every benchmark in one run: prints each one's figures and a summary, and writes bench/RESULTS.md.

    .venv/bin/python bench/run.py            # or: make bench

Runs, one after the other on the same machine: the webhook against bare Flask (bench/webhook.py),
end-to-end relay latency and memory (bench/relay.py, the fake Twilio over HTTPS: an instant carrier
and a carrier taking 150 ms a text on one worker, each with the soak; and 100 texts/s on two
workers, figures only), the rota at 10 and 1,000 volunteers (bench/rota.py), the dashboard at 1,000
and 100,000 log rows (bench/dashboard.py), a paced send's Redis cost against a PING
(bench/pacer.py) and reading a first text's language against str.lower (bench/languages.py). Each
compares against its own baseline measured in the same invocation. Exit status: the worst of
theirs (0 all targets met, 1 a target missed, 2 a tool or service missing).
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
# What was learnt beside the figures (choices and the runs behind them), kept across regenerations.
NOTES = BENCH / "NOTES.md"
TWO_WORKERS: tuple[str, ...] = ("relay.py", "--carrier-ms", "150", "--conversations", "100")
TWO_WORKERS += ("--rate", "100", "--workers", "2", "--no-soak")
# (name, script and its arguments, target, judged): an unjudged run prints figures only.
BENCHMARKS: tuple[tuple[str, tuple[str, ...], str, bool], ...] = (
    (
        "webhook",
        ("webhook.py",),
        "Warmline webhook req/s at least 0.30 of bare Flask (2 gunicorn workers)",
        True,
    ),
    (
        "relay",
        ("relay.py",),
        "instant carrier, 20 texts/s over 50 conversations on one worker: p50 under 25 ms, p95"
        " under 100 ms; web and worker each under 100 MB after the soak",
        True,
    ),
    (
        "relay at 150 ms",
        ("relay.py", "--carrier-ms", "150", "--conversations", "20"),
        "a carrier taking 150 ms a text, 20 texts/s over 20 conversations on one worker: p95"
        " under 250 ms; web and worker each under 100 MB after the soak",
        True,
    ),
    (
        "relay on two workers",
        TWO_WORKERS,
        "100 texts/s over 100 conversations on two workers, 150 ms carrier: figures only",
        False,
    ),
    ("rota", ("rota.py",), "1,000 volunteers cost at most 5x 10 volunteers", True),
    ("dashboard", ("dashboard.py",), "100,000 log rows cost at most 3x 1,000", True),
    (
        "pacer",
        ("pacer.py",),
        "a paced take costs at most 3x a Redis PING, alone and 8 threads on one bucket",
        True,
    ),
    (
        "languages",
        ("languages.py",),
        "a first text's language read right for at least 95% of each language's set",
        True,
    ),
)
VERDICT = {0: "met", 1: "MISSED", 2: "not run (tool or service missing)"}


def machine() -> str:
    """One line about the machine the figures come from."""
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{platform.node()}: {os.cpu_count()} cores, {model}, Python {platform.python_version()}, load {load:.2f}"


def main() -> int:
    """Run them all, print, write RESULTS.md."""
    sections = []
    summary = []
    worst = 0
    for name, (script, *arguments), target, judged in BENCHMARKS:
        began = time.monotonic()
        done = subprocess.run(
            [sys.executable, str(BENCH / script), *arguments],
            capture_output=True,
            text=True,
            check=False,
        )
        took = time.monotonic() - began
        output = (done.stdout + done.stderr).strip()
        print(f"== {name} ({took:.0f} s, exit {done.returncode})\n{output}\n", flush=True)
        sections.append(f"## {name}\n\nTarget: {target}.\n\n```\n{output}\n```\n")
        verdict = VERDICT.get(done.returncode, "failed")
        if not judged and done.returncode in (0, 1):
            verdict = "figures"
        summary.append(f"| {name} | {target} | {verdict} | {took:.0f} s |")
        if judged or done.returncode not in (0, 1):
            worst = max(worst, done.returncode)
    header = [
        "# Benchmark results",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}.",
        "Each benchmark measures its baseline in the same invocation; figures from a busy machine"
        " are noise, not regressions.",
        "",
        "| benchmark | target | result | time |",
        "| --- | --- | --- | --- |",
        *summary,
        "",
    ]
    notes = NOTES.read_text() if NOTES.exists() else ""
    (BENCH / "RESULTS.md").write_text(
        "\n".join(header) + "\n" + "\n".join(sections) + ("\n" + notes if notes else "")
    )
    print("\n".join(header[5:]))
    return worst


if __name__ == "__main__":
    sys.exit(main())
