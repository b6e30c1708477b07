"""Pacing per sending number: a burst goes, the rest wait their turn, in order, never dropped."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import select

from tests.conftest import LINE_NUMBER, make_settings
from tests.integration.conftest import Line
from tests.integration.conversations.test_sms_flow import ALEX, SAM
from warmline import runtime
from warmline.core.clock import utcnow
from warmline.lines.lines import add_line, get_line, set_line
from warmline.messaging import outbox
from warmline.messaging.pacer import KEY_PREFIX, REDIS_RETRY_AFTER_S, LocalPacer, Pacer, RedisPacer
from warmline.messaging.rules.delivery import MAX_ATTEMPTS
from warmline.messaging.rules.pacing import Pace
from warmline.messaging.rules.priority import Priority
from warmline.models import Outbox, Volunteer
from warmline.ops.sweeper import sweep

THREE_THEN_ONE_A_SECOND = Pace(rate_per_s=1.0, burst=3)
T0 = utcnow().replace(microsecond=0)


def at(seconds: float) -> Callable[[], datetime]:
    return lambda: T0 + timedelta(seconds=seconds)


def queue(
    line: Line, name: str, *bodies: str, now: datetime = T0, number: str = LINE_NUMBER
) -> list[int]:
    """Write texts from the line `number` to a volunteer at `now`, as a service would.

    At the most urgent priority, which may spend the whole burst: these tests are about the bucket.
    """
    with line.rt.db.session() as session:
        the_line = get_line(session, number)
        volunteer = session.scalar(select(Volunteer).where(Volunteer.name == name))
        assert volunteer is not None
        rows = [
            outbox.add(
                session,
                line.rt.vault,
                line=the_line,
                body=b,
                now=now,
                volunteer=volunteer,
                priority=Priority.CRISIS,
            )
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


Step = tuple[str, float, float, float, int]  # take/hold, cost or s, s later, rate, reserve


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["take", "take", "take", "hold"]),
            st.integers(min_value=1, max_value=12).map(float),
            st.floats(min_value=0.0, max_value=30.0, allow_nan=False).map(lambda x: round(x, 3)),
            st.sampled_from([0.5, 1.0, 4.0, 30.0]),
            st.integers(min_value=0, max_value=4),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_the_bucket_in_redis_answers_exactly_as_the_pacing_rules_do(
    redis_url: str, steps: list[Step]
) -> None:
    """The Lua script and the pure rules it mirrors give the same waits, step for step."""
    redis = Redis.from_url(redis_url)
    redis.delete(KEY_PREFIX + "test-lua")
    in_redis = RedisPacer(redis, THREE_THEN_ONE_A_SECOND)
    in_process = LocalPacer(THREE_THEN_ONE_A_SECOND)
    now = 1_000.0
    for op, amount, later, rate, reserve in steps:
        now += later
        pace = replace(THREE_THEN_ONE_A_SECOND, rate_per_s=rate)
        if op == "take":
            expected = in_process.take("test-lua", int(amount), now, pace, reserve)
            got = in_redis.take("test-lua", int(amount), now, pace, reserve)
            assert got == pytest.approx(expected)
        else:
            in_process.hold("test-lua", amount, now, pace)
            in_redis.hold("test-lua", amount, now, pace)
    redis.delete(KEY_PREFIX + "test-lua")


class FlakyRedis:
    """A Redis that is down until told otherwise, counting how often it was asked."""

    def __init__(self, real: Redis) -> None:
        self.real = real
        self.down = True
        self.asked = 0

    def register_script(self, source: str) -> Callable[..., Any]:
        script = self.real.register_script(source)

        def run(**kwargs: Any) -> Any:
            self.asked += 1
            if self.down:
                raise RedisConnectionError("connection refused")
            return script(**kwargs)

        return run


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
    # Not even a line's own rate paces the console: there is no pacer to give it to.
    assert runtime.build(replace(paced, twilio_account_sid=None)).pacer is None


# A line with a rate of its own (a toll-free number, say), beside one on the default.
OWN_LINE = "+15550003333"
FOUR_A_SECOND = Pace(rate_per_s=4.0, burst=3)
UNPACED = Pace(rate_per_s=0.0, burst=3)


@pytest.fixture(params=["local", "redis"])
def pacer(request: pytest.FixtureRequest, redis_url: str) -> Iterator[Pacer]:
    """A pacer at THREE_THEN_ONE_A_SECOND by default, in this process or in Redis."""
    redis = Redis.from_url(redis_url)
    keys = [
        KEY_PREFIX + sender for sender in ("test-own", "test-hold", "test-slow", "test-lowered")
    ]
    redis.delete(*keys)
    if request.param == "local":
        yield LocalPacer(THREE_THEN_ONE_A_SECOND)
    else:
        yield RedisPacer(redis, THREE_THEN_ONE_A_SECOND)
    redis.delete(*keys)


def set_rate(line: Line, number: str, value: str) -> None:
    """`warmline line set NUMBER send_rate_per_s=VALUE`, as the CLI does it."""
    with line.rt.db.session() as session:
        set_line(session, get_line(session, number), [f"send_rate_per_s={value}"])


@pytest.fixture
def two_lines(two_peers: Line) -> Line:
    """The test line, texting Sam, and a second line, texting Alex."""
    with two_peers.rt.db.session() as session:
        add_line(session, number_raw=OWN_LINE, name="Toll-free", timezone="UTC", now=utcnow())
    return two_peers


def test_each_pacer_spends_at_the_pace_it_is_given_and_a_changed_pace_applies_at_once(
    pacer: Pacer,
) -> None:
    assert [pacer.take("test-own", 1, 100.0, FOUR_A_SECOND) for _ in range(3)] == [0.0] * 3
    assert pacer.take("test-own", 1, 100.0, FOUR_A_SECOND) == pytest.approx(0.25)
    assert pacer.take("test-own", 1, 100.0) == pytest.approx(1.0)  # None: the default pace
    assert [pacer.take("test-own", 1, 100.0, UNPACED) for _ in range(5)] == [0.0] * 5
    # Unpaced texts leave the bucket as it was: paced again, the sender waits its turn.
    assert pacer.take("test-own", 1, 100.0, FOUR_A_SECOND) == pytest.approx(0.25)
    assert pacer.take("test-own", 1, 100.25, FOUR_A_SECOND) == 0.0


def test_a_carrier_hold_lasts_its_seconds_at_the_senders_own_pace(pacer: Pacer) -> None:
    pacer.hold("test-hold", 5.0, 100.0, FOUR_A_SECOND)
    assert pacer.take("test-hold", 1, 104.9, FOUR_A_SECOND) > 0
    assert pacer.take("test-hold", 1, 105.0, FOUR_A_SECOND) == 0.0
    pacer.hold("test-hold", 5.0, 200.0, UNPACED)  # an unpaced sender is never held
    assert pacer.take("test-hold", 1, 200.0, UNPACED) == 0.0


def test_a_hold_counted_at_a_fast_rate_is_not_stretched_when_the_rate_is_lowered(
    pacer: Pacer,
) -> None:
    pacer.hold("test-lowered", 5.0, 100.0, Pace(rate_per_s=100.0, burst=3))
    wait = pacer.take("test-lowered", 1, 100.0, Pace(rate_per_s=1.0, burst=3))
    assert wait == pytest.approx(4.99 + 1.0)  # what is owed, then a segment at 1 a second


def test_redis_keeps_a_slow_senders_bucket_until_it_has_refilled(redis_url: str) -> None:
    redis = Redis.from_url(redis_url)
    redis.delete(KEY_PREFIX + "test-slow")
    pacer = RedisPacer(redis, THREE_THEN_ONE_A_SECOND)
    for _ in range(3):
        pacer.take("test-slow", 1, 100.0, Pace(rate_per_s=0.01, burst=3))
    # 300 s to refill at its own pace, not the default's 3 s: the key outlives that.
    assert redis.ttl(KEY_PREFIX + "test-slow") > 300
    redis.delete(KEY_PREFIX + "test-slow")


def test_with_redis_down_the_local_bucket_keeps_the_senders_own_pace(redis_url: str) -> None:
    flaky = FlakyRedis(Redis.from_url(redis_url))
    pacer = RedisPacer(flaky, THREE_THEN_ONE_A_SECOND)  # type: ignore[arg-type]
    takes = [pacer.take("test-flaky-own", 1, 0.0, FOUR_A_SECOND) for _ in range(4)]
    assert takes == [0.0, 0.0, 0.0, 0.25]


def test_a_line_with_its_own_rate_sends_sooner_exactly_as_its_rate_says(
    two_lines: Line, pacer: Pacer
) -> None:
    line = two_lines
    set_rate(line, OWN_LINE, "4")
    default_ids = queue(line, "Sam", "d1", "d2", "d3", "d4", "d5")
    own_ids = queue(line, "Alex", "o1", "o2", "o3", "o4", "o5", number=OWN_LINE)
    send(line, default_ids[-1], 0, pacer)
    send(line, own_ids[-1], 0, pacer)
    assert line.sent_to(SAM) == ["d1", "d2", "d3"] and line.sent_to(ALEX) == ["o1", "o2", "o3"]
    assert statuses(line, default_ids)[3][1] == T0 + timedelta(seconds=1)
    assert statuses(line, own_ids)[3][1] == T0 + timedelta(seconds=0.25)

    send(line, own_ids[-1], 0.25, pacer)
    send(line, default_ids[-1], 0.25, pacer)
    assert line.sent_to(ALEX)[-1] == "o4" and line.sent_to(SAM)[-1] == "d3"
    assert statuses(line, own_ids)[4][1] == T0 + timedelta(seconds=0.5)
    send(line, own_ids[-1], 0.5, pacer)
    assert line.sent_to(ALEX) == ["o1", "o2", "o3", "o4", "o5"]
    assert line.sent_to(SAM) == ["d1", "d2", "d3"]  # the default line still waits for 1 s


def test_a_line_set_to_0_is_unpaced_while_the_default_paces_the_others(
    two_lines: Line, pacer: Pacer
) -> None:
    line = two_lines
    set_rate(line, OWN_LINE, "0")
    bodies = [f"text {n}" for n in range(8)]
    own_ids = queue(line, "Alex", *bodies, number=OWN_LINE)
    default_ids = queue(line, "Sam", *bodies)
    send(line, own_ids[-1], 0, pacer)
    send(line, default_ids[-1], 0, pacer)
    assert line.sent_to(ALEX) == bodies
    assert line.sent_to(SAM) == bodies[:3]


def test_a_changed_or_cleared_rate_applies_to_the_lines_next_text(
    two_lines: Line, pacer: Pacer
) -> None:
    line = two_lines
    set_rate(line, OWN_LINE, "4")
    ids = queue(line, "Alex", "a", "b", "c", "d", number=OWN_LINE)
    send(line, ids[-1], 0, pacer)
    assert statuses(line, ids)[3] == ("queued", T0 + timedelta(seconds=0.25))
    set_rate(line, OWN_LINE, "default")
    send(line, ids[-1], 0.25, pacer)  # back on one a second: a quarter of a segment saved up
    assert line.sent_to(ALEX) == ["a", "b", "c"]
    assert statuses(line, ids)[3] == ("queued", T0 + timedelta(seconds=1))
    send(line, ids[-1], 1, pacer)
    assert line.sent_to(ALEX) == ["a", "b", "c", "d"]


def test_too_many_requests_holds_a_fast_line_for_the_whole_wait(two_lines: Line) -> None:
    line, pacer = two_lines, LocalPacer(Pace(rate_per_s=1.0, burst=10))
    set_rate(line, OWN_LINE, "4")
    line.fake.fail_for(SAM, 429, 20429)
    [to_sam] = queue(line, "Sam", "are you there?", number=OWN_LINE)
    [to_alex] = queue(line, "Alex", "hello", number=OWN_LINE)
    send(line, to_sam, 0, pacer)
    assert statuses(line, [to_sam]) == [("queued", T0 + timedelta(seconds=5))]
    send(line, to_alex, 4.9, pacer)  # held at the line's own pace, not cut short by it
    assert line.sent_to(ALEX) == []
    send(line, to_alex, 5, pacer)
    assert line.sent_to(ALEX) == ["hello"]
