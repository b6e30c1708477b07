"""What Prometheus reads: this process's (or every process's) events, and state read at scrape time.

The state (queues, waits, failures, escalations) is read from the database and Redis when
Prometheus asks, so it is right however many processes and hosts there are.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from warmline.core import metrics
from warmline.core.jobqueue import RedisJobQueue
from warmline.ops import line_health

if TYPE_CHECKING:
    from warmline.runtime import Runtime


class _Events:
    """This process's event metrics (when there is no multiprocess directory)."""

    def collect(self) -> Iterable[Metric]:
        """The events registry's metrics."""
        return metrics.registry().collect()


class _State:
    """Queues, waits, failures and escalations, read when Prometheus asks."""

    def __init__(self, rt: Runtime, now: datetime) -> None:
        self.rt = rt
        self.now = now

    def collect(self) -> Iterator[Metric]:
        """Gauges from the database and Redis; `*_up` says 0 when either did not answer."""
        database_up = GaugeMetricFamily("warmline_database_up", "1 when the database answered.")
        try:
            with self.rt.db.session() as session:
                states = line_health.states(session, self.now)
            database_up.add_metric([], 1)
        except SQLAlchemyError:
            states = []
            database_up.add_metric([], 0)
        yield database_up
        yield from _line_gauges(states)

        if isinstance(self.rt.queue, RedisJobQueue):
            redis_up = GaugeMetricFamily("warmline_redis_up", "1 when Redis answered.")
            length = GaugeMetricFamily("warmline_rq_queue_length", "Jobs waiting in the RQ queue.")
            try:
                length.add_metric([], self.rt.queue.rq_queue.count)
                redis_up.add_metric([], 1)
                yield length
            except RedisError:
                redis_up.add_metric([], 0)
            yield redis_up


_LINE_GAUGES = (
    ("outbox_queued", "warmline_outbox_queued", "Texts queued in the outbox, not yet sent."),
    (
        "oldest_queued_s",
        "warmline_outbox_oldest_queued_seconds",
        "Age of the oldest text still queued in the outbox (0 when none).",
    ),
    ("waiting", "warmline_conversations_waiting", "Conversations waiting for a peer."),
    (
        "oldest_waiting_s",
        "warmline_oldest_waiting_seconds",
        "How long the longest-waiting conversation has waited (0 when none).",
    ),
    (
        "failures_last_hour",
        "warmline_send_failures_last_hour",
        "Texts that failed or were undelivered in the last hour.",
    ),
    (
        "escalations_last_day",
        "warmline_escalations_last_day",
        "Unclaimed conversations escalated to the on-call coordinator in the last 24 hours.",
    ),
    (
        "crisis_last_day",
        "warmline_crisis_flags_last_day",
        "Conversations flagged for crisis words in the last 24 hours.",
    ),
)


def _line_gauges(states: list[line_health.LineState]) -> Iterator[Metric]:
    """One gauge family per measure, one sample per line (labelled by the line's id)."""
    for attribute, name, documentation in _LINE_GAUGES:
        family = GaugeMetricFamily(name, documentation, labels=["line"])
        for state in states:
            family.add_metric([str(state.line_id)], float(getattr(state, attribute)))
        yield family


def render(rt: Runtime, now: datetime) -> bytes:
    """The Prometheus text exposition of every metric, as of `now`."""
    registry = CollectorRegistry(auto_describe=False)
    if rt.settings.prometheus_multiproc_dir:
        multiprocess.MultiProcessCollector(  # type: ignore[no-untyped-call]
            registry, path=rt.settings.prometheus_multiproc_dir
        )
    else:
        registry.register(_Events())
    registry.register(_State(rt, now))
    return generate_latest(registry)
