"""Floods: a texter sending faster than any peer can read has their texts gathered."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

# More texts than this from one texter within the window, and their texts are gathered. Two a
# second is faster than anyone types for long (a paste, a script, a stuck phone); one a second,
# a fast typist's pace, is never gathered.
FLOOD_TEXTS = 20
FLOOD_WINDOW = timedelta(seconds=10)
# Gathered texts reach the peer together, at most this long after the first was held.
GATHER_EVERY = timedelta(seconds=5)


def flood_since(now: datetime) -> datetime:
    """The start of the window whose texts count towards a flood."""
    return now - FLOOD_WINDOW


def is_flood(texts_in_window: int) -> bool:
    """Whether a texter who sent this many texts within the window is flooding."""
    return texts_in_window > FLOOD_TEXTS


def gathered_due(now: datetime) -> datetime:
    """When texts gathered from now on go to the peer together."""
    return now + GATHER_EVERY


def gathered(texts: Sequence[str]) -> str:
    """Gathered texts as the one text a peer reads: each on its own line, in order."""
    return "\n".join(texts)
