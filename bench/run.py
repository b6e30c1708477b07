"""Every benchmark in one run: prints each one's figures and a summary, and writes bench/RESULTS.md.

    .venv/bin/python bench/run.py            # or: make bench

Runs, one after the other on the same machine: the webhook against bare Flask (bench/webhook.py),
end-to-end relay latency and memory (bench/relay.py), the rota at 10 and 1,000 volunteers
(bench/rota.py), the dashboard at 1,000 and 100,000 log rows (bench/dashboard.py) and a paced
send's Redis cost against a PING (bench/pacer.py) and reading a first text's language against
str.lower (bench/languages.py). Each
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
BENCHMARKS = (
    (
        "webhook",
        "webhook.py",
        "Warmline webhook req/s at least 0.30 of bare Flask (2 gunicorn workers)",
    ),
    (
        "relay",
        "relay.py",
        "relay p95 under 100 ms at 20 texts/s on one worker; web and worker each under 100 MB",
    ),
    ("rota", "rota.py", "1,000 volunteers cost at most 5x 10 volunteers"),
    ("dashboard", "dashboard.py", "100,000 log rows cost at most 3x 1,000"),
    (
        "pacer",
        "pacer.py",
        "a paced take costs at most 3x a Redis PING, alone and 8 threads on one bucket",
    ),
    (
        "languages",
        "languages.py",
        "a first text's language read right for at least 95% of each language's set",
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
    for name, script, target in BENCHMARKS:
        began = time.monotonic()
        done = subprocess.run(
            [sys.executable, str(BENCH / script)], capture_output=True, text=True, check=False
        )
        took = time.monotonic() - began
        output = (done.stdout + done.stderr).strip()
        print(f"== {name} ({took:.0f} s, exit {done.returncode})\n{output}\n", flush=True)
        sections.append(f"## {name}\n\nTarget: {target}.\n\n```\n{output}\n```\n")
        summary.append(
            f"| {name} | {target} | {VERDICT.get(done.returncode, 'failed')} | {took:.0f} s |"
        )
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
    (BENCH / "RESULTS.md").write_text("\n".join(header) + "\n" + "\n".join(sections))
    print("\n".join(header[5:]))
    return worst


if __name__ == "__main__":
    sys.exit(main())
