"""Sending recorded alert e-mails: the sweeper queues due ones, the job sends each once."""

from __future__ import annotations

import json
import logging
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from warmline.core.db import Database
from warmline.core.jobqueue import SEND_EMAIL, JobQueue
from warmline.mail.rules.compose import Letter, compose
from warmline.mail.smtp import Mailer
from warmline.mail.wording import reading, words_in
from warmline.messaging import times
from warmline.models import Coordinator, EmailNotice, Line

log = logging.getLogger(__name__)

# A queued e-mail whose job was lost is queued again after this; failures back off up to an hour.
RETRY_AFTER = timedelta(minutes=2)
MAX_RETRY = timedelta(hours=1)
MAX_ATTEMPTS = 24
BATCH = 100
# Without SMTP here, an e-mail no other process has sent by then is dropped.
UNSENT_FOR = timedelta(hours=1)


def queue_due(db: Database, queue: JobQueue, now: datetime, *, enabled: bool) -> int:
    """Queue a send job for each e-mail that is due; without SMTP, drop them. How many queued."""
    with db.session() as session:
        due = list(
            session.scalars(
                select(EmailNotice)
                .where(EmailNotice.next_attempt_at <= now)
                .order_by(EmailNotice.id)
                .limit(BATCH)
            )
        )
        if not due:
            return 0
        if not enabled:
            # Another process on this database may have SMTP (`warmline run` beside the
            # simulator): only what none of them sent in time is dropped.
            stale = [n.id for n in due if n.created_at < now - UNSENT_FOR]
            if stale:
                _drop(session, stale, "SMTP_URL is not set")
                session.commit()
            return 0
        for notice in due:
            # Bumped before queueing: a lost job is queued again then, never twice at once.
            notice.next_attempt_at = now + _backoff(notice.attempts)
        session.commit()
        ids = [notice.id for notice in due]
    for notice_id in ids:
        queue.enqueue(SEND_EMAIL, notice_id)
    return len(ids)


def _backoff(attempts: int) -> timedelta:
    wait: timedelta = RETRY_AFTER * (2 ** min(attempts, 10))
    return min(wait, MAX_RETRY)


def _drop(session: Session, ids: list[int], why: str) -> None:
    session.execute(
        update(EmailNotice)
        .where(EmailNotice.id.in_(ids))
        .values(next_attempt_at=None, last_error=why)
    )


def send(
    db: Database, mailer: Mailer | None, notice_id: int, now: datetime, dashboard_url: str
) -> bool:
    """Send one recorded e-mail unless it has gone already; True when it went now."""
    with db.session() as session:
        notice = session.scalar(
            select(EmailNotice)
            .where(
                EmailNotice.id == notice_id,
                EmailNotice.sent_at.is_(None),
                EmailNotice.next_attempt_at.is_not(None),
            )
            .with_for_update(skip_locked=True)
        )
        if notice is None:
            return False  # sent, dropped, or being sent by another worker right now
        if mailer is None:
            return False  # left for a process with SMTP; the sweeper drops it if none sends it
        coordinator = session.get_one(Coordinator, notice.coordinator_id)
        if not coordinator.is_active or not coordinator.email_alerts:
            _drop(session, [notice.id], "the coordinator turned e-mail off or left")
            session.commit()
            return False
        line = session.get_one(Line, notice.line_id)
        message = _message(notice, line, coordinator, mailer.sender, dashboard_url)
        try:
            mailer.send(message)
        except (smtplib.SMTPException, OSError) as exc:
            notice.attempts += 1
            code = getattr(exc, "smtp_code", None)
            notice.last_error = f"{type(exc).__name__}{f' {code}' if code else ''}"[:200]
            if notice.attempts >= MAX_ATTEMPTS:
                notice.next_attempt_at = None
            else:
                notice.next_attempt_at = now + _backoff(notice.attempts)
            session.commit()
            log.warning(
                "e-mail notice %s not sent (%s, try %d)",
                notice.id,
                notice.last_error,
                notice.attempts,
            )
            return False
        notice.sent_at = now
        notice.next_attempt_at = None
        notice.last_error = None
        session.commit()
        log.info(
            "e-mail notice %s (%s) sent to coordinator %s", notice.id, notice.kind, coordinator.id
        )
        return True


def letter(
    notice: EmailNotice, line: Line, dashboard_url: str, language: str | None = None
) -> Letter:
    """What the notice's e-mail says, in `language` (English when None or not translated)."""
    fields = json.loads(notice.details)
    zone = ZoneInfo(line.timezone)
    language = reading(language)
    if "starts" in fields and "ends" in fields:
        # A window's times, kept as moments so each reader gets them in their own language.
        starts = datetime.fromisoformat(fields["starts"]).astimezone(zone)
        ends = datetime.fromisoformat(fields["ends"]).astimezone(zone)
        fields["when"] = times.shift_when(starts, ends, language)
    happened_at = times.moment(notice.created_at.astimezone(zone), language)
    return compose(
        notice.kind, line.name, fields, happened_at, dashboard_url, line.id, words_in(language)
    )


def _message(
    notice: EmailNotice, line: Line, to: Coordinator, sender: str, dashboard_url: str
) -> EmailMessage:
    content = letter(notice, line, dashboard_url, to.language)
    message = EmailMessage()
    message["Subject"] = content.subject
    message["From"] = sender
    message["To"] = to.email
    message["Date"] = format_datetime(notice.created_at)
    # The same id on a retried send lets a mail client show it once.
    domain = parseaddr(sender)[1].rpartition("@")[2]
    message["Message-ID"] = f"<warmline-notice-{notice.id}@{domain or 'localhost'}>"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(content.body)
    # After the content: setting it clears every Content- header.
    message["Content-Language"] = reading(to.language)
    return message
