"""Segments a text costs, and the token bucket that paces a sending number."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

import pytest

from warmline.messaging.rules.delivery import (
    MAX_BACKOFF,
    is_permanent,
    is_rate_limited,
    rate_limited_delay,
)
from warmline.messaging.rules.pacing import Bucket, Pace, hold, take
from warmline.messaging.rules.priority import Priority, of_key
from warmline.messaging.rules.segments import GSM7_BASIC, GSM7_EXTENSION, is_gsm7, segments

ONE_A_SECOND = Pace(rate_per_s=1.0, burst=3)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("", 1),
        ("hello", 1),
        ("a" * 160, 1),  # GSM-7: 160 in one text
        ("a" * 161, 2),  # then parts of 153
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),  # an extension character takes two septets: 160
        ("€" * 81, 2),
        ("a" * 152 + "€" + "a" * 10, 2),  # the escape pair moves whole to the next part
        ("é" * 160, 1),  # é is in the GSM-7 alphabet
        ("ć" * 70, 1),  # ć is not: UCS-2, 70 in one text
        ("ć" * 71, 2),  # then parts of 67
        ("ć" * 134, 2),
        ("ć" * 135, 3),
        ("hi 🙂" + "a" * 65, 1),  # an emoji is two UTF-16 units: 70
        ("hi 🙂" + "a" * 66, 2),
        ("a" * 66 + "🙂" + "a" * 10, 2),  # a surrogate pair is never split
    ],
)
def test_a_long_or_unicode_text_costs_more_segments(body: str, expected: int) -> None:
    assert segments(body) == expected


def test_the_gsm7_alphabet_is_the_whole_default_table() -> None:
    assert len(GSM7_BASIC) == 127  # 128 codes less the escape
    assert len(GSM7_EXTENSION) == 10
    assert is_gsm7("Call or text 988 (24/7) & say: it's OK!")
    assert not is_gsm7("It’s okay")  # a curly apostrophe makes the whole text UCS-2


def test_a_new_bucket_lets_a_burst_through_then_asks_to_wait() -> None:
    bucket = None
    waits = []
    for _ in range(4):
        bucket, wait = take(bucket, 1, ONE_A_SECOND, now=100.0)
        waits.append(wait)
    assert waits == [0.0, 0.0, 0.0, 1.0]


def test_the_bucket_refills_at_the_rate_and_never_beyond_the_burst() -> None:
    bucket = Bucket(tokens=0.0, at=100.0)
    _, wait = take(bucket, 1, ONE_A_SECOND, now=100.5)
    assert wait == pytest.approx(0.5)
    after, wait = take(bucket, 1, ONE_A_SECOND, now=101.0)
    assert wait == 0.0 and after.tokens == pytest.approx(0.0)
    full, _ = take(bucket, 0, ONE_A_SECOND, now=1_000.0)
    assert full.tokens == 3.0


def test_a_text_longer_than_the_burst_waits_for_a_full_bucket_and_pays_its_length() -> None:
    bucket = Bucket(tokens=2.0, at=0.0)
    _, wait = take(bucket, 5, ONE_A_SECOND, now=0.0)
    assert wait == pytest.approx(1.0)  # a full bucket (3) is enough to go
    after, wait = take(bucket, 5, ONE_A_SECOND, now=1.0)
    assert wait == 0.0 and after.tokens == pytest.approx(-2.0)  # in debt
    _, wait = take(after, 1, ONE_A_SECOND, now=1.0)
    assert wait == pytest.approx(3.0)  # the next text waits out the debt


def test_a_clock_that_goes_back_refills_nothing() -> None:
    bucket = Bucket(tokens=0.0, at=100.0)
    same, wait = take(bucket, 1, ONE_A_SECOND, now=90.0)
    assert wait == pytest.approx(1.0) and same.at == 100.0


def test_after_too_many_requests_the_number_waits_at_least_that_long() -> None:
    held = hold(None, 30.0, ONE_A_SECOND, now=0.0)
    _, wait = take(held, 1, ONE_A_SECOND, now=0.0)
    assert wait == pytest.approx(30.0)
    _, wait = take(held, 1, ONE_A_SECOND, now=30.0)
    assert wait == 0.0


def test_a_debt_is_time_owed_so_a_lowered_rate_does_not_stretch_it() -> None:
    fast, slow = Pace(rate_per_s=100.0, burst=3), Pace(rate_per_s=1.0, burst=3)
    held = hold(None, 5.0, fast, now=0.0)
    _, wait = take(held, 1, slow, now=0.0)
    # What is still owed of the 5 s hold, then one segment at 1 a second; not 500 s.
    assert wait == pytest.approx(4.99 + 1.0)
    _, wait = take(held, 1, slow, now=6.0)
    assert wait == 0.0


def test_a_rate_of_zero_switches_pacing_off() -> None:
    off = Pace(rate_per_s=0.0, burst=1)
    bucket = None
    for _ in range(100):
        bucket, wait = take(bucket, 10, off, now=0.0)
        assert wait == 0.0


@pytest.mark.parametrize(
    ("own_rate", "pace"),
    [
        (None, ONE_A_SECOND),
        (3.0, Pace(rate_per_s=3.0, burst=3)),
        (0.0, Pace(rate_per_s=0.0, burst=3)),
    ],
)
def test_a_lines_own_rate_replaces_the_default_rate_and_keeps_the_burst(
    own_rate: float | None, pace: Pace
) -> None:
    assert ONE_A_SECOND.at_rate(own_rate) == pace


def test_a_rate_limit_is_retried_with_a_growing_wait() -> None:
    assert is_rate_limited(20429, 429) and is_rate_limited(None, 429)
    assert not is_rate_limited(21610, 400) and not is_rate_limited(None, 503)
    assert not is_permanent(20429, 429)
    waits = [rate_limited_delay(n) for n in range(1, 12)]
    assert waits[0] == timedelta(seconds=5)
    assert all(b > a for a, b in pairwise(waits) if b < MAX_BACKOFF)
    assert waits == sorted(waits) and waits[-1] == MAX_BACKOFF


def test_a_less_urgent_text_leaves_its_reserve_for_the_more_urgent_ones() -> None:
    ten = Pace(rate_per_s=1.0, burst=10)
    bucket, notices = None, 0
    while True:
        bucket, wait = take(bucket, 1, ten, 100.0, reserve=Priority.NOTICE)
        if wait:
            break
        notices += 1
    assert notices == 7 and bucket is not None and bucket.tokens == 3.0
    bucket, wait = take(bucket, 1, ten, 100.0, reserve=Priority.OFFER)
    assert wait == 0.0
    bucket, wait = take(bucket, 1, ten, 100.0, reserve=Priority.WORDS)
    assert wait == 0.0
    assert take(bucket, 1, ten, 100.0, reserve=Priority.WORDS)[1] == pytest.approx(1.0)
    bucket, wait = take(bucket, 1, ten, 100.0, reserve=Priority.CRISIS)
    assert wait == 0.0 and bucket.tokens == 0.0


def test_a_reserve_never_holds_back_the_whole_burst() -> None:
    assert take(None, 1, ONE_A_SECOND, 100.0, reserve=50)[1] == 0.0  # two of three kept


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("offer_crisis", Priority.CRISIS),
        ("crisis_alert", Priority.CRISIS),
        ("offer", Priority.OFFER),
        ("voicemail_offer", Priority.OFFER),
        ("taken", Priority.NOTICE),
        ("already_taken", Priority.NOTICE),
        ("shift_reminder", Priority.NOTICE),
    ],
)
def test_a_volunteers_text_has_the_priority_of_its_kind(key: str, expected: Priority) -> None:
    assert of_key(key) is expected
