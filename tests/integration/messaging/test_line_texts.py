"""A line's own texts, per language, set from the command line and read by every text it sends."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from tests.integration.conftest import Line
from tests.integration.conversations.test_peer_matching import no_reopening
from tests.integration.conversations.test_sms_flow import SAM, TEXTER, ref_offered
from warmline.cli import lines as cli_lines
from warmline.cli.base import main
from warmline.models import Contact, LineText
from warmline.runtime import Runtime

SPANISH = "+15550009101"
CLOSING_ES = "Gracias por escribir a {line_name}, cuídate. {hours} Si estás en peligro, {crisis}."


@pytest.fixture
def cli(line: Line, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """`warmline ...` on the test line's runtime (its rolled-back database)."""

    @contextmanager
    def opened() -> Iterator[Runtime]:
        yield line.rt

    monkeypatch.setattr(cli_lines, "opened_runtime", opened)
    yield


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def reads_spanish(line: Line, number: str) -> None:
    """What detecting the language (or ESPAÑOL) records: this texter reads Spanish."""
    key = line.rt.keyring.key_for(number)
    with line.rt.db.session() as session:
        contact = session.scalars(select(Contact).where(Contact.contact_key == key)).one()
        contact.language = "es"
        session.commit()


def talk_and_close(line: Line, texter: str, first: str = "hola, necesito hablar") -> None:
    line.text(texter, first)
    line.text(SAM, ref_offered(line, SAM))
    line.text(SAM, "DONE")


@pytest.mark.usefixtures("cli")
def test_a_spanish_line_text_reaches_a_spanish_texter_and_english_stays_the_default(
    line: Line,
) -> None:
    line.add_volunteer("Sam", SAM)
    no_reopening(line)
    done = run(
        "line", "text", "--line", line.number, "--key", "closing", "--language", "es", CLOSING_ES
    )
    assert done.exit_code == 0 and done.output == "closing (es): set\n", done.output
    line.text(SPANISH, "hola")
    reads_spanish(line, SPANISH)
    line.text(SAM, ref_offered(line, SAM))
    line.text(SAM, "DONE")
    closing, question = line.sent_to(SPANISH)[-2:]
    assert closing == (
        "Gracias por escribir a Test Warmline, cuídate. Respondemos cuando hay alguien de turno. "
        "Si estás en peligro, llama o escribe al 988, o llama al 911."
    )
    assert (
        question.startswith("¿Podemos guardar un breve registro") and "Responde SÍ o NO" in question
    )
    talk_and_close(line, TEXTER, "hey, can we talk")
    assert line.sent_to(TEXTER)[-2].startswith("Thank you for texting Test Warmline.")

    reset = run(
        "line", "text", "--line", line.number, "--key", "closing", "--language", "es", "--reset"
    )
    assert reset.exit_code == 0 and "back to the default" in reset.output
    talk_and_close(line, SPANISH)
    assert line.sent_to(SPANISH)[-1].startswith(
        "Gracias por escribir a Test Warmline. Cuídate mucho."
    )


@pytest.mark.usefixtures("cli")
def test_a_text_that_loses_a_placeholder_is_refused_in_one_line_and_nothing_is_saved(
    line: Line,
) -> None:
    refused = run(
        "line",
        "text",
        "--line",
        line.number,
        "--key",
        "greeting",
        "--language",
        "es",
        "Hola, somos {line_name}.",
    )
    assert refused.exit_code == 1
    assert refused.output.strip() == (
        "Error: The Español text for greeting must use the same placeholders as the default "
        "({crisis}, {line_name}): it leaves out {crisis}"
    )
    unknown = run("line", "text", "--line", line.number, "--key", "hello", "en")
    assert unknown.exit_code == 1 and "'hello' is not a text the line sends" in unknown.output
    consent = run("line", "text", "--line", line.number, "--key", "consent_question", "¿Sí?")
    assert consent.exit_code == 1 and "settings page" in consent.output
    with line.rt.db.session() as session:
        assert session.scalars(select(LineText)).all() == []


