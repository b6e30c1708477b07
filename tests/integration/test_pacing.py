"""Pacing per sending number: a burst goes, the rest wait their turn, in order, never dropped."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import select

from tests.conftest import LINE_NUMBER, make_settings
from tests.integration.conftest import Line
from tests.integration.test_sms_flow import ALEX, SAM
from warmline import runtime
from warmline.domain.delivery import MAX_ATTEMPTS
from warmline.domain.pacing import Pace
from warmline.models import Outbox, Volunteer
from warmline.pacer import REDIS_RETRY_AFTER_S, LocalPacer, Pacer, RedisPacer
from warmline.services import admin, outbox
from warmline.services.sweeper import sweep
from warmline.timeutil import utcnow

THREE_THEN_ONE_A_SECOND = Pace(rate_per_s=1.0, burst=3)
T0 = utcnow().replace(microsecond=0)


def at(seconds: float) -> Callable[[], datetime]:
    return lambda: T0 + timedelta(seconds=seconds)


def queue(line: Line, name: str, *bodies: str, now: datetime = T0) -> list[int]:
    """Write texts from the line to a volunteer at `now`, as a service would."""
    with line.rt.db.session() as session:
        the_line = admin.get_line(session, LINE_NUMBER)
        volunteer = session.scalar(select(Volunteer).where(Volunteer.name == name))
        assert volunteer is not None
        rows = [
            outbox.add(session, line.rt.vault, line=the_line, body=b, now=now, volunteer=volunteer)
            for b in bodies
        ]
        session.commit()
        return [row.id for row in rows]


def send(line: Line, outbox_id: int, seconds: float, pacer: Pacer) -> None:
    outbox.send(line.rt.db, line.rt.vault, line.rt.transport, outbox_id, at(seconds), pacer)


def statuses(line: Line, ids: list[int]) -> list[tuple[str, datetime]]:
    with line.rt.db.session() as session:
        rows = session.scalars(select(Outbox).where(Outbox.id.in_(ids)).order_by(Outbox.id))
        return [(row.status, row.due_at) for row in rows]


@pytest.fixture
def two_peers(line: Line) -> Line:
    line.add_volunteer("Sam", SAM)
    line.add_volunteer("Alex", ALEX)
    return line


def test_a_burst_goes_at_once_and_the_rest_wait_in_order_and_are_never_dropped(
    two_peers: Line,
) -> None:
    line, pacer = two_peers, LocalPacer(THREE_THEN_ONE_A_SECOND)
    ids = queue(line, "Sam", "one", "two", "three", "four", "five")
    send(line, ids[-1], 0, pacer)
    assert line.sent_to(SAM) == ["one", "two", "three"]
    waiting = statuses(line, ids)[3:]
    assert [s for s, _ in waiting] == ["queued", "queued"]
    assert waiting[0][1] == T0 + timedelta(seconds=1)  # due when the bucket has a segment

    send(line, ids[-1], 0.5, pacer)  # too early: nothing moves, nothing is lost
    assert line.sent_to(SAM) == ["one", "two", "three"]
    send(line, ids[-1], 1, pacer)
    send(line, ids[-1], 2, pacer)
    assert line.sent_to(SAM) == ["one", "two", "three", "four", "five"]
    assert {s for s, _ in statuses(line, ids)} == {"sent"}


def test_a_long_text_costs_its_segments_and_the_number_is_shared_by_all_its_recipients(
    two_peers: Line,
) -> None:
    line, pacer = two_peers, LocalPacer(THREE_THEN_ONE_A_SECOND)
    long_text = "word " * 80  # 400 GSM-7 characters: three segments
    [long_id] = queue(line, "Sam", long_text)
    [short_id] = queue(line, "Alex", "hello")
    send(line, long_id, 0, pacer)
    send(line, short_id, 0, pacer)
    assert len(line.sent_to(SAM)) == 1 and line.sent_to(ALEX) == []
    send(line, short_id, 1, pacer)
    assert line.sent_to(ALEX) == ["hello"]


def test_the_sweeper_paces_with_the_runtimes_pacer(two_peers: Line) -> None:
    line = two_peers
    line.rt.pacer = LocalPacer(THREE_THEN_ONE_A_SECOND)
    ids = queue(line, "Sam", "a", "b", "c", "d")
    due = outbox.SWEEPER_GRACE.total_seconds()
    sweep(line.rt, clock=at(due))
    assert line.sent_to(SAM) == ["a", "b", "c"]
    sweep(line.rt, clock=at(due + 1))
    assert line.sent_to(SAM) == ["a", "b", "c", "d"]
    assert {s for s, _ in statuses(line, ids)} == {"sent"}


def test_every_process_spends_from_one_bucket_in_redis(redis_url: str) -> None:
    redis = Redis.from_url(redis_url)
    redis.delete("warmline:pace:line:test-shared")
    web, worker = (RedisPacer(redis, THREE_THEN_ONE_A_SECOND) for _ in range(2))
    assert [web.take("line:test-shared", 1, 100.0) for _ in range(2)] == [0.0, 0.0]
    assert worker.take("line:test-shared", 1, 100.0) == 0.0
    assert worker.take("line:test-shared", 1, 100.0) == pytest.approx(1.0)
    assert web.take("line:test-shared", 1, 101.0) == 0.0
    web.hold("line:test-shared", 20.0, 101.0)
    assert worker.take("line:test-shared", 1, 110.0) > 0  # the carrier's "too many" holds both
    assert worker.take("line:test-shared", 1, 122.0) == 0.0
    assert 0 < redis.ttl("warmline:pace:line:test-shared") <= 3600
    redis.delete("warmline:pace:line:test-shared")


class FlakyRedis:
    """A Redis that is down until told otherwise, counting how often it was asked."""

    def __init__(self, real: Redis) -> None:
        self.real = real
        self.down = True
        self.asked = 0

    def pipeline(self) -> Any:
        self.asked += 1
        if self.down:
            raise RedisConnectionError("connection refused")
        return self.real.pipeline()


def test_with_redis_down_each_process_paces_itself_and_asks_redis_again_later(
    redis_url: str,
) -> None:
    flaky = FlakyRedis(Redis.from_url(redis_url))
    flaky.real.delete("warmline:pace:line:test-flaky")
    pacer = RedisPacer(flaky, THREE_THEN_ONE_A_SECOND)  # type: ignore[arg-type]
    assert [pacer.take("line:test-flaky", 1, 0.0) for _ in range(4)] == [0.0, 0.0, 0.0, 1.0]
    assert flaky.asked == 1  # after one failure this process paces on its own for a while
    flaky.down = False
    assert pacer.take("line:test-flaky", 1, 1.0) == 0.0
    assert flaky.asked == 1
    assert pacer.take("line:test-flaky", 1, REDIS_RETRY_AFTER_S + 1) == 0.0
    assert flaky.asked == 2  # and then Redis again
    flaky.real.delete("warmline:pace:line:test-flaky")


def test_texts_still_go_when_redis_cannot_be_reached_at_all(two_peers: Line) -> None:
    line = two_peers
    nowhere = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    pacer = RedisPacer(nowhere, THREE_THEN_ONE_A_SECOND)
    ids = queue(line, "Sam", "still", "here")
    send(line, ids[-1], 0, pacer)
    assert line.sent_to(SAM) == ["still", "here"]


def test_too_many_requests_holds_the_number_with_a_growing_wait_and_never_gives_up(
    two_peers: Line,
) -> None:
    line, pacer = two_peers, LocalPacer(Pace(rate_per_s=1.0, burst=10))
    line.fake.fail_for(SAM, 429, 20429)
    [to_sam] = queue(line, "Sam", "are you there?")
    [to_alex] = queue(line, "Alex", "hello")
    now, waits = 0.0, []
    for _ in range(MAX_ATTEMPTS + 2):
        send(line, to_sam, now, pacer)
        [(status, due_at)] = statuses(line, [to_sam])
        assert status == "queued"
        waits.append((due_at - (T0 + timedelta(seconds=now))).total_seconds())
        now = (due_at - T0).total_seconds()
    assert waits[0] == 5 and waits == sorted(waits) and waits[-1] > waits[0]

    send(line, to_alex, now - 1, pacer)  # the whole number is held, not just that text
    assert line.sent_to(ALEX) == []
    line.fake.failures.clear()
    send(line, to_sam, now, pacer)
    send(line, to_alex, now + 1, pacer)  # paced behind it, one segment a second
    assert line.sent_to(SAM)[-1] == "are you there?" and line.sent_to(ALEX) == ["hello"]


def test_twilio_texts_are_paced_in_redis_or_in_process_and_console_texts_never(
    tmp_path: Path, redis_url: str
) -> None:
    paced = replace(
        make_settings(f"sqlite:///{tmp_path / 'p.sqlite3'}", None, tmp_path), send_rate_per_s=1.0
    )
    embedded = runtime.build(paced).pacer
    assert isinstance(embedded, LocalPacer) and embedded.pace == Pace(1.0, 10)
    shared = runtime.build(replace(paced, redis_url=redis_url)).pacer
    assert isinstance(shared, RedisPacer) and shared.pace == Pace(1.0, 10)
    console = runtime.build(replace(paced, twilio_account_sid=None)).pacer
    assert isinstance(console, LocalPacer) and console.pace.unlimited
