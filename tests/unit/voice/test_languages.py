"""A caller's key chooses a language; each language is spoken in a voice that fits it."""

from __future__ import annotations

import pytest

from warmline.voice.rules.languages import chosen, key_for, say_language

BOTH = ("en", "es")


@pytest.mark.parametrize(
    ("digits", "languages", "default", "language"),
    [
        ("1", BOTH, "en", "en"),
        ("2", BOTH, "en", "es"),
        ("", BOTH, "en", "en"),  # no key before the timeout
        ("", BOTH, "es", "es"),
        ("9", BOTH, "en", "en"),
        ("#", BOTH, "es", "es"),
        ("1", ("es", "en"), "en", "es"),  # the line's order sets the keys
    ],
)
def test_the_key_chooses_by_the_lines_order_and_anything_else_is_the_default(
    digits: str, languages: tuple[str, ...], default: str, language: str
) -> None:
    assert chosen(digits, languages, default) == language


def test_the_key_said_for_each_language_is_its_place() -> None:
    assert [key_for(("es", "en"), c) for c in ("es", "en")] == ["1", "2"]


@pytest.mark.parametrize(
    ("language", "line_say_language", "spoken"),
    [
        ("en", "en-US", ("en-US", True)),
        ("es", "en-US", ("es-US", False)),
        ("es", "es-MX", ("es-MX", True)),  # the line's own Spanish voice
        ("en", "es-MX", ("en-US", False)),
        ("en", "", ("en-US", True)),
    ],
)
def test_each_language_is_said_in_a_voice_for_it(
    language: str, line_say_language: str, spoken: tuple[str, bool]
) -> None:
    assert say_language(language, line_say_language) == spoken
