"""The rota as volunteers and coordinators meet it: weekly shifts, reminders, gaps, swaps, feeds."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from tests.integration.conftest import Line
from tests.integration.conversations.test_sms_flow import ALEX, RILEY, SAM
from warmline.core.clock import utcnow
from warmline.core.errors import InvalidInput
from warmline.lines.lines import get_line
from warmline.messaging import times, wording
from warmline.models import OpenShift, Shift, ShiftOccurrence, Volunteer
from warmline.ops.sweeper import sweep
from warmline.rota import calendar, service, shifts

NY = ZoneInfo("America/New_York")


def add_shift(
    line: Line,
    phone: str,
    start_in: timedelta,
    hours: float,
    role: str = "primary",
    weekly: bool = False,
) -> int:
    start = (utcnow() + start_in).astimezone(NY).replace(second=0, microsecond=0, tzinfo=None)
    with line.rt.db.session() as session:
        added = service.add_shift(
            session,
            shifts.read_shift(
                session,
                line.rt.keyring,
                line_raw=line.number,
                volunteer_raw=phone,
                start=start.isoformat(),
                end=(start + timedelta(hours=hours)).isoformat(),
                role=role,
                weekly=weekly,
            ),
            utcnow(),
        )
        session.commit()
    return added.shift.id


def sweep_rota_at(line: Line, seconds: float) -> None:
    later = utcnow() + timedelta(seconds=seconds)
    sweep(line.rt, with_rota=True, clock=lambda: later)
    line.drain()


def test_a_weekly_shift_is_written_out_a_year_ahead_and_makes_its_volunteer_available(
    line: Line,
) -> None:
    line.add_volunteer("Sam", SAM, on_shift=False)
    add_shift(line, SAM, timedelta(minutes=-30), 2, weekly=True)
    with line.rt.db.session() as session:
        dates = session.scalars(
            select(ShiftOccurrence.local_date).order_by(ShiftOccurrence.starts_at)
        ).all()
        assert len(dates) >= 52 and all((b - a).days == 7 for a, b in pairwise(dates))
    line.text("+15550009001", "hi")
    assert any("waiting to talk" in b for b in line.sent_to(SAM))


def test_a_skipped_date_and_a_handed_date_change_who_is_on(line: Line) -> None:
    line.add_volunteer("Sam", SAM, on_shift=False)
    line.add_volunteer("Alex", ALEX, on_shift=False)
    shift_id = add_shift(line, SAM, timedelta(minutes=-30), 2, weekly=True)
    today = (utcnow() - timedelta(minutes=30)).astimezone(NY).date()
    with line.rt.db.session() as session:
        shifts.except_date(session, line.rt.keyring, shift_id, today.isoformat(), ALEX, utcnow())
    line.text("+15550009001", "hi")
    assert not any("waiting to talk" in b for b in line.sent_to(SAM))
    assert any("waiting to talk" in b for b in line.sent_to(ALEX))
    next_week = today + timedelta(days=7)
    with line.rt.db.session() as session:
        shifts.except_date(
            session, line.rt.keyring, shift_id, next_week.isoformat(), None, utcnow()
        )
        assert (
            session.scalar(select(func.count()).where(ShiftOccurrence.local_date == next_week)) == 0
        )
        with pytest.raises(InvalidInput, match="does not happen"):
            shifts.except_date(
                session,
                line.rt.keyring,
                shift_id,
                (today + timedelta(days=1)).isoformat(),
                None,
                utcnow(),
            )


def test_cancelling_a_shift_takes_its_volunteer_off_now_and_from_later_dates(line: Line) -> None:
    line.add_volunteer("Sam", SAM, on_shift=False)
    shift_id = add_shift(line, SAM, timedelta(minutes=-30), 2, weekly=True)
    with line.rt.db.session() as session:
        assert shifts.cancel_shift(session, shift_id, utcnow()) >= 52
        assert (
            "no shifts" in shifts.list_shifts(session, line.rt.vault, line.number, 30, utcnow())[0]
        )
    line.text("+15550009001", "hi")
    assert line.sent_to(SAM) == []


def test_overlapping_weekly_shifts_for_one_volunteer_are_refused(line: Line) -> None:
    line.add_volunteer("Sam", SAM, on_shift=False)
    add_shift(line, SAM, timedelta(days=1), 3, weekly=True)
    with pytest.raises(InvalidInput, match="overlaps"):
        add_shift(line, SAM, timedelta(days=8, hours=2), 3)
    add_shift(line, SAM, timedelta(days=8, hours=3), 3)  # right after it: fine


def test_an_overlap_is_told_on_the_lines_own_clock(line: Line) -> None:
    line.add_volunteer("Sam", SAM, on_shift=False)
    add_shift(line, SAM, timedelta(days=2), 3)
    clash = (utcnow() + timedelta(days=2, hours=1)).astimezone(NY)
    with pytest.raises(InvalidInput, match=f"overlaps it \\({clash:%a %Y-%m-%d %H}:"):
        add_shift(line, SAM, timedelta(days=2, hours=1), 3)


def test_a_shift_that_is_already_over_is_refused_and_nothing_is_written(line: Line) -> None:
    line.add_volunteer("Sam", SAM, on_shift=False)
    with pytest.raises(InvalidInput, match="already over"):
        add_shift(line, SAM, timedelta(hours=-5), 2)
    with line.rt.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Shift)) == 0
    # Under way is fine: it started an hour ago and ends in two.
    add_shift(line, SAM, timedelta(hours=-1), 3)


def test_a_reminder_goes_once_before_each_shift(line: Line) -> None:
    line.add_volunteer("Sam", SAM, on_shift=False)
    add_shift(line, SAM, timedelta(minutes=90), 2)
    sweep_rota_at(line, 0)
    assert line.sent_to(SAM) == []  # 90 minutes ahead: not yet (lead time is an hour)
    sweep_rota_at(line, 40 * 60)
    sweep_rota_at(line, 45 * 60)
    reminders = [b for b in line.sent_to(SAM) if "reminder of your shift" in b]
    assert len(reminders) == 1


def test_coverage_gaps_in_the_next_48_hours_are_told_to_coordinators_once(line: Line) -> None:
    line.add_volunteer("Riley", RILEY, role="coordinator")
    line.add_volunteer("Sam", SAM, on_shift=False)
    add_shift(line, SAM, timedelta(hours=-1), 10)
    sweep_rota_at(line, 0)
    sweep_rota_at(line, 60)
    gaps = [b for b in line.sent_to(RILEY) if "no peer is on the rota" in b]
    assert len(gaps) == 1
    assert line.sent_to(SAM) == []


def test_an_open_shift_goes_to_the_first_claim(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    line.add_volunteer("Alex", ALEX)
    start = (
        (utcnow() + timedelta(days=2))
        .astimezone(NY)
        .replace(minute=0, second=0, microsecond=0, tzinfo=None)
    )
    with line.rt.db.session() as session:
        posted, ids = shifts.post_open_shift(
            session,
            line.rt.vault,
            line.number,
            start.isoformat(),
            (start + timedelta(hours=3)).isoformat(),
            "primary",
            utcnow(),
        )
    for outbox_id in ids:
        line.rt.queue.enqueue("workers.jobs.send_outbox", outbox_id)
    line.drain()
    assert any(f"CLAIM {posted.code}" in b for b in line.sent_to(SAM))
    line.text(ALEX, f"claim {posted.code.lower()}")
    line.text(SAM, f"CLAIM {posted.code}")
    assert "is yours" in line.sent_to(ALEX)[-1]
    assert "already taken" in line.sent_to(SAM)[-1]
    with line.rt.db.session() as session:
        alex = session.scalars(select(Volunteer).where(Volunteer.name == "Alex")).one()
        assert (
            session.scalar(select(func.count()).where(ShiftOccurrence.volunteer_id == alex.id)) == 2
        )


def test_a_swap_hands_the_next_shift_to_whoever_claims_it(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    line.add_volunteer("Alex", ALEX)
    add_shift(line, SAM, timedelta(days=1), 3)
    line.text(SAM, "SWAP")
    assert "offered to the others" in line.sent_to(SAM)[-1]
    offer = next(b for b in line.sent_to(ALEX) if "asks for a swap" in b)
    code = offer.split("CLAIM ")[1].split(" ")[0]
    line.text(ALEX, f"CLAIM {code}")
    assert "is yours" in line.sent_to(ALEX)[-1]
    assert "Alex took your shift" in line.sent_to(SAM)[-1]
    with line.rt.db.session() as session:
        assert session.scalar(select(OpenShift.claimed_by)) is not None


def test_the_calendar_feed_lists_only_the_volunteers_shifts_and_can_be_revoked(line: Line) -> None:
    line.add_volunteer("Sam", SAM, on_shift=False)
    line.add_volunteer("Alex", ALEX, on_shift=False)
    add_shift(line, SAM, timedelta(days=1), 3, weekly=True)
    add_shift(line, ALEX, timedelta(days=2), 3)
    with line.rt.db.session() as session:
        sam = session.scalars(select(Volunteer).where(Volunteer.name == "Sam")).one()
        token = calendar.issue(session, sam)
    response = line.client.get(f"/rota/{token}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    events = [c for c in Calendar.from_ical(response.data).walk("VEVENT")]
    assert len(events) >= 16 and all("primary shift" in str(e["summary"]) for e in events)
    assert SAM[2:] not in response.text and "Alex" not in response.text
    with line.rt.db.session() as session:
        sam = session.scalars(select(Volunteer).where(Volunteer.name == "Sam")).one()
        calendar.revoke(session, sam)
    assert line.client.get(f"/rota/{token}.ics").status_code == 404
    assert line.client.get("/rota/not-a-token.ics").status_code == 404


def test_hours_in_the_texts_follow_the_line_hours(line: Line) -> None:
    with line.rt.db.session() as session:
        assert "Mon 18:00-23:00" in shifts.set_hours(session, line.number, "mon-fri 18:00-23:00")
        target = get_line(session, line.number)
        assert "Fri 18:00-23:00" in target.hours_text
        assert service.opening_hours(
            session, target, utcnow(), utcnow() + timedelta(hours=1)
        ).windows


ENGLISH_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def test_spanish_speaking_peers_read_shift_days_and_times_in_spanish(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    line.add_volunteer("Alex", ALEX)
    for phone in (SAM, ALEX):
        line.text(phone, "LANG es")
    add_shift(line, SAM, timedelta(days=1), 3)
    with line.rt.db.session() as session:
        starts = session.scalars(
            select(ShiftOccurrence.starts_at).where(ShiftOccurrence.starts_at > utcnow())
        ).one()
    local = starts.astimezone(NY)
    when = times.shift_when(local, local + timedelta(hours=3), "es")

    line.text(SAM, "SWAP")
    offer = next(b for b in line.sent_to(ALEX) if "pide un cambio" in b)
    code = offer.split("CLAIM ")[1].split(" ")[0]
    line.text(ALEX, f"CLAIM {code}")

    assert line.sent_to(SAM)[-2] == wording.say("swap_asked", "es", when=when)
    assert when in offer
    assert line.sent_to(ALEX)[-1] == wording.say("open_shift_yours", "es", when=when)
    assert line.sent_to(SAM)[-1] == wording.say("swap_taken", "es", when=when, peer="Alex")
    for body in line.sent_to(SAM)[-2:] + line.sent_to(ALEX)[-2:]:
        assert not any(f"{day} " in body for day in ENGLISH_DAYS), body
