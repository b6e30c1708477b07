"""Twilio's REST client over HTTPS: certificates checked as before, held once for every connection."""

from __future__ import annotations

import contextlib
import select
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
import requests
from requests.utils import DEFAULT_CA_BUNDLE_PATH
from urllib3 import PoolManager

from tests.fake_http import JsonHandler, LoopbackServer, loopback_certificate
from warmline.telephony.rest_http import RebasedHttpClient

MESSAGES = "/2010-04-01/Accounts/AC1/Messages.json"
SENDERS = 4


class HoldingHandler(JsonHandler):
    """Answers once `SENDERS` requests are in, so each of them needs a connection of its own."""

    together = threading.Barrier(SENDERS)

    def do_POST(self) -> None:
        """Wait for the others (briefly, for a lone request), then answer as Twilio would."""
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with contextlib.suppress(threading.BrokenBarrierError):
            HoldingHandler.together.wait(timeout=5)
        self.answer(201, {"sid": "SM" + "0" * 32})


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    return loopback_certificate(tmp_path)


@pytest.fixture
def twilio_over_tls(certificate: tuple[Path, Path]) -> Iterator[LoopbackServer]:
    HoldingHandler.together = threading.Barrier(SENDERS)
    server = LoopbackServer(HoldingHandler, "fake-twilio-tls", tls=certificate).start()
    yield server
    server.stop()


@pytest.fixture
def trusting_bundle(
    tmp_path: Path, certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> Path:
    """The usual CA bundle plus the loopback certificate, named as deployments name a bundle."""
    bundle = tmp_path / "bundle.pem"
    bundle.write_text(Path(DEFAULT_CA_BUNDLE_PATH).read_text() + certificate[0].read_text())
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    return bundle


def test_concurrent_sends_over_https_hold_the_certificates_once(
    twilio_over_tls: LoopbackServer, trusting_bundle: Path
) -> None:
    client = RebasedHttpClient(twilio_over_tls.url, connections=SENDERS)
    answers: list[int] = []

    def send() -> None:
        answer = client.request("POST", twilio_over_tls.url + MESSAGES, data={"Body": "x"})
        answers.append(answer.status_code)

    senders = [threading.Thread(target=send) for _ in range(SENDERS)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join(timeout=10)

    assert answers == [201] * SENDERS
    kept = _kept_connections(client.session.get_adapter(twilio_over_tls.url).poolmanager)
    sockets = [conn.sock for conn in kept if conn.sock is not None]
    assert len(sockets) == SENDERS
    contexts = {id(sock.context) for sock in sockets}
    assert len(contexts) == 1
    # Read once, not once per connection: as many certificates as the bundle has.
    assert sockets[0].context.cert_store_stats()["x509_ca"] == trusting_bundle.read_text().count(
        "BEGIN CERTIFICATE"
    )


def test_a_server_whose_certificate_nobody_vouches_for_is_refused(
    twilio_over_tls: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    client = RebasedHttpClient(twilio_over_tls.url)

    with pytest.raises(requests.exceptions.SSLError):
        client.request("POST", twilio_over_tls.url + MESSAGES, data={"Body": "x"})


def test_a_certificate_for_another_host_is_refused(
    twilio_over_tls: LoopbackServer, trusting_bundle: Path
) -> None:
    # The certificate names 127.0.0.1; reached as "localhost" it does not match.
    elsewhere = f"https://localhost:{twilio_over_tls.port}"
    client = RebasedHttpClient(elsewhere)

    with pytest.raises(requests.exceptions.SSLError):
        client.request("POST", elsewhere + MESSAGES, data={"Body": "x"})


class TunnelHandler(BaseHTTPRequestHandler):
    """A forward proxy for HTTPS: opens the asked-for tunnel and copies bytes both ways."""

    tunnels: list[str] = []

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def do_CONNECT(self) -> None:
        """Connect to the target, say so, then relay until either side closes."""
        host, port = self.path.rsplit(":", 1)
        TunnelHandler.tunnels.append(self.path)
        with socket.create_connection((host, int(port)), timeout=5) as upstream:
            self.send_response(200, "Connection established")
            self.end_headers()
            self.wfile.flush()
            sides = [self.connection, upstream]
            while True:
                readable, _, _ = select.select(sides, [], [], 5)
                if not readable:
                    return
                for side in readable:
                    data = side.recv(65536)
                    if not data:
                        return
                    (upstream if side is self.connection else self.connection).sendall(data)


def test_sends_through_a_proxy_tunnel_verify_with_the_shared_context(
    twilio_over_tls: LoopbackServer, trusting_bundle: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    TunnelHandler.tunnels = []
    proxy = LoopbackServer(TunnelHandler, "fake-tunnel").start()
    try:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        client = RebasedHttpClient(twilio_over_tls.url)
        HoldingHandler.together = threading.Barrier(1)

        answer = client.request("POST", twilio_over_tls.url + MESSAGES, data={"Body": "x"})
    finally:
        proxy.stop()

    assert answer.status_code == 201
    assert TunnelHandler.tunnels == [f"127.0.0.1:{twilio_over_tls.port}"]
    adapter = client.session.get_adapter(twilio_over_tls.url)
    kept = _kept_connections(adapter.proxy_manager[proxy.url])
    assert [conn.sock.context for conn in kept] == [adapter._shared_context()]


def _kept_connections(manager: PoolManager) -> list[Any]:
    """The connections `manager`'s pools keep alive for the next request."""
    pools = manager.pools
    keys = pools.keys()  # the container refuses plain iteration
    return [conn for key in keys for conn in list(pools[key].pool.queue) if conn]
