"""Lived-experience topics: a line's list with synonyms, and the topic a texter's words name."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from warmline.core.errors import InvalidInput
from warmline.core.text import fold

TopicList = Mapping[str, tuple[str, ...]]

# Used when a line has not set its own list; English and Spanish, written without accents
# because every comparison is folded (accents and case ignored).
DEFAULT_TOPICS: TopicList = {
    "anxiety": (
        "anxious",
        "panic",
        "panicking",
        "panic attack",
        "panic attacks",
        "worry",
        "worried",
        "nervous",
        "ansiedad",
        "ansioso",
        "ansiosa",
        "panico",
        "ataque de panico",
        "ataques de panico",
        "nervios",
    ),
    "depression": (
        "depressed",
        "hopeless",
        "numb",
        "depresion",
        "deprimido",
        "deprimida",
    ),
    "grief": (
        "grieving",
        "loss",
        "bereavement",
        "mourning",
        "passed away",
        "duelo",
        "perdida",
        "luto",
    ),
    "loneliness": ("lonely", "isolated", "alone", "soledad", "sola"),
    "substance use": (
        "drinking",
        "alcohol",
        "drugs",
        "sober",
        "sobriety",
        "relapse",
        "recovery",
        "drogas",
        "recaida",
        "sobriedad",
    ),
    "relationships": (
        "breakup",
        "break up",
        "divorce",
        "relationship",
        "ruptura",
        "divorcio",
        "pareja",
    ),
}
MAX_NAME = 40
MAX_TOPICS = 40


class InvalidTopics(InvalidInput):
    """A topic list we cannot read, with a message fit to show the operator."""


def parse_topics(setting: str) -> dict[str, tuple[str, ...]]:
    """A line's topics from its setting ("anxiety: panic, ansiedad; grief: loss"), or the defaults."""
    if not setting.strip():
        return dict(DEFAULT_TOPICS)
    topics: dict[str, tuple[str, ...]] = {}
    for entry in setting.replace("\n", ";").split(";"):
        if not entry.strip():
            continue
        name_part, _, synonyms = entry.partition(":")
        name = fold(name_part)
        if not name or len(name) > MAX_NAME:
            raise InvalidTopics(
                "topic {topic!r}: a name of 1 to {most} letters, "
                "like 'anxiety: panic, ansiedad; grief: loss'",
                topic=name_part.strip(),
                most=MAX_NAME,
            )
        words = tuple(w for w in (fold(s) for s in synonyms.split(",")) if w)
        topics[name] = tuple(dict.fromkeys((*topics.get(name, ()), *words)))
    if not topics:
        raise InvalidTopics("no topics given (leave the setting empty for the defaults)")
    if len(topics) > MAX_TOPICS:
        raise InvalidTopics("at most {count} topics", count=MAX_TOPICS)
    return topics


def topic_in(text: str, topics: TopicList) -> str | None:
    """The topic a texter's words name first, as whole words, accents and case ignored."""
    haystack = f" {fold(text)} "
    found: tuple[int, int, str] | None = None
    for name, synonyms in topics.items():
        for phrase in (name, *synonyms):
            folded = fold(phrase)
            at = haystack.find(f" {folded} ") if folded else -1
            if at < 0:
                continue
            candidate = (at, -len(folded), name)  # earliest, then the longest phrase there
            if found is None or candidate < found:
                found = candidate
    return found[2] if found else None


def resolve(word: str, topics: TopicList) -> str | None:
    """The topic a word is: its name or one of its synonyms exactly (a peer's TOPICS or RES)."""
    folded = fold(word)
    if not folded:
        return None
    for name, synonyms in topics.items():
        if folded == name or folded in (fold(s) for s in synonyms):
            return name
    return None


def resolve_list(text: str, topics: TopicList) -> tuple[list[str], list[str]]:
    """From "anxiety, grief, xyz": the known topics (in order, once each) and the unknown words."""
    known: list[str] = []
    unknown: list[str] = []
    for item in text.split(","):
        if not item.strip():
            continue
        name = resolve(item, topics)
        if name is None:
            unknown.append(item.strip())
        elif name not in known:
            known.append(name)
    return known, unknown


def stored(names: Iterable[str]) -> str:
    """A volunteer's topics as kept in one column."""
    return ",".join(names)


def from_stored(column: str) -> list[str]:
    """A volunteer's topics from their column."""
    return [name for name in column.split(",") if name]
