"""The periodic sweep: whatever the queue lost or could not take, the database still knows."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from warmline.jobqueue import SEND_OUTBOX
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


@dataclass
class _SendHere:
    """A queue that keeps the sweeper's own follow-up sends, so they need no Redis."""

    outbox_ids: list[int] = field(default_factory=list)

    def enqueue(self, job: str, *ids: int) -> bool:
        """Collect sends; the sweeper performs them itself right after."""
        if job != SEND_OUTBOX:
            return False
        self.outbox_ids.extend(ids)
        return True


def sweep(rt: Runtime) -> SweepReport:
    """Process stranded texts and send due ones; safe to run in many processes at once."""
    now = utcnow()
    with rt.db.session() as session:
        interrupted = outbox.recover_interrupted(session, now)
        inbound_ids = inbound.stranded_ids(session, now)
        outbound_ids = outbox.due_ids(session, now)
    follow_ups = _SendHere()
    for event_id in inbound_ids:
        inbound.process(rt.db, rt.vault, follow_ups, event_id, utcnow)
    for outbox_id in sorted({*outbound_ids, *follow_ups.outbox_ids}):
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
