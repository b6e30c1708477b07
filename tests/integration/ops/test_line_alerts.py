"""The on-call coordinator hears once per incident when texts keep failing or the queue stalls."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, select

from tests.integration.conftest import Line
from tests.integration.conversations.test_sms_flow import RILEY, SAM, TEXTER
from tests.integration.messaging.test_pacing import queue
from warmline.core.clock import utcnow
from warmline.messaging import outbox
from warmline.models import Conversation, Timer
from warmline.ops import line_alerts
from warmline.ops.sweeper import sweep


@pytest.fixture
def watched(line: Line) -> Line:
    """Sam on shift and Riley the on-call coordinator."""
    line.add_volunteer("Sam", SAM)
    line.add_volunteer("Riley", RILEY, role="coordinator")
    return line


def fail_texts(line: Line, count: int, when: datetime, code: int = 21211) -> None:
    """`count` texts to Sam that the carrier refuses for good at `when`."""
    line.fake.fail_for(SAM, 400, code)
    for outbox_id in queue(line, "Sam", *[f"text {n}" for n in range(count)], now=when):
        outbox.send(line.rt.db, line.rt.vault, line.rt.transport, outbox_id, lambda: when)
    line.fake.failures.clear()


def check(line: Line, when: datetime) -> list[str]:
    """Run the alert check at `when` and send what it wrote; the alerts Riley got."""
    before = len(line.sent_to(RILEY))
    for outbox_id in line_alerts.check(line.rt.db, line.rt.vault, when):
        outbox.send(line.rt.db, line.rt.vault, line.rt.transport, outbox_id, lambda: when)
    return line.sent_to(RILEY)[before:]


def test_repeated_send_failures_alert_the_coordinator_once_per_incident(watched: Line) -> None:
    line, t0 = watched, utcnow()
    fail_texts(line, 4, t0)
    assert check(line, t0) == []
    fail_texts(line, 1, t0)
    [alert] = check(line, t0)
    assert "5 texts could not be sent in the last 10 min" in alert

    fail_texts(line, 3, t0 + timedelta(minutes=2))
    assert check(line, t0 + timedelta(minutes=2)) == []  # the same incident
    assert check(line, t0 + timedelta(minutes=11)) == []  # failures still in the window
    assert check(line, t0 + timedelta(minutes=13)) == []  # quiet: the incident is over

    later = t0 + timedelta(minutes=20)
    fail_texts(line, 5, later)
    assert len(check(line, later)) == 1  # a new incident


def test_texts_to_people_who_opted_out_are_no_incident(watched: Line) -> None:
    t0 = utcnow()
    fail_texts(watched, 6, t0, code=21610)
    assert check(watched, t0) == []


def test_a_text_queued_too_long_is_a_stall_told_once(watched: Line) -> None:
    line, t0 = watched, utcnow()
    line.fake.fail_for(SAM, 503, 20500)
    [stuck] = queue(line, "Sam", "are you there?", now=t0)
    outbox.send(line.rt.db, line.rt.vault, line.rt.transport, stuck, lambda: t0)
    assert check(line, t0 + timedelta(minutes=4)) == []
    [alert] = check(line, t0 + timedelta(minutes=6))
    assert "have not moved for 5 min" in alert
    assert check(line, t0 + timedelta(minutes=7)) == []

    line.fake.failures.clear()
    moving = t0 + timedelta(minutes=8)
    outbox.send(line.rt.db, line.rt.vault, line.rt.transport, stuck, lambda: moving)
    assert check(line, moving) == []  # cleared


def test_deadlines_nobody_acts_on_are_a_stall(watched: Line) -> None:
    line = watched
    line.text(TEXTER, "hello?")
    with line.rt.db.session() as session:
        conversation = session.scalars(select(Conversation)).one()
        since = conversation.waiting_since
    first_deadline = since + timedelta(seconds=120)
    assert check(line, first_deadline + timedelta(minutes=4)) == []
    assert len(check(line, first_deadline + timedelta(minutes=6))) == 1


def test_a_waiting_conversation_without_deadlines_is_a_stall(watched: Line) -> None:
    line = watched
    line.text(TEXTER, "hello?")
    with line.rt.db.session() as session:
        conversation = session.scalars(select(Conversation)).one()
        since = conversation.waiting_since
        session.execute(delete(Timer).where(Timer.conversation_id == conversation.id))
        session.commit()
    assert len(check(line, since + timedelta(minutes=6))) == 1


def test_with_nobody_on_call_the_next_coordinator_on_call_hears_of_it(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    t0 = utcnow()
    fail_texts(line, 5, t0)
    assert check(line, t0) == []
    line.add_volunteer("Riley", RILEY, role="coordinator")
    assert len(check(line, t0 + timedelta(minutes=1))) == 1


def test_the_sweepers_minute_round_checks_the_lines(watched: Line) -> None:
    line, t0 = watched, utcnow()
    fail_texts(line, 5, t0)
    sweep(line.rt, with_rota=True, clock=lambda: t0)
    assert any("could not be sent" in body for body in line.sent_to(RILEY))
