"""Calls: who rings next and in what order, what a dial result means, and when data must go."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

TIERS: Final = ("primary", "backup", "coordinator")
MAX_NUMBERS: Final = 10  # Twilio rings at most ten <Number> nouns at once
# A volunteer whose ringing was cut short (another peer answered first) may ring once more.
MAX_RINGS_PER_CALL: Final = 2
VOICEMAIL_RETENTION: Final = timedelta(days=7)
VOICEMAIL_MAX_LENGTH_S: Final = 180
# Statuses of the caller's own call that mean they are no longer on the line.
CALL_OVER: Final = frozenset({"completed", "canceled", "busy", "failed", "no-answer"})
BRIDGED: Final = frozenset({"completed", "answered"})
# What carriers and Twilio put in `From` when the caller withheld their number.
HIDDEN_CALLER_IDS: Final = frozenset(
    {
        "",
        "anonymous",
        "restricted",
        "unknown",
        "unavailable",
        "private",
        "blocked",
        "+266696687",
        "+7378742833",
        "+2562533",
        "+8656696",
        "+86282452253",
    }
)


@dataclass(frozen=True)
class Candidate:
    """A volunteer a call may ring, and when the line last rang them (None: never)."""

    volunteer_id: int
    last_rung_at: datetime | None = None


@dataclass(frozen=True)
class Attempt:
    """One <Dial> of this call: the tier, who rang, and who answered and heard the screen."""

    tier: str
    volunteer_ids: tuple[int, ...]
    screened: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Ring:
    """Ring these volunteers next (together, or one when the line rings in order)."""

    tier: str
    volunteer_ids: tuple[int, ...]


@dataclass(frozen=True)
class Fallback:
    """Where a call goes when no peer accepted it: voicemail, or another number."""

    kind: str
    number: str | None = None


def fair_order(candidates: Iterable[Candidate]) -> list[int]:
    """Longest since last rung first; never rung before everyone else; ties by id."""
    return [
        c.volunteer_id
        for c in sorted(
            candidates,
            key=lambda c: (
                c.last_rung_at is not None,
                c.last_rung_at or datetime.min,
                c.volunteer_id,
            ),
        )
    ]


def next_ring(
    tiers: Mapping[str, Sequence[Candidate]], attempts: Sequence[Attempt], sequential: bool
) -> Ring | None:
    """The next volunteers to ring, tier by tier, or None when every tier is spent."""
    rings = Counter(v for a in attempts for v in a.volunteer_ids)
    spent: set[int] = set()
    for attempt in attempts:
        # Nobody answered: all rang their full time. Someone answered: only they are spent,
        # because Twilio stopped the other phones the moment that one picked up.
        spent |= attempt.screened or set(attempt.volunteer_ids)
    seen: set[int] = set()
    for tier in TIERS:
        fresh = [c for c in tiers.get(tier, ()) if c.volunteer_id not in seen]
        seen |= {c.volunteer_id for c in fresh}
        eligible = [
            c
            for c in fresh
            if c.volunteer_id not in spent and rings[c.volunteer_id] < MAX_RINGS_PER_CALL
        ]
        if eligible:
            order = fair_order(eligible)
            return Ring(tier, tuple(order[:1] if sequential else order[:MAX_NUMBERS]))
    return None


def fallback_of(setting: str) -> Fallback:
    """Read the line's `voice_fallback` setting; anything unreadable means voicemail."""
    if setting.startswith("number:") and len(setting) > len("number:"):
        return Fallback("number", setting[len("number:") :])
    return Fallback("voicemail")


def dial_result(dial_status: str, accepted: bool, caller_status: str) -> str:
    """What a finished <Dial> means: `answered`, `caller_gone` or `unanswered`."""
    if accepted and dial_status in BRIDGED:
        return "answered"
    if caller_status in CALL_OVER:
        return "caller_gone"
    return "unanswered"


def is_hidden_caller(raw_from: str) -> bool:
    """True when `From` carries no number we could call back (withheld, blocked, missing)."""
    return raw_from.strip().lower() in HIDDEN_CALLER_IDS


def spoken_ref(ref: str) -> str:
    """A reference as a voice should read it: one character at a time."""
    return " ".join(ref)


def recording_due_for_deletion(
    recorded_at: datetime, handled_at: datetime | None, now: datetime
) -> bool:
    """A recording goes once its voicemail is handled, and after the retention window at most."""
    return handled_at is not None or now >= recorded_at + VOICEMAIL_RETENTION
