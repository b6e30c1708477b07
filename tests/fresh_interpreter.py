"""Running a script in a fresh interpreter, for what a process loads or sets only as it starts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def last_json(script: str, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run `script` with `args` in a fresh interpreter; the JSON object its last line printed."""
    ran = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    answer: dict[str, Any] = json.loads(ran.stdout.splitlines()[-1])
    return answer
