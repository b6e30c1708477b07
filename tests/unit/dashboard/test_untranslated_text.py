"""Every word a coordinator reads on a translated page goes through the catalogue.

Text written straight into a template reaches a Spanish page in English. This reads each template
(its literal HTML, both sides of every branch) and fails on any word outside `_()` / `{% trans %}`,
in the page's text or in an attribute a person reads or hears.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jinja2 import Environment, nodes

import warmline.dashboard

TEMPLATES = Path(warmline.dashboard.__file__).parent / "templates"
# Attributes a person sees or a screen reader speaks.
_SPOKEN = {"aria-label", "placeholder", "title", "alt", "value", "data-confirm", "data-prefix"}
# Names and the commands peers type are the same in every language.
_SAME_IN_EVERY_LANGUAGE = {
    "Warmline",
    "ESCALATE",
    "RES",
    "DONE",
    "PAUSE",
    "ON",
    "OFF",
    "CSV",
    "CLAIM",
    "FORGET",
}
# Only a button's value is shown; an option's or a checkbox's value goes to the server unread.
_SHOWN_VALUE = {"submit", "button", "reset"}
# Every page: a new template joins this list once it has no English of its own.
TRANSLATED = [
    "base.html",
    "signin.html",
    "now.html",
    "rota.html",
    "volunteers.html",
    "volunteer_edit.html",
    "volunteers_import.html",
    "log.html",
    "contacts.html",
    "erase_confirm.html",
    "settings.html",
    "line_texts.html",
    "stats.html",
    "audit.html",
    "resources.html",
    "resource_edit.html",
    "_resource_fields.html",
    "coordinators.html",
    "password.html",
    "message.html",
    "_error_summary.html",
    "_line_picker.html",
    "training.html",
]


class _Reader(HTMLParser):
    """Collects the text and spoken attributes of a piece of HTML, leaving scripts out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.read: list[str] = []
        self._in_script = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_script += tag in ("script", "style")
        shown = tag == "input" and dict(attrs).get("type") in _SHOWN_VALUE
        self.read.extend(
            value
            for name, value in attrs
            if name in _SPOKEN and value and (name != "value" or shown)
        )

    def handle_endtag(self, tag: str) -> None:
        self._in_script -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._in_script:
            self.read.append(data)


def untranslated_words(source: str) -> list[str]:
    """The words of `source`'s literal HTML that no translation call covers."""
    tree = Environment(extensions=["jinja2.ext.i18n"]).parse(source)
    # A macro of attributes only (aria-invalid="true" …) is not text anyone reads.
    attributes_only: set[int] = set()
    for macro in tree.find_all(nodes.Macro):
        pieces = list(macro.find_all(nodes.TemplateData))
        if not any("<" in piece.data for piece in pieces):
            attributes_only.update(id(piece) for piece in pieces)
    literal = " ".join(
        piece.data
        for piece in tree.find_all(nodes.TemplateData)
        if id(piece) not in attributes_only
    )
    reader = _Reader()
    reader.feed(literal)
    words = (word for text in reader.read for word in re.findall(r"[A-Za-z][A-Za-z']+", text))
    return [word for word in words if word not in _SAME_IN_EVERY_LANGUAGE]


def test_the_reader_finds_english_left_in_a_template() -> None:
    source = (
        '{% macro bad(n) %} aria-invalid="true"{% endmacro %}'
        '<h1>{{ _("Rota") }}</h1><p title="Next week">{{ x }} shifts</p><script>let a = 1;</script>'
        '<input type="radio" name="a" value="lines"><input type="submit" value="Go">'
    )
    assert untranslated_words(source) == ["Next", "week", "shifts", "Go"]


def test_a_button_value_is_read_but_an_option_value_is_not() -> None:
    source = '<input type="submit" value="Save"><option value="yes">{{ _("Yes") }}</option>'
    assert untranslated_words(source) == ["Save"]


def test_every_page_is_translated() -> None:
    assert sorted(path.name for path in TEMPLATES.glob("*.html")) == sorted(TRANSLATED)


@pytest.mark.parametrize("name", TRANSLATED)
def test_a_translated_page_has_no_english_of_its_own(name: str) -> None:
    assert untranslated_words((TEMPLATES / name).read_text(encoding="utf-8")) == []
