"""What pacing a send costs in Redis: one token-bucket take against a bare Redis round trip.

    .venv/bin/python bench/pacer.py [--takes 2000] [--threads 8]

The baseline, measured in the same run on the same connection pool, is PING: one round trip that
does nothing. A take is one EVALSHA of the bucket script, so it should cost about one round trip
whether one process or many spend from the same number's bucket at once. Prints p50 and p95 in
microseconds for: PING, a take by one thread, and takes by several threads on one shared bucket.
Exit status: 0 when a take's p50 stays within 3x PING's (alone and contended), 1 otherwise, 2
without Redis.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from redis import Redis  # noqa: E402
from redis.exceptions import RedisError  # noqa: E402

from warmline.messaging.pacer import KEY_PREFIX, RedisPacer  # noqa: E402
from warmline.messaging.rules.pacing import Pace  # noqa: E402

REDIS_URL = "redis://127.0.0.1:6379/15"
# Fast enough that the bucket never runs dry: the figure is the cost of asking, not of waiting.
PACE = Pace(rate_per_s=1_000_000.0, burst=1_000_000)
LIMIT = 3.0


def timed(call: Callable[[], object], count: int) -> list[float]:
    """Microseconds each of `count` calls took."""
    took = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        took.append((time.perf_counter() - started) * 1e6)
    return took


def threaded(make: Callable[[], Callable[[], object]], threads: int, count: int) -> list[float]:
    """Microseconds per call when `threads` threads each make `count` calls at once."""
    results: list[list[float]] = [[] for _ in range(threads)]
    start = threading.Barrier(threads)

    def work(slot: int) -> None:
        call = make()
        start.wait()
        results[slot] = timed(call, count)

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return [t for chunk in results for t in chunk]


def line(name: str, took: list[float]) -> float:
    """Print one row; return its p50."""
    p50 = statistics.median(took)
    p95 = statistics.quantiles(took, n=20)[18]
    print(f"{name:<34} p50 {p50:8.1f} us   p95 {p95:8.1f} us   ({len(took)} calls)")
    return p50


def main() -> int:
    """Measure and print; the exit status says whether the target held."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--takes", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    redis = Redis.from_url(REDIS_URL)
    try:
        redis.ping()
    except RedisError as exc:
        print(f"Redis is not reachable at {REDIS_URL}: {exc}", file=sys.stderr)
        return 2
    sender = "bench-pacer"
    redis.delete(KEY_PREFIX + sender)
    pacer = RedisPacer(redis, PACE)

    def take() -> float:
        return pacer.take(sender, 1, time.monotonic())

    timed(take, 200)  # load the script, warm the pool
    ping = line("baseline: PING, one thread", timed(redis.ping, args.takes))
    alone = line("take, one thread", timed(take, args.takes))
    count = args.takes // 4
    ping_many = line(
        f"baseline: PING, {args.threads} threads", threaded(lambda: redis.ping, args.threads, count)
    )
    many = line(
        f"take, {args.threads} threads, one bucket", threaded(lambda: take, args.threads, count)
    )
    worst = max(alone / ping, many / ping_many)
    print(
        f"take p50 / PING p50: one thread {alone / ping:.2f}, {args.threads} threads {many / ping_many:.2f} (target at most {LIMIT:.0f})"
    )
    redis.delete(KEY_PREFIX + sender)
    return 0 if worst <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
