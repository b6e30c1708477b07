"""A caller chooses English or Spanish with one key, and is spoken to in it to the end."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.integration.conftest import Line
from tests.integration.voice_line import (
    CALLER,
    RECORDING_SID,
    RECORDING_URL,
    SAM,
    configure,
    player,
)
from tests.twilio_voice import TwilioPlayer
from warmline.messaging import wording
from warmline.models import Call

WORDS = {
    "line_name": "Test Warmline",
    "crisis": "call or text 988, or call 911",
    "hours": "Peers answer when they are on shift.",
}
# A line that kept the default crisis numbers and hours has them said in Spanish too.
SPANISH_WORDS = {
    **WORDS,
    "crisis": wording.say("crisis_numbers", "es"),
    "hours": wording.say("hours", "es"),
}


@pytest.fixture
def twilio(line: Line) -> TwilioPlayer:
    """Twilio, calling the test line."""
    return player(line)


def test_a_line_with_two_languages_asks_first_each_in_its_own_voice(
    line: Line, twilio: TwilioPlayer
) -> None:
    line.add_volunteer("Sam", SAM)
    call = twilio.call(CALLER, line.number, choose=None)

    assert call.now.verbs() == ["Gather"]
    gather = call.now.one("Gather")
    assert (gather.get("numDigits"), gather.get("timeout")) == ("1", "4")
    assert gather.get("actionOnEmptyResult") == "true"
    spoken = [((s.text or ""), s.get("language")) for s in gather.iter("Say")]
    assert spoken == [
        ("For English, press 1.", "en-US"),
        ("Para español, oprime 2.", "es-US"),
    ]
    assert call.rung() == []  # nobody rings before the caller has chosen


def test_a_caller_who_presses_2_hears_spanish_and_the_peer_is_told_the_language(
    line: Line, twilio: TwilioPlayer
) -> None:
    line.add_volunteer("Sam", SAM)
    call = twilio.call(CALLER, line.number, choose="2")

    greeting = call.now.one("Say")
    assert greeting.text == wording.say("voice_greeting", "es", **SPANISH_WORDS)
    assert greeting.get("language") == "es-US"
    assert call.rung() == [SAM]

    screen = call.answer_leg(SAM)
    spoken = screen.one("Gather/Say")
    assert spoken.text == "Test Warmline call, in Spanish. Press 1 to accept."
    assert spoken.get("language") == "en-US"  # the peer hears the line's own language
    with line.rt.db.session() as session:
        assert session.scalar(select(Call.language)) == "es"


def test_a_caller_who_presses_nothing_gets_the_lines_default(
    line: Line, twilio: TwilioPlayer
) -> None:
    line.add_volunteer("Sam", SAM)
    call = twilio.call(CALLER, line.number, choose="")

    greeting = call.now.one("Say")
    assert greeting.text == wording.say("voice_greeting", "en", **WORDS)
    assert greeting.get("language") == "en-US"
    assert call.answer_leg(SAM).one("Gather/Say").text == "Test Warmline call. Press 1 to accept."


def test_a_spanish_caller_hears_the_voicemail_prompt_and_thanks_in_spanish(
    line: Line, twilio: TwilioPlayer
) -> None:
    line.add_volunteer("Sam", SAM)
    call = twilio.call(CALLER, line.number, choose="2")
    prompt = call.dial_ends("no-answer")

    assert prompt.verbs() == ["Say", "Record", "Say", "Hangup"]
    first, silent = prompt.root.findall("Say")
    assert first.text == wording.say("voice_voicemail", "es", **SPANISH_WORDS)
    assert silent.text == wording.say("voice_no_message", "es", **SPANISH_WORDS)
    assert {first.get("language"), silent.get("language")} == {"es-US"}
    thanks = call.leave_message(RECORDING_SID, RECORDING_URL, 20)
    assert thanks.one("Say").text == wording.say("voice_message_saved", "es", **SPANISH_WORDS)
    assert thanks.one("Say").get("language") == "es-US"


def test_a_line_with_one_language_rings_at_once(line: Line, twilio: TwilioPlayer) -> None:
    line.add_volunteer("Sam", SAM)
    configure(line, languages="es", default_language="es")
    call = twilio.call(CALLER, line.number, choose=None)

    assert call.now.verbs() == ["Say", "Dial"]
    assert call.now.one("Say").get("language") == "es-US"
    assert call.rung() == [SAM]


def test_twilio_asking_twice_gets_the_same_choice_and_one_call(
    line: Line, twilio: TwilioPlayer
) -> None:
    line.add_volunteer("Sam", SAM)
    call = twilio.call(CALLER, line.number, choose=None)
    again = twilio.fetch(
        twilio.public_url + "/twilio/voice", call.form(CallStatus="ringing", Direction="inbound")
    )
    assert again.text == call.now.text
    action = call.now.one("Gather").get("action", "")
    call.choose("1")
    late = twilio.fetch(action, call.form(CallStatus="in-progress", Digits="2"))
    assert late.text == call.now.text  # a late second post of the choice changes nothing
    assert call.now.one("Say").get("language") == "en-US"
    with line.rt.db.session() as session:
        assert list(session.scalars(select(Call.language))) == ["en"]
