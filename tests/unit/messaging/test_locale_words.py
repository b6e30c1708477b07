"""The words of days, times and lists in texts: CLDR's, as Babel says them, without Babel's data."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel import Locale
from babel.dates import format_datetime, get_day_names
from babel.lists import format_list
from babel.units import format_unit

from warmline.messaging import times

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "tools"))
import catalogue

LANGUAGES = ("en", "es")


def test_the_shipped_words_are_babel_s_words() -> None:
    shipped = json.loads(times.WORDS_PATH.read_text("utf-8"))

    assert shipped == catalogue.locale_words(), "run: python tools/catalogue.py"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_shift_s_start_reads_as_babel_writes_it_on_every_day_of_a_year(language: str) -> None:
    pattern = {"en": "EEE dd MMM HH:mm", "es": "EEE d MMM HH:mm"}[language]
    zone = ZoneInfo("America/New_York")
    start = datetime(2026, 1, 1, 18, 30, tzinfo=zone)
    for day in range(366):
        begins = start + timedelta(days=day, minutes=7 * day)
        ends = begins + timedelta(hours=4)
        babel_s = format_datetime(begins, pattern, locale=language).replace(".", "")

        assert times.shift_when(begins, ends, language) == (f"{babel_s}-{ends:%H:%M} ({begins:%Z})")


@pytest.mark.parametrize("language", LANGUAGES)
def test_days_of_the_week_are_babel_s(language: str) -> None:
    names = get_day_names("abbreviated", locale=language)
    windows = [(day, 600, 660 + day) for day in range(7)]  # a different closing time each day

    said = times.weekly_hours(windows, "UTC", language)

    for day in range(7):
        assert f"{names[day].rstrip('.')} 10:00-11:0{day}" in said


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("unit", ["week", "day", "hour", "minute"])
def test_durations_read_as_babel_s_for_every_count_a_schedule_allows(
    language: str, unit: str
) -> None:
    size = {"week": 7 * 86400, "day": 86400, "hour": 3600, "minute": 60}[unit]
    # A schedule's offsets have at most four digits in their own unit, and come within 90 days.
    longest = min(9999, 90 * 86400 // size)
    for count in range(2, longest + 1):
        if unit == "day" and count == 7:
            continue  # "in a week", from the catalogue
        offset = timedelta(seconds=count * size)
        # The largest whole unit names it: 14 days are 2 weeks, 120 minutes 2 hours.
        if any(
            offset.total_seconds() % bigger == 0
            for bigger in (7 * 86400, 86400, 3600)[: ("week", "day", "hour", "minute").index(unit)]
        ):
            continue
        expected = format_unit(count, f"duration-{unit}", locale=language)

        assert expected in times.after([offset], language), (unit, count)


@pytest.mark.parametrize("language", LANGUAGES)
def test_seconds_and_single_units_read_as_babel_s(language: str) -> None:
    for count in (1, 59, 61, 999, 1001, 9999):
        expected = format_unit(count, "duration-second", locale=language)
        assert expected in times.after([timedelta(seconds=count)], language), count
    assert format_unit(1, "duration-hour", locale=language) in times.after(
        [timedelta(hours=1)], language
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_lists_join_as_babel_joins_them(language: str) -> None:
    choices = ["DONE #K4P", "DONE #Q7R", "DONE #X2M", "DONE #B9C", "DONE #H3J"]
    for count in range(1, len(choices) + 1):
        assert times.one_of(choices[:count], language) == format_list(
            choices[:count], style="or", locale=language
        )
    offsets = [timedelta(days=1), timedelta(days=7), timedelta(days=30)]
    assert times.after(offsets, language) == format_list(
        [times.after([offset], language) for offset in offsets], locale=language
    )


@pytest.mark.parametrize("reader", LANGUAGES)
def test_language_names_are_babel_s(reader: str) -> None:
    for code in LANGUAGES:
        assert times.language_name(code, reader) == Locale.parse(reader).languages[code]


def test_a_language_texts_are_not_written_in_reads_the_source_language_s_words() -> None:
    assert times.language_name("es", "fr") == "Spanish"
    assert times.one_of(["A", "B"], "de") == "A or B"


# Run in a fresh interpreter: this one has Babel's data loaded and kept by the tests above.
NO_LOCALE_DATA = """
import babel.localedata
from datetime import UTC, datetime, timedelta

def load(name, merge_inherited=True):
    raise SystemExit(f"Babel's locale data for {name} was loaded")

babel.localedata.load = load
from warmline.messaging import times

begins = datetime(2026, 12, 1, 18, tzinfo=UTC)
for language in ("en", "es"):
    times.shift_when(begins, begins + timedelta(hours=4), language)
    times.weekly_hours([(0, 600, 660), (1, 600, 660), (4, 60, 120)], "UTC", language)
    times.after([timedelta(days=1), timedelta(days=3), timedelta(minutes=90)], language)
    times.one_of(["A", "B", "C"], language)
    times.language_name("es", language)
print("no locale data loaded")
"""


def test_no_function_loads_babel_s_locale_data() -> None:
    ran = subprocess.run(
        [sys.executable, "-c", NO_LOCALE_DATA],
        cwd=Path(__file__).resolve().parents[3],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert ran.returncode == 0, ran.stderr[-2000:]
    assert ran.stdout.strip() == "no locale data loaded"
