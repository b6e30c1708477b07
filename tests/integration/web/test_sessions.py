"""The dashboard's cookie session is opened for people's browsers, never for Twilio's webhooks."""

from __future__ import annotations

import pytest
from flask import Flask, session


@pytest.mark.parametrize("path", ["/twilio/sms", "/twilio/sms/status", "/twilio/voice/incoming"])
def test_twilio_webhooks_get_no_session_so_nothing_can_be_written_to_one(
    app: Flask, path: str
) -> None:
    with app.test_request_context(path, method="POST", headers={"Cookie": "warmline_session=x"}):
        assert app.session_interface.is_null_session(session)
        with pytest.raises(RuntimeError):
            session["coordinator"] = 1


def test_dashboard_pages_keep_their_cookie_session(app: Flask) -> None:
    with app.test_request_context("/signin"):
        assert not app.session_interface.is_null_session(session)
        session["next"] = "/"
        assert session.modified
