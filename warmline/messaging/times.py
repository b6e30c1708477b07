"""Days, times, schedules and language names inside texts, written in the reader's language.

The words come from CLDR through Babel, but read from `locale/words.json`, which
`tools/catalogue.py` writes: Babel loads a language's whole locale data to name one day (every
language's, country's and time zone's name in it, about 2 MB a language), and a worker would keep
all of it for the few dozen words its texts use.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Final

from babel.plural import PluralRule

from warmline.messaging import wording

# Weekly windows as the rota stores them: (weekday with 0 = Monday, opens minute, closes minute).
Window = tuple[int, int, int]

WORDS_PATH: Final = Path(__file__).parent / "locale" / "words.json"
# A shift's start as each language writes it (CLDR's "EEE dd MMM HH:mm" and "EEE d MMM HH:mm");
# both on the 24-hour clock, as the rota is entered.
_SHIFT_START: Final = {"en": "{day} {date:02d} {month} {time}", "es": "{day} {date} {month} {time}"}
# A moment with its year, as a coordinator's alert e-mail dates it (CLDR's "EEE dd MMM y HH:mm").
_MOMENT: Final = {
    "en": "{day} {date:02d} {month} {year} {time}",
    "es": "{day} {date} {month} {year} {time}",
}
_UNITS: Final = (("week", 7 * 86400), ("day", 86400), ("hour", 3600), ("minute", 60))
# The English hours text a line stores when its hours are set (`weekly_hours(..., "en")`).
_STORED_HOURS = re.compile(r"Our hours \((?P<zone>[^()]+)\): (?P<windows>.+)\.")
_DAY = "(Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_STORED_WINDOW = re.compile(_DAY + "(?:-" + _DAY + r")? (\d\d):(\d\d)-(\d\d):(\d\d)")
_ENGLISH_DAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@cache
def _all_words() -> dict[str, dict[str, Any]]:
    with WORDS_PATH.open(encoding="utf-8") as source:
        words: dict[str, dict[str, Any]] = json.load(source)
    return words


def _known(language: str) -> str:
    """The reader's language; the source language for one texts are not written in."""
    return language if language in wording.TRANSLATED else wording.SOURCE_LANGUAGE


def _words(language: str) -> dict[str, Any]:
    """The reader's words (the source language's for a language texts are not written in)."""
    return _all_words()[_known(language)]


@cache
def _plural(language: str) -> PluralRule:
    return PluralRule(_words(language)["plural"])


def shift_when(start: datetime, end: datetime, language: str) -> str:
    """A shift's local times, e.g. "Tue 01 Dec 18:00-22:00 (EST)" or "mar 1 dic 18:00-22:00 (EST)"."""
    return f"{_dated(start, language, _SHIFT_START)}-{end:%H:%M} ({start:%Z})"


def moment(local: datetime, language: str) -> str:
    """A local moment with its zone: "Wed 02 Dec 2026 20:14 (EST)", "mié 2 dic 2026 20:14 (EST)"."""
    return f"{_dated(local, language, _MOMENT)} ({local:%Z})"


def _dated(local: datetime, language: str, patterns: Mapping[str, str]) -> str:
    """`local`'s day, date, month, year and time by the reader's pattern."""
    words = _words(language)
    pattern = patterns.get(_known(language), patterns[wording.SOURCE_LANGUAGE])
    said = pattern.format(
        day=words["days"][local.weekday()],
        date=local.day,
        month=words["months"][local.month - 1],
        year=local.year,
        time=f"{local:%H:%M}",
    )
    # Spanish abbreviations end in a dot in some data versions; a text reads better without.
    return said.replace(".", "")


def weekly_hours(windows: list[Window], zone: str, language: str) -> str:
    """A line's hours as a sentence: "Our hours (America/New_York): Mon-Fri 18:00-23:00."."""
    days = [name.rstrip(".") for name in _words(language)["days"]]  # Monday first, as the rota
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
    return _joined([_after_one(offset, language) for offset in offsets], _words(language)["and"])


def _after_one(offset: timedelta, language: str) -> str:
    seconds = int(offset.total_seconds())
    if seconds == 86400:
        return wording.say("when_tomorrow", language)
    if seconds == 7 * 86400:
        return wording.say("when_in_a_week", language)
    unit, size = next(((u, s) for u, s in _UNITS if seconds % s == 0), ("second", 1))
    return wording.say("when_in", language, duration=_duration(seconds // size, unit, language))


def _duration(count: int, unit: str, language: str) -> str:
    """A whole number of units, "3 days" or "1.000 minutos", as CLDR's long unit patterns say."""
    words = _words(language)
    patterns = words["durations"][unit]
    pattern = patterns.get(_plural(language)(count), patterns["other"])
    return str(pattern).format(f"{count:,}".replace(",", words["group"]))


def _joined(items: list[str], patterns: Mapping[str, str]) -> str:
    """Items joined as CLDR's list patterns say: "A and B", "A, B, and C", "A, B o C"."""
    if len(items) < 2:
        return "".join(items)
    if len(items) == 2:
        return patterns["2"].format(*items)
    joined = patterns["start"].format(items[0], items[1])
    for item in items[2:-1]:
        joined = patterns["middle"].format(joined, item)
    return patterns["end"].format(joined, items[-1])


def one_of(choices: list[str], language: str) -> str:
    """Choices joined as the reader says "or": "A or B", "A o B"."""
    return _joined(choices, _words(language)["or"])


def language_name(code: str, reader: str) -> str:
    """The name of language `code` as `reader`'s language writes it: "Spanish", "español"."""
    name: str = _words(reader)["languages"].get(code, code)
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
