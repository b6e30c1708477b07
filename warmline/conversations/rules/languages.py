"""Which language a texter writes in, read from a short first text, and the words that switch it."""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from warmline.core.text import fold

if TYPE_CHECKING:
    from lingua import LanguageDetector

# Below this share of the detector's belief (between the line's languages) it is a guess, and
# the line's default serves the texter better than a coin toss; bench/languages.py measures it.
CONFIDENCE = 0.6
ONE_WORD_CONFIDENCE = 0.9

# A whole message that asks for a language (any case, with or without the accent).
SWITCH_WORDS: dict[str, str] = {
    "espanol": "es",
    "spanish": "es",
    "english": "en",
    "ingles": "en",
}

# A first text that is only a greeting says its language by its word, where the statistics of a
# two-letter text cannot: "hiii", "holaa", "holi".
_GREETINGS: dict[str, str] = {
    "hi": "en",
    "hey": "en",
    "hello": "en",
    "helo": "en",
    "hiya": "en",
    "hola": "es",
    "holi": "es",
    "ola": "es",
    "buenas": "es",
    "oye": "es",
}
_REPEATS = re.compile(r"(.)\1+")

# Small words a short text cannot do without and that belong to one language only: pronouns,
# articles, prepositions, conjunctions. The low accuracy detector misreads short sad texts
# ("sad and alone", "i miss my dad"); a sentence's function words do not.
_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "i",
            "im",
            "my",
            "the",
            "and",
            "to",
            "of",
            "you",
            "your",
            "it",
            "is",
            "with",
            "for",
            "this",
            "that",
            "what",
            "where",
            "do",
        ]
    ),
    "es": frozenset(
        [
            "yo",
            "mi",
            "mis",
            "el",
            "la",
            "los",
            "las",
            "y",
            "que",
            "de",
            "del",
            "con",
            "por",
            "para",
            "es",
            "un",
            "una",
            "tu",
            "estoy",
        ]
    ),
}


def asked_language(body: str) -> str | None:
    """The language a message asks for when it is one switch word: ESPAÑOL, SPANISH, INGLÉS."""
    return SWITCH_WORDS.get(fold(body))


def detect(text: str, languages: tuple[str, ...], default: str) -> str:
    """The language of a texter's words among the line's `languages`, or `default` when unsure."""
    if len(languages) == 1:
        return languages[0]
    greeting = _greeting(text)
    if greeting in languages:
        return greeting
    told = _told_by_function_words(text, languages)
    if told is not None:
        return told
    # One word is little for the low accuracy detector ("one" reads es at 0.61, "ayuda" at 1.0).
    bar = CONFIDENCE if len(fold(text).split()) > 1 else ONE_WORD_CONFIDENCE
    guess, confidence = best_guess(text, languages)
    if guess is None or confidence < bar:
        return default
    return guess


def best_guess(text: str, languages: tuple[str, ...]) -> tuple[str | None, float]:
    """The detector's most likely language of `text` among `languages`, and its confidence."""
    if not any(c.isalpha() for c in text):
        return None, 0.0  # emoji, digits, punctuation: nothing to read
    values = _detector(tuple(sorted(languages))).compute_language_confidence_values(text)
    if not values:
        return None, 0.0
    top = values[0]
    return top.language.iso_code_639_1.name.lower(), top.value


def _greeting(text: str) -> str | None:
    """The language of a message that is one greeting word, letters repeated or not."""
    words = fold(text).split()
    if len(words) != 1:
        return None
    return _GREETINGS.get(_REPEATS.sub(r"\1", words[0])) or _GREETINGS.get(words[0])


def load_detector(languages: tuple[str, ...]) -> None:
    """Load the detector's models for `languages` now, not on the first text that needs them."""
    if len(languages) > 1:
        _detector(tuple(sorted(languages))).compute_language_confidence_values("hello hola")


@cache
def _detector(languages: tuple[str, ...]) -> LanguageDetector:
    """A detector that knows only `languages`, built once per process (it holds their models)."""
    # Imported here so that processes that never read a first text never load the models.
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    chosen = [
        Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in languages
    ]
    # Low accuracy mode loads only the trigram models: a quarter of the memory in every worker,
    # and short first texts read as well (greeting words and the line's default cover the rest).
    return LanguageDetectorBuilder.from_languages(*chosen).with_low_accuracy_mode().build()


def _told_by_function_words(text: str, languages: tuple[str, ...]) -> str | None:
    """The one language among `languages` whose function words the text uses, if only one's."""
    words = set(fold(text).split())
    used = [code for code in languages if words & _FUNCTION_WORDS.get(code, frozenset())]
    return used[0] if len(used) == 1 else None
