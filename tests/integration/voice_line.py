"""The test line's telephone: a Twilio player posting signed webhooks to the app in-process."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.conftest import ACCOUNT_SID, AUTH_TOKEN, PUBLIC_URL
from tests.integration.conftest import Line
from tests.twilio_voice import CallBackLeg, TwilioPlayer
from warmline.core.clock import utcnow
from warmline.models import Closure, Voicemail
from warmline.models import Line as LineRow
from warmline.ops.sweeper import sweep

CALLER = "+15550009001"
SAM = "+15550002222"
ALEX = "+15550003333"
RILEY = "+15550004444"
JO = "+15550005555"
FALLBACK = "+15550007777"
RECORDING_SID = "RE" + "0123456789abcdef" * 2
RECORDING_URL = (
    "https://api.twilio.com/2010-04-01/Accounts/" + ACCOUNT_SID + "/Recordings/" + RECORDING_SID
)


def player(line: Line) -> TwilioPlayer:
    """Twilio's side of calls to the test line, posting through Flask's test client."""

    def post(url: str, form: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        response = line.client.post(url[len(PUBLIC_URL) :], data=form, headers=headers)
        return response.status_code, response.get_data(as_text=True)

    return TwilioPlayer(post, PUBLIC_URL, AUTH_TOKEN, ACCOUNT_SID)


def configure(line: Line, **settings: object) -> None:
    """Change the test line's settings."""
    with line.rt.db.session() as session:
        row = session.scalars(select(LineRow)).one()
        for name, value in settings.items():
            setattr(row, name, value)
        session.commit()


def close_now(line: Line) -> None:
    """A closure covering now: the line is after hours."""
    now = utcnow()
    with line.rt.db.session() as session:
        row = session.scalars(select(LineRow)).one()
        session.add(
            Closure(
                line_id=row.id,
                starts_at=now - timedelta(hours=1),
                ends_at=now + timedelta(hours=1),
                reason="holiday",
                created_at=now,
            )
        )
        session.commit()


def placed_call(line: Line, twilio: TwilioPlayer) -> CallBackLeg:
    """Run the sweeper, and take the call-back it asked Twilio to place."""
    before = len(line.fake.calls())
    sweep(line.rt)
    created = line.fake.calls()
    assert len(created) == before + 1, f"expected one Calls.json request, got {created[before:]}"
    request = created[-1]
    with line.rt.db.session() as session:  # the CallSid Twilio answered the create with
        sid = session.scalar(select(Voicemail.callback_sid).order_by(Voicemail.updated_at.desc()))
    assert sid is not None
    return CallBackLeg(
        twilio, request["Url"], request["StatusCallback"], request["To"], request["From"], sid
    )
