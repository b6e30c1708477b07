"""A coordinator's offer and a peer's claim at the same moment, on real PostgreSQL: one winner."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, select, text, update

from tests.conftest import PG_ADMIN_URL, pg_url
from warmline.conversations.lifecycle import claims
from warmline.core import migrate
from warmline.core.clock import utcnow
from warmline.core.crypto import Keyring, Vault
from warmline.core.db import Database
from warmline.core.errors import InvalidInput
from warmline.core.statuses import ConversationStatus
from warmline.lines import coordinators
from warmline.lines.lines import add_line
from warmline.lines.volunteers import add_volunteer
from warmline.messaging.outgoing import Turn
from warmline.models import Conversation, Coordinator, Line, Offer, Outbox, Volunteer
from warmline.ops import offering
from warmline.rota import service, shifts

RACE_DB = f"warmline_offer_race_{secrets.token_hex(4)}"
LINE_NUMBER = "+15550001111"
SAM, ALEX = "+15550002222", "+15550003333"
TAKEN = "is no longer waiting"
ROUNDS = 8


class Queue:
    """Jobs the use cases asked for, kept, not run."""

    def __init__(self) -> None:
        self.jobs: list[tuple[str, tuple[int, ...]]] = []

    def enqueue(self, job: str, *ids: int) -> bool:
        """Keep the job."""
        self.jobs.append((job, ids))
        return True


@dataclass
class Race:
    """A committed line with two peers on shift, where every session is its own connection."""

    db: Database
    vault: Vault
    line_id: int
    sam: int
    alex: int
    coordinator_id: int

    def waiting(self, ref: str) -> None:
        """A conversation waiting in the queue, already offered to Sam; earlier ones closed."""
        now = utcnow()
        with self.db.session() as session:
            # Each round starts with both peers free: the earlier rounds' conversations end.
            session.execute(
                update(Conversation)
                .where(Conversation.status != ConversationStatus.CLOSED)
                .values(status=ConversationStatus.CLOSED, closed_at=now)
            )
            conversation = Conversation(
                line_id=self.line_id,
                ref=ref,
                status=ConversationStatus.WAITING,
                created_at=now,
                waiting_since=now,
                last_activity_at=now,
            )
            session.add(conversation)
            session.flush()
            session.add(
                Offer(conversation_id=conversation.id, volunteer_id=self.sam, offered_at=now)
            )
            session.commit()

    def claim(self, volunteer_id: int, ref: str) -> None:
        """A peer's claim by text, through the rules SMS uses."""
        with self.db.session() as session:
            line = session.get_one(Line, self.line_id)
            volunteer = session.get_one(Volunteer, volunteer_id)
            claims.claim(Turn(session, self.vault, line, utcnow()), volunteer, ref)
            session.commit()

    def offer(self, ref: str) -> str:
        """The coordinator offers `ref` to Alex; returns what the dashboard would say."""
        with self.db.session() as session:
            line = session.get_one(Line, self.line_id)
            actor = session.get_one(Coordinator, self.coordinator_id)
            try:
                offering.offer_to_peer(
                    session, self.vault, Queue(), line, ref, self.alex, actor, utcnow()
                )
            except InvalidInput as exc:
                return str(exc)
            return "offered"

    def holder(self, ref: str) -> int | None:
        """Who has the conversation now."""
        with self.db.session() as session:
            return session.scalar(select(Conversation.volunteer_id).where(Conversation.ref == ref))

    def told(self, volunteer_id: int, ref: str) -> list[str]:
        """What the line wrote to a volunteer about `ref`."""
        with self.db.session() as session:
            rows = session.scalars(
                select(Outbox.body_sealed)
                .where(Outbox.volunteer_id == volunteer_id)
                .order_by(Outbox.id)
            )
            bodies = [self.vault.open(body) for body in rows if body is not None]
        return [body for body in bodies if f"#{ref}" in body or f" {ref} " in body]


