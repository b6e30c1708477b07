"""How many SMS segments a text costs: GSM-7 when every character allows it, else UCS-2."""

from __future__ import annotations

# The GSM 03.38 default alphabet (without the escape code) and its extension table, whose
# characters take two septets (escape + character).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")
GSM7_SINGLE, GSM7_PART = 160, 153  # septets in one text; per part of a longer one
UCS2_SINGLE, UCS2_PART = 70, 67  # UTF-16 code units likewise


def is_gsm7(body: str) -> bool:
    """True when every character of `body` has a GSM-7 encoding."""
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in body)


def segments(body: str) -> int:
    """The number of segments a carrier bills for `body` (an empty text is still one)."""
    if is_gsm7(body):
        units = [2 if c in GSM7_EXTENSION else 1 for c in body]
        single, part = GSM7_SINGLE, GSM7_PART
    else:
        units = [2 if ord(c) > 0xFFFF else 1 for c in body]  # astral characters: a surrogate pair
        single, part = UCS2_SINGLE, UCS2_PART
    if sum(units) <= single:
        return 1
    # An escape pair or a surrogate pair is never split across two parts.
    count, used = 1, 0
    for unit in units:
        if used + unit > part:
            count, used = count + 1, 0
        used += unit
    return count


# The most segments everything a new texter is sent back may cost, per language: English stays
# GSM-7 (153 characters a part); Spanish accents make it UCS-2 (67 a part).
FIRST_REPLY_SEGMENTS = {"en": 2, "es": 3}


def first_reply_limit(language: str) -> int:
    """How many segments the first reply to a new texter may cost in `language`."""
    return FIRST_REPLY_SEGMENTS.get(language, FIRST_REPLY_SEGMENTS["en"])
