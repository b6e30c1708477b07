"""The TwiML builders, from plans alone: what Twilio would execute, element by element."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from warmline.telephony.voice_twiml import twiml
from warmline.voice.plans import (
    Bridge,
    CallBack,
    Dial,
    Goodbye,
    Leg,
    RecordMessage,
    Screen,
    Speech,
)

BASE = "https://line.example.org"
SPEECH = Speech("en-GB", "Polly.Amy")


def parsed(plan: object) -> ET.Element:
    root = ET.fromstring(str(twiml(plan, BASE)))  # type: ignore[arg-type]
    assert root.tag == "Response"
    return root


def test_after_hours_says_the_words_in_the_lines_voice_and_hangs_up() -> None:
    root = parsed(Goodbye(("We're closed. Call 988 in a crisis.",), SPEECH))
    assert [c.tag for c in root] == ["Say", "Hangup"]
    say = root[0]
    assert say.text == "We're closed. Call 988 in a crisis."
    assert (say.get("language"), say.get("voice")) == ("en-GB", "Polly.Amy")


def test_a_dial_shows_the_line_and_screens_every_leg() -> None:
    plan = Dial(7, 2, "+15550001111", 25, (Leg(11, "+15550002222"), Leg(12, "+15550003333")))
    root = parsed(plan)
    dial = root.find("Dial")
    assert dial is not None
    assert dial.attrib == {
        "callerId": "+15550001111",
        "answerOnBridge": "true",
        "timeout": "25",
        "action": BASE + "/twilio/voice/dialed?call=7&step=2",
        "method": "POST",
    }
    urls = [n.get("url") for n in dial.iter("Number")]
    assert urls == [
        BASE + "/twilio/voice/screen?call=7&leg=11",
        BASE + "/twilio/voice/screen?call=7&leg=12",
    ]


def test_the_screen_gathers_one_key_and_otherwise_hangs_up() -> None:
    root = parsed(Screen(7, 11, ("Line call. Press 1 to accept.",)))
    assert [c.tag for c in root] == ["Gather", "Hangup"]
    gather = root[0]
    assert gather.get("numDigits") == "1"
    assert gather.get("action") == BASE + "/twilio/voice/accept?call=7&leg=11"


def test_bridge_is_an_empty_response() -> None:
    assert list(parsed(Bridge())) == []


def test_voicemail_records_with_a_limit_and_both_callbacks() -> None:
    root = parsed(RecordMessage(7, ("Leave a message.",), ("No message.",), 120))
    assert [c.tag for c in root] == ["Say", "Record", "Say", "Hangup"]
    record = root[1]
    assert record.get("maxLength") == "120"
    assert record.get("action") == BASE + "/twilio/voice/recorded?call=7"
    assert record.get("recordingStatusCallback") == BASE + "/twilio/voice/recording?call=7"


def test_a_call_back_rings_the_caller_from_the_line_number() -> None:
    root = parsed(CallBack(3, 2, "+15550001111", "+15550009001", 30))
    dial = root.find("Dial")
    assert dial is not None and dial.get("callerId") == "+15550001111"
    assert dial.get("action") == BASE + "/twilio/voice/callback/dialed?vm=3&attempt=2"
    assert [n.text for n in dial.iter("Number")] == ["+15550009001"]
