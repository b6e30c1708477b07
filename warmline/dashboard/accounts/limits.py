"""Limits on sign-in and password attempts, counted atomically before a password is checked.

The `limits` library (with its asyncio storages, some 2 MB) is imported at the first attempt,
not with the app: most web processes answer Twilio all their life and never see a sign-in.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from limits import RateLimitItem
    from limits.strategies import FixedWindowRateLimiter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    """At most `amount` attempts per `window` ("minute", "hour") for one key."""

    amount: int
    window: str


PER_ADDRESS = Limit(10, "minute")
PER_ACCOUNT = Limit(20, "hour")
PASSWORD_FORM = Limit(10, "hour")


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
        self._redis_url = redis_url
        self._counters: tuple[FixedWindowRateLimiter, FixedWindowRateLimiter] | None = None
        self._building = threading.Lock()

    def attempt(self, limit: Limit, key: str) -> Attempt:
        """Count an attempt against `limit` for `key`."""
        count = self._incr(limit, key, 1)
        return Attempt(allowed=count <= limit.amount, first_refusal=count == limit.amount + 1)

    def give_back(self, limit: Limit, key: str) -> None:
        """Return the count of an attempt that succeeded."""
        self._incr(limit, key, -1)

    def _incr(self, limit: Limit, key: str, amount: int) -> int:
        from limits.errors import StorageError

        local, shared = self._counting()
        item = _item(limit)
        identity = item.key_for(key)
        try:
            return shared.storage.incr(identity, item.get_expiry(), amount=amount)
        except StorageError:
            # A Redis outage must not lock coordinators out: count in this process meanwhile.
            log.warning("Redis is unreachable: sign-in attempts are counted in this process")
            return local.storage.incr(identity, item.get_expiry(), amount=amount)

    def _counting(self) -> tuple[FixedWindowRateLimiter, FixedWindowRateLimiter]:
        """The counters in this process and the shared ones (Redis, or the same when embedded)."""
        with self._building:
            if self._counters is None:
                from limits.storage import MemoryStorage, RedisStorage
                from limits.strategies import FixedWindowRateLimiter

                local = FixedWindowRateLimiter(MemoryStorage())
                shared = local
                if self._redis_url is not None:
                    storage = RedisStorage(
                        self._redis_url,
                        key_prefix="warmline-attempts",
                        wrap_exceptions=True,
                        socket_timeout=1,
                    )
                    shared = FixedWindowRateLimiter(storage)
                self._counters = (local, shared)
            return self._counters


@cache
def _item(limit: Limit) -> RateLimitItem:
    """The library's item for `limit`, parsed once."""
    from limits import parse

    return parse(f"{limit.amount} per {limit.window}")
