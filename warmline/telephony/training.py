"""The training simulator's edge: texts posted through the real signed webhook, and the console
transport's record of what each simulated phone received. Development and training only."""

from __future__ import annotations

import logging
import secrets
from typing import TYPE_CHECKING

from sqlalchemy import select
from twilio.request_validator import RequestValidator

from warmline.config import Settings
from warmline.conversations import trainer
from warmline.core.clock import utcnow
from warmline.core.crypto import Keyring, Vault
from warmline.core.db import Database
from warmline.models import Line

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)
WEBHOOK = "/twilio/sms"


def post_text(app: Flask, settings: Settings, line: Line, sender: str, body: str) -> int:
    """Text the line from `sender` as Twilio would: a signed webhook, in-process; the status."""
    if settings.production:
        raise RuntimeError("the training simulator never runs in production")
    form = {
        "MessageSid": "SM" + secrets.token_hex(16),
        "AccountSid": "AC" + "0" * 32,
        "From": sender,
        "To": line.number,
        "Body": body,
        "NumMedia": "0",
    }
    signature = RequestValidator(settings.twilio_auth_token).compute_signature(
        settings.public_url + WEBHOOK, form
    )
    response = app.test_client().post(WEBHOOK, data=form, headers={"X-Twilio-Signature": signature})
    return response.status_code


class ConsoleRecorder:
    """The console transport's hook: keeps a text sent to a simulated (fictional) phone."""

    def __init__(self, db: Database, keyring: Keyring, vault: Vault) -> None:
        self.db = db
        self.keyring = keyring
        self.vault = vault

    def __call__(self, from_number: str, to_number: str, body: str) -> None:
        """Keep the text for the training page when it went to a simulated phone."""
        if not trainer.is_fictional(to_number):
            return
        try:
            with self.db.session() as session:
                line = session.scalar(select(Line).where(Line.number == from_number))
                if line is not None:
                    trainer.remember(
                        session,
                        self.keyring,
                        self.vault,
                        line,
                        to_number,
                        "received",
                        body,
                        utcnow(),
                    )
                    session.commit()
        except Exception:
            # The simulator's screen is a convenience: the text itself was "sent" all the same.
            log.exception("could not keep a simulated phone's text")
