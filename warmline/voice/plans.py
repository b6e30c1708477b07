"""What a call should do next, as plain data; the telephony edge turns each plan into TwiML."""

from __future__ import annotations

from dataclasses import dataclass, field

from warmline.models import Line
from warmline.voice.rules.languages import say_language


@dataclass(frozen=True)
class Speech:
    """How the line speaks: the <Say> language and voice (empty: Twilio's default)."""

    language: str = "en-US"
    voice: str = ""

    @classmethod
    def of(cls, line: Line, language: str | None = None) -> Speech:
        """How `line` speaks `language` (None: its default): its own voice where it fits."""
        attribute, own_voice = say_language(language or line.default_language, line.say_language)
        return cls(attribute, (line.say_voice or "") if own_voice else "")


@dataclass(frozen=True)
class ChooseLanguage:
    """Before anything else on a line with several languages: one key chooses the language."""

    call_id: int
    # Each choice in its own language and voice: "Para español, oprime 2."
    choices: tuple[tuple[str, Speech], ...]


@dataclass(frozen=True)
class Leg:
    """One volunteer's phone to ring, screened through the leg's own URL."""

    leg_id: int
    number: str


@dataclass(frozen=True)
class Dial:
    """Say `words`, then ring volunteers from the line number, each screened before bridging."""

    call_id: int
    step: int
    caller_id: str
    timeout_s: int
    legs: tuple[Leg, ...]
    words: tuple[str, ...] = ()
    speech: Speech = field(default_factory=Speech)


@dataclass(frozen=True)
class Forward:
    """Say `words`, then ring the line's fallback number from the line number."""

    call_id: int
    step: int
    caller_id: str
    timeout_s: int
    number: str
    words: tuple[str, ...] = ()
    speech: Speech = field(default_factory=Speech)


@dataclass(frozen=True)
class RecordMessage:
    """Say `words`, record a voicemail, and say `if_silent` when nothing was recorded."""

    call_id: int
    words: tuple[str, ...]
    if_silent: tuple[str, ...]
    max_length_s: int
    speech: Speech = field(default_factory=Speech)


@dataclass(frozen=True)
class Screen:
    """On an answered volunteer leg: say who is calling and wait for one key."""

    call_id: int
    leg_id: int
    words: tuple[str, ...]
    speech: Speech = field(default_factory=Speech)


@dataclass(frozen=True)
class Bridge:
    """End the leg's screen so Twilio bridges it to the waiting caller."""


@dataclass(frozen=True)
class Goodbye:
    """Say `words` (if any) and hang up."""

    words: tuple[str, ...] = ()
    speech: Speech = field(default_factory=Speech)


@dataclass(frozen=True)
class CallbackGate:
    """On the volunteer's phone for a voicemail call-back: wait for 1 before playing anything."""

    voicemail_id: int
    attempt: int
    words: tuple[str, ...]
    speech: Speech = field(default_factory=Speech)


@dataclass(frozen=True)
class PlayMessage:
    """Play the voicemail, then ask for 1 to call back (or say why that is not possible)."""

    voicemail_id: int
    attempt: int
    recording_url: str
    prompt: tuple[str, ...]
    can_call_back: bool
    speech: Speech = field(default_factory=Speech)


@dataclass(frozen=True)
class CallBack:
    """Ring the caller from the line number and bridge them to the volunteer on this call."""

    voicemail_id: int
    attempt: int
    caller_id: str
    number: str
    timeout_s: int


Plan = (
    ChooseLanguage
    | Dial
    | Forward
    | RecordMessage
    | Screen
    | Bridge
    | Goodbye
    | CallbackGate
    | PlayMessage
    | CallBack
)


@dataclass(frozen=True)
class Answer:
    """A plan for Twilio, plus the texts and jobs to queue once it is committed."""

    plan: Plan
    outbox_ids: tuple[int, ...] = ()
    jobs: tuple[tuple[str, int], ...] = ()
