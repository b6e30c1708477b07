"""Sending one e-mail through the SMTP server SMTP_URL names, with the standard library."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from typing import Protocol

from warmline.config import SmtpSettings

TIMEOUT_S = 10.0


class Mailer(Protocol):
    """Something that delivers an e-mail or raises."""

    sender: str

    def send(self, message: EmailMessage) -> None:
        """Hand the message to the server; raise if it was not accepted."""


class SmtpMailer:
    """A fresh connection per e-mail: alerts are rare, and a held connection would go stale."""

    def __init__(self, settings: SmtpSettings, timeout: float = TIMEOUT_S) -> None:
        self.settings = settings
        self.sender = settings.sender
        self.timeout = timeout

    def _connect(self) -> smtplib.SMTP:
        smtp = self.settings
        context = ssl.create_default_context()
        client: smtplib.SMTP
        if smtp.implicit_tls:
            client = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=self.timeout, context=context)
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=self.timeout)
        try:
            client.ehlo()
            if smtp.starttls:
                client.starttls(context=context)
                client.ehlo()
            if smtp.username is not None and smtp.password is not None:
                client.login(smtp.username, smtp.password)
        except BaseException:
            client.close()
            raise
        return client

    def send(self, message: EmailMessage) -> None:
        """Deliver `message`; raises smtplib/OSError when the server does not take it."""
        client = self._connect()
        try:
            client.send_message(message)
        finally:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()

    def check(self) -> None:
        """Connect, greet and sign in, as a send would, without sending; raises on failure."""
        client = self._connect()
        try:
            client.noop()
        finally:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()
