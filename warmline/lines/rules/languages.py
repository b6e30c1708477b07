"""The languages a line, a peer and a texter can use, and how a list of them is read."""

from __future__ import annotations

import re

from warmline.core.errors import InvalidInput

# Language code -> the name a speaker of it would recognise.
SUPPORTED: dict[str, str] = {"en": "English", "es": "Español"}


def parse_languages(text: str, field: str = "languages") -> tuple[str, ...]:
    """Read "en, es" into ("en", "es"): known codes, in the order given, each once."""
    codes: list[str] = []
    for word in re.split(r"[\s,;]+", text.strip().lower()):
        if word and known_language(word, field) not in codes:
            codes.append(word)
    if not codes:
        raise InvalidInput("Give at least one language, e.g. en or en,es", field)
    return tuple(codes)


def known_language(code: str, field: str = "language") -> str:
    """`code` when it is a language this version knows; refused otherwise."""
    if code not in SUPPORTED:
        raise InvalidInput(
            "{word!r} is not a language this line knows (use {known})",
            field,
            word=code,
            known=", ".join(SUPPORTED),
        )
    return code


def as_text(codes: tuple[str, ...]) -> str:
    """The stored form of a list of language codes."""
    return ",".join(codes)


def from_stored(text: str | None) -> tuple[str, ...]:
    """The codes of a stored list ("en,es"), ignoring any this version does not know."""
    return tuple(c for c in (text or "").split(",") if c in SUPPORTED)


def check_default(languages: tuple[str, ...], default: str) -> None:
    """A line's default language must be one it offers."""
    if default not in languages:
        raise InvalidInput(
            "default_language {default!r} is not one of the line's languages ({languages})",
            "default_language",
            default=default,
            languages=as_text(languages),
        )
