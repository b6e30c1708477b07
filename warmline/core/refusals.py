"""The refusals' own catalogue: InvalidInput's English sentences in the reader's language.

Each refusal is an English template with {name} placeholders; its translations live in the
gettext domain `refusals` (`core/locale/<language>/LC_MESSAGES/refusals.po`, compiled `.mo`).
The language is context-local: English unless an edge (the dashboard, per request) says otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar, Token
from functools import cache
from gettext import NullTranslations, translation
from pathlib import Path

DOMAIN = "refusals"
LOCALE = Path(__file__).parent / "locale"
ENGLISH = "en"

_language: ContextVar[str] = ContextVar("refusal_language", default=ENGLISH)


class Phrase(str):
    """English words marked for the refusals' catalogue: a template, or a word put into one."""


def refusal(text: str) -> Phrase:
    """Mark `text` for the refusals' catalogue, where it is kept in a table or built by a helper."""
    return Phrase(text)


def language() -> str:
    """The language refusals are read in here."""
    return _language.get()


def read_in(code: str) -> Token[str]:
    """Read refusals in `code` until the returned token is reset."""
    return _language.set(code)


def reset(token: Token[str]) -> None:
    """Go back to the language before `read_in`."""
    _language.reset(token)


@contextmanager
def reading_in(code: str) -> Iterator[None]:
    """Read refusals in `code` inside the block."""
    token = read_in(code)
    try:
        yield
    finally:
        reset(token)


@cache
def catalogue(code: str) -> NullTranslations:
    """The compiled refusals of one language (none for English: the source is English)."""
    if code == ENGLISH:
        return NullTranslations()
    # The standard library's reader: Babel's adds nothing used here, and would bring its dates,
    # numbers and time zones into a worker's memory for good (about 1 MB).
    return translation(DOMAIN, LOCALE, [code], fallback=True)


def translate(text: str, code: str | None = None) -> str:
    """`text` in `code` (the context's language when None); the English where none is kept."""
    return catalogue(code or language()).gettext(text)


def fill(template: str, params: Mapping[str, object], code: str | None = None) -> str:
    """A template in `code` with its params, marked words and nested refusals translated too."""
    code = code or language()
    text = translate(template, code)
    if not params:
        return text
    return text.format(**{name: _word(value, code) for name, value in params.items()})


def _word(value: object, code: str) -> object:
    if isinstance(value, Phrase):
        return translate(value, code)
    translated = getattr(value, "translated", None)
    if callable(translated):
        return translated(code)
    return value


def refusal_text(template: str, **params: object) -> str:
    """A refusal that is not raised (a row of a file, say), filled in the context's language."""
    return fill(template, params)
