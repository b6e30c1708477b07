"""Crisis words: a texter's words that call for the safety message and a coordinator."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache

from warmline.core.text import fold

DEFAULT_CRISIS_WORDS: Mapping[str, tuple[str, ...]] = {
    "en": (
        "suicide",
        "suicidal",
        "kill myself",
        "end my life",
        "want to die",
        "hurt myself",
        "self harm",
        "overdose",
        "no reason to live",
        "better off dead",
    ),
    "es": (
        "suicidio",
        "suicidarme",
        "matarme",
        "quitarme la vida",
        "quiero morir",
        "hacerme dano",
        "sobredosis",
        "no quiero vivir",
    ),
}


def word_lists(configured: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """The line's words per language (comma-separated settings), defaults where it has none."""
    lists: dict[str, tuple[str, ...]] = {}
    for language, defaults in DEFAULT_CRISIS_WORDS.items():
        own = tuple(w.strip() for w in configured.get(language, "").split(",") if w.strip())
        lists[language] = own or defaults
    return lists


def mentions_crisis(text: str, lists: Mapping[str, Iterable[str]]) -> bool:
    """True when `text` contains any word or phrase of any language, as whole words."""
    haystack = f" {fold(text)} "
    return any(
        f" {folded} " in haystack
        for words in lists.values()
        for phrase in words
        if (folded := _folded_phrase(phrase))
    )


# Every text is checked against the same few dozen phrases: each is folded once per process.
_folded_phrase = lru_cache(maxsize=4096)(fold)
