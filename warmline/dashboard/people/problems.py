"""The import preview's column names and row problems, read in the page's language."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask_babel import gettext, lazy_gettext

from warmline.lines.volunteers import BAD_PHONE

COLUMN_LABELS = {
    "name": lazy_gettext("Name"),
    "phone": lazy_gettext("Phone"),
    "topics": lazy_gettext("Topics"),
    "languages": lazy_gettext("Languages"),
}

# How the import's checks word each problem a row can have, and the same in the page's language.
_PROBLEMS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"^The name is empty\.$"), lambda m: gettext("The name is empty.")),
    (
        re.compile(r"^Keep the name to (?P<most>\d+) characters\.$"),
        lambda m: gettext("Keep the name to %(most)s characters.", most=m["most"]),
    ),
    (
        re.compile(r"^Row (?P<row>\d+) has the same phone number\.$"),
        lambda m: gettext("Row %(row)s has the same phone number.", row=m["row"]),
    ),
    (
        re.compile(r"^Not on this line's topic list: (?P<unknown>.*) \(it has (?P<known>.*)\)\.$"),
        lambda m: gettext(
            "Not on this line's topic list: %(unknown)s (it has %(known)s).",
            unknown=m["unknown"],
            known=m["known"],
        ),
    ),
    (
        re.compile("^" + re.escape(BAD_PHONE) + "$"),
        lambda m: gettext(
            "This is not a phone number we can text. Write it with its area code, like "
            "(555) 010-4477, or with its country code, like +44 20 7946 0958."
        ),
    ),
    (
        re.compile(r"^'(?P<code>[^']*)' is not a language this line knows \(use (?P<known>.*)\)$"),
        lambda m: gettext(
            "'%(code)s' is not a language this line knows (use %(known)s)",
            code=m["code"],
            known=m["known"],
        ),
    ),
    (
        re.compile(r"^A volunteer with this phone number is already here\.$"),
        lambda m: gettext("A volunteer with this phone number is already here."),
    ),
]


def column_label(column: str) -> str:
    """A column of the import file, as the page names it."""
    return str(COLUMN_LABELS.get(column, column.capitalize()))


def problem_label(sentence: str) -> str:
    """A row's problem in the page's language (one the checks word elsewhere, as it came)."""
    for pattern, say in _PROBLEMS:
        found = pattern.match(sentence)
        if found is not None:
            return say(found)
    return sentence
