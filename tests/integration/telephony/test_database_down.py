"""With the database down, Twilio still gets a 200 and people still get the crisis numbers."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from xml.etree import ElementTree

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.exc import (
    DBAPIError,
    IntegrityError,
    OperationalError,
    ProgrammingError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from twilio.request_validator import RequestValidator

from tests.conftest import ACCOUNT_SID, AUTH_TOKEN, LINE_NUMBER, PUBLIC_URL, make_settings
from tests.integration.conftest import Line
from tests.twilio_voice import Twiml
from warmline import create_app, runtime
from warmline.core import metrics
from warmline.core.clock import utcnow
from warmline.lines.cards import FRESH_FOR
from warmline.lines.lines import get_line
from warmline.messaging import wording
from warmline.messaging.rules.segments import is_gsm7, segments
from warmline.rota import shifts
from warmline.runtime import Runtime
from warmline.telephony import voice_urls as paths
from warmline.telephony.fallback import VOICE_FALLBACK, database_unreachable, safe_voice_reply

UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/x"
TEXTER = "+15550009001"
DEFAULT_CRISIS = "call or text 988, or call 911"


@pytest.fixture
def down(tmp_path: Path) -> Iterator[Flask]:
    """The app on a database nobody answers, with no Redis."""
    flask_app = create_app(make_settings(UNREACHABLE, None, tmp_path))
    yield flask_app
    runtime.install(None)


def signed_post(client: FlaskClient, path: str, form: dict[str, str]) -> object:
    signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_URL + path, form)
    return client.post(path, data=form, headers={"X-Twilio-Signature": signature})


def sms_form(**extra: str) -> dict[str, str]:
    return {
        "MessageSid": "SM" + secrets.token_hex(16),
        "AccountSid": "AC" + "a1" * 16,
        "From": TEXTER,
        "To": LINE_NUMBER,
        "Body": "is anyone there?",
        "NumMedia": "0",
        **extra,
    }


def not_stored(reason: str) -> float:
    return (
        metrics.registry().get_sample_value("warmline_texts_not_stored_total", {"reason": reason})
        or 0.0
    )


def test_a_text_that_cannot_be_stored_gets_the_crisis_numbers_a_200_and_a_log_without_numbers(
    down: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    before = not_stored("database")
    with caplog.at_level(logging.INFO):
        response = signed_post(down.test_client(), "/twilio/sms", sms_form())
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert response.mimetype == "text/xml"  # type: ignore[attr-defined]
    twiml = response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert "<Message>" in twiml and DEFAULT_CRISIS in twiml and "technical problem" in twiml
    assert not_stored("database") == before + 1
    logged = caplog.text
    assert "could not be stored" in logged and "will not send it again" in logged
    assert "9001" not in logged and "is anyone there" not in logged


def reply_of(response: object) -> str:
    """The text of the one <Message> a TwiML answer sends back."""
    twiml = response.get_data(as_text=True)  # type: ignore[attr-defined]
    message = ElementTree.fromstring(twiml).find("Message")
    assert message is not None and message.text is not None
    return message.text


@pytest.mark.parametrize(
    ("body", "language"),
    [
        ("hola, necesito hablar con alguien", "es"),
        ("ESPAÑOL", "es"),
        ("hi, is anyone there tonight?", "en"),
        ("", "en"),
    ],
)
def test_with_the_database_down_a_spanish_text_gets_the_safe_reply_in_spanish_within_its_segments(
    down: Flask, body: str, language: str
) -> None:
    response = signed_post(down.test_client(), "/twilio/sms", sms_form(Body=body))

    reply = reply_of(response)
    crisis = wording.template("crisis_numbers", language)
    assert reply == wording.say(
        "sms_safe_reply", language, line_name="this line", hours="", crisis=crisis
    ).replace("  ", " ")
    assert segments(reply) <= {"en": 2, "es": 3}[language]
    assert language == "es" or is_gsm7(reply)


@pytest.mark.parametrize("languages", ["en,es", "en"])
def test_the_fallback_answers_in_the_lines_languages_within_their_segments(
    line: Line, languages: str
) -> None:
    with line.rt.db.session() as session:
        ours = get_line(session, LINE_NUMBER)
        ours.name = "Test Warmline Valley"
        ours.languages = languages
        shifts.set_hours(session, LINE_NUMBER, "mon-fri 18:00-23:00; sat,sun 12:00-02:00")
        session.commit()
    spanish = sms_form(ErrorCode="11200", Body="hola, necesito hablar con alguien")

    reply = reply_of(signed_post(line.client, "/twilio/fallback", spanish))

    if languages == "en,es":
        assert reply.startswith("Test Warmline Valley tiene un problema técnico")
        assert "llama o escribe al 988" in reply and "Our hours" not in reply
        assert segments(reply) <= 3
    else:  # a line that does not offer Spanish answers in its own language
        assert reply.startswith("Sorry, Test Warmline Valley has a technical problem")
        assert "Our hours (America/New_York): Mon-Fri 18:00-23:00, Sat-Sun 12:00-02:00." in reply
        assert segments(reply) <= 2 and is_gsm7(reply)


def test_a_call_with_the_database_down_hears_the_crisis_numbers_instead_of_an_error(
    down: Flask,
) -> None:
    form = {"CallSid": "CA" + secrets.token_hex(16), "From": TEXTER, "To": LINE_NUMBER}
    response = signed_post(down.test_client(), "/twilio/voice", form)
    assert response.status_code == 200  # type: ignore[attr-defined]
    twiml = response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert "<Say" in twiml and DEFAULT_CRISIS in twiml and "<Hangup />" in twiml


def test_with_the_database_down_a_caller_hears_the_safe_words_in_each_language_default_first(
    down: Flask,
) -> None:
    form = {"CallSid": "CA" + secrets.token_hex(16), "From": TEXTER, "To": LINE_NUMBER}
    response = signed_post(down.test_client(), "/twilio/voice", form)

    says = list(Twiml.parse(response.get_data(as_text=True)).root.iter("Say"))  # type: ignore[attr-defined]
    assert [say.get("language") for say in says] == ["en-US", "es-US"]
    english, spanish = (say.text or "" for say in says)
    assert english.startswith("Sorry,") and DEFAULT_CRISIS in english
    assert spanish.startswith("Lo sentimos,") and "988" in spanish and "call" not in spanish


def test_a_spanish_line_s_own_voice_says_the_spanish_words_first(line: Line, rt: Runtime) -> None:
    with line.rt.db.session() as session:
        ours = get_line(session, LINE_NUMBER)
        ours.languages, ours.default_language = "es,en", "es"
        ours.say_language, ours.say_voice = "es-MX", "Polly.Mia"
        session.commit()

    response = safe_voice_reply(rt, LINE_NUMBER, "voice")  # the card as the line reads now

    says = list(Twiml.parse(response.get_data(as_text=True)).root.iter("Say"))
    assert [(say.get("language"), say.get("voice")) for say in says] == [
        ("es-MX", "Polly.Mia"),
        ("en-US", None),
    ]
    assert (says[0].text or "").startswith("Lo sentimos, Test Warmline")


@pytest.mark.parametrize("path", ["/twilio/fallback", "/twilio/voice/fallback"])
def test_the_fallback_urls_answer_safely_without_a_database_and_check_signatures(
    down: Flask, path: str
) -> None:
    client = down.test_client()
    refused = client.post(path, data=sms_form(ErrorCode="11200"))
    assert refused.status_code == 403
    response = signed_post(client, path, sms_form(ErrorCode="11200"))
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert DEFAULT_CRISIS in response.get_data(as_text=True)  # type: ignore[attr-defined]


def test_the_fallback_gives_the_lines_own_hours_and_crisis_numbers(line: Line) -> None:
    with line.rt.db.session() as session:
        ours = get_line(session, LINE_NUMBER)
        ours.crisis_numbers = "call the county line at 211"
        ours.hours_text = "We answer 6pm-11pm."
        session.commit()
    before = not_stored("handler_failed")
    response = signed_post(line.client, "/twilio/fallback", sms_form(ErrorCode="11200"))
    twiml = response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert "Test Warmline" in twiml and "county line at 211" in twiml and "6pm-11pm" in twiml
    assert not_stored("handler_failed") == before + 1


def test_with_the_database_gone_each_process_keeps_using_the_lines_details_it_read(
    line: Line, rt: Runtime
) -> None:
    with rt.db.session() as session:
        get_line(session, LINE_NUMBER).crisis_numbers = "call the county line at 211"
        session.commit()
    cards, now = rt.line_cards, utcnow()
    assert cards.get(rt.db, LINE_NUMBER, now).crisis == "call the county line at 211"
    gone = runtime.build(replace(rt.settings, database_url=UNREACHABLE)).db
    later = now + FRESH_FOR + timedelta(seconds=1)  # stale: the database is asked, and fails
    card = cards.get(gone, LINE_NUMBER, later)
    assert (card.name, card.crisis) == ("Test Warmline", "call the county line at 211")
    assert cards.get(gone, "+15550007777", later).crisis == DEFAULT_CRISIS  # a line never read


VOLUNTEER = "+15550002222"
CALL_SID, LEG_SID = "CA" + "c0" * 16, "CA" + "e1" * 16
CALLER, PEER, NOBODY = "caller", "peer", "nobody"


def caller_leg(**extra: str) -> dict[str, str]:
    """What Twilio posts about the caller's own call to the line."""
    return {
        "CallSid": CALL_SID,
        "AccountSid": ACCOUNT_SID,
        "From": TEXTER,
        "To": LINE_NUMBER,
        "CallStatus": "in-progress",
        "Direction": "inbound",
        "ApiVersion": "2010-04-01",
        **extra,
    }


