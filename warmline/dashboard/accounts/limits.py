"""Limits on sign-in and password attempts, counted atomically before a password is checked."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.errors import StorageError
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import FixedWindowRateLimiter

log = logging.getLogger(__name__)

PER_ADDRESS = parse("10 per minute")
PER_ACCOUNT = parse("20 per hour")
PASSWORD_FORM = parse("10 per hour")


@dataclass(frozen=True)
class Attempt:
    """One counted attempt: whether it may go ahead, and whether it is the first one refused."""

    allowed: bool
    first_refusal: bool


class AttemptLimits:
    """Fixed-window counters in Redis (or this process when embedded or Redis is down).

    Every attempt is counted (an atomic INCR with expiry) before the password is checked, so
    however many arrive at once, no more than the limit are ever checked; a right password
    gives its count back, so signing in often never locks anyone out.
    """

    def __init__(self, redis_url: str | None) -> None:
        local = FixedWindowRateLimiter(MemoryStorage())
        self._local = local
        self._shared = local
        if redis_url is not None:
            storage: Storage = RedisStorage(
                redis_url, key_prefix="warmline-attempts", wrap_exceptions=True, socket_timeout=1
            )
            self._shared = FixedWindowRateLimiter(storage)

    def attempt(self, limit: RateLimitItem, key: str) -> Attempt:
        """Count an attempt against `limit` for `key`."""
        count = self._incr(limit, key, 1)
        return Attempt(allowed=count <= limit.amount, first_refusal=count == limit.amount + 1)

    def give_back(self, limit: RateLimitItem, key: str) -> None:
        """Return the count of an attempt that succeeded."""
        self._incr(limit, key, -1)

    def _incr(self, limit: RateLimitItem, key: str, amount: int) -> int:
        identity = limit.key_for(key)
        try:
            return self._shared.storage.incr(identity, limit.get_expiry(), amount=amount)
        except StorageError:
            # A Redis outage must not lock coordinators out: count in this process meanwhile.
            log.warning("Redis is unreachable: sign-in attempts are counted in this process")
            return self._local.storage.incr(identity, limit.get_expiry(), amount=amount)
