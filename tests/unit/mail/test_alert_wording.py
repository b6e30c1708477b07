"""Alert e-mails in the coordinator's language: every sentence translated, fields kept, read whole."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from warmline.lines.rules.texts import placeholders
from warmline.mail.rules.compose import ENGLISH, KINDS, compose
from warmline.mail.wording import DOMAIN, LOCALE, words_in
from warmline.messaging import times
from warmline.messaging.wording import TRANSLATED

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "tools"))
import catalogue  # noqa: E402  (tools/ is not a package)

FIELDS = {"ref": "K7P", "minutes": 12, "count": 4, "when": "<when>", "peer": "Sam"}
URL = "https://line.example.org"


def po(language: str) -> Catalog:
    with catalogue.alerts_po_path(language).open("rb") as source:
        return read_po(source, locale=language)


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_sentence_is_translated_keeping_its_fields(language: str) -> None:
    catalog = po(language)
    for key, english in ENGLISH.items():
        message = catalog.get(english, context=key)
        assert message is not None, f"{key} is missing from the {language} alert e-mails"
        assert isinstance(message.string, str) and message.string.strip(), key
        assert not message.fuzzy, f"{key}: the English changed; re-read the {language} sentence"
        assert placeholders(message.string) == placeholders(english), key
    extra = {m.context for m in catalog if m.id and m.context not in ENGLISH}
    assert not extra, f"the {language} alert e-mails have sentences nobody sends: {extra}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_shipped_mo_is_the_po_compiled_and_the_template_is_current(language: str) -> None:
    shipped = catalogue.alerts_po_path(language).with_suffix(".mo").read_bytes()
    assert shipped == catalogue.compiled(po(language)), "run: python tools/catalogue.py"
    with (LOCALE / f"{DOMAIN}.pot").open("rb") as source:
        pot = read_po(source)
    assert {(m.context, m.id) for m in pot if m.id} == set(ENGLISH.items())


@pytest.mark.parametrize("language", ("en", *TRANSLATED))
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_reads_whole_in_every_language(kind: str, language: str) -> None:
    letter = compose(kind, "Test Warmline", FIELDS, "<moment>", URL, 3, words_in(language))
    whole = letter.subject + "\n" + letter.body
    assert "{" not in whole and "}" not in whole, whole
    assert letter.subject.startswith("[Test Warmline] ")
    assert f"{URL}/" in letter.body and "?line=3" in letter.body
    assert f"{URL}/account/password" in letter.body.replace("\n", "")


def test_a_spanish_reader_gets_spanish_and_anyone_else_english() -> None:
    spanish = compose("crisis", "Línea", FIELDS, "<moment>", URL, 3, words_in("es"))
    assert spanish.subject == "[Línea] palabras de crisis en #K7P"
    assert "Se detectaron palabras de crisis en la conversación #K7P." in spanish.body
    assert "Alerta: <moment>" in spanish.body
    for reader in (None, "en", "fr"):
        english = compose("crisis", "Línea", FIELDS, "<moment>", URL, 3, words_in(reader))
        assert english.subject == "[Línea] crisis words in #K7P"
        assert "Alert raised: <moment>" in english.body


def test_the_moment_of_an_alert_is_dated_in_the_readers_language() -> None:
    moment = datetime(2026, 12, 2, 20, 14, tzinfo=ZoneInfo("America/New_York"))
    assert times.moment(moment, "en") == "Wed 02 Dec 2026 20:14 (EST)"
    assert times.moment(moment, "es") == "mié 2 dic 2026 20:14 (EST)"
    assert times.moment(moment, "fr") == "Wed 02 Dec 2026 20:14 (EST)"
