"""A test "caller" that plays Twilio's part in a call: signed webhooks, TwiML followed as Twilio would."""

from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field

from twilio.request_validator import RequestValidator

# Posts form data to an absolute URL with headers; returns (HTTP status, body).
Poster = Callable[[str, dict[str, str], dict[str, str]], tuple[int, str]]


def new_sid(prefix: str) -> str:
    """A sid shaped like Twilio's: two letters and 32 hex digits."""
    return prefix + secrets.token_hex(16)


@dataclass
class Twiml:
    """A TwiML document Twilio received from the platform, parsed."""

    root: ET.Element
    text: str

    @classmethod
    def parse(cls, text: str) -> Twiml:
        """Parse a TwiML answer; it must be a <Response>."""
        root = ET.fromstring(text)
        assert root.tag == "Response", text
        return cls(root, text)

    def verbs(self) -> list[str]:
        """The top-level verbs, in order."""
        return [child.tag for child in self.root]

    def one(self, path: str) -> ET.Element:
        """The single element at `path` (ElementTree syntax)."""
        found = self.root.findall(path)
        assert len(found) == 1, f"expected one {path} in {self.text}"
        return found[0]

    def said(self) -> list[str]:
        """Every <Say> text anywhere in the document."""
        return [s.text or "" for s in self.root.iter("Say")]

    def numbers(self) -> list[ET.Element]:
        """The <Number> nouns of the document's <Dial>."""
        return list(self.root.iter("Number"))


@dataclass
class TwilioPlayer:
    """Twilio, as far as calls go: signs every request it makes, like Twilio does."""

    post: Poster
    public_url: str
    auth_token: str
    account_sid: str
    served: list[Twiml] = field(default_factory=list)

    def request(self, url: str, form: dict[str, str], sign: bool = True) -> tuple[int, str]:
        """POST `form` to `url`, signed unless told not to."""
        assert url.startswith(self.public_url), f"{url} is not under PUBLIC_URL"
        headers: dict[str, str] = {}
        if sign:
            validator = RequestValidator(self.auth_token)
            headers["X-Twilio-Signature"] = validator.compute_signature(url, form)
        return self.post(url, form, headers)

    def fetch(self, url: str, form: dict[str, str]) -> Twiml:
        """POST and parse the TwiML answer, as Twilio does when it follows a URL."""
        status, body = self.request(url, form)
        assert status == 200, f"{url} answered {status}: {body[:200]}"
        twiml = Twiml.parse(body)
        self.served.append(twiml)
        return twiml

    def notify(self, url: str, form: dict[str, str]) -> None:
        """POST a status callback; Twilio only wants a 2xx."""
        status, body = self.request(url, form)
        assert 200 <= status < 300, f"{url} answered {status}: {body[:200]}"

    def call(self, from_: str, to: str, choose: str | None = "", **extra: str) -> LiveCall:
        """Start an incoming call to `to`; `from_` may be anything a carrier puts there.

        A line that offers a choice of language first gets the key `choose` ("" = the caller
        waits without pressing, as most do); None leaves the call at the choice.
        """
        call = LiveCall(self, new_sid("CA"), from_, to)
        form = call.form(CallStatus="ringing", Direction="inbound") | extra
        call.twiml = self.fetch(self.public_url + "/twilio/voice", form)
        if choose is not None and call.language_choice() is not None:
            call.choose(choose)
        return call


