"""Jobs the queue runs; each takes row ids only and may run more than once."""

from __future__ import annotations

import contextlib

from redis.exceptions import RedisError

from warmline import runtime
from warmline.conversations.incoming import inbound, spill
from warmline.core.clock import utcnow
from warmline.core.jobqueue import JobQueue, RedisJobQueue
from warmline.mail import delivery
from warmline.messaging import outbox, sending
from warmline.voice import voicemail


def process_inbound(event_id: int) -> None:
    """Process an inbound text (and earlier ones from the same sender) once, and send its texts."""
    rt = runtime.current()
    if isinstance(rt.queue, RedisJobQueue):
        # Texts kept in Redis during a database outage arrived earlier: store them first.
        with contextlib.suppress(RedisError):
            spill.drain(rt.queue.redis, rt.db, rt.keyring, rt.vault, rt.queue)
    # With a send pool (`warmline worker`), the texts go to its threads and this job moves on to
    # the next sender at once; otherwise they are sent here, in this job.
    sends: JobQueue = rt.sends or sending.SendHere(
        rt.db, rt.vault, rt.transport, rt.queue, utcnow, rt.pacer
    )
    inbound.process(rt.db, rt.vault, sends, event_id, utcnow, rt.keyring)


def send_outbox(outbox_id: int) -> None:
    """Send one outbox text (after older ones to the same person); a re-run sends nothing twice."""
    rt = runtime.current()
    if rt.sends is not None:
        rt.sends.submit(outbox_id)
        return
    outbox.send(rt.db, rt.vault, rt.transport, outbox_id, utcnow, rt.pacer)


def delete_recording(voicemail_id: int) -> None:
    """Delete a handled voicemail's recording at Twilio; a re-run finds it gone and stops."""
    rt = runtime.current()
    voicemail.delete_recording(rt.db, rt.voice, voicemail_id, utcnow())


def send_email(notice_id: int) -> None:
    """Send one coordinator's alert e-mail; a re-run finds it sent and stops."""
    rt = runtime.current()
    delivery.send(rt.db, rt.mailer, notice_id, utcnow(), rt.settings.public_url)
