"""The texts' catalogue: every text in English and Spanish, with the same placeholders."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from warmline.lines.rules.texts import placeholders
from warmline.messaging import wording

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "tools"))
import catalogue  # noqa: E402  (tools/ is not a package)


def po(language: str) -> Catalog:
    with catalogue.po_path(language).open("rb") as source:
        return read_po(source, locale=language)


@pytest.mark.parametrize("language", wording.TRANSLATED)
def test_every_text_is_translated_and_not_left_fuzzy_or_empty(language: str) -> None:
    catalog = po(language)
    for key, english in wording.ENGLISH.items():
        message = catalog.get(english, context=key)
        assert message is not None, f"{key} is missing from the {language} catalogue"
        assert isinstance(message.string, str) and message.string.strip(), f"{key} is empty"
        assert not message.fuzzy, f"{key}: the English changed; re-read the {language} text"
    extra = {m.context for m in catalog if m.id and m.context not in wording.ENGLISH}
    assert not extra, f"the {language} catalogue has texts nobody sends: {extra}"


@pytest.mark.parametrize("language", wording.TRANSLATED)
def test_every_translation_keeps_the_placeholders_of_its_english(language: str) -> None:
    for key, english in wording.ENGLISH.items():
        translated = wording.template(key, language)
        assert placeholders(translated) == placeholders(english), key


@pytest.mark.parametrize("language", (wording.SOURCE_LANGUAGE, *wording.TRANSLATED))
def test_every_text_reads_whole_once_its_placeholders_are_filled(language: str) -> None:
    for key in wording.ENGLISH:
        names = placeholders(wording.template(key, language))
        text = wording.say(key, language, **{name: f"<{name}>" for name in names})
        assert "{" not in text and "}" not in text and "  " not in text, (key, text)
        assert text == text.strip() and len(text) <= 600, key


@pytest.mark.parametrize("language", wording.TRANSLATED)
def test_the_shipped_mo_is_the_po_compiled(language: str) -> None:
    shipped = catalogue.po_path(language).with_suffix(".mo").read_bytes()
    assert shipped == catalogue.compiled(po(language)), "run: python tools/catalogue.py"


def test_the_template_lists_the_english_texts_as_they_are() -> None:
    with (catalogue.LOCALE / f"{wording.DOMAIN}.pot").open("rb") as source:
        pot = read_po(source)
    assert {(m.context, m.id) for m in pot if m.id} == {
        (k, v) for k, v in wording.ENGLISH.items()
    }, "run: python tools/catalogue.py"


def test_spanish_is_read_from_the_compiled_catalogue_and_english_is_the_source() -> None:
    filled = {"line_name": "Línea Test", "crisis": "llama al 988"}
    assert wording.say("greeting", "es", **filled).startswith("Hola, somos Línea Test")
    assert wording.say("greeting", "en", **filled).startswith("Hi, this is Línea Test")
    assert wording.say("greeting", "fr", **filled) == wording.say("greeting", **filled)
    assert wording.say("peer_joined", "es") == (
        "Ya está aquí alguien del equipo y está leyendo tus mensajes."
    )


def dashboard_po(language: str) -> Catalog:
    with catalogue.dashboard_po_path(language).open("rb") as source:
        return read_po(source, locale=language)


@pytest.mark.parametrize("language", wording.TRANSLATED)
def test_every_marked_dashboard_string_is_translated_with_its_fields(language: str) -> None:
    catalog = dashboard_po(language)
    marked = [m for m in catalogue.dashboard_template() if m.id]
    assert len(marked) > 40  # the layout, the navigation, sign-in and Now at least
    for source in marked:
        message = catalog.get(source.id, context=source.context)
        assert message is not None, f"{source.id!r} is missing from the {language} dashboard"
        assert not message.fuzzy, f"{source.id!r}: re-read the {language} translation"
        # A plural (ngettext) has a form for each of the language's plural categories.
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        english = source.id[-1] if isinstance(source.id, tuple) else source.id
        assert len(forms) == (catalog.num_plurals if isinstance(source.id, tuple) else 1)
        for form in forms:
            assert isinstance(form, str) and form.strip(), source.id
            assert set(re.findall(r"%\((\w+)\)[sd]", form)) == set(
                re.findall(r"%\((\w+)\)[sd]", english)
            ), source.id
    shipped = catalogue.dashboard_po_path(language).with_suffix(".mo").read_bytes()
    assert shipped == catalogue.compiled(catalog), "run: python tools/catalogue.py"
