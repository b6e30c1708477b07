"""Keep the gettext catalogues in step with their English source.

    python tools/catalogue.py    # refresh each .pot, merge it into each .po, compile each .mo

Four catalogues. The texts people receive: the English dictionary in warmline/messaging/wording.py
is the source; each entry becomes a message whose context is its key and whose id is the English
text. The coordinators' alert e-mails: the same, from the English in warmline/mail/rules/compose.py.
The dashboard: the strings its templates and views mark with _() or gettext(). The refusals: the English templates every InvalidInput (and each refusal error deriving from it) is
raised with, and the words marked with refusal() or filled by refusal_text(), anywhere in warmline/.
Beside them, the few CLDR words the texts' times use (days, months, list and duration patterns,
language names), taken from Babel into warmline/messaging/locale/words.json; a test checks they
still match Babel's. Translators edit the .po files; an entry whose English changed comes back marked fuzzy, and a
fuzzy entry is not used (the tests fail on it until someone re-reads the translation). The .mo
files are committed, so an install needs no build step; a test checks they match the .po.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from babel import Locale
from babel.dates import get_day_names, get_month_names
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.numbers import format_decimal, get_group_symbol
from babel.units import format_unit

from warmline.core import refusals
from warmline.lines.rules.languages import SUPPORTED
from warmline.mail import wording as mail_wording
from warmline.mail.rules import compose
from warmline.messaging import times, wording

LOCALE = Path(wording.__file__).parent / "locale"
DASHBOARD = Path(wording.__file__).parents[1] / "dashboard"
DASHBOARD_LOCALE = DASHBOARD / "translations"
_DASHBOARD_SOURCES = [("**/templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")]
# A fixed date in every header, so refreshing an unchanged catalogue changes no file.
_STAMP = datetime(2026, 12, 1, tzinfo=UTC)
_KEYWORDS = {"_": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2)}
WARMLINE = DASHBOARD.parent
REFUSALS_LOCALE = refusals.LOCALE
# What a refusal is raised or marked with: InvalidInput, the rules' errors deriving from it,
# and the markers for a refusal kept in a table or filled without raising.
REFUSAL_KEYWORDS = (
    "InvalidInput",
    "InvalidHours",
    "InvalidMonth",
    "InvalidSchedule",
    "InvalidShift",
    "InvalidTopics",
    "NonexistentLocalTime",
    "refusal",
    "refusal_text",
)


def template() -> Catalog:
    """Every English text, keyed by its context."""
    return _keyed(wording.DOMAIN, wording.ENGLISH)


def alerts_template() -> Catalog:
    """Every English sentence of the coordinators' alert e-mails, keyed by its context."""
    return _keyed(mail_wording.DOMAIN, compose.ENGLISH)


def _keyed(domain: str, english: Mapping[str, str]) -> Catalog:
    """A catalogue of English texts whose context is their key."""
    catalog = Catalog(project="Warmline", domain=domain, fuzzy=False, creation_date=_STAMP)
    for key, text in english.items():
        catalog.add(text, context=key, flags=["python-brace-format"])
    return catalog


def dashboard_template() -> Catalog:
    """Every string the dashboard marks for translation."""
    catalog = Catalog(project="Warmline", domain="messages", fuzzy=False, creation_date=_STAMP)
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}
    for filename, lineno, message, comments, context in extract_from_dir(
        str(DASHBOARD), _DASHBOARD_SOURCES, keywords=_KEYWORDS, options_map=options
    ):
        catalog.add(
            message, locations=[(filename, lineno)], auto_comments=comments, context=context
        )
    return catalog


def refusals_template() -> Catalog:
    """Every English refusal template and marked word in warmline/."""
    catalog = Catalog(project="Warmline", domain=refusals.DOMAIN, fuzzy=False, creation_date=_STAMP)
    keywords = dict.fromkeys(REFUSAL_KEYWORDS)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(WARMLINE), [("**.py", "python")], keywords=keywords
    ):
        catalog.add(
            message, locations=[(filename, lineno)], auto_comments=comments, context=context
        )
    return catalog


def compiled(catalog: Catalog) -> bytes:
    """The .mo bytes of a catalogue (fuzzy entries left out)."""
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def po_path(language: str) -> Path:
    """Where a language's .po of the texts lives."""
    return LOCALE / language / "LC_MESSAGES" / f"{wording.DOMAIN}.po"


