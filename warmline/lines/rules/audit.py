"""How a change reads in the audit log: old and new values, never a secret or a whole number."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from warmline.core.errors import InvalidInput
from warmline.core.refusals import refusal

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


@dataclass(frozen=True)
class AuditFilter:
    """What the audit page is narrowed to: who, which action, and a range of days."""

    who: str = ""
    action: str = ""
    first_day: date | None = None
    last_day: date | None = None

    @property
    def active(self) -> bool:
        """True when anything narrows the page."""
        return bool(self.who or self.action or self.first_day or self.last_day)


def read_filter(who: str, action: str, first: str, last: str) -> AuditFilter:
    """The audit page's filter from its form, or a clear error naming the field."""
    first_day = _day(first, "from", refusal("From"))
    last_day = _day(last, "until", refusal("Until"))
    if first_day and last_day and last_day < first_day:
        raise InvalidInput("“Until” must be on or after “From”", "until")
    return AuditFilter(who.strip()[:254], action.strip()[:40], first_day, last_day)


def _day(text: str, field: str, label: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            "“{label}” must be a date such as 2026-12-01", field, label=label
        ) from None
