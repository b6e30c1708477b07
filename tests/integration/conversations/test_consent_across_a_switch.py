"""A texter who switches language between the consent question and their answer."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.integration.conftest import Line
from tests.integration.conversations.test_languages import in_spanish
from tests.integration.conversations.test_peer_matching import no_reopening
from tests.integration.conversations.test_sms_flow import SAM, TEXTER, ref_offered
from warmline.messaging import wording
from warmline.models import ConsentRecord, ConsentWording

FIRST = {"en": "hi, I'm having a rough night", "es": "hola, tuve un día muy difícil"}
SWITCH = {"en": "ESPAÑOL", "es": "ENGLISH"}
OTHER = {"en": "es", "es": "en"}


def asked_and_switched(line: Line, asked_in: str) -> None:
    """A conversation in `asked_in` ends with the consent question; then the texter switches."""
    line.add_volunteer("Sam", SAM)
    no_reopening(line)
    line.text(TEXTER, FIRST[asked_in])
    line.text(SAM, ref_offered(line, SAM))
    line.text(SAM, "DONE")
    assert line.sent_to(TEXTER)[-1] == wording.say("consent_question", asked_in)
    line.text(TEXTER, SWITCH[asked_in])


def answers_and_versions(line: Line) -> list[tuple[str, str]]:
    """Each consent record: its answer and the language of the wording it was recorded against."""
    with line.rt.db.session() as session:
        rows = session.execute(
            select(ConsentRecord.answer, ConsentWording.language)
            .join(ConsentWording, ConsentWording.version == ConsentRecord.version)
            .order_by(ConsentRecord.id)
        )
        return [(answer, language) for answer, language in rows]


def in_language(key: str, language: str) -> str:
    if language == "es":
        return in_spanish(key)
    return wording.say(key, "en")


@pytest.mark.parametrize("asked_in", ["en", "es"])
@pytest.mark.parametrize("answer", ["YES", "SÍ", "si"])
def test_yes_in_either_language_after_a_switch_counts_against_the_question_asked(
    line: Line, asked_in: str, answer: str
) -> None:
    asked_and_switched(line, asked_in)
    line.text(TEXTER, answer)

    assert answers_and_versions(line) == [("asked", asked_in), ("yes", asked_in)]
    # The thanks comes in the language the texter now asked for.
    assert line.sent_to(TEXTER)[-1] == in_language("consent_yes", OTHER[asked_in])


@pytest.mark.parametrize("asked_in", ["en", "es"])
def test_no_after_a_switch_counts_against_the_question_asked(line: Line, asked_in: str) -> None:
    asked_and_switched(line, asked_in)
    line.text(TEXTER, "NO")

    assert answers_and_versions(line) == [("asked", asked_in), ("no", asked_in)]
    assert line.sent_to(TEXTER)[-1] == in_language("consent_no", OTHER[asked_in])
