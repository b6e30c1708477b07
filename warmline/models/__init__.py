"""The database tables, as typed SQLAlchemy models, one small module per concern."""

from warmline.models.base import Base, UTCDateTime
from warmline.models.conversation import Conversation, InboundMessage, Offer
from warmline.models.line import Line
from warmline.models.outbox import Outbox
from warmline.models.people import Contact, Volunteer
from warmline.models.rota import Shift

__all__ = [
    "Base",
    "Contact",
    "Conversation",
    "InboundMessage",
    "Line",
    "Offer",
    "Outbox",
    "Shift",
    "UTCDateTime",
    "Volunteer",
]
