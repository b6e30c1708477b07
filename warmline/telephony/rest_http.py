"""The HTTP client Twilio's REST calls go through: to TWILIO_API_BASE_URL, with settings read once.

It subclasses twilio-python's client, which imports requests: a process imports this module only
when it calls Twilio's REST API, so web processes, which never do, keep neither in memory.
"""

from __future__ import annotations

import os
from typing import Any

from requests.adapters import HTTPAdapter
from requests.utils import get_environ_proxies
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response

from warmline.config import DEFAULT_TWILIO_API_BASE_URL


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
