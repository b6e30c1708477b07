"""Small pure rules: references, keywords, availability, delivery status, SMS limits, local time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warmline.conversations.rules.keywords import TexterKeyword, texter_keyword
from warmline.messaging.rules.delivery import (
    advanced_status,
    failure_reason,
    is_permanent,
    retry_delay,
)
from warmline.messaging.rules.refs import new_ref, normalise_ref
from warmline.messaging.rules.sms import MAX_BODY, clean_body, split_body
from warmline.rota.rules.availability import ShiftWindow, VolunteerState, available_volunteers
from warmline.rota.rules.localtime import NonexistentLocalTime, to_utc

NOW = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)


def test_references_are_three_characters_with_a_digit_in_the_middle() -> None:
    for _ in range(500):
        ref = new_ref()
        assert len(ref) == 3 and ref[1].isdigit() and not set(ref) & set("IL0O1")
        assert normalise_ref("#" + ref.lower()) == ref


@pytest.mark.parametrize(
    "word", ["STOP", "stop", "Unsubscribe", "END", "quit", "STOPALL", "optout"]
)
def test_carrier_opt_out_words_opt_out(word: str) -> None:
    assert texter_keyword(word) is TexterKeyword.OPT_OUT


@pytest.mark.parametrize("text", ["stop it please", "I want to end it", "don't stop", "ended"])
def test_sentences_with_opt_out_words_are_not_keywords(text: str) -> None:
    assert texter_keyword(text) is None


def test_help_and_start_are_keywords() -> None:
    assert texter_keyword("help") is TexterKeyword.HELP
    assert texter_keyword("START") is TexterKeyword.OPT_IN
    assert texter_keyword("unstop") is TexterKeyword.OPT_IN


def shift(vid: int, start_h: int, end_h: int, role: str = "primary") -> ShiftWindow:
    return ShiftWindow(vid, role, NOW + timedelta(hours=start_h), NOW + timedelta(hours=end_h))


@pytest.mark.parametrize(
    ("state", "shifts", "expected"),
    [
        (VolunteerState(1, True, True, 0), [shift(1, -1, 1)], [1]),
        (VolunteerState(1, True, False, 0), [shift(1, -1, 1)], []),  # OFF
        (VolunteerState(1, False, True, 0), [shift(1, -1, 1)], []),  # deactivated
        (VolunteerState(1, True, True, 2), [shift(1, -1, 1)], []),  # at capacity
        (VolunteerState(1, True, True, 1), [shift(1, -1, 1)], [1]),
        (VolunteerState(1, True, True, 0), [shift(1, 1, 2)], []),  # not started
        (VolunteerState(1, True, True, 0), [shift(1, -2, 0)], []),  # ended exactly now
        (VolunteerState(1, True, True, 0), [shift(1, 0, 1)], [1]),  # starts exactly now
        (VolunteerState(1, True, True, 0), [shift(1, -1, 1, "coordinator")], []),
        (VolunteerState(1, True, True, 0), [shift(2, -1, 1)], []),  # someone else's shift
    ],
)
def test_available_means_on_shift_on_and_under_capacity(
    state: VolunteerState, shifts: list[ShiftWindow], expected: list[int]
) -> None:
    assert available_volunteers([state], shifts, NOW, capacity=2) == expected


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


NEW_YORK = ZoneInfo("America/New_York")


def test_local_times_are_read_in_the_line_zone() -> None:
    assert to_utc(datetime(2026, 12, 1, 18, 0), NEW_YORK).utc == datetime(
        2026, 12, 1, 23, 0, tzinfo=UTC
    )


def test_a_time_skipped_by_daylight_saving_is_refused() -> None:
    with pytest.raises(NonexistentLocalTime):
        to_utc(datetime(2026, 3, 8, 2, 30), NEW_YORK)


def test_an_ambiguous_time_is_read_as_the_first_and_said() -> None:
    resolved = to_utc(datetime(2026, 11, 1, 1, 30), NEW_YORK)
    assert resolved.utc == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert resolved.note is not None and "twice" in resolved.note


def test_times_with_an_offset_keep_it() -> None:
    aware = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
    assert to_utc(aware, NEW_YORK).utc == aware


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
    assert failure_reason(error_code) == reason
