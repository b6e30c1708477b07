"""The line's resource library: coordinators keep it; peers send from it with `RES <word>`."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from warmline.conversations.rules.resources import (
    LANGUAGES,
    ResourceCard,
    best_match,
    parse_request,
    suggestions,
)
from warmline.core.db import insert_or_skip
from warmline.core.errors import InvalidInput
from warmline.core.text import fold
from warmline.lines import audit
from warmline.lines.rules.topics import from_stored, resolve, resolve_list, stored, topic_in
from warmline.lines.topic_list import topics as line_topics
from warmline.messaging.outgoing import Turn
from warmline.models import (
    Contact,
    Conversation,
    Coordinator,
    Line,
    Resource,
    ResourceShare,
    Volunteer,
)

LIMITS = {"title": 120, "text": 480, "link": 300}
FIELDS = ("title", "text", "link", "topics", "language")
# What a resource's link may be, checked when it comes from the dashboard's form: a web address
# or a phone number, the two things a texter can act on from a text.
_WEB = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)
_PHONE = re.compile(r"\+?[\d\s().-]{3,20}")


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
    strict: bool = False,
    actor: Coordinator | None = None,
) -> Resource:
    """Add a resource to the line's library; topics are read through the line's topic list.

    `strict` (the dashboard): topics must be on the line's list, the link a web address or number.
    """
    resource = Resource(line_id=line.id, created_at=now)
    _fill(resource, line, title, text, link, topics, language, strict)
    session.add(resource)
    session.flush()
    audit.record(session, actor, "added resource", resource.title, now, line.id, _cli(actor))
    session.commit()
    return resource


def edit(
    session: Session,
    line: Line,
    resource_id: int,
    *,
    title: str,
    text: str,
    link: str,
    topics: str,
    language: str,
    now: datetime,
    actor: Coordinator | None = None,
) -> Resource:
    """Change a resource in the line's library, checked as strictly as the dashboard adds one."""
    resource = in_library(session, line, resource_id)
    before = (resource.title, resource.body, resource.link, resource.topics, resource.language)
    _fill(resource, line, title, text, link, topics, language, strict=True)
    after = (resource.title, resource.body, resource.link, resource.topics, resource.language)
    changed = [name for name, old, new in zip(FIELDS, before, after, strict=True) if old != new]
    if changed:
        subject = f"{resource.title}: {', '.join(changed)}"
        audit.record(session, actor, "changed resource", subject, now, line.id, _cli(actor))
    session.commit()
    return resource


def _fill(
    resource: Resource,
    line: Line,
    title: str,
    text: str,
    link: str,
    topics: str,
    language: str,
    strict: bool,
) -> None:
    """Check a resource's values and set them, or raise naming the first field refused."""
    values = {
        "title": " ".join(title.split()),
        "text": " ".join(text.split()),
        "link": link.strip(),
    }
    for name, value in values.items():
        if len(value) > LIMITS[name] or (name != "link" and not value):
            raise InvalidInput(
                "--{name} must be 1 to {most} characters", name, name=name, most=LIMITS[name]
            )
    link_ok = _WEB.fullmatch(values["link"]) or _PHONE.fullmatch(values["link"])
    if strict and values["link"] and not link_ok:
        raise InvalidInput(
            "--link must be a web address (https://…) or a phone number, or left empty", "link"
        )
    if language not in LANGUAGES:
        raise InvalidInput(
            "--language must be one of {codes}", "language", codes=", ".join(LANGUAGES)
        )
    known = line_topics(line)
    names, unknown = resolve_list(topics, known)
    if strict and unknown:
        raise InvalidInput(
            "--topics: not on the line's topic list: {unknown} (the list: {known})",
            "topics",
            unknown=", ".join(unknown),
            known=", ".join(known),
        )
    names += [fold(t) for t in unknown if fold(t)]
    joined = stored(dict.fromkeys(names))
    if len(joined) > 300:
        raise InvalidInput("--topics: too many topics", "topics")
    resource.title = values["title"]
    resource.body = values["text"]
    resource.link = values["link"]
    resource.topics = joined
    resource.language = language


def _cli(actor: Coordinator | None) -> str | None:
    """Who the audit log names when no coordinator is signed in: the command line."""
    return None if actor else "cli"


def in_library(session: Session, line: Line, resource_id: int) -> Resource:
    """A resource of this line still in use, or a clear error."""
    resource = session.get(Resource, resource_id)
    if resource is None or resource.line_id != line.id or resource.retired_at is not None:
        raise InvalidInput(
            "no resource {id} on this line (see `warmline resource list`)", id=resource_id
        )
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


def retire(
    session: Session,
    line: Line,
    resource_id: int,
    now: datetime,
    actor: Coordinator | None = None,
) -> Resource:
    """Take a resource out of the library (its share counts stay)."""
    resource = in_library(session, line, resource_id)
    resource.retired_at = now
    audit.record(session, actor, "removed resource", resource.title, now, line.id, _cli(actor))
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
    insert = insert_or_skip(dialect)
    statement = insert(ResourceShare).values(
        line_id=line.id, day=day, resource_id=resource.id, count=1
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["line_id", "day", "resource_id"],
            set_={"count": ResourceShare.count + 1},
        )
    )
