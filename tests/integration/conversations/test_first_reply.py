"""The first reply to a new texter: short enough to read, in their language, with no question."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests.integration.conftest import Line
from tests.integration.conversations.test_sms_flow import SAM, TEXTER
from warmline.core.clock import utcnow
from warmline.core.errors import InvalidInput
from warmline.lines import texts
from warmline.lines.lines import get_line, set_line
from warmline.lines.rules.languages import SUPPORTED
from warmline.messaging import wording
from warmline.messaging.outgoing import own_greeting_reply
from warmline.messaging.rules.segments import is_gsm7, segments
from warmline.models import LineText
from warmline.rota import shifts

# At most this many segments for everything a new texter is sent back, per language: English
# stays GSM-7 (153 characters a part); Spanish accents make it UCS-2 (67 a part).
BUDGET = {"en": 2, "es": 3}
FIRST_TEXT = {
    ("en", "plain"): "hi, I'm having a rough night",
    ("es", "plain"): "hola, necesito hablar con alguien",
    ("en", "crisis"): "i want to kill myself",
    ("es", "crisis"): "ya no quiero vivir",
    ("en", "help"): "HELP",
    ("es", "help"): "AYUDA",
}
# The longest line name the first replies are written for.
LONG_NAME = "Test Warmline Valley"
OWN_GREETING = {
    "en": "Hi, you've reached {line_name}. Peers here have been there too. In danger? {crisis}.",
    "es": "Hola, somos {line_name}. Aquí hay personas que lo han vivido. ¿En peligro? {crisis}.",
}
VARIANTS = (
    "plain",
    "busy",
    "crisis",
    "crisis and busy",
    "closed",
    "closed, weekly hours",
    "help",
    "help and busy",
    "help, closed",
    "own greeting",
    "own greeting and busy",
)


def set_up(line: Line, language: str, variant: str) -> None:
    with line.rt.db.session() as session:
        row = get_line(session, line.number)
        row.default_language = language
        row.name = LONG_NAME
        if "own greeting" in variant:
            texts.set_text(session, row, "greeting", language, OWN_GREETING[language], utcnow())
        session.commit()
    if variant in ("plain", "crisis", "help", "own greeting"):
        line.add_volunteer("Sam", SAM)
    if variant in ("closed", "help, closed"):
        # Open for an hour two days from now, so closed now whatever the day.
        local = (utcnow() + timedelta(days=2)).astimezone(ZoneInfo("America/New_York"))
        day = local.strftime("%a").lower()
        with line.rt.db.session() as session:
            shifts.set_hours(session, line.number, f"{day} 10:00-11:00")
    if variant == "closed, weekly hours":
        # Every day, weekdays and weekends apart, starting two hours from now: closed now.
        hour = ((utcnow().astimezone(ZoneInfo("America/New_York")).hour + 2) % 24) * 60
        weekend_closes = (hour + 90) % 1440
        spec = f"mon-fri {clock(hour)}-{clock(hour + 60)}; sat,sun {clock(hour)}-{clock(weekend_closes)}"
        with line.rt.db.session() as session:
            shifts.set_hours(session, line.number, spec)


def clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@pytest.mark.parametrize("language", ("en", "es"))
@pytest.mark.parametrize("variant", VARIANTS)
def test_every_first_reply_fits_its_segments_and_has_the_crisis_numbers(
    line: Line, language: str, variant: str
) -> None:
    set_up(line, language, variant)
    kind = "crisis" if "crisis" in variant else "help" if "help" in variant else "plain"
    line.text(TEXTER, FIRST_TEXT[(language, kind)])

    sent = line.sent_to(TEXTER)
    total = sum(segments(body) for body in sent)
    assert 1 <= total <= BUDGET[language], (variant, total, sent)
    assert language == "es" or all(is_gsm7(body) for body in sent)
    whole = " ".join(sent)
    assert "988" in whole and "911" in whole
    assert "Test Warmline" in whole
    assert "YES" not in whole and "SÍ" not in whole  # the consent question comes later
    says_what_it_is = {
        "en": ("This is not a crisis line", "not a crisis service", "is closed right now"),
        "es": ("No somos una línea de crisis", "no un servicio de crisis", "está cerrada"),
    }[language]
    if "own greeting" in variant:
        assert OWN_GREETING[language].split(" {")[0].replace("{line_name}", LONG_NAME) in whole
    else:
        assert any(words in whole for words in says_what_it_is)
    if language == "es":
        assert "llama o escribe al 988" in whole
    if "help" in variant and "closed" not in variant:
        assert ("Text STOP" if language == "en" else "Envía STOP") in whole
    if "busy" in variant:
        assert any(w in whole for w in ("Every peer is busy", "Hay espera"))
    if "closed" in variant:
        assert ("Our hours" if language == "en" else "Nuestro horario") in whole
        assert language == "en" or not any(w in whole for w in ("Our hours", "Mon", "Sat"))
    if "crisis" in variant:
        assert any(w in whole for w in ("really hard right now", "lo estás pasando muy mal"))


@pytest.mark.parametrize(("language", "limit"), (("en", 2), ("es", 3)))
def test_a_greeting_too_long_for_a_first_reply_is_refused_with_its_segments_and_nothing_saved(
    line: Line, language: str, limit: int
) -> None:
    words = OWN_GREETING[language].replace("{crisis}.", "{crisis}. " + "Estamos aquí. " * 12)
    with line.rt.db.session() as session:
        row = get_line(session, line.number)
        with pytest.raises(InvalidInput) as refused:
            texts.set_text(session, row, "greeting", language, words, utcnow())
        session.rollback()
        assert session.scalars(select(LineText)).all() == []

    crisis = wording.template("crisis_numbers", language)
    filled = words.format(line_name="Test Warmline", crisis=crisis)
    made = segments(own_greeting_reply(filled, language, busy=True))
    assert made > limit
    assert str(refused.value).startswith(f"The {SUPPORTED[language]} greeting makes {made} SMS ")
    assert f"a first reply may use {limit}: shorten it" in str(refused.value)
    assert refused.value.field == "text"


def test_a_greeting_that_fits_is_saved_and_greets_the_next_new_texter(line: Line) -> None:
    with line.rt.db.session() as session:
        row = get_line(session, line.number)
        texts.set_text(session, row, "greeting", "es", OWN_GREETING["es"], utcnow())
    line.add_volunteer("Sam", SAM)
    line.text(TEXTER, FIRST_TEXT[("es", "plain")])
    assert line.sent_to(TEXTER) == [
        OWN_GREETING["es"].format(
            line_name="Test Warmline", crisis="llama o escribe al 988, o llama al 911"
        )
    ]


def test_the_greeting_setting_too_long_for_a_first_reply_is_refused_and_kept_as_it_was(
    line: Line,
) -> None:
    long_greeting = "Hello from the evening peers, who have all been where you are now. " * 3
    with line.rt.db.session() as session:
        row = get_line(session, line.number)
        with pytest.raises(InvalidInput) as refused:
            set_line(session, row, [f"greeting={long_greeting}"])
        session.rollback()
        assert get_line(session, line.number).greeting == ""
    assert str(refused.value).startswith("The English greeting makes 3 SMS segments")
    assert str(refused.value).endswith("a first reply may use 2: shorten it")
