"""Volunteers as coordinators manage them: adding (with a welcome text), editing, pausing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from warmline.core.crypto import Keyring, Vault
from warmline.core.errors import InvalidInput
from warmline.core.jobqueue import JobQueue
from warmline.core.phones import parse_number
from warmline.core.refusals import refusal
from warmline.lines import audit
from warmline.lines.rules.languages import as_text, parse_languages
from warmline.lines.rules.topics import parse_topics, stored
from warmline.messaging import outbox
from warmline.messaging.outgoing import Turn
from warmline.models import Coordinator, Line, Outbox, Shift, Volunteer

MAX_NAME = 80
BAD_PHONE = refusal(
    "This is not a phone number we can text. Write it with its area code, like (555) 010-4477, "
    "or with its country code, like +44 20 7946 0958."
)
TAKEN_PHONE = refusal("A volunteer with this phone number already exists.")
TAKEN_BY_OTHER = refusal("Another volunteer already has this phone number.")
MAX_PAUSE = timedelta(days=60)


def lines_served(session: Session) -> dict[int, set[int]]:
    """The lines each volunteer has a (not cancelled) shift on, by volunteer id."""
    served: dict[int, set[int]] = {}
    query = select(Shift.volunteer_id, Shift.line_id).where(Shift.cancelled_at.is_(None))
    for volunteer_id, line_id in session.execute(query):
        served.setdefault(volunteer_id, set()).add(line_id)
    return served


def add(
    session: Session,
    keyring: Keyring,
    vault: Vault,
    queue: JobQueue | None,
    *,
    name: str,
    phone_raw: str,
    line: Line | None,
    actor: Coordinator | None,
    now: datetime,
    topics: Sequence[str] = (),
    languages: str = "en",
) -> Volunteer:
    """Register a volunteer and text them the welcome from `line` (none without a line)."""
    region = line.region if line is not None else "US"
    e164 = phone_in(phone_raw, region)
    volunteer = register(
        session,
        keyring,
        vault,
        name=_name(name),
        e164=e164,
        now=now,
        topics=topics,
        languages=as_text(parse_languages(languages)),
    )
    audit.record(
        session,
        actor,
        "added volunteer",
        volunteer.name,
        now,
        line_id=line.id if line is not None else None,
    )
    written = welcome(session, vault, line, [volunteer], now)
    session.commit()
    if queue is not None:
        outbox.enqueue_all(queue, [row.id for row in written])
    return volunteer


def register(
    session: Session,
    keyring: Keyring,
    vault: Vault,
    *,
    name: str,
    e164: str,
    now: datetime,
    topics: Sequence[str] = (),
    languages: str = "en",
) -> Volunteer:
    """A new volunteer row (flushed, not committed); the number is kept only sealed and as a key."""
    volunteer = new_volunteer(
        keyring, vault, name=name, e164=e164, now=now, topics=topics, languages=languages
    )
    if session.scalar(select(Volunteer.id).where(Volunteer.phone_key == volunteer.phone_key)):
        raise InvalidInput(TAKEN_PHONE, field="phone")
    session.add(volunteer)
    session.flush()
    return volunteer


def new_volunteer(
    keyring: Keyring,
    vault: Vault,
    *,
    name: str,
    e164: str,
    now: datetime,
    topics: Sequence[str] = (),
    languages: str = "en",
) -> Volunteer:
    """A volunteer row not yet added: the number only sealed and as its key."""
    return Volunteer(
        name=name,
        phone_key=keyring.key_for(e164),
        phone_sealed=vault.seal(e164),
        created_at=now,
        topics=stored(topics),
        languages=languages,
    )


def welcome(
    session: Session, vault: Vault, line: Line | None, people: Sequence[Volunteer], now: datetime
) -> list[Outbox]:
    """Queue the welcome text, with the commands a new peer needs, from `line` to each of `people`."""
    if line is None:
        return []
    turn = Turn(session, vault, line, now)
    for volunteer in people:
        turn.tell_volunteer(volunteer, "volunteer_welcome", name=volunteer.name)
    session.flush()
    return turn.written


def phone_in(raw: str, region: str) -> str:
    """A volunteer's number as E.164, read in the line's region; the error never repeats it."""
    try:
        return parse_number(raw, region, "phone")
    except InvalidInput:
        raise InvalidInput(BAD_PHONE, field="phone") from None


def edit(
    session: Session,
    keyring: Keyring,
    vault: Vault,
    volunteer_id: int,
    *,
    line: Line,
    name: str,
    phone_raw: str,
    topics: Sequence[str],
    languages: str,
    actor: Coordinator,
    now: datetime,
) -> Volunteer:
    """Change a volunteer's name, phone (blank keeps it), topics and languages, in one go."""
    volunteer = get(session, volunteer_id)
    changed: list[str] = []
    clean_name = _name(name)
    if clean_name != volunteer.name:
        changed.append(f"name {volunteer.name} → {clean_name}")
        volunteer.name = clean_name
    if phone_raw.strip():
        e164 = phone_in(phone_raw, line.region)
        key = keyring.key_for(e164)
        if key != volunteer.phone_key:
            other = session.scalar(
                select(Volunteer.id).where(Volunteer.phone_key == key, Volunteer.id != volunteer.id)
            )
            if other is not None:
                raise InvalidInput(TAKEN_BY_OTHER, field="phone")
            volunteer.phone_key = key
            volunteer.phone_sealed = vault.seal(e164)
            changed.append("phone")
    chosen = topics_from(topics, line)
    if stored(chosen) != volunteer.topics:
        volunteer.topics = stored(chosen)
        changed.append("topics")
    before = volunteer.languages
    set_languages(volunteer, languages)
    if volunteer.languages != before:
        changed.append(f"languages {volunteer.languages}")
    if changed:
        audit.record(
            session,
            actor,
            "edited volunteer",
            f"{volunteer.name}: {', '.join(changed)}",
            now,
            line_id=line.id,
        )
    session.commit()
    return volunteer


