"""What a peer opts in to: topics, languages and continuity with returning texters."""

from __future__ import annotations

from warmline.conversations.rules.vocabulary import CLEAR_WORDS
from warmline.core.errors import InvalidInput
from warmline.core.text import fold
from warmline.lines import volunteers
from warmline.lines.rules.languages import SUPPORTED
from warmline.lines.rules.languages import from_stored as languages_of
from warmline.lines.rules.topics import from_stored, resolve_list, stored
from warmline.lines.topic_list import topics as line_topics
from warmline.messaging.outgoing import Turn, first_language
from warmline.messaging.times import language_name
from warmline.models import Line, Volunteer


def set_topics(line: Line, volunteer: Volunteer, text: str) -> list[str]:
    """Replace the volunteer's topics with the known ones in `text`; returns the unknown words."""
    if fold(text) in CLEAR_WORDS:
        volunteer.topics = ""
        return []
    known, unknown = resolve_list(text, line_topics(line))
    if known:
        volunteer.topics = stored(known)
    return unknown


def topics_by_sms(turn: Turn, volunteer: Volunteer, text: str | None) -> None:
    """TOPICS a, b (choose), TOPICS NONE (clear), TOPICS (show)."""
    names = ", ".join(line_topics(turn.line))
    if text is None:
        mine = ", ".join(from_stored(volunteer.topics)) or "none"
        turn.tell_volunteer(volunteer, "topics_show", topics=mine, known=names)
        return
    unknown = set_topics(turn.line, volunteer, text)
    if unknown:
        turn.tell_volunteer(volunteer, "topics_unknown", unknown=", ".join(unknown), known=names)
    chosen = from_stored(volunteer.topics)
    if chosen:
        turn.tell_volunteer(volunteer, "topics_set", topics=", ".join(chosen))
    elif not unknown:
        turn.tell_volunteer(volunteer, "topics_cleared")


def continuity(turn: Turn, volunteer: Volunteer, agree: bool, name: str | None) -> None:
    """CONTINUITY ON [first name] / CONTINUITY OFF."""
    volunteer.continuity = agree
    if not agree:
        volunteer.shown_name = None
        turn.tell_volunteer(volunteer, "continuity_off")
        return
    volunteer.shown_name = name.strip().title()[:30] if name else None
    if volunteer.shown_name:
        turn.tell_volunteer(volunteer, "continuity_on_named", name=volunteer.shown_name)
    else:
        turn.tell_volunteer(volunteer, "continuity_on")


def languages_by_sms(turn: Turn, volunteer: Volunteer, text: str | None) -> None:
    """LANG es,en (choose, easiest first) and LANG (show)."""
    known = ", ".join(SUPPORTED)
    if text is not None:
        try:
            volunteers.set_languages(volunteer, text)
        except InvalidInput:
            unknown = ", ".join(
                w for w in text.lower().replace(",", " ").split() if w not in SUPPORTED
            )
            turn.tell_volunteer(volunteer, "languages_unknown", unknown=unknown, known=known)
            return
    reader = first_language(volunteer, turn.line)
    names = ", ".join(language_name(c, reader) for c in languages_of(volunteer.languages))
    key = "languages_show" if text is None else "languages_set"
    turn.tell_volunteer(volunteer, key, languages=names, known=known)
