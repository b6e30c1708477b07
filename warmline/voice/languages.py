"""A call's languages: the caller's choice, the words said in a language, and the peer's screen."""

from __future__ import annotations

from sqlalchemy.orm import Session

from warmline.lines.rules.languages import from_stored
from warmline.messaging import times, wording
from warmline.messaging.wording import SOURCE_LANGUAGE
from warmline.models import Call, Contact, Line, Volunteer
from warmline.voice.plans import ChooseLanguage, Speech
from warmline.voice.rules.languages import chosen, key_for


def speak(line: Line | None, key: str, language: str | None = None, **fields: object) -> str:
    """The wording `key` for a call on `line` in `language` (None: the line's default), filled in."""
    if line is None:
        return wording.say(key, language or SOURCE_LANGUAGE, **fields)
    language = language or line.default_language
    return wording.say(
        key,
        language,
        line_name=line.name,
        crisis=wording.setting_in("crisis_numbers", line.crisis_numbers, language),
        hours=times.hours_in(line.hours_text, language),
        **fields,
    )


def only_language(line: Line) -> str | None:
    """The one language a line's calls are in, or None when the caller chooses among several."""
    languages = from_stored(line.languages)
    if len(languages) > 1:
        return None
    return languages[0] if languages else line.default_language


def choice(line: Line, call: Call) -> ChooseLanguage:
    """The choice of language, each option said in its own language."""
    languages = from_stored(line.languages)
    return ChooseLanguage(
        call.id,
        tuple(
            (
                speak(line, "voice_choose_language", code, digit=key_for(languages, code)),
                Speech.of(line, code),
            )
            for code in languages
        ),
    )


def take_choice(session: Session, line: Line, call: Call, digits: str) -> None:
    """The caller's key (or none) sets the call's language, and their texts' if not yet known."""
    languages = from_stored(line.languages) or (line.default_language,)
    call.language = chosen(digits, languages, line.default_language)
    contact = session.get(Contact, call.contact_id) if call.contact_id else None
    if contact is not None and contact.language is None:
        contact.language = call.language  # their texts, if they ever text, start in it


def screen_words(line: Line, volunteer: Volunteer, call: Call) -> tuple[str, Speech]:
    """What a peer hears on answering, in their own first language, not the caller's."""
    language = wording.first_of(volunteer.languages, line.default_language)
    words = speak(line, "voice_screen", language)
    if call.language is not None and call.language != line.default_language:
        # A caller who chose another language than the line's own: the peer knows before pressing 1.
        name = times.language_name(call.language, language)
        words = speak(line, "voice_screen_language", language, language_name=name)
    return words, Speech.of(line, language)
