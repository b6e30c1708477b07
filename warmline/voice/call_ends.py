"""The end of a call: stale calls closed, the call's volunteer freed and its caller's number let go."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from warmline.core.statuses import CallStatus
from warmline.models import (
    Call,
    Line,
    Voicemail,
)
from warmline.privacy import contact_log
from warmline.voice.call_rows import (
    call_step,
    release_contact,
)

# A call with no news from Twilio for this long lost its callbacks: end it, free its volunteer.
STALE_ROUTING = timedelta(hours=1)

STALE_CONNECTED = timedelta(hours=8)


def end_stale(session: Session, now: datetime) -> int:
    """End calls Twilio stopped telling us about, so no volunteer stays busy forever."""
    stale = session.scalars(
        select(Call)
        .where(
            (
                (Call.status.in_((CallStatus.RINGING, CallStatus.FALLBACK)))
                & (Call.updated_at < now - STALE_ROUTING)
            )
            | ((Call.status == CallStatus.CONNECTED) & (Call.updated_at < now - STALE_CONNECTED))
        )
        .with_for_update(skip_locked=True)
        .limit(100)
    ).all()
    for call in stale:
        end_call(session, call, "answered" if call.status == CallStatus.CONNECTED else "lost", now)
    # Ended after the tone, but Twilio never sent the recording's callbacks.
    unreleased = session.scalars(
        select(Call)
        .where(
            Call.status == CallStatus.ENDED,
            Call.contact_id.is_not(None),
            Call.ended_at < now - STALE_ROUTING,
            ~select(Voicemail.id)
            .where(Voicemail.call_id == Call.id, Voicemail.handled_at.is_(None))
            .exists(),
        )
        .limit(100)
    ).all()
    for call in unreleased:
        release_contact(session, call)
    session.commit()
    return len(stale)


def end_call(
    session: Session, call: Call, outcome: str, now: datetime, duration_s: int | None = None
) -> None:
    """The call is over: it frees its volunteer for texts, and its number if nothing needs it."""
    first_end = call.status != CallStatus.ENDED
    call.status = CallStatus.ENDED
    call.outcome = outcome
    call.ended_at = call.ended_at or now
    call.updated_at = now
    if duration_s is not None:
        call.duration_s = duration_s
    session.flush()
    if first_end:  # counted once, however often Twilio reports the end
        contact_log.record_call(session, session.get_one(Line, call.line_id), call, now)
    step = call_step(session, call.id, call.step)
    recording = step is not None and step.kind == "voicemail"
    if not recording or session.scalar(select(Voicemail.id).where(Voicemail.call_id == call.id)):
        release_contact(session, call)
