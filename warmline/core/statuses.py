"""The states and kinds rows move through, named once: models store them, rules decide on them."""

from __future__ import annotations

from enum import StrEnum


class ConversationStatus(StrEnum):
    """Where a texter's conversation is: in the queue, with a peer, or over."""

    WAITING = "waiting"
    ACTIVE = "active"
    CLOSED = "closed"


class OutboxStatus(StrEnum):
    """An outbound text's delivery, as far as we know it; it only moves forward."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    SUPPRESSED = "suppressed"
    EXPIRED = "expired"  # never sent: it waited longer than the line keeps unsent words


class CallStatus(StrEnum):
    """A call on the line: ringing peers, bridged, in its fallback, or over."""

    RINGING = "ringing"
    CONNECTED = "connected"
    FALLBACK = "fallback"
    ENDED = "ended"


class VoicemailStatus(StrEnum):
    """A voicemail: offered, a call-back asked for or ringing, then handled one way or another."""

    WAITING = "waiting"
    REQUESTED = "requested"
    CALLING = "calling"
    DONE = "done"
    EXPIRED = "expired"
    EMPTY = "empty"


class ShiftRole(StrEnum):
    """What a shift asks of its volunteer."""

    PRIMARY = "primary"
    BACKUP = "backup"
    COORDINATOR = "coordinator"


class ShiftExceptionKind(StrEnum):
    """A date of a weekly shift that is skipped, or handed to another volunteer."""

    SKIP = "skip"
    HANDOVER = "handover"
