"""The Prometheus endpoint: hidden without a token, and what it tells about the line."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from tests.conftest import LINE_NUMBER
from tests.integration.conftest import Line
from tests.integration.conversations.test_sms_flow import RILEY, TEXTER
from warmline.lines.lines import get_line
from warmline.models import Conversation
from warmline.ops.scrape import render
from warmline.ops.sweeper import sweep
from warmline.runtime import Runtime

TOKEN = "metrics-token-0123456789"


def sample(exposition: str, name: str, **labels: str) -> float | None:
    """The value of one sample in a Prometheus text exposition."""
    for family in text_string_to_metric_families(exposition):
        for s in family.samples:
            if s.name == name and s.labels == labels:
                return float(s.value)
    return None


def scrape(line: Line, token: str | None = TOKEN) -> tuple[int, str]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = line.client.get("/metrics", headers=headers)
    return response.status_code, response.get_data(as_text=True)


def with_token(rt: Runtime) -> None:
    rt.settings = replace(rt.settings, metrics_token=TOKEN)


def line_id(line: Line) -> str:
    with line.rt.db.session() as session:
        return str(get_line(session, LINE_NUMBER).id)


def test_without_a_token_configured_the_endpoint_does_not_exist(line: Line) -> None:
    assert scrape(line)[0] == 404


def test_a_missing_or_wrong_token_is_refused(line: Line) -> None:
    with_token(line.rt)
    assert scrape(line, None)[0] == 401
    assert scrape(line, "metrics-token-wrong-guess")[0] == 401
    assert scrape(line)[0] == 200


def test_queues_waits_and_webhook_latency_are_reported(line: Line) -> None:
    with_token(line.rt)
    line.fake.fail_for(TEXTER, 503, 20500)  # the greeting stays queued, to be retried
    line.text(TEXTER, "hello?")  # nobody on shift: the conversation waits
    ours = line_id(line)
    status, exposition = scrape(line)
    assert status == 200
    assert sample(exposition, "warmline_database_up") == 1.0
    assert sample(exposition, "warmline_redis_up") == 1.0
    assert sample(exposition, "warmline_rq_queue_length") == 0.0
    assert sample(exposition, "warmline_conversations_waiting", line=ours) == 1.0
    assert (sample(exposition, "warmline_outbox_queued", line=ours) or 0) >= 1.0
    count = sample(exposition, "warmline_webhook_duration_seconds_count", endpoint="/twilio/sms")
    assert count is not None and count >= 1
    assert (sample(exposition, "warmline_send_failures_total", outcome="retry") or 0) >= 1

    with line.rt.db.session() as session:
        since = session.scalar(select(Conversation.waiting_since))
    assert since is not None
    later = render(line.rt, since + timedelta(seconds=90)).decode()
    assert sample(later, "warmline_oldest_waiting_seconds", line=ours) == 90.0


def test_a_text_the_queue_cannot_take_shows_in_the_queue_length(line: Line) -> None:
    with_token(line.rt)
    response = line.post_sms(TEXTER, "hello?")  # stored and queued, not yet worked
    assert response.status_code == 200
    assert sample(scrape(line)[1], "warmline_rq_queue_length") == 1.0


def test_escalations_are_counted_per_line(line: Line) -> None:
    with_token(line.rt)
    line.add_volunteer("Riley", RILEY, role="coordinator")
    line.text(TEXTER, "hello?")
    with line.rt.db.session() as session:
        since = session.scalar(select(Conversation.waiting_since))
    assert since is not None
    sweep(line.rt, clock=lambda: since + timedelta(minutes=6))
    ours = line_id(line)
    assert sample(scrape(line)[1], "warmline_escalations_last_day", line=ours) == 1.0


MULTIPROCESS_CHILD = textwrap.dedent(
    """
    from warmline.core import metrics
    metrics.SEND_FAILURES.labels(outcome="failed").inc(3)
    """
)


def test_with_a_multiprocess_directory_every_process_counts(tmp_path: Path) -> None:
    """gunicorn's workers each count; a scrape in any one of them adds them all up."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for _ in range(2):
        subprocess.run([sys.executable, "-c", MULTIPROCESS_CHILD], env=env, check=True)
    scraper = textwrap.dedent(
        f"""
        import sys
        from unittest import mock
        from warmline.ops.scrape import render
        rt = mock.Mock()
        rt.settings.prometheus_multiproc_dir = {str(tmp_path)!r}
        rt.db.session.side_effect = __import__("sqlalchemy").exc.OperationalError("x", {{}}, None)
        sys.stdout.write(render(rt, None).decode())
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", scraper], env=env, check=True, capture_output=True, text=True
    )
    assert sample(done.stdout, "warmline_send_failures_total", outcome="failed") == 6.0
    assert sample(done.stdout, "warmline_database_up") == 0.0


def test_each_response_carries_a_request_id_never_one_shaped_like_a_number(line: Line) -> None:
    kept = line.client.get("/healthz", headers={"X-Request-Id": "proxy-abc-123456"})
    assert kept.headers["X-Request-Id"] == "proxy-abc-123456"
    made = line.client.get("/healthz", headers={"X-Request-Id": "15550009001"})
    assert made.headers["X-Request-Id"] != "15550009001"
    assert len(made.headers["X-Request-Id"]) == 16
