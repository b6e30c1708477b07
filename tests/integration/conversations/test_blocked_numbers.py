"""A number a coordinator blocked on a line: counted, answered with nothing, offered to nobody."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.integration.conftest import Line
from tests.integration.conversations.test_sms_flow import RILEY, SAM, TEXTER
from warmline.core import metrics
from warmline.core.clock import utcnow
from warmline.lines import blocks
from warmline.lines.lines import get_line
from warmline.models import Conversation, InboundMessage


def blocked_count() -> float:
    return metrics.registry().get_sample_value("warmline_texts_blocked_total") or 0.0


def test_a_blocked_number_pages_nobody_gets_no_reply_and_is_counted(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    with line.rt.db.session() as session:
        assert blocks.block(
            session, line.rt.keyring, get_line(session, line.number), TEXTER, utcnow()
        )
        session.commit()
    before = blocked_count()
    for words in ("hi", "HELP", "answer me"):
        line.text(TEXTER, words)
    assert blocked_count() == before + 3
    assert line.fake.requests == []  # no greeting, no offer to Sam
    with line.rt.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Conversation)) == 0
        kept = session.execute(
            select(InboundMessage.processed_at, InboundMessage.body_sealed)
        ).all()
    assert len(kept) == 3 and all(at is not None and words is None for at, words in kept)


def test_a_blocked_number_with_crisis_words_pages_no_peer_and_no_coordinator(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    line.add_volunteer("Riley", RILEY, role="coordinator")
    with line.rt.db.session() as session:
        assert blocks.block(
            session, line.rt.keyring, get_line(session, line.number), TEXTER, utcnow()
        )
        session.commit()
    for words in ("I want to kill myself", "HELP", "suicidal"):
        line.text(TEXTER, words)
    assert line.fake.requests == []  # no crisis reply, no alert to Riley, no offer to Sam


def test_lifting_the_block_lets_the_next_text_through(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    with line.rt.db.session() as session:
        target = get_line(session, line.number)
        blocks.block(session, line.rt.keyring, target, TEXTER, utcnow())
        assert not blocks.block(session, line.rt.keyring, target, TEXTER, utcnow())
        assert blocks.unblock(session, line.rt.keyring, target, TEXTER)
        assert not blocks.unblock(session, line.rt.keyring, target, TEXTER)
        session.commit()
    line.text(TEXTER, "hi, rough night")
    assert line.sent_to(TEXTER) and line.sent_to(SAM)