def peer_leg(direction: str, **extra: str) -> dict[str, str]:
    """What Twilio posts about a call the line places to a volunteer (a dial leg or a call-back)."""
    return {
        "CallSid": LEG_SID,
        "AccountSid": ACCOUNT_SID,
        "From": LINE_NUMBER,
        "To": VOLUNTEER,
        "CallStatus": "in-progress",
        "Direction": direction,
        "ApiVersion": "2010-04-01",
        **extra,
    }


RECORDED = {
    "RecordingSid": "RE" + "0a" * 16,
    "RecordingUrl": f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/RE0a",
    "RecordingDuration": "42",
}
DIAL_LEG = {"ParentCallSid": CALL_SID}
DIAL_ENDED = {"DialCallSid": LEG_SID, "DialCallDuration": "300"}


def at(path: str, **query: int) -> str:
    """The path and query string our own TwiML hands Twilio (and Twilio signs)."""
    return paths.url("", path, **query)


# Every voice webhook, with the query string and form Twilio would send, and who hears the answer.
VOICE_WEBHOOKS = [
    (paths.PREFIX, caller_leg(CallStatus="ringing"), CALLER),
    (at(paths.LANGUAGE, call=7), caller_leg(Digits="2"), CALLER),
    (at(paths.DIALED, call=7, step=1), caller_leg(DialCallStatus="no-answer"), CALLER),
    (at(paths.SCREEN, call=7, leg=3), peer_leg("outbound-dial", **DIAL_LEG), PEER),
    (at(paths.ACCEPT, call=7, leg=3), peer_leg("outbound-dial", **DIAL_LEG, Digits="1"), PEER),
    (paths.STATUS, caller_leg(CallStatus="completed", CallDuration="95"), NOBODY),
    (at(paths.RECORDED, call=7), caller_leg(**RECORDED, Digits="hangup"), CALLER),
    (
        at(paths.RECORDING, call=7),
        caller_leg(**RECORDED, RecordingStatus="completed", RecordingSource="RecordVerb"),
        NOBODY,
    ),
    (at(paths.CALLBACK, vm=5, attempt=2), peer_leg("outbound-api"), PEER),
    (at(paths.CALLBACK_LISTEN, vm=5, attempt=2), peer_leg("outbound-api", Digits="1"), PEER),
    (at(paths.CALLBACK_CONNECT, vm=5, attempt=2), peer_leg("outbound-api", Digits="1"), PEER),
    (
        at(paths.CALLBACK_DIALED, vm=5, attempt=2),
        peer_leg("outbound-api", **DIAL_ENDED, DialCallStatus="completed"),
        PEER,
    ),
    (
        at(paths.CALLBACK_STATUS, vm=5, attempt=2),
        peer_leg("outbound-api", CallStatus="completed", CallDuration="400"),
        NOBODY,
    ),
]


