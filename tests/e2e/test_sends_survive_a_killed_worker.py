"""Texts being sent by a worker's threads when it is SIGKILLed: each person still gets every one, in
order, and at most the one text cut off at the carrier twice.

The deployed platform (gunicorn, `warmline worker` processes with their send threads, PostgreSQL,
Redis, Prism), with a carrier that takes 300 ms to accept each text so that a batch is in flight:
four peers each write six texts to their texter at once, every worker is killed while those texts
are going out, and workers started again send the rest.
"""

from __future__ import annotations

import itertools
import os
import signal
from collections.abc import Iterator

import pytest

from tests.e2e.deployment import Line, Platform
from tests.e2e.test_sms_line import claim

pytestmark = pytest.mark.e2e

PEERS = 4
TEXTS_EACH = 6
CARRIER_S = 0.3
# A text cut off at the carrier is sent again by the next send to its person or, if it was the
# last, by the sweeper once its "sending" mark is a minute old.
RECOVERY_TIMEOUT = 120.0


@pytest.fixture
def slow_carrier(platform: Platform) -> Iterator[None]:
    """The fake carrier takes CARRIER_S to accept each text during the test."""
    platform.fake.latency_s = CARRIER_S
    yield
    platform.fake.latency_s = 0.0


def without_repeats(bodies: list[str]) -> list[str]:
    """The bodies with a text sent twice in a row counted once."""
    return [body for body, _ in itertools.groupby(bodies)]


def test_a_worker_killed_mid_batch_repeats_at_most_the_cut_off_text_per_person(
    new_line: Line, restarted_workers: None, slow_carrier: None
) -> None:
    platform = new_line.platform
    pairs = []
    for n in range(PEERS):
        peer = new_line.add_volunteer(f"Peer{n}")
        texter = new_line.new_texter()
        claim(new_line, texter, peer, f"hello from texter {n}")
        pairs.append((peer, texter))
    written = {
        texter: [f"peer {n} says {k} of {TEXTS_EACH}" for k in range(1, TEXTS_EACH + 1)]
        for n, (_, texter) in enumerate(pairs)
    }
    total = PEERS * TEXTS_EACH

    def arrived(texts: list[object]) -> int:
        return sum(len([b for b in new_line.bodies_to(t) if b in written[t]]) for t in written)

    for k in range(TEXTS_EACH):
        for peer, texter in pairs:
            new_line.send(peer, written[texter][k])
    assert platform.fake.wait_until(lambda texts: arrived(texts) >= PEERS, timeout=30)
    for worker in platform.workers:
        os.killpg(worker.popen.pid, signal.SIGKILL)
        worker.popen.wait(10)
    before_restart = arrived([])
    assert before_restart < total, "the batch was sent before the kill: nothing was cut off"

    for index in range(len(platform.workers)):
        platform.restart_worker(index)
    for texter, bodies in written.items():
        new_line.wait_until(
            "every text from the peer",
            texter,
            lambda got, bodies=bodies: set(bodies) <= set(got),
            timeout=RECOVERY_TIMEOUT,
        )
    new_line.settle()

    for texter, bodies in written.items():
        got = [b for b in new_line.bodies_to(texter) if b in bodies]
        assert without_repeats(got) == bodies  # in the order written, none lost
        assert len(got) - len(bodies) <= 1  # at most the one text cut off at the carrier
    platform.assert_services_running()
