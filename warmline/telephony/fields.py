"""Numbers in Twilio's form fields, read so that no value can make a callback fail."""

from __future__ import annotations

import re

# ASCII digits only: str.isdigit() also accepts "²" and other Unicode digits, which int() refuses.
_WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")


def whole_number(raw: str | None) -> int | None:
    """A whole number of up to nine digits (fits the database's integers); None otherwise."""
    value = (raw or "").strip()
    return int(value) if _WHOLE_NUMBER.fullmatch(value) else None
