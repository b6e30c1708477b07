"""The lines' numbers at Twilio: where each sends its texts and calls, read and set by REST."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from warmline.config import Settings
from warmline.ops.doctor import OK, PROBLEM, Finding
from warmline.telephony.fallback import SMS_FALLBACK, VOICE_FALLBACK
from warmline.telephony.rest_http import RebasedHttpClient
from warmline.telephony.voice_urls import STATUS as VOICE_STATUS

SMS = "/twilio/sms"
VOICE = "/twilio/voice"
# How Twilio's console names each setting, for messages an operator acts on.
LABELS = {
    "sms_url": "SmsUrl",
    "sms_method": "SmsMethod",
    "sms_fallback_url": "SmsFallbackUrl",
    "sms_fallback_method": "SmsFallbackMethod",
    "voice_url": "VoiceUrl",
    "voice_method": "VoiceMethod",
    "voice_fallback_url": "VoiceFallbackUrl",
    "voice_fallback_method": "VoiceFallbackMethod",
    "status_callback": "StatusCallback",
    "status_callback_method": "StatusCallbackMethod",
}


class NumbersError(Exception):
    """Twilio refused or could not be reached; the message says which and what to check."""


@dataclass(frozen=True)
class Webhooks:
    """Where Twilio sends a number's texts and calls (and their fallbacks and call statuses)."""

    sms_url: str = ""
    sms_method: str = "POST"
    sms_fallback_url: str = ""
    sms_fallback_method: str = "POST"
    voice_url: str = ""
    voice_method: str = "POST"
    voice_fallback_url: str = ""
    voice_fallback_method: str = "POST"
    status_callback: str = ""
    status_callback_method: str = "POST"


@dataclass(frozen=True)
class TwilioNumber:
    """One incoming phone number of the account, as Twilio has it configured."""

    sid: str
    phone_number: str
    webhooks: Webhooks
    # Any of these makes Twilio ignore the URLs above.
    sms_application_sid: str = ""
    voice_application_sid: str = ""
    trunk_sid: str = ""


def wanted(public_url: str) -> Webhooks:
    """The webhooks a line's number needs for a platform served at `public_url`."""
    return Webhooks(
        sms_url=public_url + SMS,
        sms_fallback_url=public_url + SMS_FALLBACK,
        voice_url=public_url + VOICE,
        voice_fallback_url=public_url + VOICE_FALLBACK,
        status_callback=public_url + VOICE_STATUS,
    )


def differences(number: TwilioNumber, public_url: str) -> list[str]:
    """What is wrong with the number's configuration, one phrase each; empty when all is right."""
    want = wanted(public_url)
    problems = [
        f"{LABELS[f.name]} is {getattr(number.webhooks, f.name) or 'empty'}, "
        f"not {getattr(want, f.name)}"
        for f in fields(Webhooks)
        if (getattr(number.webhooks, f.name) or "").upper() != getattr(want, f.name).upper()
        and not (f.name.endswith("method") and not getattr(number.webhooks, f.name))
    ]
    for label, sid in (
        ("an SMS application", number.sms_application_sid),
        ("a voice application", number.voice_application_sid),
        ("a SIP trunk", number.trunk_sid),
    ):
        if sid:
            problems.append(f"it uses {label} ({sid}), so Twilio ignores its URLs: remove it")
    return problems


class TwilioNumbers:
    """Twilio's IncomingPhoneNumbers resource for the account, at TWILIO_API_BASE_URL."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        api_base_url: str,
        http_client: TwilioHttpClient | None = None,
    ) -> None:
        self.client = Client(
            account_sid, auth_token, http_client=http_client or RebasedHttpClient(api_base_url)
        )

    def find(self, e164: str) -> TwilioNumber | None:
        """The account's number `e164`, or None when the account has no such number."""
        try:
            found = self.client.incoming_phone_numbers.list(phone_number=e164, limit=5)
        except (TwilioException, OSError) as exc:
            raise NumbersError(_explain(exc)) from None
        for instance in found:
            if instance.phone_number == e164:
                return _number(instance)
        return None

    def point_at(self, number: TwilioNumber, public_url: str) -> TwilioNumber:
        """Set the number's texts, calls, fallbacks and call status to `public_url`."""
        want = wanted(public_url)
        try:
            updated = self.client.incoming_phone_numbers(number.sid).update(
                **{f.name: getattr(want, f.name) for f in fields(Webhooks)}
            )
        except (TwilioException, OSError) as exc:
            raise NumbersError(_explain(exc)) from None
        return _number(updated)


