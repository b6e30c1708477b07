"""A coordinator's "export contact" and "erase contact": the number typed in, never recorded."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from redis.exceptions import RedisError
from sqlalchemy.orm import Session

from warmline.conversations.incoming import spill
from warmline.conversations.lifecycle import forgetting
from warmline.core.crypto import Keyring, Vault
from warmline.core.jobqueue import JobQueue, RedisJobQueue
from warmline.lines import audit
from warmline.messaging import outbox
from warmline.models import Coordinator, Line
from warmline.privacy import subject_access

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Held:
    """How much is held about a number, to show before erasing it."""

    conversations: int
    log_rows: int
    consent_answers: int
    number_kept: bool
    texts_waiting: int
    calls: int = 0

    @property
    def anything(self) -> bool:
        """True when there is something to erase."""
        return bool(
            self.conversations
            or self.log_rows
            or self.consent_answers
            or self.number_kept
            or self.texts_waiting
            or self.calls
        )


def export(
    session: Session, keyring: Keyring, line: Line, e164: str, actor: Coordinator, now: datetime
) -> dict[str, Any]:
    """Everything held about the number on the line; the audit log says who exported, not whose."""
    data = subject_access.export(session, keyring, line, e164)
    audit.record(session, actor, "exported contact", "", now, line.id)
    session.commit()
    return data


def held(
    session: Session, keyring: Keyring, line: Line, e164: str, actor: Coordinator, now: datetime
) -> Held:
    """What erasing the number would remove; looking is audited too, as it says they texted."""
    data = subject_access.export(session, keyring, line, e164)
    audit.record(session, actor, "looked up contact", "before erasing", now, line.id)
    session.commit()
    return Held(
        conversations=len(data["conversations"]),
        log_rows=len(data["contact_log"]),
        consent_answers=len(data["consent"]),
        number_kept=bool(data["number_kept_encrypted"]),
        texts_waiting=int(data["texts_waiting_for_a_peer_encrypted"])
        + int(data["texts_waiting_to_be_sent"]),
        calls=len(data["calls"]),
    )


def erase(
    session: Session,
    vault: Vault,
    keyring: Keyring,
    queue: JobQueue,
    line: Line,
    e164: str,
    actor: Coordinator | None,
    now: datetime,
) -> bool:
    """Erase as FORGET does (the texter is told); True when anything was held.

    The one way, for the dashboard and the CLI (no `actor`); noted without the number.
    """
    erased = forgetting.erase_number(session, vault, keyring, line, e164, now)
    anything = discard_spilled(queue, vault, e164) > 0 or erased.anything
    subject = "data erased" if anything else "nothing held"
    audit.record(
        session, actor, "erased contact", subject, now, line.id, actor=None if actor else "cli"
    )
    session.commit()
    outbox.enqueue_all(queue, erased.outbox_ids)
    for job, job_id in erased.jobs:
        queue.enqueue(job, job_id)
    return anything


def discard_spilled(queue: JobQueue, vault: Vault, e164: str) -> int:
    """Drop the number's texts still kept in Redis from a database outage, not yet stored."""
    if not isinstance(queue, RedisJobQueue):
        return 0
    try:
        return spill.discard(queue.redis, vault, e164)
    except RedisError:
        log.warning("erasure: texts kept in Redis could not be checked")
        return 0