def alerts_po_path(language: str) -> Path:
    """Where a language's .po of the alert e-mails lives."""
    return mail_wording.LOCALE / language / "LC_MESSAGES" / f"{mail_wording.DOMAIN}.po"


def dashboard_po_path(language: str) -> Path:
    """Where a language's .po of the dashboard lives."""
    return DASHBOARD_LOCALE / language / "LC_MESSAGES" / "messages.po"


def refusals_po_path(language: str) -> Path:
    """Where a language's .po of the refusals lives."""
    return REFUSALS_LOCALE / language / "LC_MESSAGES" / f"{refusals.DOMAIN}.po"


def _merge(pot: Catalog, pot_path: Path, paths: list[tuple[str, Path]]) -> None:
    with pot_path.open("wb") as out:
        write_po(out, pot, width=100, omit_header=True, no_location=True)
    for language, path in paths:
        if path.exists():
            with path.open("rb") as source:
                catalog = read_po(source, locale=language)
        else:  # a new catalogue: every message still to translate
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(
                locale=language,
                domain=pot.domain,
                project="Warmline",
                fuzzy=False,
                creation_date=_STAMP,
            )
        catalog.update(pot, no_fuzzy_matching=False)
        catalog.revision_date = _STAMP
        with path.open("wb") as out:
            write_po(out, catalog, width=100, ignore_obsolete=True, no_location=True)
        path.with_suffix(".mo").write_bytes(compiled(catalog))
        print(f"{path}: {len(catalog)} entries")


def refresh() -> None:
    """Write each template, merge it into every translation, compile each."""
    _merge(
        template(),
        LOCALE / f"{wording.DOMAIN}.pot",
        [(language, po_path(language)) for language in wording.TRANSLATED],
    )
    _merge(
        alerts_template(),
        mail_wording.LOCALE / f"{mail_wording.DOMAIN}.pot",
        [(language, alerts_po_path(language)) for language in wording.TRANSLATED],
    )
    _merge(
        dashboard_template(),
        DASHBOARD_LOCALE / "messages.pot",
        [(language, dashboard_po_path(language)) for language in wording.TRANSLATED],
    )
    _merge(
        refusals_template(),
        REFUSALS_LOCALE / f"{refusals.DOMAIN}.pot",
        [(language, refusals_po_path(language)) for language in wording.TRANSLATED],
    )
    words = locale_words()
    WORDS.write_text(
        json.dumps(words, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8"
    )
    print(f"{WORDS}: {', '.join(words)}")


WORDS = times.WORDS_PATH
_DURATION_UNITS = ("week", "day", "hour", "minute", "second")
# Babel has no call for a unit's pattern in each plural form: a count of each form is formatted
# and its number put back as the placeholder. Counts to try, the first of each form is taken.
_COUNTS = (*range(0, 110), 1_000_000)


def locale_words() -> dict[str, dict[str, object]]:
    """What `warmline.messaging.times` needs of CLDR, per language texts are written in."""
    words: dict[str, dict[str, object]] = {}
    for language in (wording.SOURCE_LANGUAGE, *wording.TRANSLATED):
        locale = Locale.parse(language)
        days = get_day_names("abbreviated", locale=locale)
        months = get_month_names("abbreviated", locale=locale)
        words[language] = {
            "days": [days[day] for day in range(7)],
            "months": [months[month] for month in range(1, 13)],
            "and": dict(locale.list_patterns["standard"]),
            "or": dict(locale.list_patterns["or"]),
            "durations": {unit: _unit_patterns(unit, locale) for unit in _DURATION_UNITS},
            "plural": dict(locale.plural_form.rules),
            "group": get_group_symbol(locale=locale),
            "languages": {code: locale.languages[code] for code in sorted(SUPPORTED)},
        }
    return words


def _unit_patterns(unit: str, locale: Locale) -> dict[str, str]:
    patterns: dict[str, str] = {}
    for count in _COUNTS:
        form = locale.plural_form(count)
        if form not in patterns:
            said = format_unit(count, f"duration-{unit}", locale=locale)
            patterns[form] = said.replace(format_decimal(count, locale=locale), "{0}", 1)
    return patterns


if __name__ == "__main__":
    refresh()
    sys.exit(0)
