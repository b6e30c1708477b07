"""Consent, the minimal contact log, FORGET and the retention purge, as a texter would see them."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from tests.integration.conftest import Line
from tests.integration.conversations.test_peer_matching import no_reopening
from tests.integration.conversations.test_sms_flow import SAM, TEXTER, ref_offered
from warmline.conversations.lifecycle import forgetting
from warmline.core.clock import utcnow
from warmline.lines.lines import get_line
from warmline.models import (
    CarrierRecord,
    ConsentRecord,
    Contact,
    ContactCount,
    ContactLogEntry,
    Conversation,
    InboundMessage,
    Outbox,
)
from warmline.privacy import consent, retention, subject_access

OTHER = "+15550009002"


def talk_and_close(
    line: Line, texter: str = TEXTER, answer: str | None = None, tag: str | None = "talked"
) -> str:
    line.text(texter, "hello, rough day")
    ref = ref_offered(line, SAM)
    line.text(SAM, ref)
    line.text(texter, "thanks for listening")
    line.text(SAM, "you're welcome")
    line.text(SAM, "DONE")
    if tag is not None:
        line.text(SAM, tag)
    if answer is not None:  # the question comes with the closing text
        line.text(texter, answer)
    return ref


def count(line: Line, model: type, *where: object) -> int:
    with line.rt.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def purge_at(line: Line, later: timedelta) -> retention.PurgeReport:
    return retention.purge(line.rt.db, line.rt.records, utcnow() + later)


def test_the_closing_text_asks_for_consent_once_per_wording_version(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    no_reopening(line)
    talk_and_close(line, tag=None)
    sent = line.sent_to(TEXTER)
    assert "Reply YES or NO" not in sent[0]  # never in the first reply
    assert sent[-2].startswith("Thank you for texting Test Warmline")
    assert "Reply YES or NO" in sent[-1] and "never your words or your number" in sent[-1]
    line.text(TEXTER, "me again")
    line.text(SAM, ref_offered(line, SAM))
    line.text(SAM, "DONE")
    assert line.sent_to(TEXTER)[-1].startswith("Thank you for texting")  # asked once is enough
    with line.rt.db.session() as session:
        target = get_line(session, line.number)
        consent.set_wording(
            session, target, "Can we keep the times of this chat? YES or NO.", utcnow()
        )
        session.commit()
    line.text(TEXTER, "and again")
    line.text(SAM, ref_offered(line, SAM))
    line.text(SAM, "DONE")
    assert line.sent_to(TEXTER)[-1] == "Can we keep the times of this chat? YES or NO."


def test_a_yes_to_the_closing_question_logs_the_conversation_it_closed(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    no_reopening(line)
    talk_and_close(line, tag=None)
    assert count(line, ContactLogEntry) == 0  # nobody had said yes when it closed
    line.text(TEXTER, "YES")
    assert line.sent_to(TEXTER)[-1].startswith("Thank you. We'll keep only the times")
    assert count(line, ContactLogEntry) == 1
    assert count(line, Conversation, Conversation.status == "waiting") == 0  # no new one


def test_after_crisis_words_the_goodbye_does_not_ask_and_a_later_one_does(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    no_reopening(line)
    line.text(TEXTER, "I want to die")
    line.text(SAM, ref_offered(line, SAM))
    line.text(SAM, "DONE")
    assert line.sent_to(TEXTER)[-1].startswith("Thank you for texting")
    assert not any("Reply YES or NO" in b for b in line.sent_to(TEXTER))
    line.text(SAM, "ON")  # ready again before the breather after a hard conversation ends
    talk_and_close(line, tag=None)
    assert "Reply YES or NO" in line.sent_to(TEXTER)[-1]


def test_with_consent_the_log_keeps_times_and_outcome_but_no_words_or_number(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    talk_and_close(line, answer="YES")
    assert "Thank you. We'll keep only the times" in " ".join(line.sent_to(TEXTER))
    assert not any(b.endswith(": YES") for b in line.sent_to(SAM))  # an answer to the line
    assert "tagged talked" in line.sent_to(SAM)[-1]
    with line.rt.db.session() as session:
        row = session.scalars(select(ContactLogEntry)).one()
        assert row.channel == "sms" and row.outcome == "talked" and not row.crisis
        assert row.consent_version == 1 and row.volunteer_id is not None
        assert row.first_response_wait_s is not None and row.duration_s is not None
        assert row.ended_at >= row.started_at and len(row.contact_key) == 64
        record = session.scalars(select(ConsentRecord).where(ConsentRecord.answer == "yes")).one()
        assert (
            record.text_hash == consent.text_hash(consent.DEFAULT_WORDING)
            and record.method == "sms"
        )


def test_without_consent_only_anonymous_counts_survive(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    talk_and_close(line, answer="no")
    talk_and_close(line, texter=OTHER)  # never answered
    assert count(line, ContactLogEntry) == 0
    with line.rt.db.session() as session:
        counts = session.scalars(select(ContactCount)).one()
        assert (counts.contacts, counts.answered, counts.channel) == (2, 2, "sms")
    purge_at(line, timedelta(hours=25))
    assert count(line, Conversation) == 0
    assert count(line, Contact, Contact.number_sealed.is_not(None)) == 0
    assert count(line, ContactCount) == 1


def test_yes_that_answers_the_peer_is_not_taken_as_consent(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    line.text(TEXTER, "hi")
    line.text(TEXTER, "no")  # answers the consent question
    line.text(SAM, ref_offered(line, SAM))
    line.text(SAM, "are you somewhere safe?")
    line.text(TEXTER, "yes")  # answers the peer: consent is not pending any more
    assert line.sent_to(SAM)[-1].endswith(": yes")
    assert count(line, ConsentRecord, ConsentRecord.answer == "yes") == 0


def test_no_withdraws_consent_and_stop_withdraws_it_too(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    no_reopening(line)
    talk_and_close(line, answer="YES")
    line.text(TEXTER, "NO")
    assert count(line, ConsentRecord, ConsentRecord.answer == "withdrawn") == 1
    line.text(TEXTER, "YES")  # not pending any more: just words
    assert count(line, ConsentRecord, ConsentRecord.answer == "yes") == 1
    talk_and_close(line, texter=OTHER, answer="yes")
    line.text(OTHER, "STOP")
    assert count(line, ConsentRecord, ConsentRecord.answer == "withdrawn") == 2


def test_forget_erases_everything_tied_to_the_texter_and_says_so(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    ref = talk_and_close(line, answer="YES")
    line.text(TEXTER, "one more thing")
    line.text(SAM, ref_offered(line, SAM))
    with line.rt.db.session() as session:
        key = session.scalars(select(Contact.contact_key)).one()
    line.text(TEXTER, "FORGET")
    assert "We've erased what we kept about you" in line.sent_to(TEXTER)[-1]
    assert "asked us to forget them" in line.sent_to(SAM)[-1]
    for model, column in (
        (ContactLogEntry, ContactLogEntry.contact_key),
        (ConsentRecord, ConsentRecord.contact_key),
        (InboundMessage, InboundMessage.sender_key),
    ):
        assert count(line, model, column == key) == 0, model
    assert count(line, Conversation) == 0
    assert count(line, CarrierRecord) >= 6  # Twilio's copies of their texts are queued for deletion
    purge_at(line, timedelta(minutes=1))
    assert count(line, Contact) == 0
    assert count(line, Outbox, Outbox.recipient_key == key) == 0
    deletes = [r for r in line.fake.requests if r.method == "DELETE"]
    assert deletes and all("/Messages/SM" in r.url for r in deletes)
    assert ref


def test_the_purge_keeps_each_kind_only_as_long_as_its_window(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    talk_and_close(line, answer="YES")
    assert count(line, Contact, Contact.number_sealed.is_not(None)) == 1
    purge_at(line, timedelta(hours=23))
    assert count(line, Contact, Contact.number_sealed.is_not(None)) == 1
    assert count(line, Conversation) == 1
    purge_at(line, timedelta(hours=25))
    assert count(line, Contact, Contact.number_sealed.is_not(None)) == 0
    assert (
        count(line, Conversation) == 0
        and count(line, InboundMessage) == 0
        and count(line, Outbox) == 0
    )
    assert count(line, ContactLogEntry) == 1 and count(line, ConsentRecord) >= 2
    assert count(line, CarrierRecord, CarrierRecord.deleted_at.is_(None)) == 0
    purge_at(line, timedelta(days=366))
    assert count(line, ContactLogEntry) == 0 and count(line, ConsentRecord) == 0
    assert count(line, ContactCount) == 1


def test_an_open_conversation_keeps_its_number_past_the_window(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    line.text(TEXTER, "hi")
    line.text(SAM, ref_offered(line, SAM))
    purge_at(line, timedelta(hours=30))
    line.text(SAM, "still here")
    assert line.sent_to(TEXTER)[-1] == "still here"


def test_a_text_never_sent_within_the_hour_is_expired_and_wiped(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    line.fake.fail_for(TEXTER, 503, 20500)
    line.text(TEXTER, "hi")
    purge_at(line, timedelta(minutes=61))
    with line.rt.db.session() as session:
        rows = session.scalars(select(Outbox).where(Outbox.contact_id.is_not(None))).all()
        assert rows and all(r.status == "expired" and r.body_sealed is None for r in rows)


def test_a_subject_access_export_lists_what_we_hold_and_never_the_number_or_words(
    line: Line,
) -> None:
    line.add_volunteer("Sam", SAM)
    no_reopening(line)
    ref = talk_and_close(line, answer="YES")
    line.text(TEXTER, "something very particular")
    with line.rt.db.session() as session:
        target = get_line(session, line.number)
        data = subject_access.export(session, line.rt.keyring, target, TEXTER)
    dumped = json.dumps(data)
    assert data["conversations"][0]["reference"] == ref
    assert data["number_kept_encrypted"] is True
    assert [c["answer"] for c in data["consent"]] == ["asked", "yes"]
    assert len(data["contact_log"]) == 1 and data["contact_log"][0]["outcome"] == "talked"
    assert data["texts_waiting_for_a_peer_encrypted"] == 1
    assert TEXTER[2:] not in dumped and "particular" not in dumped and "rough day" not in dumped


def test_a_coordinator_erase_works_like_forget(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    talk_and_close(line, answer="YES")
    with line.rt.db.session() as session:
        target = get_line(session, line.number)
        erased = forgetting.erase_number(
            session, line.rt.vault, line.rt.keyring, target, TEXTER, utcnow()
        )
        session.commit()
    assert erased.anything and erased.outbox_ids
    for outbox_id in erased.outbox_ids:
        line.rt.queue.enqueue("workers.jobs.send_outbox", outbox_id)
    line.drain()
    assert "We've erased what we kept about you" in line.sent_to(TEXTER)[-1]
    assert count(line, ContactLogEntry) == 0 and count(line, ConsentRecord) == 0
    purge_at(line, timedelta(minutes=1))
    assert count(line, Contact) == 0


def test_a_peer_still_talking_to_someone_tags_with_the_tag_command(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    line.text(TEXTER, "hi")
    line.text(SAM, ref_offered(line, SAM))
    line.text(OTHER, "hello too")
    line.text(SAM, ref_offered(line, SAM))
    first = next(c for c in line.sent_to(SAM) if c.startswith("You have #")).split("#")[1][:3]
    line.text(SAM, f"DONE {first}")
    assert "Reply TAG and one word" in line.sent_to(SAM)[-1]
    line.text(SAM, "TAG talked")
    assert "tagged talked" in line.sent_to(SAM)[-1]
    assert "talked" not in line.sent_to(OTHER)[-1]
    with line.rt.db.session() as session:
        assert (
            session.scalar(select(Conversation.outcome_tag).where(Conversation.ref == first))
            == "talked"
        )
