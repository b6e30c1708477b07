"""Every text a Spanish reader gets, filled the way the line fills it, has no English in it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from warmline.lines.rules.texts import placeholders
from warmline.messaging import times, wording
from warmline.messaging.rules.delivery import failure_reason
from warmline.rota.rules.hours import parse_hours

ZONE = ZoneInfo("America/New_York")
# Generated English would show as one of these words: days, months, times of day, the phrases.
ENGLISH_WORDS = re.compile(
    r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
    r"|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|tomorrow|today|week|weeks|day|days"
    r"|hour|hours|minute|minutes|Our|am|pm|AM|PM|and|or|in|the|their|number|Spanish|English"
    r"|carrier|phone|blocked|landline|filtered|refused)\b"
)
# The one text that offers the other language in that language ("For English, text ENGLISH.").
OFFERS_THE_OTHER_LANGUAGE = {"language_set"}
# A week of shifts from a Monday, and a date in every month: every day and month name appears.
SHIFT_STARTS = [datetime(2026, 11, 30, 18, tzinfo=ZONE) + timedelta(days=d) for d in range(7)] + [
    datetime(2026, month, 15, 9, tzinfo=ZONE) for month in range(1, 13)
]
STORED_HOURS = times.weekly_hours(
    parse_hours("mon-fri 18:00-23:00; sat 12:00-02:00; sun 10:00-14:00"), "America/New_York", "en"
)
SCHEDULES = [
    [timedelta(days=1), timedelta(days=7)],
    [timedelta(hours=1), timedelta(hours=36), timedelta(days=3), timedelta(weeks=2)],
    [timedelta(minutes=30)],
]
FAILURE_CODES = [21610, 30003, 30005, 30006, 30007, 21211, 30999, None]


def spanish_fields(
    start: datetime, schedule: list[timedelta], code: int | None
) -> dict[str, object]:
    """What the line fills a Spanish text with, generated the way the line generates it."""
    reason, reason_fields = failure_reason(code)
    return {
        "line_name": "Línea Cálida",
        "crisis": wording.template("crisis_numbers", "es"),
        "hours": times.hours_in(STORED_HOURS, "es"),
        "when": times.shift_when(start, start + timedelta(hours=4), "es"),
        "why": wording.say(reason, "es", **reason_fields),
        "language_name": times.language_name("en", "es"),
        "languages": ", ".join(times.language_name(c, "es") for c in ("es", "en")),
        "known": "en, es",
        "unknown": "fr",
        "forms": times.one_of(["DONE #K4P", "DONE #Q7R", "DONE #X2M"], "es"),
        "ref": "K4P",
        "first": "K4P",
        "refs": "#K4P, #Q7R",
        "others": "#Q7R",
        "code": "AB12",
        "count": 3,
        "minutes": 20,
        "active": "#K4P",
        "waiting": 2,
        "until": "23:00",
        "shift": wording.say("status_on_shift", "es", until="23:00"),
        "peer": "Ana",
        "name": "Ana",
        "topic": "duelo",
        "topics": "duelo, ansiedad",
        "tags": "bien, difícil",
        "tag": "bien",
        "word": "duelo",
        "choices": "respirar, dormir",
        "title": "Respirar",
        "text": "Cuenta hasta cuatro.",
        "link": "",
        "command": "CALL",
        "digit": 2,
        "spoken_ref": "K 4 P",
        "reason": "",
    }


@pytest.mark.parametrize("key", sorted(wording.ENGLISH))
def test_a_spanish_text_has_no_english_in_what_the_line_fills_in(key: str) -> None:
    for index, start in enumerate(SHIFT_STARTS):
        schedule = SCHEDULES[index % len(SCHEDULES)]
        fields = spanish_fields(start, schedule, FAILURE_CODES[index % len(FAILURE_CODES)])
        if key in ("checkin_question", "checkin_yes"):
            fields["when"] = times.after(schedule, "es")
        if key == "hours_weekly":
            fields["zone"], fields["windows"] = "America/New_York", ""
        if key == "when_in":
            fields["duration"] = "3 días"
        wanted = {name: fields[name] for name in placeholders(wording.ENGLISH[key])}
        text = wording.say(key, "es", **wanted)
        if key in OFFERS_THE_OTHER_LANGUAGE:
            text = text.split(". For English")[0]
        assert ENGLISH_WORDS.findall(text) == [], (key, text)


def test_the_pieces_a_line_generates_read_in_spanish() -> None:
    start = datetime(2026, 11, 30, 18, tzinfo=ZONE)
    assert (
        times.shift_when(start, start + timedelta(hours=4), "es") == "lun 30 nov 18:00-22:00 (EST)"
    )
    assert times.hours_in(STORED_HOURS, "es") == (
        "Nuestro horario (America/New_York): lun-vie 18:00-23:00, sáb 12:00-02:00, dom 10:00-14:00."
    )
    assert times.after(SCHEDULES[0], "es") == "mañana y en una semana"
    assert times.language_name("es", "es") == "español"
    assert times.language_name("es", "en") == "Spanish"


def test_english_readers_keep_the_english_they_had() -> None:
    start = datetime(2026, 11, 30, 18, tzinfo=ZONE)
    assert (
        times.shift_when(start, start + timedelta(hours=4), "en") == "Mon 30 Nov 18:00-22:00 (EST)"
    )
    assert times.after(SCHEDULES[0], "en") == "tomorrow and in a week"
    assert STORED_HOURS == (
        "Our hours (America/New_York): Mon-Fri 18:00-23:00, Sat 12:00-02:00, Sun 10:00-14:00."
    )
    assert times.hours_in(STORED_HOURS, "en") == STORED_HOURS


@pytest.mark.parametrize(
    "own", ["We answer 6pm-11pm.", "Our hours (America/New_York): Mon 6pm-11pm, weekends too."]
)
def test_hours_a_coordinator_wrote_themselves_are_kept_as_written(own: str) -> None:
    assert times.hours_in(own, "es") == own
    assert times.hours_in(own, "en") == own
