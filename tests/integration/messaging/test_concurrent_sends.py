"""A worker's send threads: many people's texts at the carrier at once, each person's in order, once.

Against a real PostgreSQL database of the module's own (the threads need connections of their
own, so nothing here is rolled back) and Twilio played at its HTTP boundary by the recording fake,
which takes as long as a carrier to accept each text.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, select, text

from tests.conftest import ACCOUNT_SID, AUTH_TOKEN, PG_ADMIN_URL, make_settings, pg_url
from tests.e2e.fake_twilio import FakeTwilio
from warmline.core import migrate
from warmline.core.clock import utcnow
from warmline.core.crypto import Keyring, Vault
from warmline.core.db import Database
from warmline.core.jobqueue import SEND_OUTBOX
from warmline.lines.lines import add_line
from warmline.lines.volunteers import add_volunteer
from warmline.messaging import outbox
from warmline.messaging.pacer import LocalPacer
from warmline.messaging.rules.pacing import Pace
from warmline.messaging.rules.priority import Priority
from warmline.messaging.sending import SendPool
from warmline.models import Line, Outbox, Volunteer
from warmline.telephony.sender import TwilioTransport

DATABASE = f"warmline_sends_{os.getpid()}"
CARRIER_S = 0.05
THREADS = 6
PEOPLE = [f"+1555060{1000 + n:04d}" for n in range(8)]
TEXTS_EACH = 5


@dataclass
class Sending:
    """A line with volunteers to text, the fake carrier, and what a send pool needs."""

    db: Database
    vault: Vault
    fake: FakeTwilio
    transport: TwilioTransport
    line_id: int
    volunteer_ids: list[int]

    def write(self, bodies: dict[int, list[str]], priority: Priority = Priority.WORDS) -> list[int]:
        """Write each volunteer's texts round-robin (ids interleave across people); their ids."""
        ids: list[int] = []
        with self.db.session() as session:
            line = session.get_one(Line, self.line_id)
            for turn in range(max(len(b) for b in bodies.values())):
                for volunteer_id, texts in bodies.items():
                    if turn < len(texts):
                        row = outbox.add(
                            session,
                            self.vault,
                            line=line,
                            body=texts[turn],
                            now=utcnow(),
                            volunteer=session.get_one(Volunteer, volunteer_id),
                            priority=priority,
                        )
                        session.flush()
                        ids.append(row.id)
            session.commit()
        return ids

    def pool(
        self,
        pacer: LocalPacer | None = None,
        transport: TwilioTransport | None = None,
        **at_once: float,
    ) -> SendPool:
        return SendPool(
            self.db,
            self.vault,
            transport or self.transport,
            _NoQueue(),
            utcnow,
            pacer,
            THREADS,
            **at_once,
        )

    def bodies_to(self, phone: str) -> list[str]:
        return [t.body for t in self.fake.texts() if t.to == phone]


def _wait_until_sent(db: Database, ids: list[int], timeout: float = 30.0) -> bool:
    """Wait until the carrier has accepted every one of `ids` (marked sent); True if it did."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with db.session() as session:
            statuses = set(session.scalars(select(Outbox.status).where(Outbox.id.in_(ids))))
        if statuses == {"sent"}:
            return True
        time.sleep(0.02)
    return False


class _NoQueue:
    """The pool's queue for jobs other than sends; none is expected here."""

    def enqueue(self, job: str, *ids: int) -> bool:
        raise AssertionError(f"unexpected job {job}")


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    except Exception as exc:
        pytest.skip(f"PostgreSQL is unreachable: {type(exc).__name__}")
    migrate.upgrade(pg_url(DATABASE))
    yield pg_url(DATABASE)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def sending(database: str, tmp_path: Path) -> Iterator[Sending]:
    settings = make_settings(database, None, tmp_path)
    db = Database(database, pool_size=THREADS + 2)
    vault = Vault(settings.data_keys)
    keyring = Keyring(settings.hmac_key)
    fake = FakeTwilio(ACCOUNT_SID, AUTH_TOKEN, latency_s=CARRIER_S)
    fake.start()
    with db.session() as session:
        for table in ("outbox", "volunteers", "lines"):
            session.execute(text(f"DELETE FROM {table}"))
        line = add_line(
            session, number_raw="+15550601111", name="Sends", timezone="UTC", now=utcnow()
        )
        volunteers = [
            add_volunteer(session, keyring, vault, name=f"Peer {n}", phone_raw=phone, now=utcnow())
            for n, phone in enumerate(PEOPLE)
        ]
        session.commit()
        ids = [v.id for v in volunteers]
        line_id = line.id
    transport = TwilioTransport(
        ACCOUNT_SID, AUTH_TOKEN, fake.url, "https://warmline.example.org/s", connections=THREADS
    )
    yield Sending(db, vault, fake, transport, line_id, ids)
    fake.stop()
    db.engine.dispose()


