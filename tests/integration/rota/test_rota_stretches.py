"""The database merges primary shifts into stretches exactly as the rota rule does by hand."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Connection, create_engine
from sqlalchemy.orm import Session

from warmline.lines.lines import add_line
from warmline.models import Base, Line, Volunteer
from warmline.rota import service
from warmline.rota.rules.shifts import OpeningHours, uncovered

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["postgresql", "sqlite"])
def session(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Session]:
    """A session on PostgreSQL (rolled back afterwards) or on a fresh SQLite file."""
    if request.param == "postgresql":
        connection: Connection = request.getfixturevalue("connection")
        with Session(bind=connection, join_transaction_mode="create_savepoint") as pg:
            yield pg
        return
    engine = create_engine(f"sqlite:///{tmp_path / 'stretches.sqlite3'}")
    Base.metadata.create_all(engine)
    with Session(engine) as lite:
        yield lite
    engine.dispose()


def random_rota(session: Session, seed: int) -> Line:
    """Forty one-off shifts over three days: overlapping, touching, apart, primary or backup."""
    rng = random.Random(seed)
    line = add_line(
        session, number_raw=f"+1555060{seed:04d}", name="Stretches", timezone="UTC", now=NOW
    )
    for n in range(40):
        person = Volunteer(
            name=f"V{n}", phone_key=f"{seed:04d}{n:060d}", phone_sealed=b"x", created_at=NOW
        )
        session.add(person)
        session.flush()
        start = datetime(2026, 12, 1, 12) + timedelta(minutes=15 * rng.randrange(0, 4 * 72))
        length = timedelta(minutes=15 * rng.randrange(1, 4 * 10))
        role = rng.choice(("primary", "primary", "backup"))
        service.add_shift(
            session, service.NewShift(line, person.id, role, start, start + length), NOW
        )
    session.flush()
    return line


@pytest.mark.parametrize("seed", range(6))
def test_the_gaps_from_merged_stretches_are_the_gaps_from_every_shift(
    session: Session, seed: int
) -> None:
    line = random_rota(session, seed)
    rng = random.Random(seed)
    for _ in range(10):
        start = datetime(2026, 11, 30, tzinfo=UTC) + timedelta(minutes=15 * rng.randrange(0, 400))
        end = start + timedelta(hours=rng.choice((6, 24, 48)))
        stretches = service.primary_stretches(session, line, start, end)
        every_shift = service.occurrences(session, line, start, end)
        always_open = OpeningHours()
        assert uncovered(stretches, start, end, always_open, service.zone_of(line)) == uncovered(
            every_shift, start, end, always_open, service.zone_of(line)
        )
        primaries = [o for o in every_shift if o.role == "primary"]
        assert len(stretches) <= len(primaries)
        assert all(s.starts_at < s.ends_at for s in stretches)
