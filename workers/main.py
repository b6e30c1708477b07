"""The worker process: an RQ worker plus the database sweeper, surviving Redis restarts."""

from __future__ import annotations

import logging
import threading
import time
import typing

from warmline import runtime
from warmline.config import ConfigError, Settings
from warmline.conversations.incoming import announced
from warmline.conversations.incoming.nearby import NearbyProcessing
from warmline.conversations.rules.languages import load_detector
from warmline.core import logs, metrics
from warmline.core.footprint import keep_out, settle_malloc
from warmline.core.jobqueue import QUEUE_NAME
from warmline.lines.rules.languages import SUPPORTED
from warmline.ops.sweeper import sweep_forever
from warmline.privacy.keycheck import check_data_keys
from workers import jobs

log = logging.getLogger(__name__)


def run() -> None:
    """Run the sweeper thread and an RQ worker until stopped."""
    _without_greenlet()
    settle_malloc()
    from redis import Redis
    from redis.exceptions import RedisError
    from rq import SimpleWorker
    from rq.serializers import JSONSerializer

    # typing keeps every @overload it has seen (over a thousand in SQLAlchemy alone) for
    # typing.get_overloads(), which nothing here calls: let what is loaded next reuse that memory.
    typing.clear_overloads()
    # Loaded first, on the main thread: read from a send or sweeper thread, the detector's models
    # would cost some 4 MB more for good (that thread's malloc arena keeps what loading them
    # freed), and loaded after everything else, what loading them freed is left in holes between
    # other objects (in a script that only imports, 0.3 to 3.7 MB more from run to run). Lines
    # offer English and Spanish unless told otherwise, so nearly every worker loads them anyway.
    load_detector(tuple(SUPPORTED))
    logs.configure()
    try:
        rt = runtime.current()
        if rt.settings.production:
            check_data_keys(rt)
    except ConfigError as exc:
        raise SystemExit(f"warmline worker: {exc}") from None
    logs.configure(log_format=rt.settings.log_format)
    count_where_scraped(rt.settings)
    redis_url = rt.settings.redis_url
    if redis_url is None:
        raise SystemExit(
            "warmline worker needs REDIS_URL; without it, `warmline run` does everything"
        )
    sends = runtime.start_sending(rt)
    stop = threading.Event()
    sweeper = threading.Thread(target=sweep_forever, args=(rt, stop), name="sweeper", daemon=True)
    sweeper.start()
    nearby: NearbyProcessing | None = None
    if rt.announces_inbound:
        # Takes the texts the web stores (one worker's listener at a time; the rest stand by),
        # processing them here while a thread is free and queueing the rest.
        nearby = NearbyProcessing(rt.queue, jobs.process_inbound)
        listener = threading.Thread(
            target=announced.listen_forever, args=(rt.db, nearby, stop), name="listener"
        )
        listener.daemon = True
        listener.start()
    connection = Redis.from_url(redis_url, socket_connect_timeout=2, health_check_interval=15)
    delay = 0.5
    try:
        while True:
            try:
                # A simple worker runs jobs in this process: no fork, so database pools stay sound.
                worker = SimpleWorker(
                    [QUEUE_NAME], connection=connection, serializer=JSONSerializer
                )
                worker.work(with_scheduler=False, logging_level="WARNING")
                return
            except RedisError as exc:
                log.warning("redis unavailable (%s); retrying in %.1fs", type(exc).__name__, delay)
                time.sleep(delay)
                delay = min(delay * 2, 5.0)
    finally:
        stop.set()
        # In flight sends finish (a cut-off one would be sent twice); the rest stay queued.
        if nearby is not None:
            nearby.close()
        sends.close()


def count_where_scraped(settings: Settings) -> None:
    """Count this worker's events only where a scrape can read them: PROMETHEUS_MULTIPROC_DIR.

    A worker serves no scrape of its own, so without that directory its counts would reach no
    one; it then never loads prometheus-client either (about 1.8 MB of its memory).
    """
    if settings.prometheus_multiproc_dir is None:
        metrics.count_nowhere()


def _without_greenlet() -> None:
    """Keep greenlet out of the worker: about 1 MB for good, and the worker runs no greenlets.

    rq names the current greenlet rather than the thread when greenlet is installed, which only
    the development tools install; without it rq uses the thread, as in a deployment.
    """
    keep_out(("greenlet",), unless_loaded="rq")