def configure_all(
    numbers: TwilioNumbers, line_numbers: Iterable[str], public_url: str
) -> Iterator[str]:
    """Point each line's number at `public_url`, saying what was done, one line per number."""
    for e164 in line_numbers:
        found = numbers.find(e164)
        if found is None:
            raise NumbersError(
                f"{e164} is not a number of this Twilio account: check TWILIO_ACCOUNT_SID "
                "or buy the number there first"
            )
        if not differences(found, public_url):
            yield f"{e164}: already points at {public_url}"
            continue
        left = differences(numbers.point_at(found, public_url), public_url)
        done = f"{e164}: texts, calls, their fallbacks and call status now go to {public_url}"
        yield done + (f" (but {'; '.join(left)})" if left else "")


def _number(instance: object) -> TwilioNumber:
    """Our view of twilio-python's IncomingPhoneNumberInstance."""

    def text(name: str) -> str:
        value = getattr(instance, name, None)
        return str(value) if value else ""

    webhooks = Webhooks(**{f.name: text(f.name) for f in fields(Webhooks)})
    return TwilioNumber(
        sid=text("sid"),
        phone_number=text("phone_number"),
        webhooks=webhooks,
        sms_application_sid=text("sms_application_sid"),
        voice_application_sid=text("voice_application_sid"),
        trunk_sid=text("trunk_sid"),
    )


def _explain(exc: Exception) -> str:
    """A one-line reason an operator can act on."""
    status, code = _status_and_code(exc)
    if status in (401, 403) or code == 20003:
        return (
            f"Twilio refused the credentials (error {code}): "
            "check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN"
        )
    if status is not None:
        return f"Twilio answered HTTP {status} (error {code})"
    return f"Twilio could not be reached ({type(exc).__name__}): check the network"


def _status_and_code(exc: Exception) -> tuple[int | None, int | None]:
    """HTTP status and Twilio error code of a failure, where it carries them."""
    if isinstance(exc, TwilioRestException):
        return exc.status, exc.code
    # Listing pages raises a plain TwilioException with Twilio's response as its second argument.
    response = exc.args[1] if len(exc.args) > 1 else None
    status = getattr(response, "status_code", None)
    if not isinstance(status, int):
        return None, None
    try:
        code = json.loads(getattr(response, "text", "") or "{}").get("code")
    except (ValueError, AttributeError):
        code = None
    return status, code if isinstance(code, int) else None


def doctor_findings(settings: Settings, line_numbers: list[str]) -> Iterator[Finding]:
    """`warmline doctor`'s Twilio checks: each line's number is this account's and points here."""
    assert settings.twilio_account_sid is not None
    numbers = TwilioNumbers(
        settings.twilio_account_sid, settings.twilio_auth_token, settings.twilio_api_base_url
    )
    for number in line_numbers:
        check = f"twilio {number}"
        try:
            found = numbers.find(number)
        except NumbersError as exc:
            yield Finding(PROBLEM, check, str(exc))
            return
        if found is None:
            yield Finding(
                PROBLEM,
                check,
                "not a number of this Twilio account: check TWILIO_ACCOUNT_SID or the line",
            )
            continue
        wrong = differences(found, settings.public_url)
        if wrong:
            yield Finding(PROBLEM, check, "; ".join(wrong) + ": run `warmline twilio configure`")
        else:
            yield Finding(OK, check, "texts, calls and fallbacks point at PUBLIC_URL")