@pytest.mark.usefixtures("cli")
def test_the_greeting_setting_still_greets_and_a_spanish_greeting_is_its_own(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    assert (
        run("line", "set", line.number, "greeting=Hello from the Test Warmline peers.").exit_code
        == 0
    )
    es = "Hola, aquí {line_name}: te escuchamos. Si estás en peligro, {crisis}."
    assert (
        run(
            "line", "text", "--line", line.number, "--key", "greeting", "--language", "es", es
        ).exit_code
        == 0
    )
    line.text(TEXTER, "hi")
    assert line.sent_to(TEXTER)[0] == (
        "Hello from the Test Warmline peers. This is peer support, not a crisis service: "
        "if you are in danger, call or text 988, or call 911."
    )
    with line.rt.db.session() as session:
        from warmline.lines.lines import get_line

        get_line(session, line.number).default_language = "es"
        session.commit()
    line.text(SPANISH, "hola")
    assert line.sent_to(SPANISH)[0] == (
        "Hola, aquí Test Warmline: te escuchamos. "
        "Si estás en peligro, llama o escribe al 988, o llama al 911."
    )


@pytest.mark.usefixtures("cli")
def test_a_piece_filled_into_other_texts_is_not_a_text_the_line_can_replace(line: Line) -> None:
    refused = run(
        "line", "text", "--line", line.number, "--key", "when_tomorrow", "--language", "es", "ya"
    )
    assert refused.exit_code == 1
    assert "'when_tomorrow' is not a text the line sends" in refused.output
    listed = run("line", "texts", "--line", line.number).output.split()
    assert "greeting" in listed and "texter_help_first" in listed
    assert (
        "when_tomorrow" not in listed and "hours_weekly" not in listed and "busy_note" not in listed
    )


LONG_CRISIS_ES = (
    "llama o escribe al 988 a cualquier hora, o llama al 911 si corres peligro inmediato, o "
    "escribe HOLA al 741741, o llama a tu servicio local de salud mental"
)


@pytest.mark.usefixtures("cli")
def test_crisis_numbers_that_would_lengthen_a_first_reply_too_far_are_refused(
    line: Line,
) -> None:
    refused = run(
        "line", "text", "--line", line.number, "--key", "crisis_numbers", "--language", "es",
        LONG_CRISIS_ES,
    )  # fmt: skip
    assert refused.exit_code == 1
    assert refused.output.strip() == (
        "Error: With this change the Español first reply (greeting) makes 5 SMS segments; "
        "a first reply may use 3: shorten it"
    )
    with line.rt.db.session() as session:
        assert session.scalars(select(LineText)).all() == []

    shorter = run(
        "line", "text", "--line", line.number, "--key", "crisis_numbers", "--language", "es",
        "llama o escribe al 988",
    )  # fmt: skip
    assert shorter.exit_code == 0


@pytest.mark.usefixtures("cli")
def test_a_long_help_text_or_hours_text_is_refused_before_a_texter_gets_it(line: Line) -> None:
    help_first = (
        "{line_name} is a peer support line: people who have been there answer your texts. "
        "It is not a crisis service. If you are in danger, {crisis}. Text STOP to stop, "
        "FORGET to have us erase everything, ESPAÑOL for Spanish, and anything else to talk: "
        "a peer will answer you as soon as one is free, usually within a few minutes."
    )
    refused = run("line", "text", "--line", line.number, "--key", "texter_help_first", help_first)
    assert refused.exit_code == 1
    assert "the English first reply (texter_help_first) makes 3 SMS segments" in refused.output
    hours = "Monday to Friday from six in the evening until eleven at night, " * 3
    refused_hours = run("line", "set", line.number, f"hours_text={hours.strip()}")
    assert refused_hours.exit_code == 1
    assert "first reply (closed_now)" in refused_hours.output
    with line.rt.db.session() as session:
        assert session.scalars(select(LineText)).all() == []
        from warmline.lines.lines import get_line

        assert get_line(session, line.number).hours_text != hours.strip()