@pytest.fixture(scope="module")
def race() -> Iterator[Race]:
    """A database of this module's own: the race needs commits another connection can see."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{RACE_DB}"'))
    url = pg_url(RACE_DB)
    migrate.upgrade(url)
    db = Database(url)
    vault = Vault((Fernet.generate_key().decode(),))
    keyring = Keyring(secrets.token_bytes(32), ())
    now = utcnow()
    try:
        with db.session() as session:
            line = add_line(
                session,
                number_raw=LINE_NUMBER,
                name="Race Line",
                timezone="America/New_York",
                now=now,
            )
            ids = []
            for name, phone in (("Sam", SAM), ("Alex", ALEX)):
                ids.append(
                    add_volunteer(session, keyring, vault, name=name, phone_raw=phone, now=now).id
                )
                service.add_shift(
                    session,
                    shifts.read_shift(
                        session,
                        keyring,
                        line_raw=LINE_NUMBER,
                        volunteer_raw=phone,
                        start=(now - timedelta(hours=1)).isoformat(),
                        end=(now + timedelta(hours=3)).isoformat(),
                        role="primary",
                    ),
                    now,
                )
            actor = coordinators.add(session, "race@example.org", "a long race passphrase", now)
            session.commit()
            yield Race(db, vault, line.id, ids[0], ids[1], actor.id)
    finally:
        db.engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{RACE_DB}" WITH (FORCE)'))
        admin.dispose()


def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll `condition` until it holds; fail the test if it never does."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition never held"
        time.sleep(0.01)


def blocked_on_a_row(db: Database) -> bool:
    """True while some connection waits for another's row lock."""
    with db.engine.connect() as conn:
        waiting = conn.scalar(
            text("SELECT count(*) FROM pg_locks WHERE locktype = 'transactionid' AND NOT granted")
        )
    return bool(waiting)


def test_a_claim_in_flight_wins_and_the_coordinators_offer_is_told_it_was_taken(
    race: Race,
) -> None:
    race.waiting("R2A")
    claimed, release = threading.Event(), threading.Event()
    said: list[str] = []

    def sams_claim() -> None:
        with race.db.session() as session:
            line = session.get_one(Line, race.line_id)
            sam = session.get_one(Volunteer, race.sam)
            claims.claim(Turn(session, race.vault, line, utcnow()), sam, "R2A")
            claimed.set()
            release.wait(10)  # the row stays locked, uncommitted, while the coordinator acts
            session.commit()

    peer = threading.Thread(target=sams_claim)
    peer.start()
    assert claimed.wait(10)
    coordinator = threading.Thread(target=lambda: said.append(race.offer("R2A")))
    coordinator.start()
    until(lambda: blocked_on_a_row(race.db))
    release.set()
    peer.join(10)
    coordinator.join(10)
    assert said == ["#R2A was taken meanwhile: a peer has it now."]
    assert race.holder("R2A") == race.sam
    assert race.told(race.alex, "R2A") == []  # never offered a conversation already taken


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_an_offer_to_alex_and_sams_claim_at_once_leave_exactly_one_peer_with_it(
    race: Race, round_: int
) -> None:
    ref = f"Q{2 + round_}{'BCDEFGHJ'[round_]}"
    race.waiting(ref)
    start = threading.Barrier(2)
    said: list[str] = []

    def coordinator_then_alex() -> None:
        start.wait(10)
        said.append(race.offer(ref))
        if said[-1] == "offered":
            race.claim(race.alex, ref)  # Alex replies to the offer at once

    def sam() -> None:
        start.wait(10)
        race.claim(race.sam, ref)

    threads = [threading.Thread(target=coordinator_then_alex), threading.Thread(target=sam)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    winner = race.holder(ref)
    assert winner in (race.sam, race.alex)
    loser = race.alex if winner == race.sam else race.sam
    to_loser = race.told(loser, ref)
    if said == ["offered"] or loser == race.sam:
        # The loser replied and got the usual answer to a claim that came second.
        assert any(TAKEN in body for body in to_loser), to_loser
    else:
        assert said == [f"#{ref} was taken meanwhile: a peer has it now."]
    winners = [v for v in (race.sam, race.alex) if any("You have" in b for b in race.told(v, ref))]
    assert winners == [winner]
