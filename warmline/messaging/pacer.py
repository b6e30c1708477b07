"""Where the sending numbers' token buckets live: Redis for every process, or this process.

Redis is never a single point of failure for texts: while it cannot be reached, each process
paces with a bucket of its own (so for a while the number may send up to once per process as
fast), and tries Redis again a little later.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from warmline.messaging.rules.pacing import Bucket, Pace, hold, take

if TYPE_CHECKING:
    from redis import Redis

log = logging.getLogger(__name__)

KEY_PREFIX = "warmline:pace:"
WATCH_TRIES = 5
# After a Redis error, this process paces by itself for this long before asking Redis again.
REDIS_RETRY_AFTER_S = 15.0


class Pacer(Protocol):
    """Token buckets per sending number; `now` is seconds on a clock every process shares.

    `pace` is the default; a call may give a sender's own (a line with a rate of its own). The
    bucket keeps only segments and a time, so a changed pace applies from the next call.
    """

    pace: Pace

    def take(self, sender: str, cost: int, now: float, pace: Pace | None = None) -> float:
        """Spend `cost` segments for `sender`: 0.0 to send now, else seconds to wait."""

    def hold(self, sender: str, seconds: float, now: float, pace: Pace | None = None) -> None:
        """The carrier said "too many" for `sender`: nothing more for `seconds`."""


class LocalPacer:
    """Buckets in this process: the embedded default, and the fallback while Redis is away."""

    def __init__(self, pace: Pace) -> None:
        self.pace = pace
        self._buckets: dict[str, Bucket] = {}
        self._lock = threading.Lock()

    def take(self, sender: str, cost: int, now: float, pace: Pace | None = None) -> float:
        """Spend `cost` segments for `sender` from this process's bucket."""
        pace = self.pace if pace is None else pace
        if pace.unlimited:
            return 0.0  # as in Redis: an unpaced sender leaves its bucket as it was
        with self._lock:
            self._buckets[sender], wait = take(self._buckets.get(sender), cost, pace, now)
        return wait

    def hold(self, sender: str, seconds: float, now: float, pace: Pace | None = None) -> None:
        """Empty `sender`'s bucket in this process for `seconds`."""
        pace = self.pace if pace is None else pace
        if pace.unlimited:
            return
        with self._lock:
            self._buckets[sender] = hold(self._buckets.get(sender), seconds, pace, now)


class RedisPacer:
    """Buckets in Redis, shared by every web and worker process; a local bucket when Redis fails."""

    def __init__(self, redis: Redis, pace: Pace, fallback: LocalPacer | None = None) -> None:
        self.redis = redis
        self.pace = pace
        self.fallback = fallback or LocalPacer(pace)
        self._local_until = -math.inf

    def take(self, sender: str, cost: int, now: float, pace: Pace | None = None) -> float:
        """Spend `cost` segments for `sender` in Redis, or locally while Redis is away."""
        pace = self.pace if pace is None else pace
        if pace.unlimited:
            return 0.0
        wait = self._update(sender, now, pace, lambda b: take(b, cost, pace, now))
        return self.fallback.take(sender, cost, now, pace) if wait is None else wait

    def hold(self, sender: str, seconds: float, now: float, pace: Pace | None = None) -> None:
        """Hold `sender` back in Redis (and locally, should Redis fail meanwhile)."""
        pace = self.pace if pace is None else pace
        if pace.unlimited:
            return
        self.fallback.hold(sender, seconds, now, pace)
        self._update(sender, now, pace, lambda b: (hold(b, seconds, pace, now), 0.0))

    def _update(self, sender: str, now: float, pace: Pace, change: _Change) -> float | None:
        """Apply `change` to the bucket atomically (WATCH/MULTI); None when Redis failed."""
        from redis.exceptions import RedisError, WatchError

        if now < self._local_until:
            return None
        key = KEY_PREFIX + sender
        try:
            with self.redis.pipeline() as pipe:
                for _ in range(WATCH_TRIES):
                    try:
                        pipe.watch(key)  # type: ignore[no-untyped-call]
                        bucket = _decode(pipe.hgetall(key))
                        new, wait = change(bucket)
                        pipe.multi()
                        pipe.hset(
                            key,
                            mapping={
                                "tokens": repr(new.tokens),
                                "at": repr(new.at),
                                "rate": repr(new.rate_per_s),
                            },
                        )
                        pipe.expire(key, _ttl(new, pace))
                        pipe.execute()
                        return wait
                    except WatchError:
                        continue  # another process spent from the bucket meanwhile
        except RedisError as exc:
            log.warning(
                "pacing without Redis for %.0fs (%s): each process paces on its own",
                REDIS_RETRY_AFTER_S,
                type(exc).__name__,
            )
            self._local_until = now + REDIS_RETRY_AFTER_S
            return None
        return 1.0 / pace.rate_per_s  # busy bucket: ask again in a moment


class _Change(Protocol):
    def __call__(self, bucket: Bucket | None, /) -> tuple[Bucket, float]: ...


def _ttl(bucket: Bucket, pace: Pace) -> int:
    """Long enough for the bucket to refill at `pace`; after that a missing key means full."""
    seconds = (pace.burst - bucket.tokens) / pace.rate_per_s
    return max(60, math.ceil(seconds) + 60)


def _decode(raw: Mapping[Any, Any]) -> Bucket | None:
    """A bucket from its Redis hash; None when there is none (or it is unreadable)."""
    try:
        return Bucket(float(raw[b"tokens"]), float(raw[b"at"]), float(raw.get(b"rate", b"0") or 0))
    except (KeyError, TypeError, ValueError):
        return None
