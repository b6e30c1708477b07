"""What a safe answer needs to say about a line, kept for a while in case the database is down."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from warmline.core import phones
from warmline.core.db import Database
from warmline.lines.rules.languages import from_stored
from warmline.lines.rules.settings import DEFAULT_CRISIS
from warmline.models import Line

log = logging.getLogger(__name__)

# Lines change rarely; a safe answer may use a copy this old, and after a failed read the
# database is not asked again for a short while (every request would otherwise wait on it).
FRESH_FOR = timedelta(minutes=5)
RETRY_AFTER_FAILURE = timedelta(seconds=10)


@dataclass(frozen=True)
class LineCard:
    """A line's name, hours, crisis numbers, voice and languages, as a safe answer speaks them."""

    name: str
    hours: str
    crisis: str
    say_language: str = "en-US"
    say_voice: str = ""
    # A line never read may serve either language; the default is the one new lines start with.
    languages: tuple[str, ...] = ("en", "es")
    default_language: str = "en"


def default_card(number: str | None) -> LineCard:
    """What we say for a number we know nothing about: the crisis numbers of its country."""
    region = phones.region_of(number) if number else "US"
    return LineCard(
        name="this line", hours="", crisis=DEFAULT_CRISIS.get(region, DEFAULT_CRISIS["US"])
    )


class LineCards:
    """Per process: every line's card, read in one query and kept a few minutes."""

    def __init__(self) -> None:
        self._cards: dict[str, LineCard] = {}
        self._read_at: datetime | None = None
        self._failed_at: datetime | None = None
        self._lock = threading.Lock()

    def get(self, db: Database, number: str | None, now: datetime) -> LineCard:
        """The card of the line with `number`: fresh if the database answers, else the last copy."""
        with self._lock:
            if self._stale(now):
                self._read(db, now)
            card = self._cards.get(number or "")
        return card or default_card(number)

    def database_failed(self, now: datetime) -> None:
        """The caller just saw the database fail: use the kept copy for a while."""
        with self._lock:
            self._failed_at = now

    def _stale(self, now: datetime) -> bool:
        if self._failed_at is not None and now - self._failed_at < RETRY_AFTER_FAILURE:
            return False
        return self._read_at is None or now - self._read_at >= FRESH_FOR

    def _read(self, db: Database, now: datetime) -> None:
        try:
            with db.session() as session:
                lines = session.scalars(select(Line)).all()
                self._cards = {
                    line.number: LineCard(
                        line.name,
                        line.hours_text,
                        line.crisis_numbers,
                        line.say_language,
                        line.say_voice,
                        from_stored(line.languages) or (line.default_language,),
                        line.default_language,
                    )
                    for line in lines
                }
        except SQLAlchemyError as exc:
            log.warning("line details unreadable (%s): using the copy kept", type(exc).__name__)
            self._failed_at = now
            return
        self._read_at, self._failed_at = now, None
