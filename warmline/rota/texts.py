"""The rota by text: reminders before shifts, coverage-gap alerts, open shifts and swaps."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from warmline.core.crypto import Vault
from warmline.core.db import Database, insert_or_skip
from warmline.core.errors import InvalidInput
from warmline.mail import notices
from warmline.mail.rules.compose import COVERAGE_GAP
from warmline.messaging.outgoing import Turn, first_language
from warmline.messaging.rules.refs import DIGITS, LETTERS
from warmline.messaging.times import shift_when
from warmline.messaging.wording import SOURCE_LANGUAGE
from warmline.models import Line, OpenShift, RotaNotice, Shift, ShiftOccurrence, Volunteer
from warmline.rota import service

MAX_REMINDER_LEAD = timedelta(hours=24)
GAP_WINDOW = timedelta(hours=48)
PEOPLE_WINDOW = timedelta(days=60)


def send_reminders(db: Database, vault: Vault, now: datetime) -> list[int]:
    """Text each volunteer once before each shift, the line's lead time ahead."""
    written: list[int] = []
    with db.session() as session:
        lines = session.scalars(select(Line)).all()
        for line in lines:
            lead = min(timedelta(seconds=line.reminder_lead_s), MAX_REMINDER_LEAD)
            due = session.scalars(
                select(ShiftOccurrence).where(
                    ShiftOccurrence.line_id == line.id,
                    ShiftOccurrence.starts_at > now,
                    ShiftOccurrence.starts_at <= now + lead,
                    ShiftOccurrence.reminded_at.is_(None),
                    ShiftOccurrence.role != "coordinator",
                )
            ).all()
            turn = Turn(session, vault, line, now)
            for occurrence in due:
                claimed = session.execute(
                    update(ShiftOccurrence)
                    .where(
                        ShiftOccurrence.id == occurrence.id, ShiftOccurrence.reminded_at.is_(None)
                    )
                    .values(reminded_at=now)
                )
                if claimed.rowcount != 1:  # type: ignore[attr-defined]
                    continue  # another sweeper reminded them a moment ago
                volunteer = session.get_one(Volunteer, occurrence.volunteer_id)
                turn.tell_volunteer(
                    volunteer,
                    "shift_reminder",
                    when=_when(turn, volunteer, occurrence.starts_at, occurrence.ends_at),
                )
            session.commit()
            written.extend(turn.outbox_ids())
    return written


def alert_gaps(db: Database, vault: Vault, now: datetime) -> list[int]:
    """Tell the line's coordinators, once per gap, about uncovered open hours in the next 48 h."""
    written: list[int] = []
    with db.session() as session:
        for line in session.scalars(select(Line)).all():
            gaps = service.coverage_gaps(session, line, now, GAP_WINDOW)
            if not gaps:
                continue
            coordinators = _coordinators(session, line, now)
            turn = Turn(session, vault, line, now)
            for start, end in gaps:
                key = start.strftime("%Y%m%dT%H%M")
                if not _first_notice(session, line.id, "gap", key, now):
                    continue
                for coordinator in coordinators:
                    when = _when(turn, coordinator, start, end)
                    turn.tell_volunteer(coordinator, "gap_alert", when=when)
                # The e-mail puts the window into words in each coordinator's language.
                notices.record(
                    session,
                    line,
                    COVERAGE_GAP,
                    f"gap:{key}",
                    now,
                    starts=start.isoformat(),
                    ends=end.isoformat(),
                )
            session.commit()
            written.extend(turn.outbox_ids())
    return written


def post_open_shift(
    turn: Turn,
    starts_at: datetime,
    ends_at: datetime,
    role: str,
    occurrence: ShiftOccurrence | None = None,
    asked_by: Volunteer | None = None,
) -> OpenShift:
    """Post a shift for anyone to CLAIM and text the line's volunteers about it."""
    session, line, now = turn.session, turn.line, turn.now
    in_use = set(
        session.scalars(
            select(OpenShift.code).where(
                OpenShift.line_id == line.id, OpenShift.claimed_at.is_(None)
            )
        )
    )
    code = _code()
    while code in in_use:
        code = _code()
    posted = OpenShift(
        line_id=line.id,
        code=code,
        role=role,
        starts_at=starts_at,
        ends_at=ends_at,
        occurrence_id=occurrence.id if occurrence else None,
        asked_by=asked_by.id if asked_by else None,
        created_at=now,
    )
    session.add(posted)
    session.flush()
    key = "swap_offer" if asked_by else "open_shift"
    for volunteer in _people(session, line, now):
        if asked_by is not None and volunteer.id == asked_by.id:
            continue
        turn.tell_volunteer(
            volunteer,
            key,
            when=_when(turn, volunteer, starts_at, ends_at),
            code=code,
            peer=asked_by.name if asked_by else "",
        )
    return posted


