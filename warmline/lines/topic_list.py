"""A line's topic list, edited one topic at a time: each checked, the whole list kept valid."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warmline.core.errors import InvalidInput
from warmline.core.text import fold
from warmline.lines import audit
from warmline.lines.rules.settings import TEXT_SETTINGS
from warmline.lines.rules.topics import (
    MAX_NAME,
    MAX_TOPICS,
    TopicList,
    from_stored,
    parse_topics,
    stored,
)
from warmline.models import Coordinator, Line, Resource


def topics(line: Line) -> dict[str, tuple[str, ...]]:
    """The line's topics with their synonyms: its own list, or the built-in one."""
    return parse_topics(line.topics)


def add_topic(
    session: Session, line: Line, name: str, synonyms: str, actor: Coordinator, now: datetime
) -> str:
    """Add a topic to the line's list; returns its name as kept."""
    current = topics(line)
    folded, words = _read(name, synonyms, current, keep=None)
    if len(current) >= MAX_TOPICS:
        raise InvalidInput("a line has at most {most} topics", "name", most=MAX_TOPICS)
    current[folded] = words
    _store(session, line, current, actor, "added topic", _entry(folded, words), now)
    return folded


def change_topic(
    session: Session,
    line: Line,
    old_name: str,
    name: str,
    synonyms: str,
    actor: Coordinator,
    now: datetime,
) -> str:
    """Rename a topic or change its other words, keeping its place in the list."""
    current = topics(line)
    if old_name not in current:
        raise InvalidInput("no topic {name!r} on this line", "name", name=old_name)
    folded, words = _read(name, synonyms, current, keep=old_name)
    before = _entry(old_name, current[old_name])
    renamed = {
        (folded if k == old_name else k): (words if k == old_name else v)
        for k, v in current.items()
    }
    subject = f"{before} → {_entry(folded, words)}"
    if folded != old_name:
        _refile(session, line, old_name, folded)
    _store(session, line, renamed, actor, "changed topic", subject, now)
    return folded


def remove_topic(
    session: Session, line: Line, name: str, actor: Coordinator, now: datetime
) -> None:
    """Take a topic off the list; the last one stays, so the list never falls back unnoticed."""
    current = topics(line)
    if name not in current:
        raise InvalidInput("no topic {name!r} on this line", "name", name=name)
    if len(current) == 1:
        raise InvalidInput("a line keeps at least one topic: add another before removing this")
    words = current.pop(name)
    _refile(session, line, name, None)
    _store(session, line, current, actor, "removed topic", _entry(name, words), now)


def _read(
    name: str, synonyms: str, current: TopicList, keep: str | None
) -> tuple[str, tuple[str, ...]]:
    """A topic's name and other words, folded, or the first thing wrong with them."""
    folded = fold(name)
    if not folded or len(folded) > MAX_NAME:
        raise InvalidInput(
            "a topic's name is 1 to {most} letters, such as “grief”", "name", most=MAX_NAME
        )
    words = tuple(
        dict.fromkeys(w for w in (fold(s) for s in synonyms.split(",")) if w and w != folded)
    )
    if any(len(w) > MAX_NAME for w in words):
        raise InvalidInput("each other word is at most {most} letters", "synonyms", most=MAX_NAME)
    for other, its_words in current.items():
        if other == keep:
            continue
        for word in (folded, *words):
            if word == other or word in its_words:
                field = "name" if word == folded else "synonyms"
                raise InvalidInput(
                    "“{word}” already stands for the topic “{other}”",
                    field,
                    word=word,
                    other=other,
                )
    return folded, words


def _refile(session: Session, line: Line, old: str, new: str | None) -> None:
    """The line's resources filed under `old` are filed under `new` instead (or under neither)."""
    for resource in session.scalars(
        select(Resource).where(Resource.line_id == line.id, Resource.retired_at.is_(None))
    ):
        names = from_stored(resource.topics)
        if old in names:
            kept = [new if n == old else n for n in names if n != old or new is not None]
            resource.topics = stored(dict.fromkeys(n for n in kept if n))


def _store(
    session: Session,
    line: Line,
    new: TopicList,
    actor: Coordinator,
    action: str,
    subject: str,
    now: datetime,
) -> None:
    """Keep the list as the line's setting, audited, if it still fits the setting's length."""
    text = "; ".join(_entry(name, words) for name, words in new.items())
    if len(text) > TEXT_SETTINGS["topics"]:
        raise InvalidInput(
            "the topic list would be longer than {most} characters: shorten some other words",
            "synonyms",
            most=TEXT_SETTINGS["topics"],
        )
    parse_topics(text)  # as the line will read it
    line.topics = text
    audit.record(session, actor, action, subject, now, line.id)
    session.commit()


def _entry(name: str, words: tuple[str, ...]) -> str:
    """One topic as the setting writes it: `grief: loss, duelo`."""
    return f"{name}: {', '.join(words)}" if words else name
