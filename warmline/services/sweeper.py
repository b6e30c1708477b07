"""The periodic sweep: whatever the queue lost or could not take, the database still knows."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from warmline.runtime import Runtime
from warmline.services import inbound, outbox
from warmline.timeutil import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SweepReport:
    """What one sweep did, in counts."""

    inbound: int
    outbound: int
    interrupted: int


def sweep(rt: Runtime) -> SweepReport:
    """Process stranded texts and send due ones; safe to run in many processes at once."""
    now = utcnow()
    with rt.db.session() as session:
        interrupted = outbox.recover_interrupted(session, now)
        inbound_ids = inbound.stranded_ids(session, now)
        outbound_ids = outbox.due_ids(session, now)
    for event_id in inbound_ids:
        inbound.process(rt.db, rt.vault, rt.queue, event_id, utcnow)
    for outbox_id in outbound_ids:
        outbox.send(rt.db, rt.vault, rt.transport, outbox_id, utcnow)
    if inbound_ids or outbound_ids or interrupted:
        log.info(
            "sweep: %d inbound, %d outbound, %d interrupted",
            len(inbound_ids),
            len(outbound_ids),
            interrupted,
        )
    return SweepReport(len(inbound_ids), len(outbound_ids), interrupted)


def sweep_forever(rt: Runtime, stop: threading.Event, interval: float = 1.0) -> None:
    """Sweep every `interval` seconds until `stop` is set; a failed sweep is logged and retried."""
    while not stop.is_set():
        try:
            sweep(rt)
        except Exception:
            log.exception("sweep failed; retrying")
        stop.wait(interval)
