"""What a volunteer's text means: a command, or words to relay."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
_TOPICS = re.compile(r"TOPICS(?:\s+([^\W\d_][\w' ,-]{0,299}))?", _FLAGS)
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


def parse_volunteer_text(body: str) -> Command | Relay:
    """Read a volunteer's whole message as a command only when it has a command's exact shape."""
    text = body.strip()
    if match := _TAKE.fullmatch(text):
        return Command("TAKE", ref=match.group(1).upper())
    if match := _REF_ACTION.fullmatch(text):
        ref = match.group(2)
        return Command(match.group(1).upper(), ref=ref.upper() if ref else None)
    if match := _TAG.fullmatch(text):
        return Command("TAG", ref=match.group(1).lower())
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
    if match := _RES.fullmatch(text):
        ref, words = match.group(1), match.group(2)
        return Command("RES", ref=ref.upper() if ref else None, text=words)
    if match := _TOPICS.fullmatch(text):
        return Command("TOPICS", text=match.group(1).strip() if match.group(1) else None)
    if match := _CONTINUITY.fullmatch(text):
        return Command(f"CONTINUITY_{match.group(1).upper()}", text=match.group(2))
    if match := _PAUSE.fullmatch(text):
        minutes = match.group(1)
        return Command("PAUSE", minutes=int(minutes) if minutes else None)
    if (word := text.upper()) in _BARE:
        return Command(_BARE[word])
    if match := _ADDRESSED.fullmatch(text):
        return Relay(text=match.group(2).strip(), ref=match.group(1).upper())
    return Relay(text=text)
