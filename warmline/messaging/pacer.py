"""Where the sending numbers' token buckets live: Redis for every process, or this process.

Redis is never a single point of failure for texts: while it cannot be reached, each process
paces with a bucket of its own (so for a while the number may send up to once per process as
fast), and tries Redis again a little later.
"""

from __future__ import annotations

import logging
import math
import threading
from typing import Protocol

from redis import Redis
from redis.exceptions import RedisError

from warmline.messaging.rules.pacing import Bucket, Pace, hold, take

log = logging.getLogger(__name__)

KEY_PREFIX = "warmline:pace:"
# After a Redis error, this process paces by itself for this long before asking Redis again.
REDIS_RETRY_AFTER_S = 15.0
# The bucket rules of `messaging.rules.pacing` (refilled, take, hold), run inside Redis so that
# reading, deciding and writing a bucket is one round trip no other process can interleave.
# A test holds the two to the same answers. Numbers travel as text with 17 significant digits,
# so nothing is lost between Python and Lua.
BUCKET_SCRIPT = """
local op, amount, now = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local rate, burst = tonumber(ARGV[4]), tonumber(ARGV[5])
local reserve = math.max(0, math.min(tonumber(ARGV[6]) or 0, burst - 1))
local saved = redis.call('HMGET', KEYS[1], 'tokens', 'at', 'rate')
local tokens, at, counted = tonumber(saved[1]), tonumber(saved[2]), tonumber(saved[3]) or 0
if tokens == nil or at == nil then
  tokens, at = burst, now
else
  if tokens < 0 and counted > 0 and counted ~= rate then
    tokens = tokens * rate / counted
  end
  tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
  at = math.max(at, now)
end
local wait = 0
if op == 'take' then
  local need = reserve + math.min(amount, burst - reserve)
  if tokens >= need then tokens = tokens - amount else wait = (need - tokens) / rate end
else
  tokens = math.min(tokens, 1 - amount * rate)
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens),
  'at', string.format('%.17g', at), 'rate', string.format('%.17g', rate))
redis.call('EXPIRE', KEYS[1], math.max(60, math.ceil((burst - tokens) / rate) + 60))
return string.format('%.17g', wait)
"""


class Pacer(Protocol):
    """Token buckets per sending number; `now` is seconds on a clock every process shares.

    `pace` is the default; a call may give a sender's own (a line with a rate of its own). The
    bucket keeps only segments and a time, so a changed pace applies from the next call.
    """

    pace: Pace

    def take(
        self, sender: str, cost: int, now: float, pace: Pace | None = None, reserve: int = 0
    ) -> float:
        """Spend `cost` segments for `sender` leaving `reserve`: 0.0 to send now, else a wait."""

    def hold(self, sender: str, seconds: float, now: float, pace: Pace | None = None) -> None:
        """The carrier said "too many" for `sender`: nothing more for `seconds`."""


class LocalPacer:
    """Buckets in this process: the embedded default, and the fallback while Redis is away."""

    def __init__(self, pace: Pace) -> None:
        self.pace = pace
        self._buckets: dict[str, Bucket] = {}
        self._lock = threading.Lock()

    def take(
        self, sender: str, cost: int, now: float, pace: Pace | None = None, reserve: int = 0
    ) -> float:
        """Spend `cost` segments for `sender` from this process's bucket."""
        pace = self.pace if pace is None else pace
        if pace.unlimited:
            return 0.0  # as in Redis: an unpaced sender leaves its bucket as it was
        with self._lock:
            bucket = self._buckets.get(sender)
            self._buckets[sender], wait = take(bucket, cost, pace, now, reserve)
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
        self._script = redis.register_script(BUCKET_SCRIPT)

    def take(
        self, sender: str, cost: int, now: float, pace: Pace | None = None, reserve: int = 0
    ) -> float:
        """Spend `cost` segments for `sender` in Redis, or locally while Redis is away."""
        pace = self.pace if pace is None else pace
        if pace.unlimited:
            return 0.0
        wait = self._update("take", sender, cost, now, pace, reserve)
        if wait is None:
            return self.fallback.take(sender, cost, now, pace, reserve)
        return wait

    def hold(self, sender: str, seconds: float, now: float, pace: Pace | None = None) -> None:
        """Hold `sender` back in Redis (and locally, should Redis fail meanwhile)."""
        pace = self.pace if pace is None else pace
        if pace.unlimited:
            return
        self.fallback.hold(sender, seconds, now, pace)
        self._update("hold", sender, seconds, now, pace)

    def _update(
        self, op: str, sender: str, amount: float, now: float, pace: Pace, reserve: int = 0
    ) -> float | None:
        """Apply `op` to the bucket in one round trip (a Lua script); None when Redis failed."""
        if now < self._local_until:
            return None
        try:
            answer = self._script(
                keys=[KEY_PREFIX + sender],
                args=[
                    op,
                    repr(float(amount)),
                    repr(now),
                    repr(pace.rate_per_s),
                    pace.burst,
                    reserve,
                ],
            )
        except RedisError as exc:
            log.warning(
                "pacing without Redis for %.0fs (%s): each process paces on its own",
                REDIS_RETRY_AFTER_S,
                type(exc).__name__,
            )
            self._local_until = now + REDIS_RETRY_AFTER_S
            return None
        return float(answer)
