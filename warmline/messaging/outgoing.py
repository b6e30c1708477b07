"""One inbound text being handled: the session, the line, the time and the texts it causes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from warmline.core.crypto import Vault
from warmline.messaging import outbox, wording
from warmline.messaging.rules import priority
from warmline.messaging.rules.priority import Priority
from warmline.messaging.rules.sms import MAX_BODY, split_body
from warmline.models import Contact, Line, Outbox, Volunteer


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
    # The language of the texter this turn is for, once known; None: the line's default.
    language: str | None = None

    def tell_volunteer(
        self, volunteer: Volunteer, key: str, conversation_id: int | None = None, **fields: object
    ) -> None:
        """Queue the wording `key` for a volunteer, at the priority its kind of text has."""
        body = self.say(key, self.line.default_language, **fields)
        self.text_volunteer(volunteer, body, conversation_id, priority.of_key(key))

    def relay_to_volunteer(
        self, volunteer: Volunteer, ref: str, text: str, conversation_id: int
    ) -> None:
        """Queue a texter's words for a volunteer, every part prefixed with the reference."""
        prefix = self.say("relay_to_volunteer", self.line.default_language, ref=ref, text="")
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

    def say(self, key: str, language: str | None = None, **fields: object) -> str:
        """The line's wording `key`, with its name, crisis numbers and hours, in a language.

        `language` None: the texter's language when this turn knows it, else the line's default.
        """
        language = language or self.language or self.line.default_language
        # A line's own greeting is written in its default language.
        mine = key == "greeting" and language == self.line.default_language
        own = self.line.greeting.strip() if mine else ""
        if own:
            if self.line.crisis_numbers in own:
                return own
            # Whatever a line writes, the first text always carries its crisis numbers.
            crisis = wording.say("greeting_crisis", language, crisis=self.line.crisis_numbers)
            return f"{own} {crisis}"
        return wording.say(
            key,
            language,
            line_name=self.line.name,
            crisis=self.line.crisis_numbers,
            hours=self.line.hours_text,
            **fields,
        )

    def outbox_ids(self) -> list[int]:
        """Ids of the rows written (after flush or commit)."""
        return [row.id for row in self.written]