def test_every_voice_webhook_the_app_serves_is_checked_below(down: Flask) -> None:
    served = {rule.rule for rule in down.url_map.iter_rules() if rule.rule.startswith("/twilio/v")}
    assert served - {VOICE_FALLBACK} == {path.split("?")[0] for path, _, _ in VOICE_WEBHOOKS}


@pytest.mark.parametrize(
    ("path", "form", "listener"), VOICE_WEBHOOKS, ids=[path for path, _, _ in VOICE_WEBHOOKS]
)
def test_with_the_database_down_no_one_on_a_call_hears_twilios_error_and_forgeries_are_refused(
    down: Flask, caplog: pytest.LogCaptureFixture, path: str, form: dict[str, str], listener: str
) -> None:
    client = down.test_client()
    forged = RequestValidator("not-" + AUTH_TOKEN).compute_signature(PUBLIC_URL + path, form)
    assert client.post(path, data=form, headers={"X-Twilio-Signature": forged}).status_code == 403

    with caplog.at_level(logging.INFO):
        response = signed_post(client, path, form)
    assert response.status_code == 200  # type: ignore[attr-defined]
    twiml = Twiml.parse(response.get_data(as_text=True))  # type: ignore[attr-defined]
    said = " ".join(twiml.said())
    if listener == CALLER:  # in English, then in Spanish: nobody can choose a language now
        assert DEFAULT_CRISIS in said and twiml.verbs() == ["Say", "Say", "Hangup"]
    elif listener == PEER:  # hung up, so never bridged to a caller nobody is connecting
        assert "could not be connected" in said and twiml.verbs() == ["Say", "Hangup"]
    else:
        assert twiml.verbs() == []
    for number in (TEXTER, VOLUNTEER):
        assert number[2:] not in twiml.text and number[-4:] not in caplog.text
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert errors and all("OperationalError" in message for message in errors)


@pytest.mark.parametrize(
    ("error", "unreachable"),
    [
        (OperationalError("SELECT 1", {}, Exception("connection refused")), True),
        (DBAPIError("SELECT 1", {}, Exception("gone"), connection_invalidated=True), True),
        (PoolTimeout("QueuePool limit of size 5 overflow 10 reached"), True),
        (ProgrammingError("SELECT nope", {}, Exception("undefined table")), False),
        (IntegrityError("INSERT", {}, Exception("duplicate key")), False),
    ],
)
def test_a_bug_in_our_sql_is_not_mistaken_for_the_database_being_down(
    error: SQLAlchemyError, unreachable: bool
) -> None:
    assert database_unreachable(error) is unreachable
