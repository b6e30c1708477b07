"""Caring check-ins are durable: every worker killed between two of them, none is lost or doubled.

The deployed platform (gunicorn, `warmline worker` processes, PostgreSQL, Redis, Prism): a peer
offers check-ins at DONE, the texter says YES, the first check-in arrives; then every worker is
SIGKILLed, the second check-in falls due with no worker alive, and the restarted workers' sweeper
sends it, once.
"""

from __future__ import annotations

import os
import signal
import time
from datetime import UTC, datetime

import pytest

from tests.e2e.deployment import Line, Platform

pytestmark = pytest.mark.e2e

CHECK_IN = "checking in as you asked"
FIRST_S, SECOND_S = 10, 30
ARRIVAL_TIMEOUT = 30.0


def check_ins(line: Line, texter: str) -> list[str]:
    return [b for b in line.bodies_to(texter) if CHECK_IN in b]


def kill_every_worker(platform: Platform) -> None:
    """SIGKILL each worker's process group: no clean shutdown, nothing finished."""
    for worker in platform.workers:
        os.killpg(worker.popen.pid, signal.SIGKILL)
        worker.popen.wait(10)


def start_workers_again(platform: Platform) -> None:
    """New worker processes from the Procfile, in place of the dead ones."""
    for index, dead in enumerate(platform.workers):
        assert not dead.running
        platform.restart_worker(index)


def test_check_ins_arrive_once_each_though_every_worker_was_killed_between_them(
    new_line: Line, restarted_workers: None
) -> None:
    platform = new_line.platform
    platform.cli("line", "set", new_line.number, f"followup_after={FIRST_S}s, {SECOND_S}s")
    sam = new_line.add_volunteer("Sam")
    texter = new_line.new_texter()
    new_line.send(texter, "hello, it has been a long week")
    ref = new_line.offered_ref(sam)
    new_line.send(sam, ref)
    new_line.wait_for(texter, "A peer is here now")
    new_line.send(sam, "DONE CHECKIN")
    new_line.wait_for(texter, "Would you like")
    new_line.send(texter, "YES")
    new_line.wait_for(texter, "We'll check in")

    new_line.wait_for(texter, CHECK_IN, count=1, timeout=FIRST_S + ARRIVAL_TIMEOUT)
    new_line.settle()
    kill_every_worker(platform)

    second_due = platform.scalar(
        "SELECT max(due_at) FROM check_ins WHERE line_id = :l", l=new_line.id
    )
    assert second_due is not None
    time.sleep(max(0.0, (second_due - datetime.now(UTC)).total_seconds()) + 3)
    assert len(check_ins(new_line, texter)) == 1  # due, but nobody alive to send it

    start_workers_again(platform)
    new_line.wait_for(texter, CHECK_IN, count=2, timeout=ARRIVAL_TIMEOUT)
    new_line.settle()
    time.sleep(3)  # several more sweeps: nothing is sent twice
    assert len(check_ins(new_line, texter)) == 2
    assert {t.from_ for t in new_line.texts_to(texter)} == {new_line.number}
    states = platform.rows(
        "SELECT sequence, sent_at IS NOT NULL, cancelled_at IS NULL FROM check_ins "
        "WHERE line_id = :l ORDER BY sequence",
        l=new_line.id,
    )
    assert [tuple(r) for r in states] == [(1, True, True), (2, True, True)]
    counted = platform.scalar(
        "SELECT sum(check_ins) FROM contact_counts WHERE line_id = :l", l=new_line.id
    )
    assert counted == 2
    platform.assert_services_running()