def test_each_person_gets_their_texts_once_and_in_order_while_others_are_sent_alongside(
    sending: Sending,
) -> None:
    written = {
        volunteer_id: [f"text {n} to peer {index}" for n in range(TEXTS_EACH)]
        for index, volunteer_id in enumerate(sending.volunteer_ids)
    }
    ids = sending.write(written)
    pool = sending.pool()
    # Every id handed in twice, newest first, from two threads at once: as a job, its re-run
    # and the sweeper might.
    handing = [
        threading.Thread(target=pool.enqueue, args=(SEND_OUTBOX, *reversed(ids))) for _ in range(2)
    ]
    for thread in handing:
        thread.start()
    for thread in handing:
        thread.join()
    total = len(PEOPLE) * TEXTS_EACH
    assert sending.fake.wait_until(lambda texts: len(texts) >= total, timeout=60)
    pool.close()

    for index, phone in enumerate(PEOPLE):
        assert sending.bodies_to(phone) == written[sending.volunteer_ids[index]]
    assert len(sending.fake.texts()) == total
    # Several people's texts were at the carrier together, never more than the pool's threads.
    assert 1 < sending.fake.most_in_flight <= THREADS
    with sending.db.session() as session:
        assert set(session.scalars(select(Outbox.status))) == {"sent"}
        assert set(session.scalars(select(Outbox.attempts))) == {1}


def test_the_number_s_pace_holds_however_many_threads_send(sending: Sending) -> None:
    burst = 5
    # Crisis texts leave nothing in reserve: exactly the bucket's segments may go at once.
    ids = sending.write(
        {volunteer_id: [f"alert {n}"] for n, volunteer_id in enumerate(sending.volunteer_ids)},
        Priority.CRISIS,
    )
    pool = sending.pool(LocalPacer(Pace(rate_per_s=0.001, burst=burst)))
    pool.enqueue(SEND_OUTBOX, *ids)
    pool.close()  # waits for every send started

    assert len(sending.fake.texts()) == burst
    with sending.db.session() as session:
        statuses = list(session.scalars(select(Outbox.status).order_by(Outbox.id)))
    # The rest wait, queued and due later, never dropped.
    assert sorted(statuses) == ["queued"] * (len(PEOPLE) - burst) + ["sent"] * burst


def test_a_text_written_while_its_person_s_thread_is_busy_still_goes_out_after_the_others(
    sending: Sending,
) -> None:
    volunteer_id, phone = sending.volunteer_ids[0], PEOPLE[0]
    first = sending.write({volunteer_id: ["one", "two"]})
    pool = sending.pool()
    pool.enqueue(SEND_OUTBOX, *first)
    assert sending.fake.wait_until(lambda texts: len(texts) >= 1, timeout=30)
    later = sending.write({volunteer_id: ["three"]})
    pool.enqueue(SEND_OUTBOX, *later)
    assert sending.fake.wait_until(lambda texts: len(texts) >= 3, timeout=30)
    pool.close()
    assert sending.bodies_to(phone) == ["one", "two", "three"]


