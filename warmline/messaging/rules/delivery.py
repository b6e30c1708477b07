"""How an outbound text's status may move, and which send errors are worth retrying."""

from __future__ import annotations

from datetime import timedelta

from warmline.core.statuses import OutboxStatus

# Twilio's callbacks arrive out of order: a status may only move to a higher rank.
_RANK: dict[str, int] = {
    OutboxStatus.QUEUED: 0,
    OutboxStatus.SENDING: 1,
    OutboxStatus.SENT: 2,
    OutboxStatus.DELIVERED: 3,
    OutboxStatus.UNDELIVERED: 3,
    OutboxStatus.FAILED: 3,
    OutboxStatus.SUPPRESSED: 3,
}
TWILIO_STATUS_MAP: dict[str, OutboxStatus] = {
    "accepted": OutboxStatus.SENDING,
    "scheduled": OutboxStatus.SENDING,
    "queued": OutboxStatus.SENDING,
    "sending": OutboxStatus.SENDING,
    "sent": OutboxStatus.SENT,
    "delivered": OutboxStatus.DELIVERED,
    "read": OutboxStatus.DELIVERED,
    "undelivered": OutboxStatus.UNDELIVERED,
    "failed": OutboxStatus.FAILED,
    "canceled": OutboxStatus.FAILED,
}
# Opted out, not a number, not a mobile, unreachable region or carrier: retrying cannot help.
PERMANENT_ERROR_CODES = frozenset({21211, 21408, 21610, 21612, 21614, 21617, 21635})
MAX_ATTEMPTS = 8
MAX_BACKOFF = timedelta(minutes=5)
# "Too many requests": the number's pace, not the text, is at fault; the wait doubles each time.
RATE_LIMIT_ERROR_CODES = frozenset({20429})
RATE_LIMIT_FIRST_WAIT = timedelta(seconds=5)


# Why a text did not arrive, in words a peer can act on: the wording key per Twilio error code.
_FAILURE_REASONS = {
    21610: "why_blocked",
    30003: "why_out_of_reach",
    30005: "why_no_number",
    30006: "why_landline",
    30007: "why_filtered",
}
_CANNOT_TAKE_TEXTS = frozenset({21211, 21408, 21612, 21614, 21617, 21635})


def failure_reason(error_code: int | None) -> tuple[str, dict[str, object]]:
    """Why a text failed for good, for the peer who wrote it: a wording key and its fields."""
    if error_code in _FAILURE_REASONS:
        return _FAILURE_REASONS[error_code], {}
    if error_code in _CANNOT_TAKE_TEXTS:
        return "why_cannot_take", {}
    if error_code:
        return "why_refused_code", {"code": error_code}
    return "why_refused", {}


def advanced_status(current: str, reported: str) -> OutboxStatus | None:
    """The status after a report, or None when the report would move it backwards or sideways."""
    new = TWILIO_STATUS_MAP.get(reported)
    if new is None or current not in _RANK:
        return None
    return new if _RANK[new] > _RANK[current] else None


def is_permanent(error_code: int | None, http_status: int | None) -> bool:
    """True when a send failure will fail again however often we retry."""
    if error_code in PERMANENT_ERROR_CODES:
        return True
    if http_status is None or http_status == 429 or http_status >= 500:
        return False
    return 400 <= http_status < 500 and error_code != 20429


def is_rate_limited(error_code: int | None, http_status: int | None) -> bool:
    """True when the carrier asked us to slow down (HTTP 429, Twilio 20429): later, not never."""
    return http_status == 429 or error_code in RATE_LIMIT_ERROR_CODES


def rate_limited_delay(attempts: int) -> timedelta:
    """How long a text waits after its `attempts`-th try met a rate limit: longer each time."""
    doubled: timedelta = RATE_LIMIT_FIRST_WAIT * 2 ** max(attempts - 1, 0)
    return min(doubled, MAX_BACKOFF)


def retry_delay(attempts: int) -> timedelta | None:
    """How long to wait before attempt `attempts + 1`, or None when it is time to give up."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return min(timedelta(seconds=2**attempts), MAX_BACKOFF)
