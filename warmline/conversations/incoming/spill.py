"""When PostgreSQL is down, incoming texts wait in Redis (sealed) and are stored once it is back."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from redis import Redis
from sqlalchemy.exc import SQLAlchemyError

from warmline.conversations.incoming import inbound
from warmline.core.crypto import Keyring, Vault
from warmline.core.db import Database
from warmline.core.jobqueue import JobQueue

log = logging.getLogger(__name__)

WAITING = "warmline:inbound:spilled"
# A text taken off the list but not yet committed; drained again after a crash (sids dedupe).
TAKEN = "warmline:inbound:spilled:taken"


@dataclass(frozen=True)
class Drained:
    """Texts stored from the spill, and those still waiting for the database."""

    stored: int
    waiting: bool


def spill(store: Redis, vault: Vault, sms: inbound.InboundSms, now: datetime) -> None:
    """Keep a text Twilio gave us while the database cannot; number and words sealed."""
    payload = {
        "sid": sms.message_sid,
        "to": sms.to,
        "sender": vault.seal(sms.sender).decode(),
        "body": vault.seal(sms.body).decode(),
        "at": now.isoformat(),
    }
    store.lpush(WAITING, json.dumps(payload))


def drain(
    store: Redis,
    db: Database,
    keyring: Keyring,
    vault: Vault,
    queue: JobQueue,
    limit: int = 500,
) -> Drained:
    """Store spilled texts, oldest first, exactly once (MessageSid dedupes a repeated drain)."""
    stored = 0
    for left in _entries(store, TAKEN):  # left over by a worker that died mid-drain
        if not _store(_text(left), db, keyring, vault, queue):
            return Drained(stored, True)
        store.lrem(TAKEN, 1, _text(left))
    while stored < limit:
        taken = store.lmove(WAITING, TAKEN, "RIGHT", "LEFT")
        if taken is None:
            return Drained(stored, False)
        if not _store(_text(taken), db, keyring, vault, queue):
            return Drained(stored, True)
        store.lrem(TAKEN, 1, _text(taken))
        stored += 1
    return Drained(stored, True)


def _entries(store: Redis, name: str) -> list[bytes | str]:
    """Every entry of the list `name` (redis-py 7 types a reply as possibly awaitable)."""
    return cast(list[bytes | str], store.lrange(name, 0, -1))


def discard(store: Redis, vault: Vault, number: str) -> int:
    """Erasure: drop texts from `number` still waiting in Redis; returns how many went."""
    discarded = 0
    for name in (WAITING, TAKEN):
        for raw in _entries(store, name):
            payload = json.loads(_text(raw))
            if vault.open(payload["sender"].encode()) == number:
                discarded += cast(int, store.lrem(name, 1, _text(raw)))
    return discarded


def _store(raw: str, db: Database, keyring: Keyring, vault: Vault, queue: JobQueue) -> bool:
    payload = json.loads(raw)
    sms = inbound.InboundSms(
        message_sid=payload["sid"],
        sender=vault.open(payload["sender"].encode()),
        to=payload["to"],
        body=vault.open(payload["body"].encode()),
    )
    try:
        inbound.receive(db, keyring, vault, queue, sms, datetime.fromisoformat(payload["at"]))
    except SQLAlchemyError:
        return False  # still down: the text stays in Redis
    return True


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