class _HeldCarrier:
    """The carrier, holding the first text until the test lets it through."""

    def __init__(self, carrier: TwilioTransport) -> None:
        self.carrier = carrier
        self.holding = threading.Event()
        self.let_through = threading.Event()

    def send(self, *, from_number: str, to_number: str, body: str, label: str) -> str:
        if not self.holding.is_set():
            self.holding.set()
            assert self.let_through.wait(30)
        return self.carrier.send(
            from_number=from_number, to_number=to_number, body=body, label=label
        )


def test_texts_waiting_behind_their_person_s_send_are_not_taken_again_when_handed_in_again(
    sending: Sending,
) -> None:
    volunteer_id, phone = sending.volunteer_ids[0], PEOPLE[0]
    ids = sending.write({volunteer_id: ["one", "two", "three", "four"]})
    looked_up: list[int] = []

    def count_look_ups(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.startswith("SELECT outbox.recipient_key"):
            looked_up.append(1)

    event.listen(sending.db.engine, "before_cursor_execute", count_look_ups)
    carrier = _HeldCarrier(sending.transport)
    pool = sending.pool(transport=carrier)  # type: ignore[arg-type]
    pool.enqueue(SEND_OUTBOX, *ids)
    assert carrier.holding.wait(30)  # "one" is at the carrier
    deadline = time.monotonic() + 30
    while len(looked_up) < len(ids) and time.monotonic() < deadline:
        time.sleep(0.01)  # the others, each looked up by a thread and left behind "one"
    for _ in range(10):  # the sweeper, once a second, hands in every queued text
        pool.enqueue(SEND_OUTBOX, *ids[1:])
    carrier.let_through.set()
    assert _wait_until_sent(sending.db, ids)
    pool.close()
    event.remove(sending.db.engine, "before_cursor_execute", count_look_ups)

    assert sending.bodies_to(phone) == ["one", "two", "three", "four"]
    assert len(looked_up) == len(ids)  # each text taken once, however often it was handed in


def test_after_the_carrier_was_slow_people_s_texts_still_go_to_it_together(
    sending: Sending,
) -> None:
    first = sending.write({sending.volunteer_ids[0]: ["first"]})
    pool = sending.pool()
    pool.enqueue(SEND_OUTBOX, *first)
    assert _wait_until_sent(sending.db, first)
    assert sending.fake.most_in_flight == 1
    written = {
        volunteer_id: [f"then to peer {index}"]
        for index, volunteer_id in enumerate(sending.volunteer_ids)
    }
    pool.enqueue(SEND_OUTBOX, *sending.write(written))
    assert sending.fake.wait_until(lambda texts: len(texts) >= 1 + len(PEOPLE), timeout=60)
    pool.close()

    assert len(sending.fake.texts()) == 1 + len(PEOPLE)
    # The carrier took its time (the fake's 50 ms): the texts went on the threads, side by side.
    assert 1 < sending.fake.most_in_flight <= THREADS


def test_with_a_carrier_that_answers_at_once_texts_are_out_before_the_job_moves_on(
    sending: Sending,
) -> None:
    instant = FakeTwilio(ACCOUNT_SID, AUTH_TOKEN, latency_s=0.0)
    instant.start()
    try:
        transport = TwilioTransport(ACCOUNT_SID, AUTH_TOKEN, instant.url, "https://w.example.org/s")
        # However slow this machine is today, this carrier counts as answering at once.
        pool = sending.pool(transport=transport, answered_at_once_s=60.0)
        volunteer_id, phone = sending.volunteer_ids[0], PEOPLE[0]
        first = sending.write({volunteer_id: ["one"]})
        pool.enqueue(SEND_OUTBOX, *first)
        assert _wait_until_sent(sending.db, first)
        # The pool now knows the carrier answers at once: the hand-in itself sends, in order.
        pool.enqueue(SEND_OUTBOX, *sending.write({volunteer_id: ["two", "three"]}))
        assert [t.body for t in instant.texts() if t.to == phone] == ["one", "two", "three"]
        pool.close()
    finally:
        instant.stop()
    with sending.db.session() as session:
        assert set(session.scalars(select(Outbox.attempts))) == {1}
