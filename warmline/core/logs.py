"""Logging that never carries a phone number."""

from __future__ import annotations

import json
import logging
import re
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

# Seven or more digits, allowing the separators people and libraries put between them.
PHONE_LIKE = re.compile(r"[+(]?\d[\d\s().-]{5,}\d")
REDACTED = "[redacted]"
# The id of the web request being handled, for log lines (set by warmline.web.monitoring).
REQUEST_ID: ContextVar[str | None] = ContextVar("warmline_request_id", default=None)


IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2})?")
MIN_PHONE_DIGITS = 7


# A volunteer's private calendar URL is a secret in its path.
CALENDAR_TOKEN = re.compile(r"(/rota/)[^/\s?]+(\.ics)")


def redact(text: str) -> str:
    """`text` with phone numbers (7+ digits, not an IP) and calendar tokens replaced."""
    return PHONE_LIKE.sub(_replacement, CALENDAR_TOKEN.sub(r"\1[token]\2", text))


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


class RedactingJsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id; redacted like text."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a single line of JSON."""
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        request_id = REQUEST_ID.get()
        if request_id is not None:
            entry["request_id"] = request_id
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack"] = redact(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False)


def formatter_for(log_format: str) -> logging.Formatter:
    """The redacting formatter for LOG_FORMAT `text` or `json`."""
    if log_format == "json":
        return RedactingJsonFormatter()
    return RedactingFormatter("%(asctime)s %(levelname)s %(name)s %(message)s")


def configure(level: int = logging.INFO, log_format: str = "text") -> None:
    """Send logs to stderr through the redacting formatter, once per process."""
    root = logging.getLogger()
    formatter = formatter_for(log_format)
    redacting = (RedactingFormatter, RedactingJsonFormatter)
    if not any(isinstance(h.formatter, redacting) for h in root.handlers):
        root.addHandler(logging.StreamHandler())
    for existing in root.handlers:
        existing.setFormatter(formatter)
    root.setLevel(level)
    # twilio-python narrates every REST request in eleven INFO lines (URL and headers): noise
    # that costs a sender more than the request itself. Its warnings and errors still show.
    logging.getLogger("twilio.http_client").setLevel(max(level, logging.WARNING))
