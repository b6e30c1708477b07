"""The worker that listens for stored texts is SIGKILLed: another worker takes over, and a text
that arrives meanwhile still reaches its peer.

The deployed platform (gunicorn, two `warmline worker` processes, PostgreSQL, Redis, Prism). On
PostgreSQL the web does not queue a text's job: its insert announces the text, and one worker at a
time listens and processes it on a thread of its own (or queues it, when all are busy). Which worker listens is read from pg_stat_activity, where the
listening connection is named with its process id.
"""

from __future__ import annotations

import os
import signal

import pytest

from tests.e2e.deployment import RELAY_TIMEOUT, Line, Platform
from tests.e2e.harness import Process, wait_for
from tests.e2e.test_sms_line import claim
from warmline.conversations.incoming.announced import APPLICATION
from warmline.core.jobqueue import PROCESS_INBOUND

pytestmark = pytest.mark.e2e

# A standing-by worker asks for the lock every 5 s.
TAKEOVER_TIMEOUT = 30.0


def listening_worker(platform: Platform) -> Process | None:
    """The platform's worker whose connection listens for stored texts, if one does."""
    names = platform.rows(
        "SELECT application_name FROM pg_stat_activity "
        "WHERE datname = current_database() AND application_name LIKE :listener",
        listener=f"{APPLICATION} %",
    )
    for (name,) in names:
        pid = int(name.rsplit(" ", 1)[1])
        for worker in platform.workers:
            if worker.popen.poll() is None and _group_of(pid) == worker.popen.pid:
                return worker
    return None


def inbound_jobs(platform: Platform) -> set[bytes]:
    """RQ's jobs for incoming texts, queued or kept after they ran (for 30 s)."""
    with platform.redis.client() as client:
        return {
            key
            for key in client.scan_iter(match="rq:job:*", count=1000)
            if (client.hget(key, "description") or b"").startswith(PROCESS_INBOUND.encode())
        }


def test_a_relayed_text_is_processed_by_the_listening_worker_without_a_job_in_rq(
    new_line: Line,
) -> None:
    platform = new_line.platform
    peer = new_line.add_volunteer("Kit")
    texter = new_line.new_texter()
    wait_for("a worker to listen", lambda: listening_worker(platform), TAKEOVER_TIMEOUT)
    before = inbound_jobs(platform)

    ref = claim(new_line, texter, peer, "can't sleep again")
    new_line.send(texter, "it's the quiet that gets me")
    new_line.wait_for(peer, f"#{ref}: it's the quiet that gets me", timeout=RELAY_TIMEOUT)

    assert inbound_jobs(platform) - before == set()


def _group_of(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except ProcessLookupError:
        return None


def test_a_text_arriving_as_the_listening_worker_dies_reaches_its_peer(
    new_line: Line, restarted_workers: None
) -> None:
    platform = new_line.platform
    peer = new_line.add_volunteer("Robin")
    texter = new_line.new_texter()
    ref = claim(new_line, texter, peer, "hi, is this the warmline?")

    killed = wait_for("a worker to listen", lambda: listening_worker(platform), TAKEOVER_TIMEOUT)
    os.killpg(killed.popen.pid, signal.SIGKILL)
    killed.popen.wait(10)
    new_line.send(texter, "still there? my phone died")

    new_line.wait_for(peer, f"#{ref}: still there? my phone died", timeout=RELAY_TIMEOUT)
    survivor = wait_for(
        "the other worker to take over", lambda: listening_worker(platform), TAKEOVER_TIMEOUT
    )
    assert survivor is not killed
    new_line.send(texter, "ok good")  # announced to the worker that took over
    new_line.wait_for(peer, f"#{ref}: ok good", timeout=RELAY_TIMEOUT)

    platform.restart_worker(platform.workers.index(killed))
    platform.assert_services_running()
