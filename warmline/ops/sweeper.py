"""The periodic sweep: whatever the queue lost or could not take, the database still knows."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from redis.exceptions import RedisError

from warmline.conversations.incoming import inbound, spill
from warmline.conversations.lifecycle import escalation
from warmline.conversations.support import checkins
from warmline.core.clock import utcnow
from warmline.core.jobqueue import SEND_OUTBOX, RedisJobQueue
from warmline.mail import delivery as mail_delivery
from warmline.messaging import outbox
from warmline.ops import line_alerts
from warmline.privacy import retention
from warmline.rota import service
from warmline.rota import texts as rota_sms
from warmline.voice import voicemail

if TYPE_CHECKING:
    from warmline.runtime import Runtime

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

# Rota texts, the occurrence horizon and the retention purge: about once a minute is enough.
ROTA_INTERVAL_S = 60.0


@dataclass(frozen=True)
class SweepReport:
    """What one sweep did, in counts."""

    inbound: int
    outbound: int
    interrupted: int
    timers: int = 0
    check_ins: int = 0


@dataclass
class _SendAfterSweep:
    """A queue that keeps the sweeper's own follow-up sends, so they need no Redis.

    Unlike `sending.SendHere`, which sends at once, these wait for the end of the sweep and go
    out with the due texts, each id once.
    """

    outbox_ids: list[int] = field(default_factory=list)

    def enqueue(self, job: str, *ids: int) -> bool:
        """Collect sends; the sweeper performs them itself right after."""
        if job != SEND_OUTBOX:
            return False
        self.outbox_ids.extend(ids)
        return True


def sweep(rt: Runtime, with_rota: bool = False, clock: Clock = utcnow) -> SweepReport:
    """Process stranded texts, act on due deadlines, send due texts; safe in many processes."""
    now = clock()
    _drain_spill(rt)
    with rt.db.session() as session:
        interrupted = outbox.recover_interrupted(session, now)
        inbound_ids = inbound.stranded_ids(session, now)
        timer_ids = escalation.due_ids(session, now)
        check_in_ids = checkins.due_ids(session, now)
        outbound_ids = outbox.due_ids(session, now)
    follow_ups = _SendAfterSweep()
    for event_id in inbound_ids:
        inbound.process(rt.db, rt.vault, follow_ups, event_id, clock, rt.keyring)
    for timer_id in timer_ids:
        follow_ups.outbox_ids.extend(escalation.run(rt.db, rt.vault, timer_id, clock()))
    for check_in_id in check_in_ids:
        follow_ups.outbox_ids.extend(checkins.send(rt.db, rt.vault, check_in_id, clock()))
    follow_ups.outbox_ids.extend(escalation.close_waiting_after_hours(rt.db, rt.vault, clock()))
    follow_ups.outbox_ids.extend(voicemail.sweep(rt.db, rt.vault, rt.voice, clock()))
    if with_rota:
        with rt.db.session() as session:
            service.extend_horizon(session, clock())
        follow_ups.outbox_ids.extend(rota_sms.send_reminders(rt.db, rt.vault, clock()))
        follow_ups.outbox_ids.extend(rota_sms.alert_gaps(rt.db, rt.vault, clock()))
        follow_ups.outbox_ids.extend(line_alerts.check(rt.db, rt.vault, clock()))
        retention.purge(rt.db, rt.records, clock())
    due = sorted({*outbound_ids, *follow_ups.outbox_ids})
    if rt.sends is not None:
        # The worker's send threads: one slow carrier answer does not hold up the whole sweep.
        rt.sends.enqueue(SEND_OUTBOX, *due)
    else:
        for outbox_id in due:
            outbox.send(rt.db, rt.vault, rt.transport, outbox_id, clock, rt.pacer)
    # After the texts: an alert's e-mail never holds up a texter's words.
    mail_delivery.queue_due(rt.db, rt.queue, clock(), enabled=rt.mailer is not None)
    if inbound_ids or outbound_ids or interrupted or timer_ids:
        log.info(
            "sweep: %d inbound, %d timers, %d outbound, %d interrupted",
            len(inbound_ids),
            len(timer_ids),
            len(outbound_ids),
            interrupted,
        )
    return SweepReport(
        len(inbound_ids), len(outbound_ids), interrupted, len(timer_ids), len(check_in_ids)
    )


def _drain_spill(rt: Runtime) -> None:
    """Store texts the web kept in Redis while the database was down."""
    if not isinstance(rt.queue, RedisJobQueue):
        return
    try:
        drained = spill.drain(rt.queue.redis, rt.db, rt.keyring, rt.vault, rt.queue)
    except RedisError as exc:
        log.warning("could not read spilled texts from Redis: %s", type(exc).__name__)
        return
    if drained.stored:
        log.info("stored %d texts kept in Redis while the database was down", drained.stored)


def sweep_forever(rt: Runtime, stop: threading.Event, interval: float = 1.0) -> None:
    """Sweep every `interval` seconds until `stop` is set; a failed sweep is logged and retried."""
    last_rota = 0.0
    while not stop.is_set():
        with_rota = time.monotonic() - last_rota >= ROTA_INTERVAL_S
        try:
            sweep(rt, with_rota=with_rota)
            if with_rota:
                last_rota = time.monotonic()
        except Exception:
            log.exception("sweep failed; retrying")
        stop.wait(interval)
