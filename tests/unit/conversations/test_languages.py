"""Reading a texter's language from a short first text, and the words that switch or answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from warmline.conversations.rules.commands import Command, parse_volunteer_text
from warmline.conversations.rules.keywords import TexterKeyword, texter_keyword
from warmline.conversations.rules.languages import asked_language, detect

BOTH = ("en", "es")
DATA = Path(__file__).parents[3] / "bench" / "data"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("hola, necesito hablar con alguien", "es"),
        ("necesito hablar con alguien", "es"),
        ("no se que hacer", "es"),  # no accents
        ("holaa", "es"),  # a greeting, letters repeated
        ("holi 😔", "es"),
        ("hey can we talk", "en"),
        ("hiii", "en"),
        ("im so tired of everything", "en"),
        ("i need help", "en"),
        ("sad and alone", "en"),  # the low accuracy detector alone reads this as Spanish
        ("i miss my dad", "en"),
        ("extraño a mi papá", "es"),
        ("ayuda", "es"),  # one word, read only when the detector is sure
    ],
)
def test_a_short_first_text_is_read_in_its_language(text: str, language: str) -> None:
    assert detect(text, BOTH, "en") == language
    assert detect(text, BOTH, "es") == language


@pytest.mark.parametrize("text", ["🙏", "...", "😔😔", "123"])
def test_unsure_texts_get_the_lines_default(text: str) -> None:
    assert detect(text, BOTH, "en") == "en"
    assert detect(text, BOTH, "es") == "es"


def test_a_line_with_one_language_reads_every_text_in_it() -> None:
    assert detect("hey can we talk", ("es",), "es") == "es"


@pytest.mark.parametrize("language", BOTH)
def test_the_teams_first_texts_are_read_right_at_least_95_percent_of_the_time(
    language: str,
) -> None:
    texts = (DATA / f"first_texts_{language}.txt").read_text(encoding="utf-8").splitlines()
    texts = [t for t in texts if t.strip()]
    assert len(texts) >= 100
    other = "es" if language == "en" else "en"
    right = sum(detect(t, BOTH, other) == language for t in texts)  # the default never helps
    assert right / len(texts) >= 0.95


@pytest.mark.parametrize(
    ("body", "language"),
    [
        ("ESPAÑOL", "es"),
        ("espanol", "es"),
        ("Spanish!", "es"),
        ("ENGLISH", "en"),
        ("Inglés", "en"),
        ("ingles", "en"),
        ("english please", None),
        ("hola", None),
    ],
)
def test_one_word_asks_for_a_language(body: str, language: str | None) -> None:
    assert asked_language(body) == language


@pytest.mark.parametrize(
    ("body", "keyword"),
    [
        ("sí", TexterKeyword.YES),
        ("SI", TexterKeyword.YES),
        ("¡Sí!", TexterKeyword.YES),
        ("no", TexterKeyword.NO),
        ("OLVIDAR", TexterKeyword.FORGET),
        ("olvídar", TexterKeyword.FORGET),
        ("nuevo", TexterKeyword.NEW),
        ("Ayuda", TexterKeyword.HELP),
        ("STOP", TexterKeyword.OPT_OUT),
        ("PARAR", None),  # the carrier's opt-out words stay the carrier's
        ("si claro", None),
    ],
)
def test_spanish_keywords(body: str, keyword: TexterKeyword | None) -> None:
    assert texter_keyword(body) is keyword


@pytest.mark.parametrize(
    ("body", "command"),
    [
        ("LANG es,en", Command("LANG", text="es,en")),
        ("lang ES, en", Command("LANG", text="ES, en")),
        ("LANG", Command("LANG")),
        ("languages en", Command("LANG", text="en")),
    ],
)
def test_lang_is_a_command(body: str, command: Command) -> None:
    assert parse_volunteer_text(body) == command


def test_words_after_lang_that_are_not_codes_are_relayed() -> None:
    assert parse_volunteer_text("lang is hard to learn").__class__.__name__ == "Relay"
