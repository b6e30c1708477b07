"""Calls to the line, seen from the caller's and the volunteers' phones (Twilio played by the test)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from tests.conftest import AUTH_TOKEN, PUBLIC_URL
from tests.integration.conftest import Line
from tests.integration.conversations.test_sms_flow import ref_offered
from tests.integration.voice_line import (
    ALEX,
    CALLER,
    FALLBACK,
    JO,
    RECORDING_SID,
    RECORDING_URL,
    RILEY,
    SAM,
    close_now,
    configure,
    placed_call,
    player,
)
from tests.twilio_voice import TwilioPlayer, Twiml
from warmline.core.clock import utcnow
from warmline.models import Call, CallStep, Contact, ContactCount, ContactLogEntry, Voicemail
from warmline.ops.sweeper import sweep
from warmline.voice import call_ends, voicemail

TEXTER = "+15550009002"


@pytest.fixture
def twilio(line: Line) -> TwilioPlayer:
    """Twilio, calling the test line."""
    return player(line)


def two_on_shift(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    line.add_volunteer("Alex", ALEX)
    line.add_volunteer("Jo", JO, on_shift=False)


def assert_dials_from_the_line(twiml: Twiml, line: Line, step: int) -> None:
    """A <Dial> as the line makes them: line number shown, answered on bridge, timed, actioned."""
    dial = twiml.one("Dial")
    assert dial.get("callerId") == line.number
    assert dial.get("answerOnBridge") == "true"
    assert dial.get("timeout") == "20"
    assert dial.get("method") == "POST"
    action = dial.get("action", "")
    assert action.startswith(PUBLIC_URL + "/twilio/voice/dialed?call=")
    assert action.endswith(f"&step={step}")


def offered_voicemail_ref(line: Line, volunteer: str) -> str:
    offers = [b for b in line.sent_to(volunteer) if "left a voicemail" in b]
    assert offers, f"no voicemail offer reached the volunteer: {line.sent_to(volunteer)}"
    match = re.search(r"#([A-Z][2-9][A-Z])", offers[-1])
    assert match
    return match.group(1)


def test_a_call_hears_the_greeting_and_rings_every_available_peer_from_the_line_number(
    line: Line, twilio: TwilioPlayer
) -> None:
    two_on_shift(line)
    call = twilio.call(CALLER, line.number)

    assert call.now.verbs() == ["Say", "Dial"]
    greeting = call.now.one("Say")
    assert "Test Warmline" in (greeting.text or "") and "988" in (greeting.text or "")
    assert greeting.get("language") == "en-US"
    assert_dials_from_the_line(call.now, line, step=0)
    assert sorted(call.rung()) == sorted([SAM, ALEX])  # Jo is not on shift
    for number in call.now.numbers():
        assert number.get("url", "").startswith(PUBLIC_URL + "/twilio/voice/screen?call=")
        assert number.get("method") == "POST"
    assert CALLER not in call.now.text


def test_the_lines_say_language_and_voice_are_used(line: Line, twilio: TwilioPlayer) -> None:
    line.add_volunteer("Sam", SAM)
    configure(line, say_language="es-US", say_voice="Polly.Lupe")
    call = twilio.call(CALLER, line.number, choose="2")  # the setting speaks Spanish
    say = call.now.one("Say")
    assert (say.get("language"), say.get("voice")) == ("es-US", "Polly.Lupe")


def test_sequential_rings_one_peer_at_a_time_and_the_last_to_answer_waits_longest(
    line: Line, twilio: TwilioPlayer
) -> None:
    two_on_shift(line)
    configure(line, ring_strategy="sequential")
    first = twilio.call(CALLER, line.number)
    assert first.rung() == [SAM]
    first.dial_ends("no-answer")
    assert first.rung() == [ALEX]  # same tier, next in order, no "still looking" yet
    assert first.now.verbs() == ["Dial"]
    assert_dials_from_the_line(first.now, line, step=1)
    leg = first.answer_leg(ALEX)
    first.press(leg, ALEX, "1")
    first.dial_ends("completed", duration=95)

    second = twilio.call("+15550009003", line.number)
    assert second.rung() == [SAM]  # Alex answered last, so Sam is asked first now
    second.dial_ends("busy")
    assert second.rung() == [ALEX]


def test_the_screen_says_which_line_is_calling_and_waits_for_one_key_then_hangs_up(
    line: Line, twilio: TwilioPlayer
) -> None:
    two_on_shift(line)
    call = twilio.call(CALLER, line.number)
    leg = call.answer_leg(SAM)

    assert leg.verbs() == ["Gather", "Hangup"]
    gather = leg.one("Gather")
    assert gather.get("numDigits") == "1"
    assert gather.get("action", "").startswith(PUBLIC_URL + "/twilio/voice/accept?call=")
    said = leg.one("Gather/Say").text or ""
    assert said == "Test Warmline call. Press 1 to accept."
    assert CALLER not in leg.text and CALLER[2:] not in leg.text


def test_pressing_1_bridges_logs_the_call_and_keeps_the_peer_from_texts_until_it_ends(
    line: Line, twilio: TwilioPlayer
) -> None:
    two_on_shift(line)
    call = twilio.call(CALLER, line.number)
    leg = call.answer_leg(SAM)
    bridged = call.press(leg, SAM, "1")
    assert bridged.verbs() == []  # the screen ends, so Twilio bridges the two

    line.text(TEXTER, "hi, anyone free?")
    assert not any("waiting to talk" in b for b in line.sent_to(SAM))  # busy on the call
    assert any("waiting to talk" in b for b in line.sent_to(ALEX))

    after = call.dial_ends("completed", duration=312)
    assert after.verbs() == ["Say", "Hangup"]
    assert "Thank you for calling Test Warmline" in (after.one("Say").text or "")
    with line.rt.db.session() as session:
        row = session.scalars(select(Call)).one()
        assert (row.status, row.outcome, row.duration_s) == ("ended", "answered", 312)
        assert row.volunteer_id is not None

    line.text("+15550009004", "hello?")
    assert any("waiting to talk" in b for b in line.sent_to(SAM))  # free for texts again


def test_the_callers_status_callback_ends_a_bridged_call_and_frees_the_peer(
    line: Line, twilio: TwilioPlayer
) -> None:
    line.add_volunteer("Sam", SAM)
    call = twilio.call(CALLER, line.number)
    call.press(call.answer_leg(SAM), SAM, "1")
    call.hang_up()
    with line.rt.db.session() as session:
        assert session.scalar(select(Call.status)) == "ended"
    line.text(TEXTER, "hi")
    assert any("waiting to talk" in b for b in line.sent_to(SAM))


@pytest.mark.parametrize("digits", ["9", "", "11"])
def test_any_key_but_1_never_bridges_and_the_call_moves_on(
    line: Line, twilio: TwilioPlayer, digits: str
) -> None:
    line.add_volunteer("Sam", SAM)
    line.add_volunteer("Jo", JO, role="backup")
    call = twilio.call(CALLER, line.number)
    leg = call.answer_leg(SAM)
    refused = call.press(leg, SAM, digits)
    assert refused.verbs() == ["Hangup"]
    after = call.dial_ends("completed")  # the screen hung up, so Twilio calls the dial over
    assert call.rung() == [JO]
    assert "still finding a peer" in " ".join(after.said())
    with line.rt.db.session() as session:
        assert session.scalar(select(Call.status)) == "ringing"


def test_a_declined_screen_rings_the_peers_it_cut_short_once_more(
    line: Line, twilio: TwilioPlayer
) -> None:
    two_on_shift(line)
    call = twilio.call(CALLER, line.number)
    call.press(call.answer_leg(SAM), SAM, "2")
    call.dial_ends("completed")
    assert call.rung() == [ALEX]  # Alex's phone stopped when Sam picked up


@pytest.mark.parametrize("status", ["no-answer", "busy", "failed", "canceled"])
def test_unanswered_goes_to_backup_then_coordinator_then_voicemail(
    line: Line, twilio: TwilioPlayer, status: str
) -> None:
    line.add_volunteer("Sam", SAM)
    line.add_volunteer("Jo", JO, role="backup")
    line.add_volunteer("Riley", RILEY, role="coordinator")
    call = twilio.call(CALLER, line.number)
    assert call.rung() == [SAM]

    call.dial_ends(status)
    assert call.rung() == [JO]
    assert_dials_from_the_line(call.now, line, step=1)
    call.dial_ends(status)
    assert call.rung() == [RILEY]
    assert_dials_from_the_line(call.now, line, step=2)
    prompt = call.dial_ends(status)

    assert prompt.verbs() == ["Say", "Record", "Say", "Hangup"]
    assert "leave a short message" in prompt.said()[0]
    record = prompt.one("Record")
    assert int(record.get("maxLength", "0")) > 0
    assert record.get("action", "").startswith(PUBLIC_URL + "/twilio/voice/recorded?call=")
    assert record.get("recordingStatusCallback", "").startswith(
        PUBLIC_URL + "/twilio/voice/recording?call="
    )
    assert record.get("method") == "POST"


def test_voicemail_is_offered_called_back_masked_and_its_recording_deleted(
    line: Line, twilio: TwilioPlayer, connection
) -> None:  # type: ignore[no-untyped-def]
    line.add_volunteer("Sam", SAM)
    call = twilio.call(CALLER, line.number)
    call.dial_ends("no-answer")
    thanks = call.leave_message(RECORDING_SID, RECORDING_URL, 23)
    assert thanks.verbs() == ["Say", "Hangup"]
    assert "A peer will hear your message" in (thanks.one("Say").text or "")
    call.recording_ready(RECORDING_SID, RECORDING_URL, 23)  # the same voicemail, not a second
    line.drain()

    ref = offered_voicemail_ref(line, SAM)
    assert len([b for b in line.sent_to(SAM) if "voicemail" in b]) == 1
    dump = "\n".join(
        connection.exec_driver_sql(
            "SELECT row_to_json(t)::text FROM (SELECT * FROM voicemails) t UNION ALL "
            "SELECT row_to_json(t)::text FROM (SELECT * FROM calls) t UNION ALL "
            "SELECT row_to_json(t)::text FROM (SELECT * FROM contacts) t"
        ).scalars()
    )
    assert RECORDING_URL not in dump and CALLER not in dump and CALLER[2:] not in dump

    line.text(SAM, f"call {ref.lower()}")
    assert f"about voicemail #{ref}" in line.sent_to(SAM)[-1]
    callback = placed_call(line, twilio)
    assert (callback.to, callback.from_) == (SAM, line.number)
    assert callback.url.startswith(PUBLIC_URL + "/twilio/voice/callback?vm=")

    gate = callback.answer()
    assert gate.verbs() == ["Gather", "Hangup"]  # nothing plays until the volunteer presses 1
    assert RECORDING_URL not in gate.text
    message = callback.press("1")
    assert message.verbs() == ["Play", "Gather", "Hangup"]
    assert message.one("Play").text == RECORDING_URL
    assert "They will see the line's number" in (message.one("Gather/Say").text or "")
    dial = callback.press("1")
    assert dial.verbs() == ["Dial"]
    assert dial.one("Dial").get("callerId") == line.number
    assert dial.one("Dial/Number").text == CALLER
    assert (
        dial.one("Dial")
        .get("action", "")
        .startswith(PUBLIC_URL + "/twilio/voice/callback/dialed?vm=")
    )
    done = callback.dial_ends("completed", duration=400)
    assert "Thank you for calling them back" in (done.one("Say").text or "")
    callback.ends()
    line.drain()

    assert line.fake.deleted() == [
        f"https://api.twilio.com/2010-04-01/Accounts/{line.rt.settings.twilio_account_sid}"
        f"/Recordings/{RECORDING_SID}.json"
    ]
    with line.rt.db.session() as session:
        vm = session.scalars(select(Voicemail)).one()
        assert vm.status == "done" and vm.recording_deleted_at is not None
        assert vm.recording_url_sealed is None
        assert session.scalar(select(Contact.number_sealed)) is None  # no longer needed
    line.text(SAM, f"CALL {ref}")
    assert f"There is no voicemail #{ref} waiting" in line.sent_to(SAM)[-1]


def test_a_missed_call_back_leaves_the_voicemail_waiting_for_another_try(
    line: Line, twilio: TwilioPlayer
) -> None:
    line.add_volunteer("Sam", SAM)
    line.add_volunteer("Alex", ALEX)
    call = twilio.call(CALLER, line.number)
    call.dial_ends("no-answer")
    call.hang_up()  # Twilio's status callback may come before the <Record action>
    call.leave_message(RECORDING_SID, RECORDING_URL, 12)
    line.drain()
    ref = offered_voicemail_ref(line, SAM)

    line.text(SAM, f"CALL {ref}")
    line.text(ALEX, f"CALL {ref}")
    assert f"Another peer is already calling back #{ref}" in line.sent_to(ALEX)[-1]
    first = placed_call(line, twilio)
    first.ends("no-answer")  # Sam did not pick up
    line.drain()
    assert f"Text CALL {ref} to try again" in line.sent_to(SAM)[-1]

    line.text(ALEX, f"CALL {ref}")
    second = placed_call(line, twilio)
    assert second.to == ALEX
    first.answer()  # Twilio late with Sam's old attempt: it must not play the message
    assert first.twiml is not None and first.twiml.verbs() == ["Hangup"]
    second.answer()
    second.press("1")
    second.press("1")
    missed = second.dial_ends("no-answer")
    assert "still waiting" in (missed.one("Say").text or "")
    with line.rt.db.session() as session:
        assert session.scalar(select(Voicemail.status)) == "waiting"
    assert line.fake.deleted() == []


def test_a_hidden_callers_voicemail_can_be_heard_but_not_called_back(
    line: Line, twilio: TwilioPlayer
) -> None:
    line.add_volunteer("Sam", SAM)
    call = twilio.call("anonymous", line.number)
    prompt = call.dial_ends("no-answer")
    assert "Your number is hidden" in prompt.said()[0]
    call.leave_message(RECORDING_SID, RECORDING_URL, 9)
    line.drain()
    ref = offered_voicemail_ref(line, SAM)
    assert "their number is hidden" in line.sent_to(SAM)[-1]

    line.text(SAM, f"CALL {ref}")
    callback = placed_call(line, twilio)
    callback.answer()
    heard = callback.press("1")
    assert heard.verbs() == ["Play", "Say", "Hangup"]
    assert "cannot call them back" in (heard.one("Say").text or "")
    line.drain()
    assert len(line.fake.deleted()) == 1


def test_a_fallback_number_is_rung_from_the_line_number_and_then_the_hours(
    line: Line, twilio: TwilioPlayer
) -> None:
    line.add_volunteer("Sam", SAM)
    configure(line, voice_fallback="number:" + FALLBACK)
    call = twilio.call(CALLER, line.number)
    forward = call.dial_ends("no-answer")

    assert forward.verbs() == ["Say", "Dial"]
    assert_dials_from_the_line(forward, line, step=1)
    assert call.rung() == [FALLBACK]
    assert forward.one("Dial/Number").get("url") is None  # no screen for the fallback line
    after = call.dial_ends("no-answer")
    assert after.verbs() == ["Say", "Hangup"]
    assert "988" in (after.one("Say").text or "")


def test_a_forwarded_call_that_connects_is_logged(line: Line, twilio: TwilioPlayer) -> None:
    line.add_volunteer("Sam", SAM, on_shift=True)
    line.text(SAM, "OFF")  # on the rota, but not taking contacts
    configure(line, voice_fallback="number:" + FALLBACK)
    call = twilio.call(CALLER, line.number)
    assert call.rung() == [FALLBACK]  # nobody available: straight to the fallback
    call.dial_ends("completed", duration=60)
    with line.rt.db.session() as session:
        assert session.scalar(select(Call.outcome)) == "forwarded"


def test_after_hours_a_caller_hears_the_hours_and_crisis_numbers(
    line: Line, twilio: TwilioPlayer
) -> None:
    line.add_volunteer("Sam", SAM)
    close_now(line)
    call = twilio.call(CALLER, line.number)
    assert call.now.verbs() == ["Say", "Hangup"]
    said = call.now.one("Say").text or ""
    assert "Test Warmline" in said and "988" in said and "Peers answer when" in said
    assert line.fake.requests == []


def test_with_nobody_on_the_rota_a_caller_hears_the_hours(line: Line, twilio: TwilioPlayer) -> None:
    line.add_volunteer("Jo", JO, on_shift=False)
    call = twilio.call(CALLER, line.number)
    assert call.now.verbs() == ["Say", "Hangup"]
    assert "No peers are answering right now" in (call.now.one("Say").text or "")


def test_a_call_to_a_number_that_is_not_a_line_is_told_so(line: Line, twilio: TwilioPlayer) -> None:
    line.add_volunteer("Sam", SAM)
    for to in ("+15559999999", "", "not a number"):
        call = twilio.call(CALLER, to)
        assert call.now.verbs() == ["Say", "Hangup"]
        assert call.now.one("Say").text == "Sorry, this number is not in service."
    with line.rt.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Call)) == 0


@pytest.mark.parametrize("caller_status", ["completed", "canceled"])
def test_a_caller_who_hangs_up_while_ringing_stops_the_escalation(
    line: Line, twilio: TwilioPlayer, caller_status: str
) -> None:
    line.add_volunteer("Sam", SAM)
    line.add_volunteer("Jo", JO, role="backup")
    call = twilio.call(CALLER, line.number)
    call.hang_up()
    after = call.dial_ends(
        "canceled" if caller_status == "canceled" else "no-answer", caller_status
    )
    assert after.verbs() == ["Hangup"]
    assert after.numbers() == []
    with line.rt.db.session() as session:
        row = session.scalars(select(Call)).one()
        assert (row.status, row.outcome) == ("ended", "abandoned")


def test_twilio_asking_twice_gets_the_same_answer_and_changes_nothing_twice(
    line: Line, twilio: TwilioPlayer
) -> None:
    line.add_volunteer("Sam", SAM)
    line.add_volunteer("Jo", JO, role="backup")
    call = twilio.call(CALLER, line.number)
    again = twilio.fetch(PUBLIC_URL + "/twilio/voice", call.form(CallStatus="ringing"))
    assert again.text == call.now.text

    action = call.dial().get("action", "")
    form = call.form(DialCallStatus="no-answer", CallStatus="in-progress")
    first = twilio.fetch(action, form)
    second = twilio.fetch(action, form)
    assert first.text == second.text and [n.text for n in first.numbers()] == [JO]

    call.twiml = first
    leg = call.answer_leg(JO)
    assert call.answer_leg(JO).text == leg.text
    assert call.press(leg, JO, "1").verbs() == []
    assert call.press(leg, JO, "1").verbs() == []
    call.dial_ends("completed", duration=40)
    call.hang_up()
    call.hang_up()
    with line.rt.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Call)) == 1
        assert session.scalar(select(func.count()).select_from(CallStep)) == 3
        row = session.scalars(select(Call)).one()
        assert (row.outcome, row.duration_s) == ("answered", 40)


def test_forged_or_missing_signatures_are_refused_on_every_voice_webhook(
    line: Line, twilio: TwilioPlayer
) -> None:
    line.add_volunteer("Sam", SAM)
    call = twilio.call(CALLER, line.number)
    urls = [
        PUBLIC_URL + "/twilio/voice",
        call.dial().get("action", ""),
        call.now.numbers()[0].get("url", ""),
        PUBLIC_URL + "/twilio/voice/accept?call=1&leg=1",
        PUBLIC_URL + "/twilio/voice/status",
        PUBLIC_URL + "/twilio/voice/recorded?call=1",
        PUBLIC_URL + "/twilio/voice/recording?call=1",
        PUBLIC_URL + "/twilio/voice/callback?vm=1&attempt=1",
        PUBLIC_URL + "/twilio/voice/callback/listen?vm=1&attempt=1",
        PUBLIC_URL + "/twilio/voice/callback/connect?vm=1&attempt=1",
        PUBLIC_URL + "/twilio/voice/callback/dialed?vm=1&attempt=1",
        PUBLIC_URL + "/twilio/voice/callback/status?vm=1&attempt=1",
    ]
    form = call.form(CallStatus="completed", DialCallStatus="completed", Digits="1")
    for url in urls:
        assert twilio.request(url, form, sign=False)[0] == 403, url
        forged = {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"}
        assert twilio.post(url, form, forged)[0] == 403, url
    # The state in the query string is signed too: step 0's signature does not open step 1.
    action = call.dial().get("action", "")
    validator = RequestValidator(AUTH_TOKEN)
    moved = twilio.post(
        action.replace("step=0", "step=1"),
        form,
        {"X-Twilio-Signature": validator.compute_signature(action, form)},
    )
    assert moved[0] == 403
    with line.rt.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Call)) == 1
        assert session.scalar(select(func.count()).select_from(CallStep)) == 1


@pytest.mark.parametrize("raw_from", ["anonymous", "+266696687", "", "Restricted", "+1 (555) 12"])
def test_a_caller_with_a_strange_or_missing_number_is_still_routed(
    line: Line, twilio: TwilioPlayer, raw_from: str
) -> None:
    line.add_volunteer("Sam", SAM)
    call = twilio.call(raw_from, line.number)
    assert call.rung() == [SAM]
    call.press(call.answer_leg(SAM), SAM, "1")
    call.dial_ends("completed", duration=10)
    with line.rt.db.session() as session:
        assert session.scalar(select(Call.outcome)) == "answered"
        assert session.scalar(select(func.count()).select_from(Contact)) == 0


def test_a_call_with_no_from_or_call_sid_fields_at_all_is_still_routed(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    line.add_volunteer("Jo", JO, role="backup")
    twilio = player(line)
    choice = twilio.fetch(PUBLIC_URL + "/twilio/voice", {"To": line.number})
    # The choice of language, posted back with none of the usual fields, still routes the call.
    twiml = twilio.fetch(choice.one("Gather").get("action", ""), {})
    assert [n.text for n in twiml.numbers()] == [SAM]
    # A dial action with none of the fields Twilio usually sends still moves the call on.
    after = twilio.fetch(twiml.one("Dial").get("action", ""), {})
    assert [n.text for n in after.numbers()] == [JO]


def test_nothing_said_or_sent_reveals_one_sides_number_to_the_other(
    line: Line, twilio: TwilioPlayer
) -> None:
    line.add_volunteer("Sam", SAM)
    line.add_volunteer("Jo", JO, role="backup")
    call = twilio.call(CALLER, line.number)
    leg = call.answer_leg(SAM)
    call.press(leg, SAM, "5")
    call.dial_ends("completed")
    call.dial_ends("no-answer")
    call.leave_message(RECORDING_SID, RECORDING_URL, 30)
    line.drain()
    line.text(SAM, "CALL " + offered_voicemail_ref(line, SAM))
    callback = placed_call(line, twilio)
    callback.answer()
    callback.press("1")
    callback.press("1")
    callback.dial_ends("completed", duration=5)

    def forms(number: str) -> list[str]:
        digits = number[2:]
        return [number, digits, f"({digits[:3]}) {digits[3:6]}-{digits[6:]}", digits[-7:]]

    everyone = [CALLER, SAM, JO]
    for twiml in twilio.served:
        for dial in twiml.root.iter("Dial"):
            assert dial.get("callerId") == line.number
        for text in twiml.said():
            assert not any(f in text for n in everyone for f in forms(n)), text
    for request in line.fake.calls():
        assert request["From"] == line.number
        assert CALLER not in " ".join(str(v) for v in request.values())
    for body in line.sent_to(SAM) + line.sent_to(JO):
        assert not any(f in body for f in forms(CALLER))


def test_an_unhandled_recording_is_deleted_after_seven_days_at_the_latest(
    line: Line, twilio: TwilioPlayer
) -> None:
    line.add_volunteer("Sam", SAM)
    call = twilio.call(CALLER, line.number)
    call.dial_ends("no-answer")
    call.leave_message(RECORDING_SID, RECORDING_URL, 40)
    line.drain()

    voicemail.sweep(line.rt.db, line.rt.vault, line.rt.voice, utcnow() + timedelta(days=6))
    assert line.fake.deleted() == []
    voicemail.sweep(line.rt.db, line.rt.vault, line.rt.voice, utcnow() + timedelta(days=7))
    assert len(line.fake.deleted()) == 1 and line.fake.deleted()[0].endswith(
        f"/Recordings/{RECORDING_SID}.json"
    )
    with line.rt.db.session() as session:
        vm = session.scalars(select(Voicemail)).one()
        assert (vm.status, vm.recording_url_sealed) == ("expired", None)
        assert session.scalar(select(Contact.number_sealed)) is None
    ref = vm.ref
    line.text(SAM, f"CALL {ref}")
    assert f"There is no voicemail #{ref} waiting" in line.sent_to(SAM)[-1]


def test_a_voicemail_nobody_could_be_offered_is_offered_once_someone_is_on(
    line: Line, twilio: TwilioPlayer
) -> None:
    line.add_volunteer("Sam", SAM)
    call = twilio.call(CALLER, line.number)
    line.text(SAM, "OFF")  # Sam steps away while the call rings
    call.dial_ends("no-answer")
    call.leave_message(RECORDING_SID, RECORDING_URL, 15)
    line.drain()
    assert not any("voicemail" in b for b in line.sent_to(SAM))

    line.text(SAM, "ON")
    sweep(line.rt, clock=lambda: utcnow() + timedelta(minutes=2))
    assert offered_voicemail_ref(line, SAM)


def test_a_call_twilio_stopped_telling_us_about_frees_its_peer(
    line: Line, twilio: TwilioPlayer
) -> None:
    line.add_volunteer("Sam", SAM)
    call = twilio.call(CALLER, line.number)
    call.press(call.answer_leg(SAM), SAM, "1")
    with line.rt.db.session() as session:
        assert call_ends.end_stale(session, utcnow() + timedelta(hours=1)) == 0
        assert call_ends.end_stale(session, utcnow() + timedelta(hours=9)) == 1
        row = session.scalars(select(Call)).one()
        assert row.status == "ended" and row.contact_id is None
        assert session.scalar(select(Contact.number_sealed)) is None
    line.text(TEXTER, "hi")
    assert any("waiting to talk" in b for b in line.sent_to(SAM))


def test_calls_are_counted_and_a_consenting_callers_call_is_logged(
    line: Line, twilio: TwilioPlayer
) -> None:
    two_on_shift(line)
    line.text(CALLER, "hello")  # the caller texted before, and said yes to the log
    line.text(SAM, ref_offered(line, SAM))
    line.text(SAM, "DONE")
    line.text(CALLER, "YES")
    answered = twilio.call(CALLER, line.number)
    answered.press(answered.answer_leg(SAM), SAM, "1")
    answered.dial_ends("completed", duration=95)
    answered.hang_up(95)  # the caller's own status callback ends it again: counted once
    missed = twilio.call("+15550009777", line.number)
    missed.dial_ends("canceled", "completed")
    with line.rt.db.session() as session:
        counts = session.scalars(select(ContactCount).where(ContactCount.channel == "voice")).one()
        assert (counts.contacts, counts.answered) == (2, 1)
        logged = session.scalars(
            select(ContactLogEntry).where(ContactLogEntry.channel == "voice")
        ).all()
        assert len(logged) == 1  # only the caller who consented
        assert (logged[0].outcome, logged[0].duration_s) == ("answered", 95)
        assert logged[0].volunteer_id is not None and logged[0].first_response_wait_s is not None
