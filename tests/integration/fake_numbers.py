"""A recording fake of Twilio's IncomingPhoneNumbers resource, for Prism to forward to.

Prism (in front of it, `prism proxy --errors`) checks every request against Twilio's OpenAPI
description; this fake keeps each number's settings, lists them, applies updates, and records
what the platform asked.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fake_http import JsonHandler, LoopbackServer

# Twilio's own resource URIs are relative; its description says absolute: we follow the description.
API = "https://api.twilio.com"
LIST = re.compile(r"^/2010-04-01/Accounts/(AC[0-9a-f]{32})/IncomingPhoneNumbers\.json$")
ONE = re.compile(
    r"^/2010-04-01/Accounts/(AC[0-9a-f]{32})/IncomingPhoneNumbers/(PN[0-9a-f]{32})\.json$"
)


def number_resource(account_sid: str, sid: str, phone_number: str) -> dict[str, Any]:
    """A number as Twilio describes it, with nothing configured."""
    return {
        "account_sid": account_sid,
        "address_requirements": "none",
        "api_version": "2010-04-01",
        "beta": False,
        "capabilities": {"voice": True, "sms": True, "mms": True, "fax": False},
        "date_created": "Thu, 30 Jul 2015 23:19:04 +0000",
        "date_updated": "Thu, 30 Jul 2015 23:19:04 +0000",
        "friendly_name": phone_number,
        "phone_number": phone_number,
        "origin": "twilio",
        "sid": sid,
        "sms_application_sid": None,
        "sms_fallback_method": "POST",
        "sms_fallback_url": None,
        "sms_method": "POST",
        "sms_url": "https://demo.twilio.com/welcome/sms/reply",
        "status_callback": None,
        "status_callback_method": "POST",
        "trunk_sid": None,
        "uri": f"{API}/2010-04-01/Accounts/{account_sid}/IncomingPhoneNumbers/{sid}.json",
        "voice_application_sid": None,
        "voice_caller_id_lookup": False,
        "voice_fallback_method": "POST",
        "voice_fallback_url": None,
        "voice_method": "POST",
        "voice_url": None,
        "voice_receive_mode": "voice",
        "status": "in-use",
        "type": "local",
    }


@dataclass
class Recorded:
    """One request that reached the fake (so it passed Prism's validation)."""

    method: str
    path: str
    form: dict[str, str]


@dataclass
class FakeNumbers:
    """The account's numbers, and every request made about them."""

    account_sid: str
    numbers: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    refuse_credentials: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, phone_number: str, **settings: Any) -> str:
        """Give the account a number; returns its sid."""
        sid = "PN" + f"{len(self.numbers) + 1:032x}"
        self.numbers[sid] = {**number_resource(self.account_sid, sid, phone_number), **settings}
        return sid

    def updates(self) -> list[dict[str, str]]:
        """The forms of the update requests, in order."""
        return [r.form for r in self.requests if r.method == "POST"]

    def serve(self) -> LoopbackServer:
        """Start serving on a free port, in a daemon thread."""
        fake = self

        class Handler(JsonHandler):
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                fake.requests.append(Recorded("GET", url.path, {}))
                if fake.refuse_credentials:
                    return self.answer(
                        401, {"code": 20003, "message": "Authenticate", "status": 401}
                    )
                if not LIST.match(url.path):
                    return self.answer(404, {"code": 20404, "message": "not found", "status": 404})
                wanted = parse_qs(url.query).get("PhoneNumber", [None])[0]
                with fake.lock:
                    found = [
                        n for n in fake.numbers.values() if wanted in (None, n["phone_number"])
                    ]
                self.answer(
                    200,
                    {
                        "incoming_phone_numbers": found,
                        "end": max(len(found) - 1, 0),
                        "first_page_uri": API + url.path + "?Page=0&PageSize=50",
                        "next_page_uri": None,
                        "page": 0,
                        "page_size": 50,
                        "previous_page_uri": None,
                        "start": 0,
                        "uri": API + url.path,
                    },
                )

            def do_POST(self) -> None:
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length", "0"))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                fake.requests.append(Recorded("POST", url.path, form))
                match = ONE.match(url.path)
                if match is None or match.group(2) not in fake.numbers:
                    return self.answer(404, {"code": 20404, "message": "not found", "status": 404})
                with fake.lock:
                    number = fake.numbers[match.group(2)]
                    for name, value in form.items():
                        key = re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()
                        if key in number:
                            number[key] = value
                    answer = dict(number)
                self.answer(200, answer)

        return LoopbackServer(Handler, "fake-numbers").start()
