"""Outbound texts through Twilio's REST API, or to the console in development."""

from __future__ import annotations

import secrets
import sys
import threading
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from warmline.core.footprint import keep_out
from warmline.telephony.errors import carrier_errors

if TYPE_CHECKING:
    from twilio.http.http_client import TwilioHttpClient

    from warmline.telephony.rest import AccountResources

Remember = Callable[[str, str, str], None]


class TwilioTransport:
    """Sends texts with twilio-python, asking for status callbacks at our public URL.

    The REST client is built by `connect` or on first use, not here: every web process holds a
    transport and never sends with it, and the client brings requests and urllib3 into memory.
    """

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        api_base_url: str,
        status_callback_url: str,
        http_client: TwilioHttpClient | None = None,
        connections: int = 10,
    ) -> None:
        self.status_callback_url = status_callback_url
        self._account = (account_sid, auth_token)
        self._api_base_url = api_base_url
        self._http_client = http_client
        self._connections = connections
        self._resources: AccountResources | None = None
        self._connecting = threading.Lock()

    @property
    def resources(self) -> AccountResources:
        """The account's messages, calls and recordings at Twilio."""
        if self._resources is None:
            self.connect()
        assert self._resources is not None
        return self._resources

    def connect(self) -> None:
        """Build the REST client now (once); the HTTP client reads proxy settings as it is built."""
        with self._connecting:
            if self._resources is not None:
                return
            _without_encoding_guesser()
            from twilio.rest import Client

            from warmline.telephony.rest import AccountResources
            from warmline.telephony.rest_http import RebasedHttpClient

            http_client = self._http_client or RebasedHttpClient(
                self._api_base_url, connections=self._connections
            )
            self._resources = AccountResources(Client(*self._account, http_client=http_client))

    def send(self, *, from_number: str, to_number: str, body: str, label: str) -> str:
        """Create the message at Twilio; raise SendError with Twilio's code on failure."""
        with carrier_errors():
            return self.resources.create(
                "Messages",
                {
                    "To": to_number,
                    "From": from_number,
                    "Body": body,
                    "StatusCallback": self.status_callback_url,
                },
            )


def _without_encoding_guesser() -> None:
    """Keep requests' encoding guesser out of this process: 2.5 MB for good, and never used.

    requests imports charset_normalizer (or chardet) with itself, to guess the encoding of a body
    that names none. Twilio's API answers JSON, which requests reads as UTF-8 without guessing;
    with neither library requests takes UTF-8 for such a body too, and warns once at import.
    """
    if keep_out(("chardet", "charset_normalizer"), unless_loaded="requests"):
        warnings.filterwarnings(
            "ignore", "Unable to find acceptable character detection dependency"
        )


class ConsoleTransport:
    """Development only: writes each text to the terminal, naming the recipient by label.

    A text to a simulated (fictional) phone is also kept for the training simulator's page.
    """

    def __init__(self, stream: TextIO | None = None, remember: Remember | None = None) -> None:
        self.stream = stream or sys.stdout
        self.remember = remember
        self._lock = threading.Lock()

    def send(self, *, from_number: str, to_number: str, body: str, label: str) -> str:
        """Write the text; return a made-up message id."""
        with self._lock:
            self.stream.write(f"  → {label}: {body}\n")
            self.stream.flush()
        if self.remember is not None:
            self.remember(from_number, to_number, body)
        return "SM" + secrets.token_hex(16)