def topics_from(names: Sequence[str], line: Line) -> list[str]:
    """The line's topics among `names`, in the line's order; an unknown one is a clear error."""
    known = parse_topics(line.topics)
    wanted = {n.strip() for n in names if n.strip()}
    unknown = sorted(wanted - set(known))
    if unknown:
        raise InvalidInput(
            "{unknown} is not on this line's topic list ({known}).",
            field="topics",
            unknown=", ".join(unknown),
            known=", ".join(known),
        )
    return [topic for topic in known if topic in wanted]


def pause(
    session: Session,
    volunteer_id: int,
    until_raw: str,
    *,
    line: Line,
    actor: Coordinator,
    now: datetime,
) -> Volunteer:
    """No new offers to a volunteer until a time on the line's clock ("2026-12-24T18:00")."""
    volunteer = get(session, volunteer_id)
    zone = ZoneInfo(line.timezone)
    try:
        local = datetime.fromisoformat(until_raw.strip())
    except ValueError:
        raise InvalidInput("Choose the date and time the pause ends.", field="until") from None
    until = (local if local.tzinfo else local.replace(tzinfo=zone)).astimezone(UTC)
    if until <= now:
        raise InvalidInput("Choose a time in the future for the pause to end.", field="until")
    if until > now + MAX_PAUSE:
        raise InvalidInput(
            "Pause for at most {days} days; deactivate a volunteer for longer.",
            field="until",
            days=MAX_PAUSE.days,
        )
    volunteer.paused_until = until
    shown = until.astimezone(zone).strftime("%a %d %b %H:%M")
    audit.record(
        session, actor, "paused volunteer", f"{volunteer.name} until {shown}", now, line_id=line.id
    )
    session.commit()
    return volunteer


def resume(
    session: Session, volunteer_id: int, *, line: Line | None, actor: Coordinator, now: datetime
) -> Volunteer:
    """End a volunteer's pause now: offers reach them again while they are on shift."""
    volunteer = get(session, volunteer_id)
    volunteer.paused_until = None
    audit.record(
        session,
        actor,
        "resumed volunteer",
        volunteer.name,
        now,
        line_id=line.id if line is not None else None,
    )
    session.commit()
    return volunteer


def phone_ending(vault: Vault, volunteer: Volunteer, digits: int = 2) -> str:
    """The last few digits of a volunteer's number, enough to tell two entries apart."""
    return vault.open(volunteer.phone_sealed)[-digits:]


def rename(
    session: Session, volunteer_id: int, name: str, actor: Coordinator, now: datetime
) -> Volunteer:
    """Change how a volunteer is called on the dashboard and in alerts."""
    volunteer = get(session, volunteer_id)
    old = volunteer.name
    volunteer.name = _name(name)
    audit.record(session, actor, "renamed volunteer", f"{old} → {volunteer.name}", now)
    session.commit()
    return volunteer


def reactivate(session: Session, volunteer_id: int, actor: Coordinator, now: datetime) -> None:
    """Let a deactivated volunteer be offered conversations again."""
    volunteer = get(session, volunteer_id)
    volunteer.is_active = True
    audit.record(session, actor, "reactivated volunteer", volunteer.name, now)
    session.commit()


def get(session: Session, volunteer_id: int) -> Volunteer:
    """The volunteer with this id, or a clear error."""
    volunteer = session.get(Volunteer, volunteer_id)
    if volunteer is None:
        raise InvalidInput("There is no such volunteer.", field="volunteer")
    return volunteer


def _name(raw: str) -> str:
    name = " ".join((raw or "").split())
    if not name:
        raise InvalidInput("Enter the volunteer's name.", field="name")
    if len(name) > MAX_NAME:
        raise InvalidInput(
            "Keep the name to {most} characters or fewer.", field="name", most=MAX_NAME
        )
    return name


def add_volunteer(
    session: Session, keyring: Keyring, vault: Vault, *, name: str, phone_raw: str, now: datetime
) -> Volunteer:
    """Register a volunteer by phone without a welcome text (the demo and test fixtures)."""
    e164 = parse_number(phone_raw, "US", "--phone")
    volunteer = register(session, keyring, vault, name=_name(name), e164=e164, now=now)
    session.commit()
    return volunteer


def get_volunteer(session: Session, keyring: Keyring, phone_raw: str, region: str) -> Volunteer:
    """The volunteer with this phone, or a clear error."""
    e164 = parse_number(phone_raw, region, "--volunteer")
    volunteer = session.scalar(
        select(Volunteer).where(Volunteer.phone_key == keyring.key_for(e164))
    )
    if volunteer is None:
        raise InvalidInput(
            "no volunteer with that phone number (add them with `warmline volunteer add`)"
        )
    return volunteer


def set_languages(volunteer: Volunteer, text: str) -> tuple[str, ...]:
    """Replace the languages a peer talks in with those in `text` ("es, en"), or a clear error."""
    codes = parse_languages(text)
    volunteer.languages = as_text(codes)
    return codes
