"""What one relayed text costs the worker: SQL statements and CPU ms, deterministic and in-process.

A fresh PostgreSQL database, one line, one peer on shift who has claimed a texter's conversation,
and a carrier that answers at once (so, as in `warmline worker`, the send pool sends on the
handing thread, inside the job's time). Each measured text is stored by the webhook's own
`inbound.receive` (not measured), then processed by `inbound.process`, the job's work, with the
send pool (`SendPool`) and an in-process pacer. Per text it prints the statements the engine ran
(SQLAlchemy's `before_cursor_execute`, plus any that went straight to the driver through
`Database.write_returning`) and the CPU time (`time.process_time`, one thread; the least and
the median over ten slices of the texts). Baseline, same run: a `SELECT 1` round trip through a
session. A new texter's first text (greeting and offer) is measured the same way.

    PYTHONPATH=$PWD .venv/bin/python bench/worker_cost.py [--texts 300] [--first-texts 50]
        [--statements]

`--statements` prints the SQL (never the values) of one more relayed text's statements.

Exits 2 when PostgreSQL is missing.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import statistics
import sys
import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from sqlalchemy import create_engine, event, text
from sqlalchemy.sql.dml import UpdateBase

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from warmline.conversations.incoming import inbound
from warmline.core import migrate
from warmline.core.clock import utcnow
from warmline.core.crypto import Keyring, Vault
from warmline.core.db import Database
from warmline.core.jobqueue import PROCESS_INBOUND
from warmline.lines.lines import add_line
from warmline.lines.volunteers import add_volunteer
from warmline.messaging.pacer import LocalPacer
from warmline.messaging.rules.pacing import Pace
from warmline.messaging.sending import SendPool
from warmline.rota import service, shifts

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DATABASE = f"warmline_bench_cost_{os.getpid()}"
LINE = "+15550801111"
PEER = "+15550802000"
TEXTER = "+15550811000"
NEW_TEXTERS = [f"+1555082{1000 + n:04d}" for n in range(1000)]
OFFER = re.compile(r"#([A-Z][2-9][A-Z])")


class CountingDatabase(Database):
    """The real database, counting every statement sent, by the engine or straight to the driver."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.statements = 0
        # The SQL of each statement (never its values) when a caller wants to see them.
        self.shown: list[str] | None = None
        event.listen(self.engine, "before_cursor_execute", self._counted)

    def _counted(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        self.statements += 1
        if self.shown is not None:
            self.shown.append(" ".join(statement.split())[:150])

    def write_returning(self, statement: UpdateBase, values: Mapping[str, Any]) -> Any:
        """The driver's path, counted as one statement."""
        self.statements += 1
        if self.shown is not None:
            self.shown.append("(driver) " + str(statement)[:140])
        return super().write_returning(statement, values)


class InstantCarrier:
    """A carrier that accepts every text at once; keeps what it was given, in memory only."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    def send(self, *, from_number: str, to_number: str, body: str, label: str) -> str:
        """Accept the text."""
        with self.lock:
            self.sent.append((to_number, body))
        return "SM" + secrets.token_hex(16)

    def to(self, number: str) -> list[str]:
        """Bodies sent to `number`, in order."""
        with self.lock:
            return [body for to, body in self.sent if to == number]


class SteppingClock:
    """Real time at first, then a second and a half more per text: no texter ever floods."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        """The current time of the bench."""
        return self.now

    def step(self) -> None:
        """On to the next text's time."""
        self.now += timedelta(seconds=1.5)


class Jobs:
    """The queue: inbound jobs kept to be run here, others dropped (nothing else is measured)."""

    def __init__(self) -> None:
        self.inbound: list[int] = []

    def enqueue(self, job: str, *ids: int) -> bool:
        """Keep an inbound job's id."""
        if job == PROCESS_INBOUND:
            self.inbound.extend(ids)
        return True


class Bench:
    """The platform's worker pieces on one database, and a way to text the line."""

    def __init__(self, url: str) -> None:
        self.db = CountingDatabase(url)
        self.vault = Vault((Fernet.generate_key().decode(),))
        self.keyring = Keyring(secrets.token_bytes(32), ())
        self.carrier = InstantCarrier()
        self.jobs = Jobs()
        self.clock = SteppingClock()
        pacer = LocalPacer(Pace(1000.0, 1000))
        self.sends = SendPool(self.db, self.vault, self.carrier, self.jobs, self.clock, pacer, 4)

    def store(self, sender: str, body: str) -> int:
        """The webhook's part: the text stored and its job queued; the job's event id."""
        self.clock.step()
        sms = inbound.InboundSms("SM" + secrets.token_hex(16), sender, LINE, body)
        assert inbound.receive(self.db, self.keyring, self.vault, self.jobs, sms, self.clock())
        return self.jobs.inbound.pop()

    def process(self, event_id: int) -> None:
        """The worker's part: what `workers.jobs.process_inbound` runs."""
        inbound.process(self.db, self.vault, self.sends, event_id, self.clock, self.keyring)

    def text(self, sender: str, body: str) -> None:
        """Text the line and process it."""
        self.process(self.store(sender, body))

    def wait_for(self, number: str, count: int) -> None:
        """Until `count` texts have reached `number` (the pool's first sends are on threads)."""
        deadline = time.monotonic() + 10
        while len(self.carrier.to(number)) < count:
            if time.monotonic() > deadline:
                raise SystemExit(f"only {len(self.carrier.to(number))} texts reached a number")
            time.sleep(0.01)


def set_up(bench: Bench) -> None:
    """A line, a peer on shift, and the peer holding the texter's conversation."""
    now = utcnow()
    with bench.db.session() as session:
        add_line(session, number_raw=LINE, name="Bench Warmline", timezone="UTC", now=now)
        add_volunteer(session, bench.keyring, bench.vault, name="Peer", phone_raw=PEER, now=now)
        new = shifts.read_shift(
            session,
            bench.keyring,
            line_raw=LINE,
            volunteer_raw=PEER,
            start=(now - timedelta(hours=1)).isoformat(),
            end=(now + timedelta(hours=6)).isoformat(),
            role="primary",
        )
        service.add_shift(session, new, now)
        session.commit()
    bench.text(TEXTER, "hello, is anyone there?")
    bench.wait_for(PEER, 1)
    match = OFFER.search(bench.carrier.to(PEER)[-1])
    assert match, "the peer was offered no conversation"
    bench.text(PEER, match.group(1))
    bench.wait_for(PEER, 2)
    # Relays until the pool has seen the carrier answer at once and sends on the handing thread.
    for n in range(20):
        bench.text(TEXTER, f"warming up {n}")
    bench.wait_for(PEER, 22)


def measure(bench: Bench, senders: list[str], body: str) -> tuple[float, float]:
    """Statements and CPU ms per processed text, the webhook's storing left out."""
    statements = 0
    cpu = 0.0
    for sender in senders:
        event_id = bench.store(sender, body)
        before = bench.db.statements
        started = time.process_time()
        bench.process(event_id)
        cpu += time.process_time() - started
        statements += bench.db.statements - before
    return statements / len(senders), cpu * 1000 / len(senders)


def baseline(bench: Bench, count: int) -> tuple[float, float]:
    """CPU ms and wall ms of one `SELECT 1` round trip through a session."""
    select_one = text("SELECT 1")
    started, wall = time.process_time(), time.perf_counter()
    for _ in range(count):
        with bench.db.session() as session:
            session.execute(select_one)
    return (
        (time.process_time() - started) * 1000 / count,
        (time.perf_counter() - wall) * 1000 / count,
    )


def timed(step: Callable[[], tuple[float, float]], runs: int) -> tuple[float, float, float]:
    """Statements (the median of `runs`), and CPU ms: the least and the median of `runs`.

    On a shared machine other processes only ever add CPU time (caches, clock), so the least
    is the steadiest figure to compare runs by.
    """
    results = [step() for _ in range(runs)]
    cpu = [r[1] for r in results]
    return statistics.median(r[0] for r in results), min(cpu), statistics.median(cpu)


def main() -> int:
    """Set up, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--texts", type=int, default=300)
    parser.add_argument("--first-texts", type=int, default=50)
    parser.add_argument(
        "--statements", action="store_true", help="print the SQL of one relayed text's statements"
    )
    args = parser.parse_args()
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    except Exception as exc:
        print(f"PostgreSQL is unreachable: {type(exc).__name__}", file=sys.stderr)
        return 2
    url = ADMIN_URL.rsplit("/", 1)[0] + "/" + DATABASE
    try:
        migrate.upgrade(url)
        bench = Bench(url)
        set_up(bench)
        slices = 10
        per = max(1, args.texts // slices)
        relayed = timed(lambda: measure(bench, [TEXTER] * per, "how are you today?"), slices)
        bench.wait_for(PEER, 22 + per * slices)
        firsts = iter(NEW_TEXTERS[: args.first_texts])
        first_per = max(1, args.first_texts // slices)
        first = timed(
            lambda: measure(bench, [next(firsts) for _ in range(first_per)], "hi"), slices
        )
        select_one = baseline(bench, 500)
        if args.statements:
            event_id = bench.store(TEXTER, "one more")
            bench.db.shown = []
            bench.process(event_id)
            print("\n".join(bench.db.shown))
        bench.sends.close()
        bench.db.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        admin.dispose()
    print(f"{{'texts': {per * slices}, 'first_texts': {first_per * slices}}}")
    print(
        f"relayed text (peer holds it)   {relayed[0]:6.1f} statements   "
        f"{relayed[1]:6.2f} CPU ms least, {relayed[2]:6.2f} median"
    )
    print(
        f"first text (greeting, offer)   {first[0]:6.1f} statements   "
        f"{first[1]:6.2f} CPU ms least, {first[2]:6.2f} median"
    )
    print(
        f"baseline SELECT 1 round trip   {1:6.1f} statement    {select_one[0]:6.2f} CPU ms"
        f"   ({select_one[1]:.2f} ms wall)"
    )
    print(f"{slices} slices each; CPU is time.process_time of the job's one thread, sends included")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
