"""Events are counted where a scrape can read them, and only there is prometheus-client loaded."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tests.fresh_interpreter import last_json

# A fresh interpreter: a worker's start decides, then its sends count a failure and a pacing.
A_WORKER_COUNTS = """
import json, sys, types
from workers.main import count_where_scraped
from warmline.core import metrics
count_where_scraped(types.SimpleNamespace(prometheus_multiproc_dir=sys.argv[1] or None))
metrics.SEND_FAILURES.labels(outcome="failed").inc()
metrics.SENDS_PACED.inc()
loaded = "prometheus_client" in sys.modules
paced = metrics.registry().get_sample_value("warmline_sends_paced_total") if loaded else None
print(json.dumps({"loaded": loaded, "paced": paced}))
"""


def _worker_counts(directory: Path | None) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    if directory is not None:
        env["PROMETHEUS_MULTIPROC_DIR"] = str(directory)
    return last_json(A_WORKER_COUNTS, str(directory or ""), env=env)


def test_a_worker_without_a_shared_directory_counts_nowhere_and_loads_no_prometheus() -> None:
    assert _worker_counts(None) == {"loaded": False, "paced": None}


def test_a_worker_with_the_shared_directory_counts_into_it(tmp_path: Path) -> None:
    assert _worker_counts(tmp_path) == {"loaded": True, "paced": 1.0}
    # Its counts are in the directory, where the web's scrape adds them up.
    assert any(tmp_path.glob("counter_*.db"))