@dataclass
class LiveCall:
    """One caller's call, and the TwiML Twilio is executing for it now."""

    player: TwilioPlayer
    sid: str
    from_: str
    to: str
    twiml: Twiml | None = None
    legs: dict[str, str] = field(default_factory=dict)  # volunteer number -> leg CallSid
    record: ET.Element | None = None  # the <Record> the caller spoke to

    def form(self, **fields: str) -> dict[str, str]:
        """The fields Twilio posts about this call."""
        return {
            "CallSid": self.sid,
            "AccountSid": self.player.account_sid,
            "From": self.from_,
            "To": self.to,
            "ApiVersion": "2010-04-01",
            **fields,
        }

    @property
    def now(self) -> Twiml:
        """The TwiML this call is executing."""
        assert self.twiml is not None
        return self.twiml

    def language_choice(self) -> ET.Element | None:
        """The <Gather> that asks for a language, if that is what the call is executing."""
        for gather in self.now.root.iter("Gather"):
            if "/twilio/voice/language" in gather.get("action", ""):
                return gather
        return None

    def choose(self, key: str) -> Twiml:
        """The caller presses `key` at the choice of language ("": no key before the timeout)."""
        gather = self.language_choice()
        assert gather is not None, "the call is not at a choice of language"
        fields = {"CallStatus": "in-progress"} | ({"Digits": key} if key else {})
        self.twiml = self.player.fetch(gather.get("action", ""), self.form(**fields))
        return self.twiml

    def dial(self) -> ET.Element:
        """The <Dial> Twilio is executing."""
        return self.now.one("Dial")

    def rung(self) -> list[str]:
        """The numbers the current <Dial> rings."""
        return [(n.text or "").strip() for n in self.now.numbers()]

    def answer_leg(self, number: str) -> Twiml:
        """The volunteer at `number` picks up: Twilio fetches that <Number url> on their leg."""
        noun = next(n for n in self.now.numbers() if (n.text or "").strip() == number)
        leg_sid = self.legs.setdefault(number, new_sid("CA"))
        form = {
            "CallSid": leg_sid,
            "ParentCallSid": self.sid,
            "AccountSid": self.player.account_sid,
            "From": self.dial().get("callerId", ""),
            "To": number,
            "CallStatus": "in-progress",
            "Direction": "outbound-dial",
            "ApiVersion": "2010-04-01",
        }
        return self.player.fetch(noun.get("url", ""), form)

    def press(self, leg_twiml: Twiml, number: str, digits: str) -> Twiml:
        """The volunteer presses `digits` during the screen's <Gather>."""
        gather = leg_twiml.one("Gather")
        form = {
            "CallSid": self.legs[number],
            "ParentCallSid": self.sid,
            "AccountSid": self.player.account_sid,
            "Digits": digits,
            "CallStatus": "in-progress",
        }
        return self.player.fetch(gather.get("action", ""), form)

    def dial_ends(
        self, dial_status: str, caller_status: str = "in-progress", duration: int | None = None
    ) -> Twiml:
        """The <Dial> ends: Twilio posts its action and runs the TwiML it gets."""
        fields = {"DialCallStatus": dial_status, "CallStatus": caller_status}
        if dial_status in ("completed", "answered"):
            fields["DialCallSid"] = new_sid("CA")
            fields["DialCallDuration"] = str(duration or 0)
        self.twiml = self.player.fetch(self.dial().get("action", ""), self.form(**fields))
        return self.twiml

    def leave_message(self, recording_sid: str, recording_url: str, duration: int) -> Twiml:
        """The caller records after the tone; Twilio posts the <Record action>."""
        record = self.record = self.now.one("Record")
        fields = {
            "RecordingSid": recording_sid,
            "RecordingUrl": recording_url,
            "RecordingDuration": str(duration),
            "CallStatus": "in-progress",
            "Digits": "hangup",
        }
        self.twiml = self.player.fetch(record.get("action", ""), self.form(**fields))
        return self.twiml

    def recording_ready(
        self, recording_sid: str, recording_url: str, duration: int, status: str = "completed"
    ) -> None:
        """Twilio's recording-status callback, after the recording is processed."""
        record = self.record if self.record is not None else self.now.one("Record")
        fields = {
            "RecordingSid": recording_sid,
            "RecordingUrl": recording_url,
            "RecordingDuration": str(duration),
            "RecordingStatus": status,
            "RecordingSource": "RecordVerb",
        }
        self.player.notify(record.get("recordingStatusCallback", ""), self.form(**fields))

    def hang_up(self, duration: int = 30) -> None:
        """The caller's call ends: Twilio posts the number's status callback."""
        fields = {"CallStatus": "completed", "CallDuration": str(duration)}
        self.player.notify(self.player.public_url + "/twilio/voice/status", self.form(**fields))


@dataclass
class CallBackLeg:
    """A call the platform asked Twilio to place (Calls.json), played as the answered phone."""

    player: TwilioPlayer
    url: str
    status_callback: str
    to: str
    from_: str
    sid: str = field(default_factory=lambda: new_sid("CA"))
    twiml: Twiml | None = None

    def form(self, **fields: str) -> dict[str, str]:
        """The fields Twilio posts about this outbound call."""
        return {
            "CallSid": self.sid,
            "AccountSid": self.player.account_sid,
            "From": self.from_,
            "To": self.to,
            "Direction": "outbound-api",
            "ApiVersion": "2010-04-01",
            **fields,
        }

    def answer(self) -> Twiml:
        """The volunteer picks up: Twilio fetches the call's Url."""
        self.twiml = self.player.fetch(self.url, self.form(CallStatus="in-progress"))
        return self.twiml

    def press(self, digits: str) -> Twiml:
        """Press keys during the current <Gather>."""
        assert self.twiml is not None
        gather = self.twiml.one("Gather")
        self.twiml = self.player.fetch(
            gather.get("action", ""), self.form(CallStatus="in-progress", Digits=digits)
        )
        return self.twiml

    def dial_ends(self, dial_status: str, duration: int = 0) -> Twiml:
        """The <Dial> to the caller ends."""
        assert self.twiml is not None
        action = self.twiml.one("Dial").get("action", "")
        fields = {"CallStatus": "in-progress", "DialCallStatus": dial_status}
        if dial_status == "completed":
            fields |= {"DialCallSid": new_sid("CA"), "DialCallDuration": str(duration)}
        self.twiml = self.player.fetch(action, self.form(**fields))
        return self.twiml

    def ends(self, status: str = "completed") -> None:
        """The volunteer's call ends: Twilio posts the StatusCallback."""
        self.player.notify(self.status_callback, self.form(CallStatus=status, CallDuration="60"))
