"""A caller's choice of language: the keys that choose, and the voice that speaks each language."""

from __future__ import annotations

from typing import Final

# The <Say> language attribute for each language a line can serve (Twilio's US voices).
SAY_LANGUAGE: Final = {"en": "en-US", "es": "es-US"}
# Short: a caller who presses nothing is not kept waiting long before the default.
CHOICE_TIMEOUT_S: Final = 4


def key_for(languages: tuple[str, ...], language: str) -> str:
    """The key that chooses `language`: its place in the line's list, from 1."""
    return str(languages.index(language) + 1)


def chosen(digits: str, languages: tuple[str, ...], default: str) -> str:
    """The language a caller's key chooses; no key, or another key, is the line's default."""
    key = digits.strip()[:1]
    if key.isdigit() and 1 <= int(key) <= len(languages):
        return languages[int(key) - 1]
    return default


def say_language(language: str, line_say_language: str) -> tuple[str, bool]:
    """The <Say> language for `language`, and whether the line's own voice fits it.

    The line's own speech settings (es-MX and a voice, say) serve the language they name;
    another language gets its own US voice.
    """
    own = line_say_language or SAY_LANGUAGE["en"]
    if own.split("-")[0].lower() == language:
        return own, True
    return SAY_LANGUAGE.get(language, own), False
