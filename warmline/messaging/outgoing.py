"""One inbound text being handled: the session, the line, the time and the texts it causes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warmline.core.crypto import Vault
from warmline.messaging import outbox, times, wording
from warmline.messaging.rules import priority
from warmline.messaging.rules.priority import Priority
from warmline.messaging.rules.sms import MAX_BODY, split_body
from warmline.models import Contact, Line, LineText, Outbox, Volunteer


@dataclass
class Turn:
    """What handling one text needs, and the outbox rows and jobs it has caused so far."""

    session: Session
    vault: Vault
    line: Line
    now: datetime
    written: list[Outbox] = field(default_factory=list)
    # Other jobs to queue once the transaction commits: (job name, id).
    jobs: list[tuple[str, int]] = field(default_factory=list)
    # The texter this turn is about, if any: their language is the one texts default to.
    contact: Contact | None = None
    _own_texts: dict[tuple[str, str], str] | None = field(default=None, repr=False)

    def tell_volunteer(
        self, volunteer: Volunteer, key: str, conversation_id: int | None = None, **fields: object
    ) -> None:
        """Queue the wording `key` for a volunteer, in their first language, at its priority."""
        body = self.say(key, first_language(volunteer, self.line), **fields)
        self.text_volunteer(volunteer, body, conversation_id, priority.of_key(key))

    def relay_to_volunteer(
        self, volunteer: Volunteer, ref: str, text: str, conversation_id: int
    ) -> None:
        """Queue a texter's words for a volunteer, every part prefixed with the reference."""
        prefix = self.say(
            "relay_to_volunteer", first_language(volunteer, self.line), ref=ref, text=""
        )
        for part in split_body(text, MAX_BODY - len(prefix)):
            self.text_volunteer(volunteer, prefix + part, conversation_id, Priority.WORDS)

    def text_volunteer(
        self,
        volunteer: Volunteer,
        body: str,
        conversation_id: int | None = None,
        priority: Priority = Priority.NOTICE,
    ) -> None:
        """Queue `body` for a volunteer, from the line number, in parts if it is long."""
        self._queue(body, conversation_id, priority, volunteer=volunteer)

    def tell_contact(
        self,
        contact: Contact,
        key: str,
        conversation_id: int | None = None,
        priority: Priority = Priority.WORDS,
        **fields: object,
    ) -> None:
        """Queue the wording `key` for a texter, in their language."""
        body = self.say(key, self.language_of(contact), **fields)
        self.text_contact(contact, body, conversation_id, priority)

    def text_contact(
        self,
        contact: Contact,
        body: str,
        conversation_id: int | None = None,
        priority: Priority = Priority.WORDS,
    ) -> None:
        """Queue `body` for a texter, from the line number, in parts if it is long."""
        self._queue(body, conversation_id, priority, contact=contact)

    def _queue(
        self,
        body: str,
        conversation_id: int | None,
        priority: Priority,
        *,
        volunteer: Volunteer | None = None,
        contact: Contact | None = None,
    ) -> None:
        for part in split_body(body):
            self.written.append(
                outbox.add(
                    self.session,
                    self.vault,
                    line=self.line,
                    body=part,
                    now=self.now,
                    volunteer=volunteer,
                    contact=contact,
                    conversation_id=conversation_id,
                    priority=priority,
                )
            )

    def language_of(self, contact: Contact | None) -> str:
        """The language a texter is written to in: theirs, else the line's default."""
        return (contact.language if contact else None) or self.line.default_language

    def say(self, key: str, language: str | None = None, **fields: object) -> str:
        """The line's wording `key` in `language` (None: the texter's), with its name and numbers."""
        language = language or self.language_of(self.contact)
        crisis = self._filler("crisis_numbers", language, self.line.crisis_numbers)
        own = self.own_text(key, language)
        if own is None and key == "greeting" and language == self.line.default_language:
            legacy = self.line.greeting.strip()
            if legacy:
                return with_crisis_numbers(legacy, crisis, language)
        template = own if own is not None else wording.template(key, language)
        return template.format(
            line_name=self.line.name,
            crisis=crisis,
            hours=self._filler("hours", language, self.line.hours_text),
            **fields,
        )

    def greeting(self, language: str, busy: bool) -> str:
        """The first reply to a new texter: the line's own greeting (saying when it's busy) or ours."""
        if not self.has_own_greeting(language):
            return self.say("greeting_busy" if busy else "greeting", language)
        return own_greeting_reply(self.say("greeting", language), language, busy)

    def has_own_greeting(self, language: str) -> bool:
        """True when the line wrote its own first text in `language`."""
        legacy = language == self.line.default_language and bool(self.line.greeting.strip())
        return legacy or self.own_text("greeting", language) is not None

    def own_text(self, key: str, language: str) -> str | None:
        """The line's own version of `key` in `language`, if it set one."""
        if self._own_texts is None:
            rows = self.session.scalars(select(LineText).where(LineText.line_id == self.line.id))
            self._own_texts = {(row.key, row.language): row.text for row in rows}
        return self._own_texts.get((key, language))

    def _filler(self, key: str, language: str, setting: str) -> str:
        own = self.own_text(key, language)
        if own is not None:
            return own
        # A line that kept the default (English) wording, or whose hours the rota wrote, gets
        # them in each language.
        if key == "hours":
            return times.hours_in(setting, language)
        return wording.setting_in(key, setting, language)

    def outbox_ids(self) -> list[int]:
        """Ids of the rows written (after flush or commit)."""
        return [row.id for row in self.written]


# A line's own texts as columns to read with the line (outer-joined on `OWN_TEXTS_JOIN`), so a
# turn starts without a statement of its own for them; never kept between turns, so a text a
# coordinator has just edited is used by the next one.
OWN_TEXT_COLUMNS = (LineText.key, LineText.language, LineText.text)
OWN_TEXTS_JOIN = LineText.line_id == Line.id


def turn_with_texts(
    session: Session,
    vault: Vault,
    line: Line,
    now: datetime,
    own_texts: Iterable[tuple[str | None, str | None, str | None]],
) -> Turn:
    """A turn on `line` whose own texts were read with it: (key, language, text), None for none."""
    own = {
        (key, language): text
        for key, language, text in own_texts
        if key is not None and language is not None and text is not None
    }
    return Turn(session, vault, line, now, _own_texts=own)


def first_language(volunteer: Volunteer, line: Line) -> str:
    """The language a peer or coordinator finds easiest: the first they listed."""
    return wording.first_of(volunteer.languages, line.default_language)


def with_crisis_numbers(greeting: str, crisis: str, language: str) -> str:
    """A line's own greeting, with the crisis numbers added when its words leave them out."""
    # Whatever a line writes, the first text always carries its crisis numbers.
    if crisis in greeting:
        return greeting
    return f"{greeting} {wording.say('greeting_crisis', language, crisis=crisis)}"


def own_greeting_reply(greeting: str, language: str, busy: bool) -> str:
    """A line's own greeting as one first reply, saying so when every peer is busy."""
    return f"{greeting} {wording.say('busy_note', language)}" if busy else greeting
