"""The rota's notes on ambiguous local times, read in the page's language."""

from __future__ import annotations

import re

from flask_babel import gettext

# How the rota's rules word a time that a daylight-saving change makes happen twice.
_TWICE = re.compile(
    r"^(?P<time>.+) happens twice in (?P<zone>\S+); read as the first \((?P<offset>UTC[^)]*)\)$"
)


def note_label(note: str) -> str:
    """A note from adding a shift, in the page's language (an unknown note as it came)."""
    twice = _TWICE.match(note)
    if twice is None:
        return note
    return str(
        gettext(
            "%(time)s happens twice in %(zone)s; read as the first (%(offset)s)",
            time=twice["time"],
            zone=twice["zone"],
            offset=twice["offset"],
        )
    )
