"""The line's resource library: coordinators keep it; peers send from it with `RES <word>`."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from warmline.conversations.matching import line_topics
from warmline.conversations.rules.resources import (
    LANGUAGES,
    ResourceCard,
    best_match,
    parse_request,
    suggestions,
)
from warmline.core.errors import InvalidInput
from warmline.core.text import fold
from warmline.lines.rules.topics import from_stored, resolve, stored, topic_in
from warmline.messaging.outgoing import Turn
from warmline.models import Contact, Conversation, Line, Resource, ResourceShare, Volunteer

LIMITS = {"title": 120, "text": 480, "link": 300}


def add(
    session: Session,
    line: Line,
    *,
    title: str,
    text: str,
    link: str,
    topics: str,
    language: str,
    now: datetime,
) -> Resource:
    """Add a resource to the line's library; topics are read through the line's topic list."""
    values = {
        "title": " ".join(title.split()),
        "text": " ".join(text.split()),
        "link": link.strip(),
    }
    for name, value in values.items():
        if len(value) > LIMITS[name] or (name != "link" and not value):
            raise InvalidInput(f"--{name} must be 1 to {LIMITS[name]} characters")
    if language not in LANGUAGES:
        raise InvalidInput(f"--language must be one of {', '.join(LANGUAGES)}")
    known = line_topics(line)
    names = [resolve(t, known) or fold(t) for t in topics.split(",") if fold(t)]
    resource = Resource(
        line_id=line.id,
        title=values["title"],
        body=values["text"],
        link=values["link"],
        topics=stored(dict.fromkeys(names)),
        language=language,
        created_at=now,
    )
    if len(resource.topics) > 300:
        raise InvalidInput("--topics: too many topics")
    session.add(resource)
    session.commit()
    return resource


def library(session: Session, line: Line) -> list[Resource]:
    """The line's resources in use, oldest first."""
    return list(
        session.scalars(
            select(Resource)
            .where(Resource.line_id == line.id, Resource.retired_at.is_(None))
            .order_by(Resource.id)
        )
    )


def listing(session: Session, line: Line) -> list[str]:
    """One line of text per resource, for the CLI."""
    rows = [
        f"{r.id:>5}  [{r.language}] {r.title}  ({r.topics.replace(',', ', ') or 'no topics'})"
        for r in library(session, line)
    ]
    return rows or ["no resources on this line yet"]


def retire(session: Session, line: Line, resource_id: int, now: datetime) -> Resource:
    """Take a resource out of the library (its share counts stay)."""
    resource = session.get(Resource, resource_id)
    if resource is None or resource.line_id != line.id or resource.retired_at is not None:
        raise InvalidInput(f"no resource {resource_id} on this line (see `warmline resource list`)")
    resource.retired_at = now
    session.commit()
    return resource


def find(turn: Turn, words: str) -> Resource | None:
    """The resource that fits a peer's words best: by topic (synonyms too), then by title."""
    request = parse_request(words)
    known = line_topics(turn.line)
    topic = resolve(request.words, known) or topic_in(request.words, known)
    resources = library(turn.session, turn.line)
    cards = [
        ResourceCard(r.id, r.title, tuple(from_stored(r.topics)), r.language) for r in resources
    ]
    chosen = best_match(request.words, cards, topic, request.language)
    return next((r for r in resources if r.id == chosen), None)


def cards(session: Session, line: Line) -> list[ResourceCard]:
    """What choosing among the line's resources needs to know about each."""
    return [
        ResourceCard(r.id, r.title, tuple(from_stored(r.topics)), r.language)
        for r in library(session, line)
    ]


def tell_choices(turn: Turn, volunteer: Volunteer, words: str | None) -> None:
    """A few resources and the word that sends each; said when nothing matched or RES alone."""
    resources = library(turn.session, turn.line)
    if not resources:
        turn.tell_volunteer(volunteer, "resource_none")
        return
    cards = [
        ResourceCard(r.id, r.title, tuple(from_stored(r.topics)), r.language) for r in resources
    ]
    choices = "; ".join(f"RES {word} ({title})" for word, title in suggestions(cards))
    if words:
        turn.tell_volunteer(volunteer, "resource_choices", word=words, choices=choices)
    else:
        turn.tell_volunteer(volunteer, "resource_list", choices=choices)


def send(turn: Turn, volunteer: Volunteer, conversation: Conversation, resource: Resource) -> None:
    """Send a resource to the texter from the line number, and count it (never to whom)."""
    contact = (
        turn.session.get(Contact, conversation.contact_id) if conversation.contact_id else None
    )
    if contact is None or contact.opted_out_at is not None:
        turn.tell_volunteer(volunteer, "texter_unreachable", conversation.id, ref=conversation.ref)
        return
    link = f" {resource.link}" if resource.link else ""
    language = turn.language_of(contact)
    text = turn.say("resource", language, title=resource.title, text=resource.body, link=link)
    turn.text_contact(contact, text, conversation.id)
    conversation.last_activity_at = turn.now
    _count(turn.session, turn.line, resource, turn.now)
    turn.tell_volunteer(
        volunteer, "resource_sent", conversation.id, ref=conversation.ref, title=resource.title
    )


def _count(session: Session, line: Line, resource: Resource, now: datetime) -> None:
    """One more share of the resource on the line's day."""
    day = now.astimezone(ZoneInfo(line.timezone)).date()
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(ResourceShare).values(
        line_id=line.id, day=day, resource_id=resource.id, count=1
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["line_id", "day", "resource_id"],
            set_={"count": ResourceShare.count + 1},
        )
    )
