"""How a change reads in the audit log: old and new values, never a secret or a whole number."""

from __future__ import annotations

import re

# A run of seven or more digits, however written (+1 (555) 000-1111): a phone number.
_NUMBER = re.compile(r"\+?\(?\d[\d\s().-]{5,}\d")
_SECRET_WORDS = ("password", "secret", "token", "key")
SHOWN_CHARACTERS = 60


def masked(text: str) -> str:
    """`text` with any phone number reduced to its last two digits."""

    def mask(found: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", found.group(0))
        if len(digits) < 7:
            return found.group(0)
        return "number ending " + digits[-2:]

    return _NUMBER.sub(mask, text)


def is_secret(name: str) -> bool:
    """True for a setting whose value must never be written down."""
    return any(word in name.lower() for word in _SECRET_WORDS)


def shown(value: str) -> str:
    """A value as the log shows it: quoted, numbers masked, long text shortened."""
    value = masked(" ".join(value.split()))
    if len(value) > SHOWN_CHARACTERS:
        value = value[: SHOWN_CHARACTERS - 1].rstrip() + "…"
    return f"“{value}”" if value else "(empty)"


def change(name: str, old: str, new: str) -> str:
    """One setting's change as the audit log reads it: `name: “old” → “new”`."""
    if is_secret(name):
        return f"{name}: changed"
    return f"{name}: {shown(old)} → {shown(new)}"
