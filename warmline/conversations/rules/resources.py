"""Which of a line's resources a peer's `RES <word>` asks for."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from warmline.core.text import fold
from warmline.lines.rules.topics import TopicList, resolve

LANGUAGES = ("en", "es")


@dataclass(frozen=True)
class ResourceCard:
    """What ranking needs to know about one resource."""

    id: int
    title: str
    topics: tuple[str, ...]
    language: str


@dataclass(frozen=True)
class ResourceRequest:
    """The words a peer asked with, and the language they named, if any (`RES grief es`)."""

    words: str
    language: str | None = None


def parse_request(text: str) -> ResourceRequest:
    """Split a trailing language code off a peer's words."""
    parts = text.split()
    if len(parts) > 1 and parts[-1].lower() in LANGUAGES:
        return ResourceRequest(" ".join(parts[:-1]), parts[-1].lower())
    return ResourceRequest(" ".join(parts))


def _score(query: str, topic: str | None, card: ResourceCard) -> int:
    """How well a card fits: its topic 4, the words in its title 3, a title word 2, a prefix 1."""
    card_topics = {fold(t) for t in card.topics}
    if (topic is not None and topic in card_topics) or query in card_topics:
        return 4
    title = fold(card.title).split()
    if f" {query} " in f" {' '.join(title)} ":
        return 3
    words = query.split()
    if any(w in title for w in words):
        return 2
    if any(t.startswith(w) for w in words if len(w) >= 3 for t in title):
        return 1
    return 0


def best_match(
    words: str, cards: Sequence[ResourceCard], topic: str | None, language: str | None = None
) -> int | None:
    """The id of the card that fits best (ties: the asked language, then the oldest); None if none."""
    query = fold(words)
    if not query:
        return None
    ranked = [
        ((score, card.language == language, -card.id), card.id)
        for card in cards
        if (score := _score(query, topic, card)) > 0
    ]
    return max(ranked)[1] if ranked else None


def knows_word(text: str, cards: Sequence[ResourceCard], topics: TopicList) -> bool:
    """Words `RES` takes: a topic, a resource's topic or title words, or a title word's start."""
    query = fold(parse_request(text).words)
    if not query:
        return False
    if resolve(query, topics) is not None:
        return True
    single = " " not in query and len(query) >= 4
    return any(
        (score := _score(query, None, card)) >= 3 or (single and score >= 1) for card in cards
    )


def suggestions(cards: Sequence[ResourceCard], limit: int = 5) -> list[tuple[str, str]]:
    """(word to send after RES, title) for the first few cards; each word finds its own card."""
    chosen: list[tuple[str, str]] = []
    used: set[str] = set()
    for card in sorted(cards, key=lambda c: c.id):
        candidates = [fold(t) for t in card.topics] + [
            w for w in fold(card.title).split() if len(w) >= 3
        ]
        for word in candidates:
            if word and word not in used and best_match(word, cards, None) == card.id:
                chosen.append((word, card.title))
                used.add(word)
                break
        if len(chosen) == limit:
            break
    return chosen
