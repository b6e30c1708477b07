"""The volunteers page's use cases: the roster with who is busy, and taking a peer off the line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warmline.conversations.lifecycle import claims
from warmline.core.crypto import Vault
from warmline.core.jobqueue import JobQueue
from warmline.core.statuses import ConversationStatus
from warmline.lines import audit
from warmline.lines.rules.topics import from_stored
from warmline.lines.volunteers import get, phone_ending
from warmline.messaging import outbox
from warmline.messaging.outgoing import Turn
from warmline.models import Conversation, Coordinator, Line, Volunteer
from warmline.rota.availability import active_counts


@dataclass(frozen=True)
class RosterRow:
    """A volunteer as the roster shows them: by name, never by number."""

    id: int
    name: str
    is_active: bool
    is_on: bool
    active_conversations: int
    topics: tuple[str, ...] = ()
    languages: tuple[str, ...] = ("en",)
    paused_until: datetime | None = None
    phone_ending: str = ""


def roster(
    session: Session, vault: Vault | None = None, now: datetime | None = None
) -> list[RosterRow]:
    """Every volunteer, active ones first, by name; with a vault, their number's last two digits."""
    people = list(
        session.scalars(
            select(Volunteer).order_by(Volunteer.is_active.desc(), Volunteer.name, Volunteer.id)
        )
    )
    counts = active_counts(session, [v.id for v in people])
    return [
        RosterRow(
            v.id,
            v.name,
            v.is_active,
            v.is_on,
            counts.get(v.id, 0),
            tuple(from_stored(v.topics)),
            tuple(code for code in v.languages.split(",") if code),
            v.paused_until if v.paused_until and now and v.paused_until > now else None,
            phone_ending(vault, v) if vault is not None else "",
        )
        for v in people
    ]


def deactivate(
    session: Session,
    vault: Vault,
    queue: JobQueue,
    volunteer_id: int,
    actor: Coordinator,
    now: datetime,
) -> int:
    """Stop offering to a volunteer; their active conversations go back to the queue. Returns how many."""
    volunteer = get(session, volunteer_id)
    volunteer.is_active = False
    session.flush()  # so the re-offers below already leave them out
    mine = list(
        session.scalars(
            select(Conversation)
            .where(
                Conversation.volunteer_id == volunteer.id,
                Conversation.status == ConversationStatus.ACTIVE,
            )
            .order_by(Conversation.id)
            .with_for_update()
        )
    )
    written: list[int] = []
    turns = []
    for conversation in mine:
        turn = Turn(session, vault, session.get_one(Line, conversation.line_id), now)
        claims.pass_back(turn, volunteer, conversation)
        turns.append(turn)
    audit.record(session, actor, "deactivated volunteer", volunteer.name, now)
    session.commit()
    for turn in turns:
        written.extend(turn.outbox_ids())
    outbox.enqueue_all(queue, written)
    return len(mine)
