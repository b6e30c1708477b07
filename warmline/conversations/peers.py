"""What a peer opts in to: lived-experience topics and continuity with returning texters."""

from __future__ import annotations

from warmline.conversations.matching import line_topics
from warmline.conversations.rules.vocabulary import CLEAR_WORDS
from warmline.core.text import fold
from warmline.lines.rules.topics import from_stored, resolve_list, stored
from warmline.messaging.outgoing import Turn
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
