"""Events the line counts as they happen, for Prometheus (the scrape itself is in ops.scrape).

Events are prometheus-client metrics. With several processes (gunicorn's workers, a worker on
the same host) set PROMETHEUS_MULTIPROC_DIR, the same empty directory for all of them, and
every process's counts are added up at scrape time. The state (queues, waits, failures,
escalations) is read from the database and Redis at scrape time, so it is right however many
processes and hosts there are.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

EVENTS = CollectorRegistry(auto_describe=True)
WEBHOOK_SECONDS = Histogram(
    "warmline_webhook_duration_seconds",
    "Time taken to answer a Twilio webhook.",
    ["endpoint"],
    registry=EVENTS,
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 15.0),
)
TEXTS_NOT_STORED = Counter(
    "warmline_texts_not_stored",
    "Incoming texts that could not be stored (Twilio does not send them again); "
    "the sender got the safe reply.",
    ["reason"],
    registry=EVENTS,
)
TEXTS_NOT_ROUTED = Counter(
    "warmline_texts_not_routed",
    "Incoming texts from senders nothing can be sent back to (short codes, sender ids): "
    "stored and counted, offered to no peer.",
    registry=EVENTS,
)
TEXTS_BLOCKED = Counter(
    "warmline_texts_blocked",
    "Incoming texts from numbers a coordinator blocked on the line: stored, counted, sent nowhere.",
    registry=EVENTS,
)
TEXTS_GATHERED = Counter(
    "warmline_texts_gathered",
    "Incoming texts from a texter past the flood threshold, held to reach their peer together "
    "with the others gathered in the same few seconds (never dropped).",
    registry=EVENTS,
)
TEXTS_FROM_OPTED_OUT = Counter(
    "warmline_texts_from_opted_out",
    "Incoming texts from texters who opted out (STOP) and have not sent START: stored and "
    "counted, offered to no peer, since no reply can be delivered.",
    registry=EVENTS,
)
SAFE_ANSWERS = Counter(
    "warmline_safe_answers",
    "Webhooks answered with the safe reply (hours and crisis numbers) instead of the usual one.",
    ["webhook"],
    registry=EVENTS,
)
SEND_FAILURES = Counter(
    "warmline_send_failures",
    "Texts the carrier refused: outcome=retry (tried again later) or failed (given up).",
    ["outcome"],
    registry=EVENTS,
)
SENDS_PACED = Counter(
    "warmline_sends_paced",
    "Sends held back a moment because the sending number's bucket was empty.",
    registry=EVENTS,
)
