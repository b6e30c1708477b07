"""The first reply to a new texter: short enough to read, in their language, with no question."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.integration.conftest import Line
from tests.integration.conversations.test_sms_flow import SAM, TEXTER
from warmline.core.clock import utcnow
from warmline.lines.lines import get_line
from warmline.messaging.rules.segments import is_gsm7, segments
from warmline.rota import shifts

# At most this many segments for everything a new texter is sent back, per language: English
# stays GSM-7 (153 characters a part); Spanish accents make it UCS-2 (67 a part).
BUDGET = {"en": 2, "es": 3}
FIRST_TEXT = {
    ("en", "plain"): "hi, I'm having a rough night",
    ("es", "plain"): "hola, necesito hablar con alguien",
    ("en", "crisis"): "i want to kill myself",
    ("es", "crisis"): "ya no quiero vivir",
}
VARIANTS = ("plain", "busy", "crisis", "crisis and busy", "closed")


def set_up(line: Line, language: str, variant: str) -> None:
    with line.rt.db.session() as session:
        get_line(session, line.number).default_language = language
        session.commit()
    if variant in ("plain", "crisis"):
        line.add_volunteer("Sam", SAM)
    if variant == "closed":
        # Open for an hour two days from now, so closed now whatever the day.
        local = (utcnow() + timedelta(days=2)).astimezone(ZoneInfo("America/New_York"))
        day = local.strftime("%a").lower()
        with line.rt.db.session() as session:
            shifts.set_hours(session, line.number, f"{day} 10:00-11:00")


@pytest.mark.parametrize("language", ("en", "es"))
@pytest.mark.parametrize("variant", VARIANTS)
def test_every_first_reply_fits_its_segments_and_has_the_crisis_numbers(
    line: Line, language: str, variant: str
) -> None:
    set_up(line, language, variant)
    kind = "crisis" if "crisis" in variant else "plain"
    line.text(TEXTER, FIRST_TEXT[(language, kind)])

    sent = line.sent_to(TEXTER)
    total = sum(segments(body) for body in sent)
    assert 1 <= total <= BUDGET[language], (variant, total, sent)
    assert language == "es" or all(is_gsm7(body) for body in sent)
    whole = " ".join(sent)
    assert "988" in whole and "911" in whole
    assert "Test Warmline" in whole
    assert "YES" not in whole and "SÍ" not in whole  # the consent question comes later
    if language == "es":
        assert "llama o escribe al 988" in whole
        assert "No somos una línea de crisis" in whole or "está cerrada" in whole
    else:
        assert "This is not a crisis line" in whole or "is closed right now" in whole
    if "busy" in variant:
        assert any(w in whole for w in ("Every peer is busy", "Hay espera"))
    if "crisis" in variant:
        assert any(w in whole for w in ("really hard right now", "lo estás pasando muy mal"))
