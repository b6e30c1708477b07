"""PostgreSQL down: texts wait in Redis, sealed, and reach the peer once the database is back."""

from __future__ import annotations

from flask import Flask

from tests.integration.conftest import Line
from tests.integration.conversations.test_sms_flow import SAM, TEXTER, ref_offered
from warmline.conversations.incoming import spill
from warmline.core.db import Database
from warmline.ops.sweeper import sweep

UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/nowhere"


def test_texts_taken_while_the_database_is_down_are_stored_and_relayed_later(
    line: Line, app: Flask
) -> None:
    line.add_volunteer("Sam", SAM)
    line.text(TEXTER, "hi")
    ref = ref_offered(line, SAM)
    line.text(SAM, ref)

    working = line.rt.db
    line.rt.db = Database(UNREACHABLE, connect_args={"connect_timeout": 1})
    try:
        for words in ("the first words while it is down", "and the second"):
            response = line.post_sms(TEXTER, words)
            assert response.status_code == 200
            assert "<Message>" not in response.text  # an ordinary answer: nothing was lost
    finally:
        line.rt.db = working
    redis = line.rt.queue.redis  # type: ignore[attr-defined]
    waiting = redis.lrange(spill.WAITING, 0, -1)
    assert len(waiting) == 2
    assert not any(b"the first words" in raw or TEXTER[2:].encode() in raw for raw in waiting)

    sweep(line.rt)
    line.drain()
    assert redis.llen(spill.WAITING) == 0 and redis.llen(spill.TAKEN) == 0
    relayed = [b for b in line.sent_to(SAM) if b.startswith(f"#{ref}: ")]
    assert relayed[-2:] == [f"#{ref}: the first words while it is down", f"#{ref}: and the second"]


def test_a_drain_repeated_after_a_crash_stores_each_text_once(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    redis = line.rt.queue.redis  # type: ignore[attr-defined]
    from warmline.conversations.incoming.inbound import InboundSms
    from warmline.core.clock import utcnow

    sms = InboundSms(message_sid="SM" + "9" * 32, sender=TEXTER, to=line.number, body="hello once")
    spill.spill(redis, line.rt.vault, sms, utcnow())
    spill.spill(redis, line.rt.vault, sms, utcnow())  # Twilio's retry, say
    redis.lmove(spill.WAITING, spill.TAKEN, "RIGHT", "LEFT")  # a worker took one and died
    spill.drain(redis, line.rt.db, line.rt.keyring, line.rt.vault, line.rt.queue)
    line.drain()
    assert len([b for b in line.sent_to(SAM) if "waiting to talk" in b]) == 1
