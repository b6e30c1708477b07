"""The database tables, as typed SQLAlchemy models, one small module per concern."""

from warmline.models.base import Base, UTCDateTime
from warmline.models.call import Call, CallLeg, CallStep, Voicemail
from warmline.models.checkin import CheckIn
from warmline.models.consent import (
    CarrierRecord,
    ConsentRecord,
    ConsentWording,
    ContactCount,
    ContactLogEntry,
)
from warmline.models.conversation import Conversation, InboundMessage, Offer
from warmline.models.coordinator import AuditEntry, Coordinator, CoordinatorLine, EmailNotice
from warmline.models.line import Line, LineText
from warmline.models.outbox import Outbox
from warmline.models.people import BlockedNumber, Contact, Volunteer
from warmline.models.resource import Resource, ResourceShare
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
from warmline.models.training import TrainingText

__all__ = [
    "AuditEntry",
    "Base",
    "BlockedNumber",
    "Call",
    "CallLeg",
    "CallStep",
    "CarrierRecord",
    "CheckIn",
    "Closure",
    "ConsentRecord",
    "ConsentWording",
    "Contact",
    "ContactCount",
    "ContactLogEntry",
    "Conversation",
    "Coordinator",
    "CoordinatorLine",
    "EmailNotice",
    "InboundMessage",
    "Line",
    "LineHours",
    "LineText",
    "Offer",
    "OpenShift",
    "Outbox",
    "Resource",
    "ResourceShare",
    "RotaNotice",
    "Shift",
    "ShiftException",
    "ShiftOccurrence",
    "Timer",
    "TrainingText",
    "UTCDateTime",
    "Voicemail",
    "Volunteer",
]
