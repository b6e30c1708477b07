"""Lines and their settings, as operators add and change them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warmline.core import phones
from warmline.core.clock import parse_zone, utcnow
from warmline.core.errors import InvalidInput
from warmline.core.phones import parse_number
from warmline.lines import texts
from warmline.lines.rules.languages import check_default, from_stored
from warmline.lines.rules.settings import DEFAULT_CRISIS, DEFAULT_HOURS, parse_setting
from warmline.messaging import wording
from warmline.messaging.outgoing import with_crisis_numbers
from warmline.models import Line, ShiftOccurrence


def add_line(
    session: Session,
    *,
    number_raw: str,
    name: str,
    timezone: str,
    now: datetime,
    crisis_numbers: str | None = None,
) -> Line:
    """Create a line for a number not yet in use."""
    e164 = parse_number(number_raw, "US", "--number")
    parse_zone(timezone)
    if not name.strip():
        raise InvalidInput("--name must not be empty")
    if find_line(session, e164) is not None:
        raise InvalidInput("a line with number {number} already exists", number=e164)
    region = phones.region_of(e164)
    line = Line(
        number=e164,
        name=name.strip()[:80],
        timezone=timezone,
        region=region,
        crisis_numbers=crisis_numbers or DEFAULT_CRISIS.get(region, DEFAULT_CRISIS["US"]),
        hours_text=DEFAULT_HOURS,
        created_at=now,
    )
    session.add(line)
    session.commit()
    return line


def find_line(session: Session, e164: str) -> Line | None:
    """The line with this number."""
    return session.scalar(select(Line).where(Line.number == e164))


def get_line(session: Session, number_raw: str) -> Line:
    """The line with this number, or a clear error."""
    e164 = parse_number(number_raw, "US", "line")
    line = find_line(session, e164)
    if line is None:
        raise InvalidInput("no line with number {number}", number=e164)
    return line


def set_line(
    session: Session, line: Line, assignments: list[str], now: datetime | None = None
) -> dict[str, object]:
    """Apply `name=value` settings all together, or none of them."""
    changes: dict[str, object] = {}
    for assignment in assignments:
        key, sep, value = assignment.partition("=")
        key = key.strip()
        if not sep:
            raise InvalidInput("{assignment!r}: expected setting=value", assignment=assignment)
        changes[key] = parse_setting(key, value.strip())
    if not changes:
        raise InvalidInput("nothing to set: give one or more setting=value")
    offer, escalate, fallback = (
        int(str(changes.get(k, getattr(line, k))))
        for k in ("offer_timeout_s", "escalate_timeout_s", "fallback_timeout_s")
    )
    if not offer < escalate < fallback:
        raise InvalidInput(
            "timeouts must grow: offer_timeout_s < escalate_timeout_s < fallback_timeout_s"
        )
    check_default(
        from_stored(str(changes.get("languages", line.languages))),
        str(changes.get("default_language", line.default_language)),
    )
    if "timezone" in changes and changes["timezone"] != line.timezone:
        upcoming = session.scalar(
            select(ShiftOccurrence.id)
            .where(ShiftOccurrence.line_id == line.id, ShiftOccurrence.ends_at > (now or utcnow()))
            .limit(1)
        )
        if upcoming is not None:
            # Shifts were entered as wall-clock times in the old zone; moving them silently is worse.
            raise InvalidInput(
                "the line has upcoming shifts: cancel them before changing its time zone"
            )
    greeting = str(changes.get("greeting", "")).strip()
    if greeting:
        _refuse_long_legacy_greeting(line, changes, greeting)
    wordings = [name for name in texts.FIRST_REPLY_SETTINGS if name in changes]
    # Everything else first (a new name, new languages), so that only what the wordings
    # themselves add to a first reply is held against them.
    for name, new_value in changes.items():
        if name not in wordings:
            setattr(line, name, new_value)
    languages = from_stored(line.languages)
    before = {lang: texts.first_replies(session, line, lang) for lang in languages if wordings}
    for name in wordings:
        setattr(line, name, changes[name])
    try:
        for language, made in before.items():
            after = texts.first_replies(session, line, language)
            texts.refuse_longer_first_replies(made, after, language, wordings[0])
    except InvalidInput:
        session.rollback()
        raise
    session.commit()
    return changes


def _refuse_long_legacy_greeting(line: Line, changes: dict[str, object], greeting: str) -> None:
    """The greeting setting (the line's greeting in its default language) must fit a first reply."""
    language = str(changes.get("default_language", line.default_language))
    crisis = wording.setting_in(
        "crisis_numbers", str(changes.get("crisis_numbers", line.crisis_numbers)), language
    )
    texts.refuse_long_greeting(with_crisis_numbers(greeting, crisis, language), language)
