"""The demo line: example resources, four-hour shifts, and a real gap that its first alert names."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import select

from warmline import runtime
from warmline.cli import demo
from warmline.config import load_settings
from warmline.conversations.support import resources
from warmline.core import migrate
from warmline.core.clock import utcnow
from warmline.lines.lines import find_line
from warmline.messaging import outbox
from warmline.models import ShiftOccurrence, Volunteer
from warmline.rota import service
from warmline.rota import texts as rota_sms
from warmline.runtime import Runtime
from warmline.telephony.sender import ConsoleTransport


@pytest.fixture
def rt(tmp_path: Path) -> Iterator[Runtime]:
    """A fresh development instance on SQLite, as `make run` starts one."""
    settings = load_settings(
        {
            "WARMLINE_ENV": "development",
            "WARMLINE_INSTANCE_PATH": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'warmline.sqlite3'}",
        }
    )
    migrate.upgrade(settings.database_url)
    built = runtime.build(settings)
    yield built
    built.db.engine.dispose()


def seeded(rt: Runtime, now: datetime) -> None:
    with rt.db.session() as session:
        assert demo.seed_if_empty(session, rt.keyring, rt.vault, now)


def occurrences(rt: Runtime) -> list[tuple[str, str, datetime, datetime]]:
    with rt.db.session() as session:
        rows = session.execute(
            select(Volunteer.name, ShiftOccurrence.role, ShiftOccurrence.starts_at,
                   ShiftOccurrence.ends_at)
            .join(Volunteer, Volunteer.id == ShiftOccurrence.volunteer_id)
            .order_by(ShiftOccurrence.starts_at, Volunteer.name)
        )  # fmt: skip
        return [tuple(row) for row in rows]  # type: ignore[misc]


@pytest.mark.parametrize("local_time", ["09:15", "23:59", "00:10", "03:30", "11:30"])
def test_both_peers_are_on_now_and_every_later_shift_is_four_hours(local_time: str) -> None:
    hour, minute = map(int, local_time.split(":"))
    local_now = datetime(2027, 3, 3, hour, minute)
    plan = demo.demo_rota(local_now)
    on_now = {s.person.name for s in plan if s.start <= local_now < s.end}
    assert on_now == {"Sam", "Alex", "Riley"}
    assert all(s.end - local_now >= timedelta(hours=1) for s in plan if s.start <= local_now)
    later = [s for s in plan if s.start > local_now]
    assert later and all(s.end - s.start == timedelta(hours=4) for s in later)
    peers_at_night = [s for s in later if s.person.role == "primary" and s.start.hour == 0]
    assert peers_at_night == []  # the demo's honest gap: nobody from midnight to 04:00
    assert any(s.person.name == "Riley" and s.start.hour == 0 for s in later)  # still on call


def test_the_demo_starts_with_its_library_its_rota_and_an_alert_about_a_real_gap(
    rt: Runtime,
) -> None:
    now = utcnow()
    seeded(rt, now)
    with rt.db.session() as session:
        line = find_line(session, demo.DEMO_LINE)
        assert line is not None
        titles = [r.title for r in resources.library(session, line)]
        gaps = service.coverage_gaps(session, line, now)
        zone = service.zone_of(line)
    assert "988 Suicide & Crisis Lifeline" in titles and len(titles) >= 3
    assert any("grounding" in t for t in titles) and any("Food Bank" in t for t in titles)

    shifts = occurrences(rt)
    longest = max(end - start for _, _, start, end in shifts)
    assert longest <= timedelta(hours=5, minutes=1)  # no more 23-hour shifts
    assert {name for name, _, start, end in shifts if start <= now < end} == {
        "Sam",
        "Alex",
        "Riley",
    }
    # Every gap in the next 48 hours is the uncovered night, in the line's time.
    assert gaps
    for start, end in gaps:
        local_start = start.astimezone(zone)
        assert local_start.hour < 4 and end.astimezone(zone).hour <= 4, (start, end)

    # The first rota check texts the on-call coordinator about exactly those gaps.
    console = io.StringIO()
    rt.transport = ConsoleTransport(console)
    for outbox_id in rota_sms.alert_gaps(rt.db, rt.vault, now):
        outbox.send(rt.db, rt.vault, rt.transport, outbox_id, lambda: now)
    alerts = [line for line in console.getvalue().splitlines() if "no peer is on the rota" in line]
    # (Between midnight and 04:00 the peers on now cover tonight, so a gap may end with a shift.)
    assert len(alerts) == len(gaps) and all("Riley (volunteer)" in a for a in alerts)


def test_starting_again_later_fills_the_rota_forward_without_overlaps(rt: Runtime) -> None:
    now = utcnow()
    seeded(rt, now)
    first = occurrences(rt)
    with rt.db.session() as session:
        demo.keep_demo_on_shift(session, rt.keyring, now)
    assert occurrences(rt) == first  # nothing added twice

    later = now + timedelta(hours=30)
    with rt.db.session() as session:
        demo.keep_demo_on_shift(session, rt.keyring, later)
    shifts = occurrences(rt)
    assert len(shifts) > len(first)
    assert {name for name, _, start, end in shifts if start <= later < end} == {
        "Sam",
        "Alex",
        "Riley",
    }
    by_person: dict[str, list[tuple[datetime, datetime]]] = {}
    for name, _, start, end in shifts:
        by_person.setdefault(name, []).append((start, end))
    for spans in by_person.values():
        for (_, end), (start, _) in pairwise(spans):
            assert start >= end  # nobody is on two shifts at once
