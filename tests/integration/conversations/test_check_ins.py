"""Caring check-ins: offered at DONE, asked for with YES, each sent once at its time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.integration.conftest import Line
from tests.integration.conversations.test_escalation import sweep_at
from tests.integration.conversations.test_peer_matching import every_stored_string
from tests.integration.conversations.test_sms_flow import SAM, TEXTER, ref_offered
from warmline.core.clock import utcnow
from warmline.lines.lines import get_line, set_line
from warmline.models import CheckIn, ConsentRecord, Contact, ContactCount
from warmline.privacy import consent, retention

CHECK_IN = "checking in as you asked"


def check_ins(line: Line) -> list[str]:
    """The check-in texts the texter received."""
    return [b for b in line.sent_to(TEXTER) if CHECK_IN in b]


def schedule(line: Line, setting: str, *more: str) -> None:
    with line.rt.db.session() as session:
        set_line(session, get_line(session, line.number), [f"followup_after={setting}", *more])


def talk_then_done_checkin(line: Line, consent_answer: str | None = None) -> str:
    line.add_volunteer("Sam", SAM)
    if consent_answer is not None:  # an earlier conversation, whose goodbye asked
        line.text(TEXTER, "hi")
        line.text(SAM, ref_offered(line, SAM))
        line.text(SAM, "DONE")
        line.text(TEXTER, consent_answer)
        set_line_now(line, "reopen_window_s=0")
    line.text(TEXTER, "hello, rough week")
    ref = ref_offered(line, SAM)
    line.text(SAM, ref)
    line.text(SAM, "thanks for talking")
    line.text(SAM, "DONE CHECKIN")
    return ref


def set_line_now(line: Line, *settings: str) -> None:
    with line.rt.db.session() as session:
        set_line(session, get_line(session, line.number), list(settings))


def asked_for_check_ins(line: Line, setting: str = "30s, 60s") -> None:
    schedule(line, setting)
    ref = talk_then_done_checkin(line)
    assert (
        "Would you like Test Warmline to send you a short check-in text"
        in (line.sent_to(TEXTER)[-1])
    )
    assert f"asked the texter of #{ref} whether" in line.sent_to(SAM)[-1]
    line.text(TEXTER, "YES")
    assert line.sent_to(TEXTER)[-1].startswith("Thank you. We'll check in")


def test_check_ins_arrive_at_their_times_once_each_from_the_line(line: Line) -> None:
    asked_for_check_ins(line)
    assert "We'll check in in 30 seconds and in 1 minute." in line.sent_to(TEXTER)[-1]
    sweep_at(line, 20)
    assert check_ins(line) == []
    for _ in range(2):
        sweep_at(line, 40)
    assert len(check_ins(line)) == 1
    for _ in range(2):
        sweep_at(line, 70)
    assert len(check_ins(line)) == 2
    sweep_at(line, 3600)
    assert len(check_ins(line)) == 2
    first = check_ins(line)[0]
    assert "Reply TALK" in first and "NOMORE" in first and "988" in first
    texts = [m for m in line.fake.messages() if m["To"] == TEXTER]
    assert texts and all(m["From"] == line.number for m in texts)
    for body in line.sent_to(SAM):
        assert CHECK_IN not in body  # the peer never learns the answer or sees the texts
    with line.rt.db.session() as session:
        assert session.scalar(select(func.sum(ContactCount.check_ins))) == 2
        stored = every_stored_string(session)
    assert not any(TEXTER[2:] in v or SAM[2:] in v for v in stored)  # no number in clear
    assert not any("rough week" in v or "thanks for talking" in v for v in stored)  # no words
    for body in line.sent_to(TEXTER):
        assert SAM[2:] not in body


def test_replying_talk_to_a_check_in_reaches_a_peer(line: Line) -> None:
    asked_for_check_ins(line)
    schedule(line, "30s, 60s", "reopen_window_s=0")  # check-ins come long after the window
    sweep_at(line, 40)
    line.text(TEXTER, "TALK")
    assert any("waiting to talk" in b for b in line.sent_to(SAM)[-2:])


def test_the_peer_can_offer_check_ins_just_after_done(line: Line) -> None:
    schedule(line, "1d, 7d")
    line.add_volunteer("Sam", SAM)
    line.text(TEXTER, "hi")
    ref = ref_offered(line, SAM)
    line.text(SAM, ref)
    line.text(SAM, "DONE")
    line.text(SAM, f"CHECKIN {ref}")
    assert "check-in text tomorrow and in a week?" in line.sent_to(TEXTER)[-1]
    line.text(SAM, "CHECKIN")
    assert "already been asked" in line.sent_to(SAM)[-1]


@pytest.mark.parametrize("word", ["NOMORE", "STOP", "FORGET"])
def test_check_ins_stop_on_the_stop_word_opt_out_or_forget(line: Line, word: str) -> None:
    asked_for_check_ins(line)
    sweep_at(line, 40)
    assert len(check_ins(line)) == 1
    line.text(TEXTER, word)
    if word == "NOMORE":
        assert "no more check-in texts" in line.sent_to(TEXTER)[-1]
    sweep_at(line, 70)
    sweep_at(line, 7200)
    assert len(check_ins(line)) == 1
    with line.rt.db.session() as session:
        still_to_come = session.scalar(
            select(func.count()).where(CheckIn.sent_at.is_(None), CheckIn.cancelled_at.is_(None))
        )
    assert still_to_come == 0


def test_yes_to_the_check_in_question_is_not_taken_as_consent(line: Line) -> None:
    schedule(line, "30s")
    talk_then_done_checkin(line)  # the consent question was asked and never answered
    line.text(TEXTER, "YES")
    assert "We'll check in in 30 seconds" in line.sent_to(TEXTER)[-1]
    with line.rt.db.session() as session:
        assert session.scalar(select(func.count()).where(ConsentRecord.answer == "yes")) == 0
    sweep_at(line, 40)
    assert len(check_ins(line)) == 1


def test_no_to_the_check_in_question_keeps_consent_given_before(line: Line) -> None:
    schedule(line, "30s")
    talk_then_done_checkin(line, consent_answer="YES")
    line.text(TEXTER, "NO")
    assert line.sent_to(TEXTER)[-1].startswith("Okay, no check-in texts")
    with line.rt.db.session() as session:
        target = get_line(session, line.number)
        key = session.scalars(select(Contact.contact_key)).one()
        assert consent.state(session, target, [key], utcnow()).consented
    sweep_at(line, 40)
    assert check_ins(line) == []


def test_without_the_peers_offer_yes_is_the_consent_answer_as_before(line: Line) -> None:
    schedule(line, "30s")
    line.add_volunteer("Sam", SAM)
    line.text(TEXTER, "hi")
    line.text(SAM, ref_offered(line, SAM))
    line.text(SAM, "DONE")
    line.text(TEXTER, "YES")
    assert "We'll check in" not in line.sent_to(TEXTER)[-1]
    with line.rt.db.session() as session:
        assert session.scalar(select(func.count()).where(ConsentRecord.answer == "yes")) == 1
        assert session.scalar(select(func.count()).select_from(CheckIn)) == 0


def test_the_number_is_kept_sealed_until_the_last_check_in_then_purged(line: Line) -> None:
    asked_for_check_ins(line, setting="2d")
    later = utcnow() + timedelta(hours=25)
    retention.purge(line.rt.db, line.rt.records, later)
    with line.rt.db.session() as session:
        assert session.scalar(select(Contact.number_sealed)) is not None
    sweep_at(line, 2 * 86400 + 1)
    assert len(check_ins(line)) == 1
    retention.purge(line.rt.db, line.rt.records, utcnow() + timedelta(days=3, hours=2))
    with line.rt.db.session() as session:
        kept = select(func.count()).where(Contact.number_sealed.is_not(None))
        assert session.scalar(kept) == 0


def test_a_line_without_check_ins_tells_the_peer(line: Line) -> None:
    schedule(line, "off")
    talk_then_done_checkin(line)
    assert "doesn't send check-in texts" in line.sent_to(SAM)[-1]
    assert "check-in" not in line.sent_to(TEXTER)[-1]
