"""Dashboard pages against a small and a large history: the larger may cost at most 3x the smaller.

Run from the repository root (PostgreSQL on 127.0.0.1:5432, user postgres, trust auth):

    .venv/bin/python bench/dashboard.py

In one run it recreates the database `warmline_bench_dashboard`, migrates it, adds a line, a
coordinator and two volunteers on shift, a queue of 20 waiting and 10 active conversations, and
then a history at 100 contacts a day: closed conversations, consented contact log rows and the
anonymous daily counts, first 1,000 rows of each (10 days), then 100,000 (1,000 days). After
each it signs in through the real app (in-process, the Flask test client) and times GET / (Now),
GET /now.json (what Now polls), GET /stats?days=30 (statistics: counts from the daily counts,
waits from the log, aggregated in SQL), GET /log (the contact log's newest page), GET
/log?crisis=yes (a filtered page), GET /log.csv up to its first batch of rows (the export is
streamed, so that is what a coordinator waits for before the download starts), and the audit
log (as many entries again) newest first and filtered by what, by who and to the last 7 days:
the median of 25 requests after 5 warm-ups.

Prints both times and the ratio per page. Exit status 0 when every ratio is at most 3, 1 when
not, 2 when PostgreSQL is unreachable. The database is dropped afterwards unless --keep-db.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from warmline import create_app  # noqa: E402
from warmline.config import Settings  # noqa: E402
from warmline.core import migrate  # noqa: E402
from warmline.lines import coordinators  # noqa: E402
from warmline.lines.lines import add_line  # noqa: E402
from warmline.lines.volunteers import add_volunteer  # noqa: E402
from warmline.rota import service, shifts  # noqa: E402

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DB_NAME = "warmline_bench_dashboard"
DATABASE_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{DB_NAME}"
LINE_NUMBER = "+15550001111"
EMAIL = "bench@example.org"
PASSWORD = "a long bench passphrase"
PAGES = {
    "Now": "/",
    "Now (poll)": "/now.json",
    "Statistics (30 days)": "/stats?days=30",
    "Contact log": "/log",
    "Contact log (crisis)": "/log?crisis=yes",
    "Contact log CSV (1st batch)": "/log.csv",
    "Audit log": "/audit",
    "Audit log (by what)": "/audit?what=added+closure",
    "Audit log (by who)": "/audit?who=cli",
    "Audit log (7 days)": "/audit?from={week_ago}",
}
# Pages that stream: timed until their first batch of rows arrives (the header is one chunk).
STREAMED_CHUNKS = {"/log.csv": 2}
PER_DAY = 100
SMALL, LARGE = 1_000, 100_000
MAX_RATIO = 3.0
WARMUP, RUNS = 5, 25

HISTORY = text(
    """
    INSERT INTO conversations (line_id, ref, status, volunteer_id, created_at, waiting_since,
                               claimed_at, closed_at, last_activity_at, outcome, crisis_at)
    SELECT :line_id,
           'Z' || lpad((g % 1000)::text, 3, '0'),
           'closed',
           CASE WHEN g % 10 = 0 THEN NULL ELSE :volunteer_id END,
           :now - g * (interval '1 day' / CAST(:per_day AS integer)),
           :now - g * (interval '1 day' / CAST(:per_day AS integer)),
           CASE WHEN g % 10 = 0 THEN NULL
                ELSE :now - g * (interval '1 day' / CAST(:per_day AS integer)) + ((g * 7919) % 300) * interval '1 second'
           END,
           :now - g * (interval '1 day' / CAST(:per_day AS integer)) + interval '20 minutes',
           :now - g * (interval '1 day' / CAST(:per_day AS integer)) + interval '20 minutes',
           CASE WHEN g % 10 = 0 THEN 'unanswered' ELSE 'done' END,
           CASE WHEN g % 50 = 0 THEN :now - g * (interval '1 day' / CAST(:per_day AS integer)) END
    FROM generate_series(CAST(:first AS integer), CAST(:last AS integer)) AS g
    """
)
LOG = text(
    """
    INSERT INTO contact_log (line_id, channel, started_at, ended_at, first_response_wait_s,
                             duration_s, volunteer_id, outcome, crisis, consent_version,
                             contact_key, conversation_id)
    SELECT :line_id,
           CASE WHEN g % 7 = 0 THEN 'voice' ELSE 'sms' END,
           :now - g * (interval '1 day' / CAST(:per_day AS integer)),
           :now - g * (interval '1 day' / CAST(:per_day AS integer)) + interval '20 minutes',
           CASE WHEN g % 10 = 0 THEN NULL ELSE (g * 7919) % 300 END,
           CASE WHEN g % 10 = 0 THEN NULL ELSE 600 + (g * 31) % 1800 END,
           CASE WHEN g % 10 = 0 THEN NULL ELSE :volunteer_id END,
           (ARRAY['talked', 'resources', 'referred', 'done'])[1 + g % 4],
           g % 50 = 0,
           1,
           lpad(to_hex(g % 3000), 64, '0'),
           NULL
    FROM generate_series(CAST(:first AS integer), CAST(:last AS integer)) AS g
    """
)
COUNTS = text(
    """
    INSERT INTO contact_counts (line_id, day, channel, contacts, answered, crisis)
    SELECT :line_id, CAST(timezone('America/New_York', :now) AS date) - d, 'sms', :per_day,
           :per_day - :per_day / 10, :per_day / 50
    FROM generate_series(CAST(:first AS integer) / CAST(:per_day AS integer),
                         CAST(:last AS integer) / CAST(:per_day AS integer) - 1) AS d
    """
)
# Audit entries at the same pace, of a few kinds and people; one kind and one person are rare
# (every 97th entry), so their filtered page has to reach far back for a full page.
AUDIT = text(
    """
    INSERT INTO audit_log (coordinator_id, actor, action, subject, line_id, at)
    SELECT NULL,
           CASE WHEN g % 97 = 0 THEN 'cli' ELSE 'bench@example.org' END,
           CASE WHEN g % 97 = 0 THEN 'added closure'
                ELSE (ARRAY['changed setting', 'renamed volunteer', 'signed in'])[1 + g % 3] END,
           'entry ' || g,
           :line_id,
           :now - g * (interval '1 day' / CAST(:per_day AS integer))
    FROM generate_series(CAST(:first AS integer), CAST(:last AS integer)) AS g
    """
)
OPEN = text(
    """
    INSERT INTO conversations (line_id, ref, status, volunteer_id, created_at, waiting_since,
                               claimed_at, last_activity_at)
    SELECT :line_id, 'W' || lpad(g::text, 2, '0'),
           CASE WHEN g <= 20 THEN 'waiting' ELSE 'active' END,
           CASE WHEN g <= 20 THEN NULL ELSE :volunteer_id END,
           :now - g * interval '1 minute', :now - g * interval '1 minute',
           CASE WHEN g <= 20 THEN NULL ELSE :now END, :now
    FROM generate_series(1, 30) AS g
    """
)


def recreate_database() -> None:
    """Drop and create the bench database."""
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{DB_NAME}"'))
    engine.dispose()


def drop_database() -> None:
    """Remove the bench database."""
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'))
    engine.dispose()


def settings(instance: Path) -> Settings:
    """An embedded-queue, console-transport app on the bench database."""
    return Settings(
        env="development",
        database_url=DATABASE_URL,
        redis_url=None,
        secret_key="bench-secret-key",
        twilio_account_sid=None,
        twilio_auth_token="bench-token",
        twilio_api_base_url="https://api.twilio.com",
        public_url="http://127.0.0.1:5000",
        data_keys=(Fernet.generate_key().decode(),),
        hmac_key=b"b" * 32,
        instance_path=instance,
    )


def fetch(client: object, path: str) -> None:
    """GET `path`: the whole page, or a streamed one up to its first batch of rows."""
    response = client.get(path)  # type: ignore[attr-defined]
    assert response.status_code == 200, (path, response.status_code)
    chunks = STREAMED_CHUNKS.get(path)
    if chunks is None:
        response.get_data()
        return
    body = iter(response.response)
    got = [next(body) for _ in range(chunks)]
    assert got[-1].count(b"\n") > 100, "the first batch of rows did not arrive"
    response.close()  # a coordinator's download would go on; the timing stops here


def settle(engine: Engine) -> None:
    """What autovacuum does to a table at rest after many inserts: statistics and a visibility
    map (so counting the contact log's rows per contact reads the index alone)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def time_pages(client: object) -> dict[str, float]:
    """Median milliseconds per page."""
    results = {}
    week_ago = (datetime.now(UTC) - timedelta(days=7)).date().isoformat()
    for name, page in PAGES.items():
        path = page.format(week_ago=week_ago)
        for _ in range(WARMUP):
            fetch(client, path)
        samples = []
        for _ in range(RUNS):
            started = time.perf_counter()
            fetch(client, path)
            samples.append((time.perf_counter() - started) * 1000)
        results[name] = statistics.median(samples)
    return results


def main() -> int:
    """Seed, measure small, grow, measure large, compare."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    try:
        recreate_database()
    except OperationalError as exc:
        print(f"PostgreSQL is unreachable: {exc.orig}", file=sys.stderr)
        return 2
    try:
        migrate.upgrade(DATABASE_URL)
        with tempfile.TemporaryDirectory() as instance:
            app = create_app(settings(Path(instance)))
            rt = app.extensions["warmline"]
            now = datetime.now(UTC)
            with rt.db.session() as session:
                line = add_line(
                    session,
                    number_raw=LINE_NUMBER,
                    name="Bench Line",
                    timezone="America/New_York",
                    now=now,
                )
                coordinators.add(session, EMAIL, PASSWORD, now)
                sam = add_volunteer(
                    session, rt.keyring, rt.vault, name="Sam", phone_raw="+15550002222", now=now
                )
                add_volunteer(
                    session, rt.keyring, rt.vault, name="Alex", phone_raw="+15550003333", now=now
                )
                for phone in ("+15550002222", "+15550003333"):
                    service.add_shift(
                        session,
                        shifts.read_shift(
                            session,
                            rt.keyring,
                            line_raw=LINE_NUMBER,
                            volunteer_raw=phone,
                            start=(now - timedelta(hours=1)).isoformat(),
                            end=(now + timedelta(hours=3)).isoformat(),
                            role="primary",
                        ),
                        now,
                    )
                    session.commit()
                ids = {"line_id": line.id, "volunteer_id": sam.id, "now": now, "per_day": PER_DAY}
                session.execute(OPEN, ids)
                session.execute(HISTORY, {**ids, "first": 1, "last": SMALL})
                session.execute(LOG, {**ids, "first": 1, "last": SMALL})
                session.execute(COUNTS, {**ids, "first": 1, "last": SMALL})
                session.execute(AUDIT, {**ids, "first": 1, "last": SMALL})
                session.commit()
            settle(rt.db.engine)
            client = app.test_client()
            page = client.get("/signin").get_data(as_text=True)
            token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
            signed = client.post(
                "/signin", data={"email": EMAIL, "password": PASSWORD, "csrf_token": token}
            )
            assert signed.status_code == 302, "sign-in failed"
            small = time_pages(client)
            with rt.db.session() as session:
                session.execute(HISTORY, {**ids, "first": SMALL + 1, "last": LARGE})
                session.execute(LOG, {**ids, "first": SMALL + 1, "last": LARGE})
                session.execute(COUNTS, {**ids, "first": SMALL + 1, "last": LARGE})
                session.execute(AUDIT, {**ids, "first": SMALL + 1, "last": LARGE})
                session.commit()
            settle(rt.db.engine)
            large = time_pages(client)
            rt.db.engine.dispose()
    finally:
        if not args.keep_db:
            drop_database()
    ok = True
    print(f"dashboard pages, median of {RUNS} requests (in-process, PostgreSQL)")
    print(f"{'page':<30}{f'{SMALL:,} rows':>14}{f'{LARGE:,} rows':>16}{'ratio':>9}")
    for name in PAGES:
        ratio = large[name] / small[name]
        ok = ok and ratio <= MAX_RATIO
        print(f"{name:<30}{small[name]:>11.1f} ms{large[name]:>13.1f} ms{ratio:>8.2f}x")
    print(f"the larger must cost at most {MAX_RATIO:.0f}x the smaller: {'yes' if ok else 'NO'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
