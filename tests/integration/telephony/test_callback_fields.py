"""Numbers in Twilio's callbacks: a value that is not a plain number is ignored, never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import PUBLIC_URL
from tests.integration.conftest import Line
from tests.integration.messaging.test_outbox import claimed
from tests.integration.voice.test_voice_calls import two_on_shift
from tests.integration.voice_line import CALLER, SAM, player
from warmline.models import Call, Outbox

# Superscript two, Arabic-Indic twelve, a number too big for the column, a signed and a padded one.
BAD_NUMBERS = ["²", "١٢", "9" * 40, "-5", " 1 2 ", "0x1F"]


def post_signed(line: Line, path: str, form: dict[str, str]) -> int:
    signature = line.validator.compute_signature(PUBLIC_URL + path, form)
    response = line.client.post(path, data=form, headers={"X-Twilio-Signature": signature})
    return int(response.status_code)


@pytest.mark.parametrize("error_code", BAD_NUMBERS)
def test_a_status_callback_with_a_bad_error_code_is_taken_without_the_code(
    line: Line, error_code: str
) -> None:
    claimed(line)
    with line.rt.db.session() as session:
        sid = session.scalars(
            select(Outbox.twilio_sid).where(Outbox.twilio_sid.is_not(None))
        ).first()
    assert sid
    form = {"MessageSid": sid, "MessageStatus": "failed", "ErrorCode": error_code}
    assert post_signed(line, "/twilio/sms/status", form) == 204
    with line.rt.db.session() as session:
        row = session.scalars(select(Outbox).where(Outbox.twilio_sid == sid)).one()
        assert (row.status, row.error_code) == ("failed", None)


def test_a_status_callback_with_a_plain_error_code_keeps_it(line: Line) -> None:
    claimed(line)
    with line.rt.db.session() as session:
        sid = session.scalars(
            select(Outbox.twilio_sid).where(Outbox.twilio_sid.is_not(None))
        ).first()
    assert sid
    form = {"MessageSid": sid, "MessageStatus": "undelivered", "ErrorCode": "30008"}
    assert post_signed(line, "/twilio/sms/status", form) == 204
    with line.rt.db.session() as session:
        assert session.scalar(select(Outbox.error_code).where(Outbox.twilio_sid == sid)) == 30008


@pytest.mark.parametrize("path", ["/twilio/fallback", "/twilio/voice/fallback"])
def test_the_fallbacks_answer_a_bad_error_code_with_the_safe_reply(line: Line, path: str) -> None:
    form = {"From": CALLER, "To": line.number, "ErrorCode": "²"}
    assert post_signed(line, path, form) == 200


@pytest.mark.parametrize("duration", BAD_NUMBERS)
def test_a_call_whose_dial_reports_a_bad_duration_carries_on(line: Line, duration: str) -> None:
    two_on_shift(line)
    twilio = player(line)
    call = twilio.call(CALLER, line.number)
    leg = call.answer_leg(SAM)
    call.press(leg, SAM, "1")
    # Twilio follows the <Dial action>; the answer must be TwiML, whatever the duration says.
    fields = {"DialCallStatus": "completed", "DialCallSid": "CA" + "d" * 32}
    fields |= {"CallStatus": "in-progress", "DialCallDuration": duration}
    twilio.fetch(call.dial().get("action", ""), call.form(**fields))
    with line.rt.db.session() as session:
        assert session.scalar(select(Call.duration_s)) is None  # unknown, rather than made up
