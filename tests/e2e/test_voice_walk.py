"""Calls walked end to end against the running platform, with the test playing Twilio's part.

Gunicorn serves the webhooks, `warmline worker` runs the jobs and the sweeper, and every REST
request the platform makes (texts, call-backs, recording deletes) goes through Prism, which
refuses anything Twilio's OpenAPI description does not allow.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from tests.e2e.voice_harness import CALLS, MESSAGES, RECORDING, VoicePlatform, deploy
from tests.twilio_voice import CallBackLeg, LiveCall, TwilioPlayer, Twiml, new_sid

pytestmark = pytest.mark.e2e

LINE = "+15550401111"
SAM = "+15550402222"
ALEX = "+15550403333"
JO = "+15550405555"
RILEY = "+15550404444"
CALLER = "+15550409001"
EVERYONE = (SAM, ALEX, JO, RILEY, CALLER)


@pytest.fixture(scope="module")
def voice_platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoicePlatform]:
    """The deployed platform with one line: Sam and Alex primary, Jo backup, Riley on call."""
    for deployment in deploy(tmp_path_factory.mktemp("voice-e2e")):
        deployment.cli(
            "line", "add", "--number", LINE, "--name", "Walk Line", "--timezone", "America/New_York"
        )
        now = datetime.now(UTC)
        start = (now - timedelta(hours=1)).isoformat(timespec="minutes")
        end = (now + timedelta(hours=3)).isoformat(timespec="minutes")
        for name, phone, role in (
            ("Sam", SAM, "primary"),
            ("Alex", ALEX, "primary"),
            ("Jo", JO, "backup"),
            ("Riley", RILEY, "coordinator"),
        ):
            deployment.cli("volunteer", "add", "--name", name, "--phone", phone)
            deployment.cli(
                "shift", "add", "--line", LINE, "--volunteer", phone,
                "--start", start, "--end", end, "--role", role,
            )  # fmt: skip
        yield deployment


@pytest.fixture
def twilio(voice_platform: VoicePlatform) -> TwilioPlayer:
    """Twilio, calling the running platform."""
    voice_platform.assert_running()
    return voice_platform.twilio()


def assert_line_dial(twiml: Twiml) -> None:
    dial = twiml.one("Dial")
    assert dial.get("callerId") == LINE
    assert dial.get("answerOnBridge") == "true"
    assert dial.get("timeout") == "20"


def test_prism_refuses_a_call_create_twilio_would_refuse(voice_platform: VoicePlatform) -> None:
    sid, token = voice_platform.env["TWILIO_ACCOUNT_SID"], voice_platform.env["TWILIO_AUTH_TOKEN"]
    before = len(voice_platform.fake.requests(CALLS))
    response = requests.post(
        f"{voice_platform.prism_url}/2010-04-01/Accounts/{sid}/Calls.json",
        data={"From": LINE, "Url": "https://example.org/twiml"},  # no To
        auth=(sid, token),
        timeout=10,
    )
    assert response.status_code == 422
    assert len(voice_platform.fake.requests(CALLS)) == before


def test_an_accepted_call_is_bridged_logged_and_frees_the_peer(
    voice_platform: VoicePlatform, twilio: TwilioPlayer
) -> None:
    call = twilio.call(CALLER, LINE)
    assert call.now.verbs() == ["Say", "Dial"]
    assert_line_dial(call.now)
    assert sorted(call.rung()) == sorted([SAM, ALEX])

    screen = call.answer_leg(SAM)
    assert screen.verbs() == ["Gather", "Hangup"]
    assert screen.one("Gather").get("numDigits") == "1"
    assert "Walk Line call. Press 1 to accept." in screen.said()
    assert call.press(screen, SAM, "1").verbs() == []
    assert (
        voice_platform.scalar("SELECT status FROM calls WHERE call_sid = :s", s=call.sid)
        == "connected"
    )

    goodbye = call.dial_ends("completed", duration=240)
    assert goodbye.verbs() == ["Say", "Hangup"]
    row = voice_platform.scalar(
        "SELECT outcome || ':' || duration_s || ':' || (volunteer_id IS NOT NULL) "
        "FROM calls WHERE call_sid = :s",
        s=call.sid,
    )
    assert row == "answered:240:true"
    call.hang_up()


@pytest.mark.parametrize("caller_status", ["completed", "canceled"])
def test_a_caller_hanging_up_while_ringing_ends_the_escalation(
    voice_platform: VoicePlatform, twilio: TwilioPlayer, caller_status: str
) -> None:
    call = twilio.call(CALLER, LINE)
    after = call.dial_ends("canceled", caller_status)
    assert after.verbs() == ["Hangup"]
    assert (
        voice_platform.scalar("SELECT outcome FROM calls WHERE call_sid = :s", s=call.sid)
        == "abandoned"
    )


def test_every_tier_then_voicemail_then_a_masked_call_back_through_prism(
    voice_platform: VoicePlatform, twilio: TwilioPlayer
) -> None:
    fake = voice_platform.fake
    call = twilio.call(CALLER, LINE)
    assert sorted(call.rung()) == sorted([SAM, ALEX])
    call.press(call.answer_leg(ALEX), ALEX, "7")  # not 1: never bridged
    call.dial_ends("completed")
    assert call.rung() == [SAM]  # cut short when Alex picked up, so rung once more
    call.dial_ends("no-answer")
    assert call.rung() == [JO]  # backup
    assert_line_dial(call.now)
    call.dial_ends("busy")
    assert call.rung() == [RILEY]  # the coordinator on call
    record = call.dial_ends("failed")
    assert record.verbs() == ["Say", "Record", "Say", "Hangup"]

    recording_sid = "RE" + "ab" * 16
    recording_url = (
        f"https://api.twilio.com/2010-04-01/Accounts/{voice_platform.env['TWILIO_ACCOUNT_SID']}"
        f"/Recordings/{recording_sid}"
    )
    thanks = call.leave_message(recording_sid, recording_url, 31)
    assert thanks.verbs() == ["Say", "Hangup"]
    call.recording_ready(recording_sid, recording_url, 31)
    call.hang_up()

    fake.wait("the voicemail offer", lambda: any("voicemail" in b for b in fake.texts_to(SAM)))
    offer = next(b for b in fake.texts_to(SAM) if "voicemail" in b)
    match = re.search(r"#([A-Z][2-9][A-Z])", offer)
    assert match, offer
    ref = match.group(1)

    voice_platform.text(SAM, LINE, f"CALL {ref}")
    fake.wait("the call-back's Calls.json", lambda: len(fake.requests(CALLS)) >= 1)
    placed = fake.requests(CALLS)[-1].form
    assert (placed["To"], placed["From"]) == (SAM, LINE)
    assert placed["Url"].startswith(voice_platform.public_url + "/twilio/voice/callback?vm=")
    callback = CallBackLeg(
        twilio, placed["Url"], placed["StatusCallback"], SAM, LINE, fake.call_sids[-1]
    )
    gate = callback.answer()
    assert gate.verbs() == ["Gather", "Hangup"]
    message = callback.press("1")
    assert message.one("Play").text == recording_url
    bridge = callback.press("1")
    assert bridge.one("Dial").get("callerId") == LINE
    assert bridge.one("Dial/Number").text == CALLER
    callback.dial_ends("completed", duration=180)
    callback.ends()

    fake.wait("the recording's DELETE", lambda: len(fake.requests(RECORDING, "DELETE")) == 1)
    assert fake.requests(RECORDING, "DELETE")[0].path.endswith(f"/Recordings/{recording_sid}.json")
    assert (
        voice_platform.scalar(
            "SELECT status FROM voicemails WHERE recording_sid = :r", r=recording_sid
        )
        == "done"
    )
    assert fake.problems == []

    # Nothing any side saw carries another side's number; every dial shows the line's.
    for twiml in twilio.served:
        for dial in twiml.root.iter("Dial"):
            assert dial.get("callerId") == LINE
        for text in twiml.said():
            assert not any(n[2:] in text for n in EVERYONE)
    for seen in fake.requests(MESSAGES):
        assert CALLER[2:] not in seen.form["Body"]
    for seen in fake.requests(CALLS):
        assert seen.form["From"] == LINE and CALLER not in str(seen.form)


def test_strange_from_values_still_reach_a_peer(
    voice_platform: VoicePlatform, twilio: TwilioPlayer
) -> None:
    for raw_from in ("anonymous", "+266696687", ""):
        call = twilio.call(raw_from, LINE)
        assert sorted(call.rung()) == sorted([SAM, ALEX]), raw_from
        call.dial_ends("canceled", "completed")


def test_forged_signatures_are_refused_by_the_running_web(
    voice_platform: VoicePlatform, twilio: TwilioPlayer
) -> None:
    url = voice_platform.public_url + "/twilio/voice"
    form = LiveCall(twilio, new_sid("CA"), CALLER, LINE).form(CallStatus="ringing")
    assert twilio.request(url, form, sign=False)[0] == 403
    assert twilio.post(url, form, {"X-Twilio-Signature": "Zm9yZ2Vk"})[0] == 403
    assert (
        voice_platform.scalar("SELECT count(*) FROM calls WHERE call_sid = :s", s=form["CallSid"])
        == 0
    )


def test_the_logs_carry_no_phone_numbers(voice_platform: VoicePlatform) -> None:
    for process in voice_platform.services:
        output = Path(process.log_path).read_text(errors="replace")
        for number in EVERYONE:
            assert number[2:] not in output, f"{process.name} logged a number"
