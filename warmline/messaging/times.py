"""Days, times, schedules and language names inside texts, written in the reader's language."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Final

from babel import Locale
from babel.dates import format_datetime, get_day_names
from babel.lists import format_list
from babel.units import format_unit

from warmline.messaging import wording

# Weekly windows as the rota stores them: (weekday with 0 = Monday, opens minute, closes minute).
Window = tuple[int, int, int]

# A shift's start as each language writes it; both on the 24-hour clock, as the rota is entered.
_SHIFT_START: Final = {"en": "EEE dd MMM HH:mm", "es": "EEE d MMM HH:mm"}
_UNITS: Final = (("week", 7 * 86400), ("day", 86400), ("hour", 3600), ("minute", 60))
# The English hours text a line stores when its hours are set (`weekly_hours(..., "en")`).
_STORED_HOURS = re.compile(r"Our hours \((?P<zone>[^()]+)\): (?P<windows>.+)\.")
_DAY = "(Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_STORED_WINDOW = re.compile(_DAY + "(?:-" + _DAY + r")? (\d\d):(\d\d)-(\d\d):(\d\d)")
_ENGLISH_DAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _locale(language: str) -> Locale:
    return Locale.parse(language if language in wording.TRANSLATED else wording.SOURCE_LANGUAGE)


def shift_when(start: datetime, end: datetime, language: str) -> str:
    """A shift's local times, e.g. "Tue 01 Dec 18:00-22:00 (EST)" or "mar 1 dic 18:00-22:00 (EST)"."""
    locale = _locale(language)
    pattern = _SHIFT_START.get(str(locale), _SHIFT_START[wording.SOURCE_LANGUAGE])
    # Spanish abbreviations end in a dot in some data versions; a text reads better without.
    starts = format_datetime(start, pattern, locale=locale).replace(".", "")
    return f"{starts}-{end:%H:%M} ({start:%Z})"


def weekly_hours(windows: list[Window], zone: str, language: str) -> str:
    """A line's hours as a sentence: "Our hours (America/New_York): Mon-Fri 18:00-23:00."."""
    names = get_day_names("abbreviated", locale=_locale(language))
    days = [names[day].rstrip(".") for day in range(7)]  # Babel's 0 is Monday, like the rota's
    by_times: dict[tuple[int, int], list[int]] = {}
    for day, opens, closes in sorted(windows):
        by_times.setdefault((opens, closes), []).append(day)
    spans = ", ".join(
        f"{run} {_clock(opens)}-{_clock(closes)}"
        for (opens, closes), on in sorted(by_times.items(), key=lambda item: item[1][0])
        for run in _runs(sorted(set(on)), days)
    )
    return wording.say("hours_weekly", language, zone=zone, windows=spans)


def hours_in(setting: str, language: str) -> str:
    """A line's hours text in `language`: the catalogue's default, or the rota's hours, re-said."""
    stored = _STORED_HOURS.fullmatch(setting.strip())
    spans = (
        [_STORED_WINDOW.fullmatch(span) for span in stored["windows"].split(", ")] if stored else []
    )
    if stored is None or not all(spans):
        # Words a coordinator wrote themselves (even in our pattern): theirs, as they wrote them.
        return wording.setting_in("hours", setting, language)
    windows: list[Window] = []
    for first, last, oh, om, ch, cm in (span.groups() for span in spans if span):
        start = _ENGLISH_DAYS.index(first)
        end = _ENGLISH_DAYS.index(last) if last else start
        opens, closes = int(oh) * 60 + int(om), int(ch) * 60 + int(cm)
        windows.extend(
            (day % 7, opens, closes) for day in range(start, end + 1 + (7 if end < start else 0))
        )
    return weekly_hours(windows, stored["zone"], language)


def after(offsets: list[timedelta], language: str) -> str:
    """When check-ins come, e.g. "tomorrow and in a week" or "mañana y en una semana"."""
    locale = _locale(language)
    return format_list([_after_one(offset, language) for offset in offsets], locale=locale)


def _after_one(offset: timedelta, language: str) -> str:
    seconds = int(offset.total_seconds())
    if seconds == 86400:
        return wording.say("when_tomorrow", language)
    if seconds == 7 * 86400:
        return wording.say("when_in_a_week", language)
    unit, size = next(((u, s) for u, s in _UNITS if seconds % s == 0), ("second", 1))
    duration = format_unit(seconds // size, f"duration-{unit}", locale=_locale(language))
    return wording.say("when_in", language, duration=duration)


def one_of(choices: list[str], language: str) -> str:
    """Choices joined as the reader says "or": "A or B", "A o B"."""
    return format_list(choices, style="or", locale=_locale(language))


def language_name(code: str, reader: str) -> str:
    """The name of language `code` as `reader`'s language writes it: "Spanish", "español"."""
    name: str = _locale(reader).languages.get(code, code)
    return name


def day_runs(days: list[int]) -> list[tuple[int, int]]:
    """Sorted days as runs of days next to each other: [0, 1, 2, 4] -> [(0, 2), (4, 4)]."""
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return [(run[0], run[-1]) for run in runs]


def _runs(days: list[int], names: list[str]) -> list[str]:
    """Days next to each other as one run: [0, 1, 2, 4] -> "Mon-Wed", "Fri"."""
    return [
        names[first] if first == last else f"{names[first]}-{names[last]}"
        for first, last in day_runs(days)
    ]


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"
