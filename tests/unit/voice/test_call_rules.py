"""Who a call rings next, in what order, and what a dial's result means."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from warmline.conversations.rules.commands import Command, Relay, parse_volunteer_text
from warmline.voice.rules.calls import (
    Attempt,
    Candidate,
    Fallback,
    Ring,
    dial_result,
    fair_order,
    fallback_of,
    is_hidden_caller,
    next_ring,
    recording_due_for_deletion,
)

T0 = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("candidates", "order"),
    [
        ([Candidate(1), Candidate(2)], [1, 2]),
        ([Candidate(1, at(5)), Candidate(2, at(1))], [2, 1]),
        ([Candidate(1, at(1)), Candidate(2)], [2, 1]),  # never rung goes first
        ([Candidate(3, at(1)), Candidate(2, at(1)), Candidate(1)], [1, 2, 3]),
        ([], []),
    ],
)
def test_fair_order_rings_whoever_waited_longest_for_a_call_first(
    candidates: list[Candidate], order: list[int]
) -> None:
    assert fair_order(candidates) == order


PRIMARY = [Candidate(1), Candidate(2, at(3))]
BACKUP = [Candidate(5)]
COORD = [Candidate(9)]
TIERS = {"primary": PRIMARY, "backup": BACKUP, "coordinator": COORD}


@pytest.mark.parametrize(
    ("tiers", "attempts", "sequential", "expected"),
    [
        # Simultaneous: the whole tier at once, fairest first.
        (TIERS, [], False, Ring("primary", (1, 2))),
        # Nobody answered: the next tier.
        (TIERS, [Attempt("primary", (1, 2))], False, Ring("backup", (5,))),
        (
            TIERS,
            [Attempt("primary", (1, 2)), Attempt("backup", (5,))],
            False,
            Ring("coordinator", (9,)),
        ),
        (
            TIERS,
            [Attempt("primary", (1, 2)), Attempt("backup", (5,)), Attempt("coordinator", (9,))],
            False,
            None,
        ),
        # Peer 1 answered and declined: Twilio stopped peer 2's phone, so 2 rings once more.
        (TIERS, [Attempt("primary", (1, 2), frozenset({1}))], False, Ring("primary", (2,))),
        (
            TIERS,
            [
                Attempt("primary", (1, 2), frozenset({1})),
                Attempt("primary", (2,), frozenset()),
            ],
            False,
            Ring("backup", (5,)),
        ),
        # Sequential: one at a time in fair order, then the next tier.
        (TIERS, [], True, Ring("primary", (1,))),
        (TIERS, [Attempt("primary", (1,))], True, Ring("primary", (2,))),
        (TIERS, [Attempt("primary", (1,)), Attempt("primary", (2,))], True, Ring("backup", (5,))),
        # Empty tiers are skipped; a volunteer on two tiers rings once.
        ({"primary": [], "backup": [], "coordinator": COORD}, [], False, Ring("coordinator", (9,))),
        (
            {"primary": [Candidate(9)], "backup": [], "coordinator": COORD},
            [Attempt("primary", (9,))],
            False,
            None,
        ),
        ({}, [], False, None),
    ],
)
def test_next_ring_goes_tier_by_tier(
    tiers: dict[str, list[Candidate]],
    attempts: list[Attempt],
    sequential: bool,
    expected: Ring | None,
) -> None:
    assert next_ring(tiers, attempts, sequential) == expected


def test_at_most_ten_phones_ring_at_once_and_the_rest_ring_next() -> None:
    many = {"primary": [Candidate(i) for i in range(1, 15)]}
    first = next_ring(many, [], sequential=False)
    assert first == Ring("primary", tuple(range(1, 11)))
    second = next_ring(many, [Attempt("primary", first.volunteer_ids)], sequential=False)
    assert second == Ring("primary", (11, 12, 13, 14))


@pytest.mark.parametrize(
    ("dial_status", "accepted", "caller_status", "result"),
    [
        ("completed", True, "in-progress", "answered"),
        ("completed", True, "completed", "answered"),
        ("answered", True, "in-progress", "answered"),
        ("completed", False, "in-progress", "unanswered"),  # the screen hung up: no key
        ("no-answer", False, "in-progress", "unanswered"),
        ("busy", False, "in-progress", "unanswered"),
        ("failed", False, "in-progress", "unanswered"),
        ("canceled", False, "in-progress", "unanswered"),
        ("no-answer", False, "completed", "caller_gone"),
        ("canceled", False, "completed", "caller_gone"),
        ("canceled", False, "canceled", "caller_gone"),
        ("no-answer", True, "completed", "caller_gone"),
        ("", False, "", "unanswered"),
    ],
)
def test_dial_result(dial_status: str, accepted: bool, caller_status: str, result: str) -> None:
    assert dial_result(dial_status, accepted, caller_status) == result


@pytest.mark.parametrize(
    ("setting", "fallback"),
    [
        ("voicemail", Fallback("voicemail")),
        ("number:+15550007777", Fallback("number", "+15550007777")),
        ("number:", Fallback("voicemail")),
        ("", Fallback("voicemail")),
    ],
)
def test_fallback_setting(setting: str, fallback: Fallback) -> None:
    assert fallback_of(setting) == fallback


@pytest.mark.parametrize(
    ("raw", "hidden"),
    [
        ("anonymous", True),
        ("Anonymous", True),
        ("+266696687", True),
        ("", True),
        ("  ", True),
        ("restricted", True),
        ("+15550009001", False),
        ("not a phone", False),  # not hidden, just unreadable: the service decides
    ],
)
def test_hidden_callers(raw: str, hidden: bool) -> None:
    assert is_hidden_caller(raw) is hidden


def test_a_recording_goes_when_handled_or_after_seven_days_at_the_latest() -> None:
    assert not recording_due_for_deletion(T0, None, T0 + timedelta(days=6, hours=23))
    assert recording_due_for_deletion(T0, None, T0 + timedelta(days=7))
    assert recording_due_for_deletion(T0, T0 + timedelta(minutes=5), T0 + timedelta(minutes=5))


@pytest.mark.parametrize(
    ("body", "parsed"),
    [
        ("CALL K4P", Command("CALL", ref="K4P")),
        ("call #k4p", Command("CALL", ref="K4P")),
        ("Call me later?", Relay("Call me later?")),
        ("call k4p now", Relay("call k4p now")),
    ],
)
def test_call_ref_is_a_command_only_in_its_exact_shape(body: str, parsed: object) -> None:
    assert parse_volunteer_text(body) == parsed
