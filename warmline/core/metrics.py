"""Events the line counts as they happen, for Prometheus (the scrape itself is in ops.scrape).

Events are prometheus-client metrics, made as the process first counts one. With several
processes (gunicorn's workers, a worker on the same host) set PROMETHEUS_MULTIPROC_DIR, the same
empty directory for all of them, and every process's counts are added up at scrape time. A worker
without that directory has no way for its counts to reach a scrape: it counts nowhere
(`count_nowhere`) and never loads prometheus-client. The state (queues, waits, failures,
escalations) is read from the database and Redis at scrape time, so it is right however many
processes and hosts there are.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry


class Tally(Protocol):
    """One labelled series of an event."""

    def inc(self, amount: float = 1) -> None:
        """Count `amount` more (a counter)."""

    def observe(self, amount: float) -> None:
        """Count one more value (a histogram)."""


@dataclass(frozen=True)
class Event:
    """A counter, or a histogram when it has buckets."""

    name: str
    documentation: str
    labelnames: tuple[str, ...] = ()
    buckets: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        _ALL.append(self)

    def labels(self, **values: str) -> Tally:
        """The series for these label values."""
        return _made(self).labels(**values) if _counting else _NOWHERE

    def inc(self, amount: float = 1) -> None:
        """Count `amount` more (a counter without labels)."""
        if _counting:
            _made(self).inc(amount)


class _Nowhere:
    """A series counted nowhere."""

    def inc(self, amount: float = 1) -> None:
        """Nothing."""

    def observe(self, amount: float) -> None:
        """Nothing."""


_NOWHERE = _Nowhere()
# Every event defined below, in order: the registry makes them all at once, so a scrape shows
# each, counted or not.
_ALL: list[Event] = []
_counting = True
_registry: CollectorRegistry | None = None
_metrics: dict[Event, Any] = {}
_making = threading.Lock()


def count_nowhere() -> None:
    """Let this process's events go uncounted, as nothing would ever read its counts."""
    global _counting
    _counting = False


def registry() -> CollectorRegistry:
    """The registry of every event, made with prometheus-client the first time it is asked for."""
    global _registry
    if _registry is not None:
        return _registry
    with _making:
        if _registry is None:
            from prometheus_client import CollectorRegistry, Counter, Histogram

            made = CollectorRegistry(auto_describe=True)
            for event in _ALL:
                options: dict[str, Any] = {"labelnames": event.labelnames, "registry": made}
                if event.buckets is None:
                    _metrics[event] = Counter(event.name, event.documentation, **options)
                else:
                    _metrics[event] = Histogram(
                        event.name, event.documentation, buckets=event.buckets, **options
                    )
            _registry = made
    return _registry


def _made(event: Event) -> Any:
    registry()
    return _metrics[event]


WEBHOOK_SECONDS = Event(
    "warmline_webhook_duration_seconds",
    "Time taken to answer a Twilio webhook.",
    labelnames=("endpoint",),
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 15.0),
)
TEXTS_NOT_STORED = Event(
    "warmline_texts_not_stored",
    "Incoming texts that could not be stored (Twilio does not send them again); "
    "the sender got the safe reply.",
    labelnames=("reason",),
)
TEXTS_NOT_ROUTED = Event(
    "warmline_texts_not_routed",
    "Incoming texts from senders nothing can be sent back to (short codes, sender ids): "
    "stored and counted, offered to no peer.",
)
TEXTS_BLOCKED = Event(
    "warmline_texts_blocked",
    "Incoming texts from numbers a coordinator blocked on the line: stored, counted, sent nowhere.",
)
TEXTS_GATHERED = Event(
    "warmline_texts_gathered",
    "Incoming texts from a texter past the flood threshold, held to reach their peer together "
    "with the others gathered in the same few seconds (never dropped).",
)
TEXTS_FROM_OPTED_OUT = Event(
    "warmline_texts_from_opted_out",
    "Incoming texts from texters who opted out (STOP) and have not sent START: stored and "
    "counted, offered to no peer, since no reply can be delivered.",
)
SAFE_ANSWERS = Event(
    "warmline_safe_answers",
    "Webhooks answered with the safe reply (hours and crisis numbers) instead of the usual one.",
    labelnames=("webhook",),
)
SEND_FAILURES = Event(
    "warmline_send_failures",
    "Texts the carrier refused: outcome=retry (tried again later) or failed (given up).",
    labelnames=("outcome",),
)
SENDS_PACED = Event(
    "warmline_sends_paced",
    "Sends held back a moment because the sending number's bucket was empty.",
)
