"""The HTTP client Twilio's REST calls go through: to TWILIO_API_BASE_URL, with settings read once.

It subclasses twilio-python's client, which imports requests: a process imports this module only
when it calls Twilio's REST API, so web processes, which never do, keep neither in memory.
"""

from __future__ import annotations

import os
import ssl
import threading
from typing import Any

from requests.adapters import HTTPAdapter
from requests.utils import DEFAULT_CA_BUNDLE_PATH, get_environ_proxies
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util.ssl_ import create_urllib3_context

from warmline.config import DEFAULT_TWILIO_API_BASE_URL


class RebasedHttpClient(TwilioHttpClient):  # type: ignore[misc]
    """Sends Twilio's requests to another base URL (a mock in tests), path unchanged."""

    def __init__(self, base_url: str, timeout: float = 10.0, connections: int = 10) -> None:
        super().__init__(timeout=timeout)
        self.base_url = base_url.rstrip("/")
        bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
        # One kept-alive connection per send in flight: with fewer, every send over the limit
        # opens a fresh connection and throws it away.
        adapter = SharedContextAdapter(bundle or DEFAULT_CA_BUNDLE_PATH, pool_maxsize=connections)
        for scheme in ("https://", "http://"):
            self.session.mount(scheme, adapter)
        # requests reads proxies and CA bundles from the environment on every request by
        # default, walking all of os.environ each time (milliseconds a text in a worker): read
        # them once, here, and never again.
        self.proxy = get_environ_proxies(self.base_url)
        self.session.verify = bundle or True
        self.session.trust_env = False

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        """Swap the public API host for the configured base URL."""
        if url.startswith(DEFAULT_TWILIO_API_BASE_URL):
            url = self.base_url + url[len(DEFAULT_TWILIO_API_BASE_URL) :]
        return super().request(method, url, *args, **kwargs)


class SharedContextAdapter(HTTPAdapter):
    """Every HTTPS connection verifies with one SSL context, holding the CA certificates once.

    Left to itself urllib3 builds a context per connection and loads the whole CA bundle into it
    (some 0.7 MB each): sixteen kept-alive connections to Twilio would hold sixteen copies. The
    context is built on the first HTTPS connection, so a process that never makes one (a mock
    over plain HTTP) never loads the bundle.
    """

    def __init__(self, ca_bundle: str, pool_maxsize: int) -> None:
        self._ca_bundle = ca_bundle
        self._context: ssl.SSLContext | None = None
        self._building = threading.Lock()
        super().__init__(pool_maxsize=pool_maxsize)

    def cert_verify(self, conn: HTTPConnectionPool, url: str, verify: Any, cert: Any) -> None:
        """Verify as requests does, but with the shared context rather than a bundle per connect."""
        super().cert_verify(conn, url, verify, cert)  # type: ignore[no-untyped-call]
        if not isinstance(conn, HTTPSConnectionPool) or conn.cert_reqs != "CERT_REQUIRED":
            return
        conn.conn_kw["ssl_context"] = self._shared_context()
        # Named here, the bundle would be read into the shared context again on every connect.
        conn.ca_certs = None
        conn.ca_cert_dir = None

    def _shared_context(self) -> ssl.SSLContext:
        if self._context is not None:  # every request asks; only the first few need the lock
            return self._context
        # The first sends start together: unlocked, each would build (and keep) a context.
        with self._building:
            if self._context is None:
                context = create_urllib3_context(cert_reqs=ssl.CERT_REQUIRED)
                if os.path.isdir(self._ca_bundle):
                    context.load_verify_locations(capath=self._ca_bundle)
                else:
                    context.load_verify_locations(cafile=self._ca_bundle)
                self._context = context
            return self._context
