"""References, delivery status and retries, and SMS bodies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warmline.messaging import wording
from warmline.messaging.rules.delivery import (
    advanced_status,
    failure_reason,
    is_permanent,
    retry_delay,
)
from warmline.messaging.rules.refs import new_ref, normalise_ref
from warmline.messaging.rules.sms import MAX_BODY, clean_body, split_body


def test_references_are_three_characters_with_a_digit_in_the_middle() -> None:
    for _ in range(500):
        ref = new_ref()
        assert len(ref) == 3 and ref[1].isdigit() and not set(ref) & set("IL0O1")
        assert normalise_ref("#" + ref.lower()) == ref


@pytest.mark.parametrize(
    ("current", "reported", "expected"),
    [
        ("sending", "sent", "sent"),
        ("sent", "delivered", "delivered"),
        ("delivered", "sent", None),  # late 'sent' never overwrites 'delivered'
        ("delivered", "failed", None),
        ("sent", "undelivered", "undelivered"),
        ("sent", "queued", None),
        ("sending", "mystery", None),
        ("failed", "delivered", None),
    ],
)
def test_delivery_status_only_moves_forward(
    current: str, reported: str, expected: str | None
) -> None:
    assert advanced_status(current, reported) == expected


@pytest.mark.parametrize(
    ("code", "http", "permanent"),
    [
        (21610, 400, True),  # opted out
        (21211, 400, True),  # not a number
        (21614, 400, True),  # not a mobile
        (20429, 429, False),  # too many requests
        (None, 503, False),
        (None, None, False),  # no answer at all
        (20003, 401, True),  # bad credentials will not fix themselves
    ],
)
def test_which_send_errors_are_retried(code: int | None, http: int | None, permanent: bool) -> None:
    assert is_permanent(code, http) is permanent


def test_retries_back_off_and_then_stop() -> None:
    delays = [retry_delay(n) for n in range(1, 10)]
    assert delays[0] == timedelta(seconds=2)
    known = [d for d in delays if d is not None]
    assert known == sorted(known) and max(known) <= timedelta(minutes=5)
    assert delays[-1] is None


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=5000))
def test_split_bodies_fit_and_lose_no_words(body: str) -> None:
    parts = split_body(body)
    assert all(len(p) <= MAX_BODY for p in parts)
    assert "".join(parts).split() == body.split() or " ".join(parts).split() == body.split()


def test_clean_body_drops_nul_and_control_characters_but_keeps_lines_and_emoji() -> None:
    assert clean_body("a\x00b\x07c\nd 🙂 שלום") == "abc\nd 🙂 שלום"


@pytest.mark.parametrize(
    ("error_code", "reason"),
    [
        (30003, "their phone is off or out of reach"),
        (21610, "they have blocked texts from this number"),
        (21211, "the number cannot take texts from this line"),
        (30999, "the carrier refused it (error 30999)"),
        (None, "the carrier refused it"),
    ],
)
def test_a_failed_text_is_explained_to_the_peer_in_words(
    error_code: int | None, reason: str
) -> None:
    key, fields = failure_reason(error_code)
    assert wording.say(key, "en", **fields) == reason