def claim_open_shift(turn: Turn, volunteer: Volunteer, code: str) -> None:
    """First CLAIM wins: the shift becomes theirs (or the swapped date is handed to them)."""
    posted = turn.session.scalar(
        select(OpenShift).where(
            OpenShift.line_id == turn.line.id,
            OpenShift.code == code.upper(),
            OpenShift.claimed_at.is_(None),
        )
    )
    if posted is None:
        turn.tell_volunteer(volunteer, "open_shift_gone", code=code.upper())
        return
    if posted.asked_by == volunteer.id:
        turn.tell_volunteer(volunteer, "own_swap", code=posted.code)
        return
    won = turn.session.execute(
        update(OpenShift)
        .where(OpenShift.id == posted.id, OpenShift.claimed_at.is_(None))
        .values(claimed_by=volunteer.id, claimed_at=turn.now)
    )
    if won.rowcount != 1:  # type: ignore[attr-defined]
        turn.tell_volunteer(volunteer, "open_shift_gone", code=posted.code)
        return
    try:
        if posted.occurrence_id is not None:
            occurrence = turn.session.get_one(ShiftOccurrence, posted.occurrence_id)
            shift = turn.session.get_one(Shift, occurrence.shift_id)
            service.except_date(turn.session, shift, occurrence.local_date, turn.now, volunteer.id)
        else:
            zone = service.zone_of(turn.line)
            new = service.NewShift(
                turn.line,
                volunteer.id,
                posted.role,
                posted.starts_at.astimezone(zone).replace(tzinfo=None),
                posted.ends_at.astimezone(zone).replace(tzinfo=None),
            )
            service.add_shift(turn.session, new, turn.now)
    except InvalidInput as exc:
        turn.session.execute(
            update(OpenShift)
            .where(OpenShift.id == posted.id)
            .values(claimed_by=None, claimed_at=None)
        )
        reason = exc.translated(first_language(volunteer, turn.line))
        turn.tell_volunteer(volunteer, "open_shift_refused", code=posted.code, reason=reason)
        return
    when = _when(turn, volunteer, posted.starts_at, posted.ends_at)
    turn.tell_volunteer(volunteer, "open_shift_yours", when=when)
    if posted.asked_by is not None:
        asker = turn.session.get(Volunteer, posted.asked_by)
        if asker is not None:
            when = _when(turn, asker, posted.starts_at, posted.ends_at)
            turn.tell_volunteer(asker, "swap_taken", when=when, peer=volunteer.name)


def request_swap(turn: Turn, volunteer: Volunteer) -> None:
    """Offer the volunteer's next shift on this line to the others."""
    occurrence = turn.session.scalar(
        select(ShiftOccurrence)
        .where(
            ShiftOccurrence.line_id == turn.line.id,
            ShiftOccurrence.volunteer_id == volunteer.id,
            ShiftOccurrence.starts_at > turn.now,
        )
        .order_by(ShiftOccurrence.starts_at)
        .limit(1)
    )
    if occurrence is None:
        turn.tell_volunteer(volunteer, "no_shift_to_swap")
        return
    pending = turn.session.scalar(
        select(OpenShift.code).where(
            OpenShift.occurrence_id == occurrence.id, OpenShift.claimed_at.is_(None)
        )
    )
    when = _when(turn, volunteer, occurrence.starts_at, occurrence.ends_at)
    if pending is not None:
        turn.tell_volunteer(volunteer, "swap_pending", when=when, code=pending)
        return
    post_open_shift(
        turn,
        occurrence.starts_at,
        occurrence.ends_at,
        occurrence.role,
        occurrence=occurrence,
        asked_by=volunteer,
    )
    turn.tell_volunteer(volunteer, "swap_asked", when=when)


def _first_notice(session: Session, line_id: int, kind: str, key: str, now: datetime) -> bool:
    """Record a notice; False when it was already sent (by this or another sweeper)."""
    dialect = session.get_bind().dialect.name
    insert = insert_or_skip(dialect)
    inserted = session.scalar(
        insert(RotaNotice)
        .values(line_id=line_id, kind=kind, key=key, created_at=now)
        .on_conflict_do_nothing()
        .returning(RotaNotice.id)
    )
    return inserted is not None


def _people(session: Session, line: Line, now: datetime) -> list[Volunteer]:
    """Active volunteers with a shift on the line lately or soon."""
    ids = select(ShiftOccurrence.volunteer_id).where(
        ShiftOccurrence.line_id == line.id,
        ShiftOccurrence.starts_at > now - PEOPLE_WINDOW,
        ShiftOccurrence.starts_at < now + PEOPLE_WINDOW,
    )
    return list(
        session.scalars(
            select(Volunteer)
            .where(Volunteer.id.in_(ids), Volunteer.is_active)
            .order_by(Volunteer.id)
        )
    )


def _coordinators(session: Session, line: Line, now: datetime) -> list[Volunteer]:
    """Active volunteers with a coordinator shift on the line lately or soon."""
    ids = select(ShiftOccurrence.volunteer_id).where(
        ShiftOccurrence.line_id == line.id,
        ShiftOccurrence.role == "coordinator",
        ShiftOccurrence.starts_at > now - PEOPLE_WINDOW,
        ShiftOccurrence.starts_at < now + PEOPLE_WINDOW,
    )
    return list(
        session.scalars(
            select(Volunteer)
            .where(Volunteer.id.in_(ids), Volunteer.is_active)
            .order_by(Volunteer.id)
        )
    )


def _when(turn: Turn, reader: Volunteer | None, start: datetime, end: datetime) -> str:
    """A shift's times on the line's clock, in the reader's language (None: English)."""
    zone = service.zone_of(turn.line)
    language = first_language(reader, turn.line) if reader is not None else SOURCE_LANGUAGE
    return shift_when(start.astimezone(zone), end.astimezone(zone), language)


def _code() -> str:
    return "".join(secrets.choice(LETTERS) for _ in range(2)) + "".join(
        secrets.choice(DIGITS) for _ in range(2)
    )
