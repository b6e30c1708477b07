"""Pacing a sending number: a token bucket of segments, refilled at the number's rate."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Pace:
    """How fast one sending number may send: segments per second, and the most saved up."""

    rate_per_s: float
    burst: int

    @property
    def unlimited(self) -> bool:
        """True when pacing is switched off (a rate of 0)."""
        return self.rate_per_s <= 0

    def at_rate(self, rate_per_s: float | None) -> Pace:
        """This pace at a line's own rate, with the same burst; None keeps this pace."""
        return self if rate_per_s is None else replace(self, rate_per_s=rate_per_s)


@dataclass(frozen=True)
class Bucket:
    """Segments a number may send now (negative: a debt), as of `at` (seconds on one clock)."""

    tokens: float
    at: float
    rate_per_s: float = 0.0  # the rate its debt was counted at (0: not known)


def refilled(bucket: Bucket | None, pace: Pace, now: float) -> Bucket:
    """The bucket at `now`: a new one is full; a clock that went back refills nothing."""
    if bucket is None:
        return Bucket(float(pace.burst), now, pace.rate_per_s)
    tokens = bucket.tokens
    if tokens < 0 and 0 < bucket.rate_per_s != pace.rate_per_s:
        # A debt is time owed: after the line's rate changes it is the same wait, not the same
        # number of segments (a hold at 100/s must not become minutes at 1/s).
        tokens *= pace.rate_per_s / bucket.rate_per_s
    elapsed = max(0.0, now - bucket.at)
    tokens = min(float(pace.burst), tokens + elapsed * pace.rate_per_s)
    return Bucket(tokens, max(bucket.at, now), pace.rate_per_s)


def take(
    bucket: Bucket | None, cost: int, pace: Pace, now: float, reserve: int = 0
) -> tuple[Bucket, float]:
    """Spend `cost` segments leaving `reserve` for more urgent texts, or say how long to wait."""
    if pace.unlimited:
        return bucket or Bucket(0.0, now), 0.0
    current = refilled(bucket, pace, now)
    reserve = max(0, min(reserve, pace.burst - 1))
    # A text longer than the burst waits for a full bucket and leaves it in debt: either way a
    # long text costs its whole length in time.
    need = reserve + min(float(cost), float(pace.burst - reserve))
    if current.tokens >= need:
        return replace(current, tokens=current.tokens - cost), 0.0
    return current, (need - current.tokens) / pace.rate_per_s


def hold(bucket: Bucket | None, seconds: float, pace: Pace, now: float) -> Bucket:
    """The bucket after the carrier said "too many": the next segment waits `seconds` at least."""
    if pace.unlimited:
        return bucket or Bucket(0.0, now)
    current = refilled(bucket, pace, now)
    return replace(current, tokens=min(current.tokens, 1.0 - seconds * pace.rate_per_s))
