"""A line's own texts: any text of the catalogue, in any language, instead of the default."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from warmline.core.crypto import Vault
from warmline.core.errors import InvalidInput
from warmline.core.refusals import refusal
from warmline.lines import audit
from warmline.lines.rules.languages import SUPPORTED
from warmline.lines.rules.texts import checked_text
from warmline.messaging import wording
from warmline.messaging.outgoing import Turn, own_greeting_reply
from warmline.messaging.rules.segments import first_reply_limit, segments
from warmline.messaging.wording_parts import PIECES
from warmline.models import Coordinator, Line, LineText

# What a new texter may get as their first reply (besides the greeting, busy or not), and the
# texts that fill them in.
FIRST_REPLIES = (
    "greeting_words",
    "greeting_words_busy",
    "texter_help_first",
    "texter_help_first_busy",
    "closed_now",
)
FIRST_REPLY_PARTS = frozenset(
    {"greeting", "greeting_busy", "crisis_numbers", "hours", *FIRST_REPLIES}
)
# Line settings that fill in the same replies. Not the line's name: the catalogue's first replies
# leave room for a name of 20 characters, and a longer one is the line's to choose.
FIRST_REPLY_SETTINGS = ("greeting", "crisis_numbers", "hours_text")

# Versioned with every answer given to it, so it changes only as a new version (the settings).
NOT_HERE = {
    "consent_question": refusal("the consent question is changed on the line's settings page")
}


def _checked_key(key: str, language: str) -> None:
    if key in NOT_HERE:
        raise InvalidInput(NOT_HERE[key], "key")
    if key not in wording.ENGLISH or key in PIECES:
        raise InvalidInput(
            "{key!r} is not a text the line sends (see warmline line texts)", "key", key=key
        )
    if language not in SUPPORTED:
        known = ", ".join(SUPPORTED)
        raise InvalidInput(
            "{word!r} is not a language this line knows (use {known})",
            "language",
            word=language,
            known=known,
        )


def set_text(
    session: Session,
    line: Line,
    key: str,
    language: str,
    text: str,
    now: datetime,
    actor: Coordinator | None = None,
) -> LineText:
    """Save the line's own text for `key` in `language`; it must keep the default's placeholders."""
    language = language.strip().lower()
    _checked_key(key, language)
    cleaned = checked_text(key, SUPPORTED[language], text, wording.template(key))
    if key == "greeting":
        _check_first_reply_fits(session, line, language, cleaned)
    before = first_replies(session, line, language) if key in FIRST_REPLY_PARTS else None
    row = session.scalar(
        select(LineText).where(
            LineText.line_id == line.id, LineText.key == key, LineText.language == language
        )
    )
    if row is None:
        row = LineText(line_id=line.id, key=key, language=language, text=cleaned, updated_at=now)
        session.add(row)
    else:
        row.text, row.updated_at = cleaned, now
    if before is not None:
        session.flush()
        try:
            after = first_replies(session, line, language)
            refuse_longer_first_replies(before, after, language, "text")
        except InvalidInput:
            session.rollback()
            raise
    # The key and language, never the words: they may be long, and the texts page shows them.
    audit.record(session, actor, "changed a text", f"{key} ({language})", now, line.id, "cli")
    session.commit()
    return row


def _check_first_reply_fits(session: Session, line: Line, language: str, greeting: str) -> None:
    """A line's own greeting, with the busy note it may carry, must fit a first reply."""
    own_crisis = session.scalar(
        select(LineText.text).where(
            LineText.line_id == line.id,
            LineText.key == "crisis_numbers",
            LineText.language == language,
        )
    )
    crisis = own_crisis or wording.setting_in("crisis_numbers", line.crisis_numbers, language)
    refuse_long_greeting(greeting.format(line_name=line.name, crisis=crisis), language)


def refuse_long_greeting(greeting: str, language: str) -> None:
    """Refuse a filled-in greeting that, with the busy note, would not fit a first reply."""
    made = segments(own_greeting_reply(greeting, language, busy=True))
    limit = first_reply_limit(language)
    if made > limit:
        raise InvalidInput(
            "The {language} greeting makes {made} SMS segments with the line's name, "
            "crisis numbers and the note that every peer is busy; a first reply may use "
            "{limit}: shorten it",
            "text",
            language=SUPPORTED[language],
            made=made,
            limit=limit,
        )


def first_replies(session: Session, line: Line, language: str) -> dict[str, int]:
    """The SMS segments of each first reply a new texter may get in `language`, by text."""
    # Words only: nothing is sealed or sent, so the turn is given no vault.
    turn = Turn(session, cast(Vault, None), line, datetime.min)
    made = {
        "greeting": segments(turn.greeting(language, busy=False)),
        "greeting_busy": segments(turn.greeting(language, busy=True)),
    }
    for key in FIRST_REPLIES:
        made[key] = segments(turn.say(key, language))
    return made


def refuse_longer_first_replies(
    before: dict[str, int], after: dict[str, int], language: str, field: str
) -> None:
    """Refuse a change that makes a first reply longer than a first reply may be.

    Only replies the change lengthened are held to the limit, so an edit elsewhere is never
    refused for a reply that was already long.
    """
    limit = first_reply_limit(language)
    for key, made in after.items():
        if made > limit and made > before.get(key, 0):
            raise InvalidInput(
                "With this change the {language} first reply ({key}) makes {made} SMS "
                "segments; a first reply may use {limit}: shorten it",
                field,
                language=SUPPORTED[language],
                key=key,
                made=made,
                limit=limit,
            )


def reset_text(
    session: Session,
    line: Line,
    key: str,
    language: str,
    now: datetime,
    actor: Coordinator | None = None,
) -> bool:
    """Go back to the catalogue's text for `key` in `language`; False when the line had none."""
    language = language.strip().lower()
    _checked_key(key, language)
    gone = session.execute(
        delete(LineText).where(
            LineText.line_id == line.id, LineText.key == key, LineText.language == language
        )
    ).rowcount  # type: ignore[attr-defined]
    if key == "greeting" and language == line.default_language and line.greeting:
        line.greeting, gone = "", 1  # the older greeting setting is the same text
    if gone:
        audit.record(session, actor, "reset a text", f"{key} ({language})", now, line.id, "cli")
    session.commit()
    return bool(gone)


def own_texts(session: Session, line: Line) -> list[LineText]:
    """The line's own texts, by key then language."""
    return list(
        session.scalars(
            select(LineText)
            .where(LineText.line_id == line.id)
            .order_by(LineText.key, LineText.language)
        )
    )
