"""A texter's language: read from the first text, switched by a word, and who is offered first."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.integration.conftest import Line
from tests.integration.conversations.test_escalation import sweep_at
from tests.integration.conversations.test_peer_matching import no_reopening, offers, sam_and_alex
from tests.integration.conversations.test_sms_flow import ALEX, SAM, TEXTER, ref_offered
from tests.integration.privacy.test_privacy import purge_at
from warmline.lines.lines import get_line, set_line
from warmline.messaging import wording
from warmline.models import ConsentRecord, Contact

OTHER = "+15550009002"


def contact_language(line: Line) -> str | None:
    """The language the line keeps for the one texter."""
    with line.rt.db.session() as session:
        return session.scalars(select(Contact.language)).one()


def in_spanish(key: str, **fields: object) -> str:
    """The line's text `key` as a Spanish-speaking texter gets it."""
    return wording.say(
        key,
        "es",
        line_name="Test Warmline",
        crisis=wording.say("crisis_numbers", "es"),
        hours=wording.say("hours", "es"),
        **fields,
    )


def alex_speaks_spanish(line: Line) -> None:
    """Sam speaks English only (the default); Alex speaks both, English first."""
    sam_and_alex(line)
    line.text(ALEX, "LANG en,es")


def test_a_spanish_first_text_is_read_as_spanish_and_greeted_in_it(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    line.text(TEXTER, "hola, necesito hablar con alguien")

    assert contact_language(line) == "es"
    assert line.sent_to(TEXTER)[0].startswith(in_spanish("greeting"))


def test_an_english_first_text_is_read_as_english(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    line.text(TEXTER, "hey can we talk")
    assert contact_language(line) == "en"


def test_english_switches_a_spanish_texter_and_the_peer_is_told(line: Line) -> None:
    alex_speaks_spanish(line)
    line.text(TEXTER, "no puedo dormir, necesito hablar")
    ref = ref_offered(line, ALEX)
    line.text(ALEX, ref)

    line.text(TEXTER, "English")

    assert contact_language(line) == "en"
    assert line.sent_to(TEXTER)[-1] == wording.say("language_set", "en")
    assert line.sent_to(ALEX)[-1] == f"#{ref}: the texter asked for English."
    assert not any(b == f"#{ref}: English" for b in line.sent_to(ALEX))  # asked of the line


@pytest.mark.parametrize("word", ["ESPAÑOL", "espanol", "Spanish"])
def test_espanol_switches_an_english_texter_with_a_spanish_confirmation(
    line: Line, word: str
) -> None:
    line.add_volunteer("Sam", SAM)
    line.text(TEXTER, "hi, rough night")
    line.text(TEXTER, word)

    assert contact_language(line) == "es"
    assert line.sent_to(TEXTER)[-1] == (
        "De acuerdo, desde ahora te escribimos en español. For English, text ENGLISH."
    )


def test_a_line_in_english_only_reads_no_spanish(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    with line.rt.db.session() as session:
        set_line(session, get_line(session, line.number), ["languages=en"])
    line.text(TEXTER, "hola, necesito hablar con alguien")
    line.text(SAM, ref_offered(line, SAM))
    line.text(TEXTER, "ESPAÑOL")

    assert contact_language(line) == "en"
    assert f"#{ref_offered(line, SAM)}: ESPAÑOL" in line.sent_to(SAM)  # words for the peer


@pytest.mark.parametrize("answer", ["sí", "SI", "Sí."])
def test_si_with_or_without_the_accent_is_consent(line: Line, answer: str) -> None:
    line.add_volunteer("Sam", SAM)
    no_reopening(line)
    line.text(TEXTER, "hola, tuve un día muy difícil")
    line.text(SAM, ref_offered(line, SAM))
    line.text(SAM, "DONE")
    assert line.sent_to(TEXTER)[-1] == wording.say("consent_question", "es")
    line.text(TEXTER, answer)

    with line.rt.db.session() as session:
        answers = list(session.scalars(select(ConsentRecord.answer).order_by(ConsentRecord.id)))
    assert answers == ["asked", "yes"]
    assert line.sent_to(TEXTER)[-1] == in_spanish("consent_yes")


def test_olvidar_forgets_and_the_language_goes_with_the_contact(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    line.text(TEXTER, "hola, necesito hablar con alguien")
    line.text(TEXTER, "OLVIDAR")
    assert line.sent_to(TEXTER)[-1] == in_spanish("forgotten")

    purge_at(line, timedelta(0))
    with line.rt.db.session() as session:
        assert session.scalars(select(Contact)).all() == []


def test_ayuda_asks_for_help_and_still_reaches_a_peer(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    line.text(TEXTER, "AYUDA")
    assert line.sent_to(TEXTER)[-1] == in_spanish("texter_help_first")
    assert len(offers(line, SAM)) == 1


def test_a_spanish_texter_is_offered_first_to_a_spanish_speaking_peer_then_to_all(
    line: Line,
) -> None:
    alex_speaks_spanish(line)
    assert line.sent_to(ALEX)[-1] == wording.say(
        "languages_set", "en", languages="English, Spanish"
    )

    line.text(TEXTER, "hola, no puedo dormir y me siento sola")

    assert len(offers(line, ALEX)) == 1 and offers(line, SAM) == []
    assert offers(line, ALEX)[0].endswith("(Spanish)")
    for _ in range(2):  # the head start widens once, whichever sweep gets there
        sweep_at(line, 46)
    assert len(offers(line, SAM)) == 1 and offers(line, SAM)[0].endswith("(Spanish)")
    assert len(offers(line, ALEX)) == 1


def test_a_spanish_speaking_peer_reads_the_offer_and_its_language_in_spanish(line: Line) -> None:
    sam_and_alex(line)
    line.text(ALEX, "LANG es,en")
    assert line.sent_to(ALEX)[-1] == wording.say("languages_set", "es", languages="español, inglés")

    line.text(TEXTER, "hola, no puedo dormir y me siento sola")

    offer = offers(line, ALEX)[0]
    assert offer.startswith("Test Warmline: alguien espera para hablar")
    assert offer.endswith("(español)") and "Spanish" not in offer and "Español" not in offer


def test_an_english_texter_is_offered_to_everyone_at_once_without_a_language(
    line: Line,
) -> None:
    alex_speaks_spanish(line)
    line.text(TEXTER, "hey can we talk, rough day")
    assert len(offers(line, SAM)) == 1 and len(offers(line, ALEX)) == 1
    assert not offers(line, SAM)[0].endswith(")")


def test_crisis_words_in_spanish_reach_everyone_at_once(line: Line) -> None:
    alex_speaks_spanish(line)
    line.text(TEXTER, "ya no quiero vivir")
    assert len(offers(line, SAM)) == 1 and len(offers(line, ALEX)) == 1
    assert "CRISIS WORDS" in offers(line, SAM)[0]


def test_a_spanish_speaking_peer_coming_on_during_the_head_start_is_offered(line: Line) -> None:
    alex_speaks_spanish(line)
    line.text(ALEX, "OFF")
    line.add_volunteer("Jo", "+15550005555")
    line.text("+15550005555", "LANG es")
    line.text(TEXTER, "hola, necesito hablar con alguien")
    assert offers(line, SAM) == [] and len(offers(line, "+15550005555")) == 1

    line.text(ALEX, "ON")  # speaks Spanish: no need to wait for the head start
    assert len(offers(line, ALEX)) == 1 and offers(line, SAM) == []


def test_lang_shows_a_peers_languages_and_an_unknown_code_changes_nothing(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    line.text(SAM, "LANG")
    assert line.sent_to(SAM)[-1] == (
        "Your languages: English. Languages here: en, es. Text LANG en,es to choose."
    )
    line.text(SAM, "LANG es, fr")
    assert line.sent_to(SAM)[-1] == "Not a language we know: fr. Languages: en, es."
    line.text(SAM, "lang")
    assert "Your languages: English." in line.sent_to(SAM)[-1]
