"""Outbound texts through Twilio's REST API, or to the console in development."""

from __future__ import annotations

import os
import secrets
import sys
import threading
from collections.abc import Callable
from typing import Any, TextIO

from requests.adapters import HTTPAdapter
from requests.utils import get_environ_proxies
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from warmline.config import DEFAULT_TWILIO_API_BASE_URL
from warmline.telephony.errors import carrier_errors
from warmline.telephony.rest import AccountResources


class RebasedHttpClient(TwilioHttpClient):  # type: ignore[misc]
    """Sends Twilio's requests to another base URL (a mock in tests), path unchanged."""

    def __init__(self, base_url: str, timeout: float = 10.0, connections: int = 10) -> None:
        super().__init__(timeout=timeout)
        self.base_url = base_url.rstrip("/")
        # One kept-alive connection per send in flight: with fewer, every send over the limit
        # opens a fresh connection and throws it away.
        for scheme in ("https://", "http://"):
            self.session.mount(scheme, HTTPAdapter(pool_maxsize=connections))
        # requests reads proxies and CA bundles from the environment on every request by
        # default, walking all of os.environ each time (milliseconds a text in a worker): read
        # them once, here, and never again.
        self.proxy = get_environ_proxies(self.base_url)
        bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
        self.session.verify = bundle or True
        self.session.trust_env = False

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        """Swap the public API host for the configured base URL."""
        if url.startswith(DEFAULT_TWILIO_API_BASE_URL):
            url = self.base_url + url[len(DEFAULT_TWILIO_API_BASE_URL) :]
        return super().request(method, url, *args, **kwargs)


Remember = Callable[[str, str, str], None]


class TwilioTransport:
    """Sends texts with twilio-python, asking for status callbacks at our public URL."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        api_base_url: str,
        status_callback_url: str,
        http_client: TwilioHttpClient | None = None,
        connections: int = 10,
    ) -> None:
        self.client = Client(
            account_sid,
            auth_token,
            http_client=http_client or RebasedHttpClient(api_base_url, connections=connections),
        )
        self.resources = AccountResources(self.client)
        self.status_callback_url = status_callback_url

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
