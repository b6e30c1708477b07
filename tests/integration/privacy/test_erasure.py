"""Erasure that finds everything: after the purge, after a voicemail, after an HMAC key rotation."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from tests.integration.conftest import Line
from tests.integration.privacy.test_privacy import SAM, count, purge_at, talk_and_close
from tests.integration.voice_line import CALLER, RECORDING_SID, RECORDING_URL, placed_call, player
from warmline.conversations.incoming import spill
from warmline.conversations.incoming.inbound import InboundSms
from warmline.core.clock import utcnow
from warmline.core.crypto import Keyring
from warmline.lines import coordinators
from warmline.lines.lines import get_line
from warmline.models import Call, ConsentRecord, Contact, ContactLogEntry, Voicemail
from warmline.ops import contact_requests
from warmline.privacy import keys, subject_access

TEXTER = CALLER  # the same person texts and calls


def recording_deleted(line: Line) -> bool:
    return any(url.endswith(f"/Recordings/{RECORDING_SID}.json") for url in line.fake.deleted())


def call_record_deleted(line: Line, call_sid: str) -> bool:
    return any(url.endswith(f"/Calls/{call_sid}.json") for url in line.fake.deleted())


def leave_voicemail(line: Line) -> tuple[str, str]:
    """The caller rings, nobody answers, they leave a message; returns (call sid, its ref)."""
    call = player(line).call(CALLER, line.number)
    call.dial_ends("no-answer")
    call.leave_message(RECORDING_SID, RECORDING_URL, 21)
    line.drain()
    with line.rt.db.session() as session:
        ref = session.scalars(select(Voicemail.ref)).one()
    return call.sid, ref


def test_a_coordinators_erase_after_the_purge_still_removes_the_log_and_consent(
    line: Line,
) -> None:
    line.add_volunteer("Sam", SAM)
    talk_and_close(line, texter=TEXTER, answer="YES")
    purge_at(line, timedelta(hours=25))  # the number and the contact row are gone by now
    assert count(line, Contact) == 0
    assert count(line, ContactLogEntry) == 1 and count(line, ConsentRecord) >= 2
    with line.rt.db.session() as session:
        me = coordinators.add(session, "erase@example.org", "a long enough password", utcnow())
        session.commit()
        target = get_line(session, line.number)
        held = contact_requests.held(session, line.rt.keyring, target, TEXTER, me, utcnow())
        assert held.anything and held.log_rows == 1
        erased = contact_requests.erase(
            session,
            line.rt.vault,
            line.rt.keyring,
            line.rt.queue,
            target,
            TEXTER,
            me,
            utcnow(),
        )
    assert erased
    assert count(line, ContactLogEntry) == 0 and count(line, ConsentRecord) == 0
    purge_at(line, timedelta(hours=26))
    assert count(line, Contact) == 0  # erasing re-created nothing
    with line.rt.db.session() as session:
        data = subject_access.export(
            session, line.rt.keyring, get_line(session, line.number), TEXTER
        )
    assert not data["contact_log"] and not data["consent"] and not data["conversations"]


def test_an_erase_drops_texts_still_kept_in_redis_from_a_database_outage(line: Line) -> None:
    redis = line.rt.queue.redis  # type: ignore[attr-defined]
    for sid, sender in (("SM" + "1" * 32, TEXTER), ("SM" + "2" * 32, "+15550009002")):
        sms = InboundSms(message_sid=sid, sender=sender, to=line.number, body="while it was down")
        spill.spill(redis, line.rt.vault, sms, utcnow())
    redis.lmove(spill.WAITING, spill.TAKEN, "RIGHT", "LEFT")  # one taken by a worker that died
    with line.rt.db.session() as session:
        me = coordinators.add(session, "erase@example.org", "a long enough password", utcnow())
        target = get_line(session, line.number)
        assert contact_requests.erase(
            session,
            line.rt.vault,
            line.rt.keyring,
            line.rt.queue,
            target,
            TEXTER,
            me,
            utcnow(),
        )
    left = redis.lrange(spill.WAITING, 0, -1) + redis.lrange(spill.TAKEN, 0, -1)
    assert len(left) == 1  # the other texter's text stays, to be stored once the database is back


def test_forget_after_a_voicemail_deletes_the_recording_at_twilio_and_nothing_plays_it(
    line: Line,
) -> None:
    line.add_volunteer("Sam", SAM)
    call_sid, ref = leave_voicemail(line)
    line.text(SAM, f"CALL {ref}")
    callback = placed_call(line, player(line))  # a call-back is on its way to Sam
    assert not recording_deleted(line)

    line.text(TEXTER, "FORGET")
    assert "We've erased what we kept about you" in line.sent_to(TEXTER)[-1]
    assert recording_deleted(line)  # at once, not after seven days

    assert callback.answer().verbs() == ["Hangup"]  # Sam picks up: nothing plays, ever
    gate = player(line).fetch(
        callback.url.replace("/callback?", "/callback/listen?"), callback.form(Digits="1")
    )
    assert "Play" not in gate.verbs()
    line.text(SAM, f"CALL {ref}")
    assert f"There is no voicemail #{ref} waiting" in line.sent_to(SAM)[-1]
    with line.rt.db.session() as session:
        vm = session.scalars(select(Voicemail)).one()
        assert vm.recording_url_sealed is None and vm.recording_deleted_at is not None
        row = session.scalars(select(Call)).one()
        assert row.caller_key is None and row.contact_id is None

    purge_at(line, timedelta(minutes=1))
    assert call_record_deleted(line, call_sid)  # Twilio's record of the call held their number
    assert count(line, Contact) == 0


def test_the_export_lists_calls_and_voicemails_but_never_a_number_or_recording(
    line: Line,
) -> None:
    line.add_volunteer("Sam", SAM)
    leave_voicemail(line)
    with line.rt.db.session() as session:
        data = subject_access.export(
            session, line.rt.keyring, get_line(session, line.number), CALLER
        )
    [call] = data["calls"]
    assert call["outcome"] == "voicemail" and call["started"] and call["ended"]
    assert call["voicemail"]["duration_s"] == 21 and call["voicemail"]["status"] == "waiting"
    dumped = json.dumps(data)
    assert CALLER[2:] not in dumped and RECORDING_SID not in dumped and "Recordings" not in dumped


def test_forget_after_an_hmac_key_rotation_erases_rows_filed_under_the_older_key(
    line: Line,
) -> None:
    line.add_volunteer("Sam", SAM)
    talk_and_close(line, texter=TEXTER, answer="YES")
    purge_at(line, timedelta(hours=25))  # only the log and consent are left, under the old key
    old = line.rt.keyring
    line.rt.keyring = Keyring(b"n" * 32, (line.rt.settings.hmac_key,))
    with line.rt.db.session() as session:
        keys.rotate(session, line.rt.vault, line.rt.keyring)
    assert count(line, ContactLogEntry, ContactLogEntry.contact_key == old.key_for(TEXTER)) == 1

    line.text(TEXTER, "FORGET")
    assert "We've erased what we kept about you" in line.sent_to(TEXTER)[-1]
    assert count(line, ContactLogEntry) == 0 and count(line, ConsentRecord) == 0


def test_rotation_moves_a_callers_calls_and_waiting_texts_to_the_newest_key(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    leave_voicemail(line)
    line.rt.keyring = Keyring(b"n" * 32, (line.rt.settings.hmac_key,))
    with line.rt.db.session() as session:
        done = keys.rotate(session, line.rt.vault, line.rt.keyring)
        assert done.rekeyed >= 2  # Sam, and the caller who still has a voicemail waiting
        newest = line.rt.keyring.key_for(CALLER)
        assert session.scalars(select(Contact.contact_key)).one() == newest
        assert session.scalars(select(Call.caller_key)).one() == newest
    line.text(CALLER, "FORGET")
    assert recording_deleted(line)


def test_the_purge_deletes_twilios_record_of_an_old_call_and_the_calls_key(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    call = player(line).call(CALLER, line.number)
    call.dial_ends("no-answer")
    call.hang_up()
    line.drain()
    purge_at(line, timedelta(hours=23))
    assert not call_record_deleted(line, call.sid)
    assert count(line, Call, Call.caller_key.is_not(None)) == 1
    purge_at(line, timedelta(hours=25))
    assert call_record_deleted(line, call.sid)
    assert count(line, Call, Call.caller_key.is_not(None)) == 0 and count(line, Call) == 1
