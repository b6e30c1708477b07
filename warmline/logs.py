"""Logging that never carries a phone number."""

from __future__ import annotations

import logging
import re
from typing import Any

# Seven or more digits, allowing the separators people and libraries put between them.
PHONE_LIKE = re.compile(r"[+(]?\d[\d\s().-]{5,}\d")
REDACTED = "[redacted]"


IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2})?")
MIN_PHONE_DIGITS = 7


def redact(text: str) -> str:
    """`text` with anything that looks like a phone number (7+ digits, not an IP) replaced."""
    return PHONE_LIKE.sub(_replacement, text)


def _replacement(match: re.Match[str]) -> str:
    found = match.group(0)
    digits = sum(c.isdigit() for c in found)
    bare = found.strip("() ")
    if digits < MIN_PHONE_DIGITS or IPV4.fullmatch(bare) or ISO_DATE.fullmatch(bare):
        return found
    return REDACTED


class RedactingFormatter(logging.Formatter):
    """Redacts phone-like runs of digits in messages and tracebacks (not in the timestamp)."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        """The record's line, its message redacted."""
        record.message = redact(record.message)
        return super().formatMessage(record)

    def formatException(self, ei: Any) -> str:
        """A redacted traceback."""
        return redact(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:
        """A redacted stack."""
        return redact(super().formatStack(stack_info))


def configure(level: int = logging.INFO) -> None:
    """Send logs to stderr through the redacting formatter, once per process."""
    root = logging.getLogger()
    formatter = RedactingFormatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    if not any(isinstance(h.formatter, RedactingFormatter) for h in root.handlers):
        root.addHandler(logging.StreamHandler())
    for existing in root.handlers:
        existing.setFormatter(formatter)
    root.setLevel(level)
