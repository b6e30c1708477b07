"""What a volunteer's text means: a command, or words to relay."""

from __future__ import annotations

import re
from dataclasses import dataclass

from warmline.conversations.rules.vocabulary import (
    NOTHING_KNOWN,
    Vocabulary,
    is_first_name,
    trimmed,
)
from warmline.messaging.rules.refs import DIGITS, LETTERS, REF_REGEX

_REF = rf"#?({REF_REGEX})"
_FLAGS = re.IGNORECASE | re.DOTALL
_TAKE = re.compile(rf"(?:TAKE\s+)?{_REF}", _FLAGS)
_REF_ACTION = re.compile(rf"(DONE|PASS|ESCALATE)(?:\s+{_REF})?", _FLAGS)
_PAUSE = re.compile(r"PAUSE(?:\s+(\d{1,3}))?", _FLAGS)
_CALL = re.compile(rf"CALL\s+{_REF}", _FLAGS)
_ADDRESSED = re.compile(rf"{_REF}\s*[:\s]\s*(.*)", _FLAGS)
_BARE = {
    "ON": "ON",
    "OFF": "OFF",
    "BREAK": "OFF",
    "STATUS": "STATUS",
    "HELP": "HELP",
    "SWAP": "SWAP",
}
_TAG = re.compile(r"TAG\s+(\w[\w-]{0,29})", _FLAGS)
_CLAIM = re.compile(rf"CLAIM\s+([{LETTERS}]{{2}}[{DIGITS}]{{2}})", _FLAGS)
# Peer support: close and offer check-ins, resources, topics, continuity.
_DONE_CHECKIN = re.compile(rf"DONE(?:\s+{_REF})?\s+CHECK-?IN", _FLAGS)
_CHECKIN = re.compile(rf"CHECK-?IN(?:\s+{_REF})?", _FLAGS)
_WORDS = r"[^\W\d_]+(?:[\s'-]+[^\W\d_]+){0,3}"
_RES = re.compile(rf"RES(?:\s+#?({REF_REGEX})(?=\s|$))?(?:\s+({_WORDS}))?", _FLAGS)
_TOPICS = re.compile(r"TOPICS(?:\s+([^\W\d_][\w'\s,-]{0,299}))?", _FLAGS)
# Language codes, as in `LANG es,en`; a bare LANG shows them.
_LANG = re.compile(r"LANG(?:UAGES?)?(?:\s+([a-z]{2}(?:[\s,;]+[a-z]{2}){0,5}))?", _FLAGS)
_CONTINUITY = re.compile(r"CONTINUITY\s+(ON|OFF)(?:\s+([^\W\d_][^\W\d_'-]{0,29}))?", _FLAGS)


@dataclass(frozen=True)
class Command:
    """A volunteer command, with the reference it names if any."""

    name: str
    ref: str | None = None
    minutes: int | None = None
    text: str | None = None


@dataclass(frozen=True)
class Relay:
    """Words for a texter, addressed by reference or not."""

    text: str
    ref: str | None = None


def parse_volunteer_text(body: str, known: Vocabulary = NOTHING_KNOWN) -> Command | Relay:
    """Read a volunteer's whole message as a command only when it has a command's exact shape.

    The message is read after trimming trailing punctuation and emoji (`Done!`, `DONE 👍`).
    A command that takes words is one only when the line knows the words (`known`); anything
    else is relayed as written, and a message starting with a reference is always relayed.
    """
    text = body.strip()
    if match := _TAKE.fullmatch(text):
        return Command("TAKE", ref=match.group(1).upper())
    if match := _ADDRESSED.fullmatch(text):
        return Relay(text=match.group(2).strip(), ref=match.group(1).upper())
    return _command(trimmed(text), known) or Relay(text=text)


def _command(text: str, known: Vocabulary) -> Command | None:
    """The command `text` is, or None."""
    return _fixed_command(text) or _worded_command(text, known)


def _fixed_command(text: str) -> Command | None:
    """A command whose arguments have a fixed shape: a reference, a code, minutes."""
    if match := _TAKE.fullmatch(text):
        return Command("TAKE", ref=match.group(1).upper())
    if match := _REF_ACTION.fullmatch(text):
        ref = match.group(2)
        return Command(match.group(1).upper(), ref=ref.upper() if ref else None)
    if match := _CLAIM.fullmatch(text):
        return Command("CLAIM", ref=match.group(1).upper())
    if match := _CALL.fullmatch(text):
        return Command("CALL", ref=match.group(1).upper())
    if match := _DONE_CHECKIN.fullmatch(text):
        ref = match.group(1)
        return Command("DONE", ref=ref.upper() if ref else None, text="CHECKIN")
    if match := _CHECKIN.fullmatch(text):
        ref = match.group(1)
        return Command("CHECKIN", ref=ref.upper() if ref else None)
    if match := _PAUSE.fullmatch(text):
        minutes = match.group(1)
        return Command("PAUSE", minutes=int(minutes) if minutes else None)
    if match := _LANG.fullmatch(text):
        return Command("LANG", text=match.group(1))
    if (word := text.upper()) in _BARE:
        return Command(_BARE[word])
    return None


def _worded_command(text: str, known: Vocabulary) -> Command | None:
    """A command taking words, only when the line knows them: a tag, resource, topics, a name."""
    if (match := _TAG.fullmatch(text)) and known.is_tag(match.group(1)):
        return Command("TAG", ref=match.group(1).lower())
    if match := _RES.fullmatch(text):
        ref, words = match.group(1), match.group(2)
        if words is None or known.is_resource_word(words):
            return Command("RES", ref=ref.upper() if ref else None, text=words)
    if match := _TOPICS.fullmatch(text):
        words = match.group(1).strip() if match.group(1) else None
        if words is None or known.is_topic_list(words):
            return Command("TOPICS", text=words)
    if match := _CONTINUITY.fullmatch(text):
        name = match.group(2)
        if name is None or is_first_name(name):
            return Command(f"CONTINUITY_{match.group(1).upper()}", text=name)
    return None


def spelled(command: Command, ref: str) -> str:
    """How to write `command` for conversation `ref`: `DONE U2X`, `RES U2X grief`."""
    if command.name == "DONE" and command.text == "CHECKIN":
        return f"DONE {ref} CHECKIN"
    if command.name == "RES" and command.text:
        return f"RES {ref} {command.text}"
    return f"{command.name} {ref}"
