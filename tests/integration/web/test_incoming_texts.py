"""The incoming-text webhook, answered beneath Flask, keeps what Flask's edge gives the others."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from tests.conftest import LINE_NUMBER, PUBLIC_URL
from tests.integration.conftest import Line
from warmline.conversations.incoming import inbound
from warmline.models import InboundMessage

TEXTER = "+15550107777"


def stored(line: Line) -> int:
    """Texts stored so far."""
    with line.rt.db.session() as session:
        return int(session.scalar(select(func.count(InboundMessage.id))) or 0)


def test_a_signed_text_is_stored_and_answered_with_empty_twiml_and_a_request_id(
    line: Line,
) -> None:
    answer = line.post_sms(TEXTER, "hello, anyone?")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert answer.data == b'<?xml version="1.0" encoding="UTF-8"?><Response />'
    assert len(answer.headers["X-Request-Id"]) == 16
    assert answer.headers.get("Set-Cookie") is None
    assert stored(line) == 1


def test_a_proxy_s_request_id_is_kept_and_one_shaped_like_a_number_is_not(line: Line) -> None:
    form = {"MessageSid": "SM" + "7" * 32, "From": TEXTER, "To": LINE_NUMBER, "Body": "hi"}
    signature = line.validator.compute_signature(PUBLIC_URL + "/twilio/sms", form)
    for offered, kept in (("edge-req-0001abcd", True), ("15550107777", False)):
        answer = line.client.post(
            "/twilio/sms",
            data=form,
            headers={"X-Twilio-Signature": signature, "X-Request-Id": offered},
        )
        assert answer.status_code == 200
        assert (answer.headers["X-Request-Id"] == offered) is kept


def test_an_unsigned_or_wrongly_signed_text_is_refused_and_not_stored(line: Line) -> None:
    form = {"MessageSid": "SM" + "8" * 32, "From": TEXTER, "To": LINE_NUMBER, "Body": "hi"}
    assert line.client.post("/twilio/sms", data=form).status_code == 403
    wrong = {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"}
    assert line.client.post("/twilio/sms", data=form, headers=wrong).status_code == 403
    assert stored(line) == 0


def test_a_body_over_a_megabyte_is_refused_as_too_large(line: Line) -> None:
    form = {"MessageSid": "SM" + "9" * 32, "From": TEXTER, "To": LINE_NUMBER}
    form["Body"] = "x" * (1024 * 1024 + 1)
    signature = line.validator.compute_signature(PUBLIC_URL + "/twilio/sms", form)
    answer = line.client.post("/twilio/sms", data=form, headers={"X-Twilio-Signature": signature})
    assert answer.status_code == 413
    assert stored(line) == 0


def test_only_post_is_answered(line: Line) -> None:
    answer = line.client.get("/twilio/sms")
    assert answer.status_code == 405
    assert answer.headers["Allow"] == "POST"


def test_other_requests_still_go_to_flask(line: Line) -> None:
    assert line.client.get("/healthz").status_code == 200
    assert line.client.post("/twilio/sms/status").status_code == 403  # unsigned, Flask's edge


def test_an_unexpected_error_is_logged_and_answered_500_for_twilio_s_fallback(
    line: Line, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object, **kwargs: object) -> bool:
        raise RuntimeError("a bug")

    monkeypatch.setattr(inbound, "receive", broken)
    with caplog.at_level(logging.ERROR):
        answer = line.post_sms(TEXTER, "my number is in here: 555 010 7777")
    assert answer.status_code == 500
    assert len(answer.headers["X-Request-Id"]) == 16
    failed = [r for r in caplog.records if r.getMessage() == "the incoming-text webhook failed"]
    assert len(failed) == 1 and failed[0].exc_info is not None
    assert "555 010 7777" not in caplog.text
