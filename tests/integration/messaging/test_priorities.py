"""While a number's pace holds texts back, people's words go before offers and notices."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from tests.integration.conftest import Line
from tests.integration.conversations.test_sms_flow import TEXTER
from warmline.core.clock import utcnow
from warmline.messaging.pacer import LocalPacer
from warmline.messaging.rules.pacing import Pace
from warmline.models import Conversation
from warmline.ops.sweeper import sweep
from workers import jobs

ONE_A_SECOND = Pace(rate_per_s=1.0, burst=10)  # the default pace of a long code
PEERS = [f"+1555007{n:04d}" for n in range(18)]


class Clock:
    """The time the worker and the sweeper read, moved on by the test."""

    def __init__(self) -> None:
        self.start = utcnow().replace(microsecond=0)
        self.now = self.start

    def __call__(self) -> datetime:
        return self.now

    def at(self, seconds: float) -> None:
        self.now = self.start + timedelta(seconds=seconds)


@pytest.fixture
def clock(line: Line, monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Eighteen peers on shift, the line paced at one segment a second, time in the test's hand."""
    for n, phone in enumerate(PEERS):
        line.add_volunteer(f"Peer{n}", phone)
    line.rt.pacer = LocalPacer(ONE_A_SECOND)
    clock = Clock()
    monkeypatch.setattr(jobs, "utcnow", clock)
    return clock


def sweep_at(line: Line, clock: Clock, seconds: float) -> None:
    clock.at(seconds)
    sweep(line.rt, clock=clock)
    line.drain()


def test_after_a_burst_of_claims_the_texters_next_words_reach_the_winner_within_3_s(
    line: Line, clock: Clock
) -> None:
    line.text(TEXTER, "hi, is anyone there")
    with line.rt.db.session() as session:
        ref = session.scalars(select(Conversation.ref)).one()
    winner = PEERS[-1]  # offered last: its offer is still held back by the pace

    clock.at(1)
    for phone in [winner, *PEERS[:-1]]:  # eighteen claims at once, the winner's first
        assert line.post_sms(phone, ref).status_code == 200
    line.drain()

    clock.at(2)
    line.text(TEXTER, "I just need to talk to someone")
    words = f"#{ref}: I just need to talk to someone"
    arrived = None
    for seconds in (2, 3, 4, 5, 6, 8, 10, 20, 40, 60):
        if seconds > 2:
            sweep_at(line, clock, seconds)  # the sweeper, as each worker runs it every second
        if words in line.sent_to(winner):
            arrived = seconds
            break
    assert arrived is not None and arrived - 2 <= 3, f"arrived at {arrived}s"
    # Order per person holds: the winner heard the offer and the claim before the words.
    winners = line.sent_to(winner)
    assert winners.index(words) > max(i for i, b in enumerate(winners) if f"You have #{ref}" in b)


def test_held_back_notices_and_offers_all_go_in_the_end_in_order_per_person(
    line: Line, clock: Clock
) -> None:
    line.text(TEXTER, "hello")
    with line.rt.db.session() as session:
        ref = session.scalars(select(Conversation.ref)).one()
    clock.at(1)
    for phone in PEERS:
        assert line.post_sms(phone, ref).status_code == 200
    line.drain()
    for seconds in range(2, 80, 2):
        sweep_at(line, clock, seconds)
    for phone in PEERS[1:]:
        bodies = line.sent_to(phone)
        offer = next(i for i, b in enumerate(bodies) if "waiting to talk" in b)
        taken = next(i for i, b in enumerate(bodies) if "taken by another peer" in b)
        assert offer < taken
        assert any("no longer waiting" in b for b in bodies[taken:])
