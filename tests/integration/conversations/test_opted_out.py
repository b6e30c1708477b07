"""A texter who opted out and texts again: kept and counted, offered to no one, until START."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.integration.conftest import Line
from tests.integration.conversations.test_sms_flow import ALEX, SAM, TEXTER, ref_offered
from warmline.core import metrics
from warmline.models import Conversation, InboundMessage, Outbox


def two_peers(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    line.add_volunteer("Alex", ALEX)


def opted_out_count() -> float:
    return metrics.registry().get_sample_value("warmline_texts_from_opted_out_total") or 0.0


def test_a_text_after_stop_is_kept_and_counted_and_offered_to_no_one(line: Line) -> None:
    two_peers(line)
    line.text(TEXTER, "hi")
    line.text(TEXTER, "STOP")
    sam, alex, texter = (len(line.sent_to(n)) for n in (SAM, ALEX, TEXTER))
    before = opted_out_count()

    line.text(TEXTER, "are you still there? I need to talk")

    assert opted_out_count() == before + 1
    assert (len(line.sent_to(SAM)), len(line.sent_to(ALEX))) == (sam, alex)  # no offer
    assert len(line.sent_to(TEXTER)) == texter  # nothing can be delivered
    with line.rt.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Conversation)) == 1
        assert session.scalar(select(func.count()).select_from(Outbox)) == sam + alex + texter
        last = session.scalars(select(InboundMessage).order_by(InboundMessage.id.desc())).first()
        assert last is not None and last.processed_at is not None  # stored, without its words
        assert last.body_sealed is None and last.sender_sealed is None


def test_start_brings_them_back_with_a_greeting_and_a_peer(line: Line) -> None:
    two_peers(line)
    line.text(TEXTER, "hi")
    line.text(TEXTER, "STOP")
    line.text(TEXTER, "hello again")
    line.text(TEXTER, "START")
    greetings = [b for b in line.sent_to(TEXTER) if "A peer will text you here soon" in b]
    assert len(greetings) == 2  # the first text's, and START's
    assert "A peer will text you here soon" in line.sent_to(TEXTER)[-1]
    ref = ref_offered(line, SAM)
    line.text(SAM, ref)
    assert not any(b.endswith(": START") for b in line.sent_to(SAM))  # asked of the line
    line.text(TEXTER, "thanks for being here")
    assert line.sent_to(SAM)[-1] == f"#{ref}: thanks for being here"


def test_start_from_a_texter_who_never_opted_out_changes_nothing(line: Line) -> None:
    two_peers(line)
    line.text(TEXTER, "START")
    assert line.sent_to(TEXTER) == [] and line.sent_to(SAM) == []
