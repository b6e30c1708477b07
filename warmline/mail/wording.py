"""Alert e-mails in a coordinator's language: the English source in the rules, others in a catalogue."""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path
from typing import Final

from warmline.mail.rules.compose import ENGLISH, Words
from warmline.messaging.wording import SOURCE_LANGUAGE, TRANSLATED

DOMAIN: Final = "alerts"
LOCALE: Final = Path(__file__).parent / "locale"


@cache
def _catalogue(language: str) -> gettext.NullTranslations:
    # A missing .mo is a packaging fault the tests catch; the e-mail then goes in English.
    return gettext.translation(DOMAIN, LOCALE, languages=[language], fallback=True)


def words_in(language: str | None) -> Words:
    """Each sentence of an alert e-mail in `language` (English for one not translated)."""
    if language not in TRANSLATED:
        return ENGLISH.__getitem__
    catalogue = _catalogue(language)
    return lambda key: catalogue.pgettext(key, ENGLISH[key])


def reading(language: str | None) -> str:
    """The language an e-mail is written in for a coordinator who reads `language`."""
    return language if language in TRANSLATED else SOURCE_LANGUAGE
