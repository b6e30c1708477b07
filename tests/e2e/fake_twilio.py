"""A recording fake of Twilio's Messages endpoint, served from a thread of the test process.

Prism sits in front of it and validates every request against Twilio's OpenAPI description, so
whatever reaches this fake passed validation. The fake answers like Twilio (201 and a Message
resource valid per the same description) and remembers every text, with its arrival time.
"""

from __future__ import annotations

import base64
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs

from tests.fake_http import JsonHandler, LoopbackServer

MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/(AC[0-9a-fA-F]{32})/Messages\.json$")


@dataclass(frozen=True)
class SentText:
    """One text the platform asked Twilio to send."""

    account_sid: str
    to: str
    from_: str
    body: str
    status_callback: str | None
    arrived_at: float  # time.monotonic() in the test process

    def as_json(self) -> dict[str, object]:
        """The text as plain JSON, for GET /_recorded."""
        return asdict(self)


class FakeTwilio:
    """Twilio's REST API as far as sending texts goes: records requests, answers 201.

    `latency_s` makes each message create take that long, as Twilio's API does (100-300 ms): a
    fake that answers at once flatters a sender. A text counts as arrived when it is answered.
    Given `tls` (a certificate and its key), it speaks HTTPS, as Twilio does.
    """

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        latency_s: float = 0.0,
        tls: tuple[Path, Path] | None = None,
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.latency_s = latency_s
        self._texts: list[SentText] = []
        self._problems: list[str] = []
        self._changed = threading.Condition()
        self._in_flight = 0
        self.most_in_flight = 0  # the most message creates the fake was answering at once
        self._http = LoopbackServer(self._handler_class(), "fake-twilio", tls=tls)

    @property
    def port(self) -> int:
        """The port the fake listens on."""
        return self._http.port

    @property
    def url(self) -> str:
        """The fake's base URL."""
        return self._http.url

    def start(self) -> None:
        """Serve in a background thread."""
        self._http.start()

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._http.stop()

    def texts(self) -> list[SentText]:
        """Every text recorded so far, in arrival order."""
        with self._changed:
            return list(self._texts)

    def problems(self) -> list[str]:
        """Requests the fake could not take as a valid message create (wrong path, auth, form)."""
        with self._changed:
            return list(self._problems)

    def wait_until(self, condition: Callable[[list[SentText]], bool], timeout: float) -> bool:
        """Wait until `condition(texts)` holds or `timeout` seconds pass; True if it held."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition(list(self._texts)):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(min(left, 0.5))
            return True

    def _record(self, text: SentText) -> None:
        with self._changed:
            self._texts.append(text)
            self._changed.notify_all()

    def _problem(self, problem: str) -> None:
        with self._changed:
            self._problems.append(problem)
            self._changed.notify_all()

    def _message_resource(self, text: SentText) -> dict[str, object]:
        """A Message resource as Twilio returns it on create (api.v2010.account.message)."""
        sid = "SM" + secrets.token_hex(16)
        now = format_datetime(datetime.now(UTC))  # RFC 2822, as Twilio writes dates
        uri = f"/2010-04-01/Accounts/{text.account_sid}/Messages/{sid}"
        return {
            "account_sid": text.account_sid,
            "api_version": "2010-04-01",
            "body": text.body,
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": text.from_,
            "messaging_service_sid": None,
            "num_media": "0",
            "num_segments": "1",
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": "queued",
            "subresource_uris": {"media": f"{uri}/Media.json"},
            "to": text.to,
            "uri": f"{uri}.json",
        }

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(JsonHandler):
            def do_GET(self) -> None:
                if self.path == "/_recorded":
                    self.answer(200, [t.as_json() for t in fake.texts()])
                else:
                    self.answer(404, {"code": 20404, "message": "not found", "status": 404})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length).decode("utf-8")
                match = MESSAGES_PATH.match(self.path.split("?", 1)[0])
                if match is None:
                    fake._problem(f"unexpected POST {self.path}")
                    self.answer(404, {"code": 20404, "message": "not found", "status": 404})
                    return
                if not self._authorised(match.group(1)):
                    fake._problem(f"bad credentials on POST {self.path}")
                    self.answer(401, {"code": 20003, "message": "Authenticate", "status": 401})
                    return
                form = {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}
                if not form.get("To") or not form.get("From") or "Body" not in form:
                    fake._problem(f"message create without To, From or Body: {sorted(form)}")
                    self.answer(400, {"code": 21604, "message": "missing field", "status": 400})
                    return
                with fake._changed:
                    fake._in_flight += 1
                    fake.most_in_flight = max(fake.most_in_flight, fake._in_flight)
                try:
                    if fake.latency_s:
                        time.sleep(fake.latency_s)  # the carrier's own time to accept a message
                finally:
                    with fake._changed:
                        fake._in_flight -= 1
                text = SentText(
                    account_sid=match.group(1),
                    to=form["To"],
                    from_=form["From"],
                    body=form["Body"],
                    status_callback=form.get("StatusCallback"),
                    arrived_at=time.monotonic(),
                )
                fake._record(text)
                self.answer(201, fake._message_resource(text))

            def _authorised(self, account_sid: str) -> bool:
                expected = base64.b64encode(f"{fake.account_sid}:{fake.auth_token}".encode())
                given = self.headers.get("Authorization", "").encode()
                return account_sid == fake.account_sid and given == b"Basic " + expected

        return Handler
