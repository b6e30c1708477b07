"""The database tables, as typed SQLAlchemy models, one small module per concern."""

from warmline.models.base import Base, UTCDateTime
from warmline.models.conversation import Conversation, InboundMessage, Offer
from warmline.models.line import Line
from warmline.models.outbox import Outbox
from warmline.models.people import Contact, Volunteer
from warmline.models.rota import (
    Closure,
    LineHours,
    OpenShift,
    RotaNotice,
    Shift,
    ShiftException,
    ShiftOccurrence,
)
from warmline.models.timer import Timer

__all__ = [
    "Base",
    "Closure",
    "Contact",
    "Conversation",
    "InboundMessage",
    "Line",
    "LineHours",
    "Offer",
    "OpenShift",
    "Outbox",
    "RotaNotice",
    "Shift",
    "ShiftException",
    "ShiftOccurrence",
    "Timer",
    "UTCDateTime",
    "Volunteer",
]
