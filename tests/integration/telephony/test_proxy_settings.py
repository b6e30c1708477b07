"""Twilio's REST client reads proxy settings once, when the process starts, and keeps to them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fake_http import JsonHandler, LoopbackServer
from warmline.telephony.rest_http import RebasedHttpClient

TWILIO_URL = "http://twilio.invalid/2010-04-01/Accounts/AC1/Messages.json"


class ProxyHandler(JsonHandler):
    """A forward proxy that answers every request itself and remembers what it was asked for."""

    asked: list[str] = []

    def do_POST(self) -> None:
        """Remember the absolute URL a proxied request names; answer as Twilio would."""
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        ProxyHandler.asked.append(self.path)
        self.answer(201, {"sid": "SM" + "0" * 32})


@pytest.fixture
def proxy() -> Iterator[LoopbackServer]:
    ProxyHandler.asked = []
    server = LoopbackServer(ProxyHandler, "fake-proxy").start()
    yield server
    server.stop()


def test_a_proxy_in_the_environment_at_start_carries_every_send(
    monkeypatch: pytest.MonkeyPatch, proxy: LoopbackServer
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    client = RebasedHttpClient("http://twilio.invalid")
    # Changed after start: not read again (it was read per request, walking all of os.environ).
    monkeypatch.delenv("HTTP_PROXY")

    for _ in range(2):
        answer = client.request("POST", TWILIO_URL, data={"Body": "x"}, auth=("AC1", "t"))
        assert answer.status_code == 201

    assert ProxyHandler.asked == [TWILIO_URL, TWILIO_URL]


def test_no_proxy_for_the_api_host_sends_directly(
    monkeypatch: pytest.MonkeyPatch, proxy: LoopbackServer
) -> None:
    direct = LoopbackServer(ProxyHandler, "fake-twilio").start()
    try:
        monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        client = RebasedHttpClient(direct.url)

        answer = client.request(
            "POST", direct.url + "/2010-04-01/Accounts/AC1/Messages.json", auth=("AC1", "t")
        )
    finally:
        direct.stop()

    assert answer.status_code == 201
    assert ProxyHandler.asked == ["/2010-04-01/Accounts/AC1/Messages.json"]
