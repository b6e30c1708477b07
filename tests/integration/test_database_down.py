"""With the database down, Twilio still gets a 200 and people still get the crisis numbers."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from twilio.request_validator import RequestValidator

from tests.conftest import AUTH_TOKEN, LINE_NUMBER, PUBLIC_URL, make_settings
from tests.integration.conftest import Line
from warmline import create_app, metrics, runtime
from warmline.runtime import Runtime
from warmline.services import admin
from warmline.services.line_cards import FRESH_FOR
from warmline.timeutil import utcnow

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
        metrics.EVENTS.get_sample_value("warmline_texts_not_stored_total", {"reason": reason})
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


def test_a_call_with_the_database_down_hears_the_crisis_numbers_instead_of_an_error(
    down: Flask,
) -> None:
    form = {"CallSid": "CA" + secrets.token_hex(16), "From": TEXTER, "To": LINE_NUMBER}
    response = signed_post(down.test_client(), "/twilio/voice", form)
    assert response.status_code == 200  # type: ignore[attr-defined]
    twiml = response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert "<Say" in twiml and DEFAULT_CRISIS in twiml and "<Hangup />" in twiml


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
        ours = admin.get_line(session, LINE_NUMBER)
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
        admin.get_line(session, LINE_NUMBER).crisis_numbers = "call the county line at 211"
        session.commit()
    cards, now = rt.line_cards, utcnow()
    assert cards.get(rt.db, LINE_NUMBER, now).crisis == "call the county line at 211"
    gone = runtime.build(replace(rt.settings, database_url=UNREACHABLE)).db
    later = now + FRESH_FOR + timedelta(seconds=1)  # stale: the database is asked, and fails
    card = cards.get(gone, LINE_NUMBER, later)
    assert (card.name, card.crisis) == ("Test Warmline", "call the county line at 211")
    assert cards.get(gone, "+15550007777", later).crisis == DEFAULT_CRISIS  # a line never read
