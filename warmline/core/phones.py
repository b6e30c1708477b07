"""Phone numbers in, E.164 out."""

from __future__ import annotations

import re

import phonenumbers

from warmline.core.errors import InvalidInput


class InvalidNumber(ValueError):
    """Not a phone number we can send to."""


def normalise(raw: str, region: str = "US") -> str:
    """The E.164 form of `raw`, read in `region` when it has no country code."""
    text = (raw or "").strip()
    if not text:
        raise InvalidNumber("a phone number is required")
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise InvalidNumber(f"{_shape(text)} is not a phone number") from None
    if not phonenumbers.is_possible_number(parsed):
        raise InvalidNumber(f"{_shape(text)} is not a possible phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


CARRIER_E164 = re.compile(r"\+[1-9]\d{7,14}")


def normalise_from_carrier(raw: str, region: str = "US") -> str:
    """Like normalise(), but numbers already in E.164 (as Twilio sends them) skip the parser."""
    text = (raw or "").strip()
    return text if CARRIER_E164.fullmatch(text) else normalise(text, region)


def can_take_texts(sender: str) -> bool:
    """Whether a text can be sent back to `sender`: a phone number, not a short code or name."""
    return CARRIER_E164.fullmatch(sender) is not None


def region_of(e164: str) -> str:
    """The two-letter region of an E.164 number, or US when it cannot be told."""
    try:
        region = phonenumbers.region_code_for_number(phonenumbers.parse(e164))
    except phonenumbers.NumberParseException:
        return "US"
    return region if region and region != "ZZ" else "US"


def _shape(text: str) -> str:
    """Describe bad input without echoing it, so a mistyped number never reaches a log."""
    return f"the {len(text)}-character value"


def parse_number(raw: str, region: str, what: str) -> str:
    """`raw` as E.164, or a clear error naming the option."""
    try:
        return normalise(raw, region)
    except InvalidNumber:
        raise InvalidInput("{what}: {raw!r} is not a phone number", what=what, raw=raw) from None
