"""How the rota scales: "who is available now" and the 48-hour coverage-gap scan.

Two lines in one PostgreSQL database, measured in the same run: one with 10 volunteers, one with
1,000, each volunteer on two weekly four-hour shifts written out a year ahead (~57 occurrences
each). Prints the mean time per call for both lines and the ratio large/small; exits 1 when a
ratio is above 5 (the rota must cost by what is current, not by how long it is).

    .venv/bin/python bench/rota.py [--small 10] [--large 1000] [--repeat 200]

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth); uses a database of its own.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text

from warmline.core import migrate
from warmline.core.crypto import Keyring, Vault
from warmline.core.db import Database
from warmline.models import Line, Volunteer
from warmline.rota import service
from warmline.rota.availability import available_now

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BENCH_DB = "warmline_bench_rota"
LIMIT = 5.0


def fresh_database() -> str:
    """Drop, create and migrate the bench database."""
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{BENCH_DB}"'))
    admin.dispose()
    url = ADMIN_URL.rsplit("/", 1)[0] + "/" + BENCH_DB
    migrate.upgrade(url)
    return url


def build_line(db: Database, number: str, volunteers: int, now: datetime, seed: int) -> int:
    """A line whose volunteers each have two weekly 4-hour shifts, a year of them written out."""
    rng = random.Random(seed)
    vault = Vault((Fernet.generate_key().decode(),))
    keyring = Keyring(b"b" * 32)
    with db.session() as session:
        line = Line(
            number=number,
            name=f"Bench {volunteers}",
            timezone="America/New_York",
            region="US",
            crisis_numbers="988",
            hours_text="",
            created_at=now,
        )
        session.add(line)
        session.flush()
        zone = service.zone_of(line)
        monday = (now.astimezone(zone) - timedelta(days=now.astimezone(zone).weekday())).replace(
            hour=0, minute=0, second=0, microsecond=0, tzinfo=None
        )
        for n in range(volunteers):
            phone = f"+1555{seed:02d}{n:05d}"
            person = Volunteer(
                name=f"V{n}",
                phone_key=keyring.key_for(phone),
                phone_sealed=vault.seal(phone),
                created_at=now,
            )
            session.add(person)
            session.flush()
            for slot in rng.sample(range(42), 2):  # two of the week's 42 four-hour slots
                start = monday + timedelta(hours=4 * slot)
                new = service.NewShift(
                    line, person.id, "primary", start, start + timedelta(hours=4), weekly=True
                )
                service.add_shift(session, new, now)
            if n % 100 == 99:
                session.commit()
        session.commit()
        return line.id


def mean_ms(call: Callable[[], object], repeat: int) -> float:
    """Mean wall time of `call` in milliseconds, after a warm-up."""
    for _ in range(min(20, repeat)):
        call()
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.fmean(samples)


def main() -> int:
    """Build both lines, measure, print, judge."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10)
    parser.add_argument("--large", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()

    now = datetime.now(UTC)
    db = Database(fresh_database())
    began = time.perf_counter()
    small_id = build_line(db, "+15550100000", args.small, now, seed=1)
    large_id = build_line(db, "+15550200000", args.large, now, seed=2)
    with db.engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()
        occurrences = conn.execute(text("SELECT count(*) FROM shift_occurrences")).scalar_one()
    print(
        f"built {args.small} + {args.large} volunteers, {occurrences} shift occurrences "
        f"in {time.perf_counter() - began:.1f}s"
    )

    results: dict[str, dict[str, float]] = {}
    with db.session() as session:
        lines = {"small": session.get_one(Line, small_id), "large": session.get_one(Line, large_id)}
        # Sample many moments across the week so neither line is measured at a lucky instant.
        moments = [now + timedelta(minutes=37 * k) for k in range(args.repeat)]
        for size, line in lines.items():
            cursor = iter(moments * 3)
            results[size] = {
                "available now": mean_ms(
                    lambda line=line, cursor=cursor: available_now(session, line, next(cursor)),
                    args.repeat,
                ),
                "48 h gap scan": mean_ms(
                    lambda line=line, cursor=cursor: service.coverage_gaps(
                        session, line, next(cursor)
                    ),
                    args.repeat,
                ),
            }
            on_shift = statistics.fmean(len(available_now(session, line, m)) for m in moments[:50])
            results[size]["on shift (mean)"] = on_shift

    print(f"\n{'measure':<16} {args.small:>10} vol {args.large:>10} vol {'ratio':>8}")
    failed = False
    for measure in ("available now", "48 h gap scan"):
        small, large = results["small"][measure], results["large"][measure]
        ratio = large / small
        failed |= ratio > LIMIT
        print(f"{measure:<16} {small:>11.3f} ms {large:>11.3f} ms {ratio:>7.2f}x")
    print(
        f"{'on shift (mean)':<16} {results['small']['on shift (mean)']:>14.1f} {results['large']['on shift (mean)']:>14.1f}"
    )
    print(
        f"\nlimit: the larger rota may cost at most {LIMIT:.0f}x the smaller -> {'FAIL' if failed else 'ok'}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
