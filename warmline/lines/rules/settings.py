"""A line's settings: their names, bounds and shapes, and how an operator's value is read."""

from __future__ import annotations

import re
from collections.abc import Callable

from warmline.core.clock import parse_zone
from warmline.core.errors import InvalidInput
from warmline.core.phones import parse_number
from warmline.lines.rules.checkins import parse_schedule
from warmline.lines.rules.languages import SUPPORTED, as_text, parse_languages
from warmline.lines.rules.topics import parse_topics

DEFAULT_CRISIS = {"US": "call or text 988, or call 911"}

DEFAULT_HOURS = "Peers answer when they are on shift."

ROLES = ("primary", "backup", "coordinator")

INT_SETTINGS = {
    "offer_timeout_s": (2, 86400),
    "escalate_timeout_s": (2, 86400),
    "fallback_timeout_s": (2, 86400),
    "reoffer_every_s": (30, 86400),
    "idle_close_s": (60, 7 * 86400),
    "max_active_per_volunteer": (1, 20),
    "ring_timeout_s": (5, 120),
    "reminder_lead_s": (0, 86400),
    "number_retention_h": (1, 720),
    "unsent_text_max_h": (1, 48),
    "log_retention_days": (1, 3650),
    "recording_retention_days": (1, 90),
    # Peer support; 0 turns each off.
    "match_head_start_s": (0, 600),
    "cooldown_min": (0, 240),
    "shift_cap": (0, 100),
    "daily_limit": (0, 50),
    "reopen_window_s": (0, 86400),
}

TEXT_SETTINGS = {
    "name": 80,
    "crisis_numbers": 300,
    "hours_text": 300,
    "say_language": 12,
    "say_voice": 40,
    "greeting": 600,
    "crisis_words_en": 2000,
    "crisis_words_es": 2000,
    "outcome_tags": 300,
    "topics": 4000,
    "followup_after": 100,
}

# Settings whose empty value means something: the built-in crisis words, or no outcome question.
MAY_BE_EMPTY = {
    "crisis_words_en",
    "crisis_words_es",
    "outcome_tags",
    "topics",
    "greeting",
}  # topics: built-in

# Settings with a shape of their own, read by the rule that uses them.
PARSED_SETTINGS: dict[str, Callable[[str], object]] = {
    "topics": parse_topics,
    "followup_after": parse_schedule,
}

_OUTCOME_TAG = re.compile(r"[^\W_][\w-]{0,29}")

# A line's own pace (segments a second, 0 = unpaced), as SEND_RATE_PER_S is bounded; plain
# decimals only, so nan, inf, 1e3 and -1 are refused.
MAX_SEND_RATE = 1000

_SEND_RATE = re.compile(r"\d+(\.\d+)?")

# Words that put the line back on SEND_RATE_PER_S.
SEND_RATE_DEFAULT = ("", "default")


def parse_setting(key: str, value: str) -> object:
    """The value of setting `key` as the line stores it, or a clear error."""
    if key in INT_SETTINGS:
        low, high = INT_SETTINGS[key]
        if not value.isdigit() or not low <= int(value) <= high:
            raise InvalidInput(
                "{key} must be a whole number from {low} to {high}", key=key, low=low, high=high
            )
        return int(value)
    tags = [t.strip() for t in value.split(",")] if key == "outcome_tags" and value else []
    if any(not _OUTCOME_TAG.fullmatch(t) or t.lower() == "skip" for t in tags):
        # A tag is one word a volunteer texts back, kept in a 30-character column.
        raise InvalidInput(
            "outcome_tags must be single words of up to 30 letters, separated by commas"
        )
    if key in PARSED_SETTINGS and value:
        try:
            PARSED_SETTINGS[key](value)
        except ValueError as exc:
            raise InvalidInput("{key}: {problem}", key=key, problem=exc) from None
    if key in TEXT_SETTINGS:
        if not value and key in MAY_BE_EMPTY:
            return value
        if not value or len(value) > TEXT_SETTINGS[key]:
            raise InvalidInput(
                "{key} must be 1 to {most} characters", key=key, most=TEXT_SETTINGS[key]
            )
        return value
    if key == "timezone":
        parse_zone(value)
        return value
    if key == "offer_strategy":
        if value not in ("broadcast", "longest_idle"):
            raise InvalidInput("offer_strategy must be broadcast or longest_idle")
        return value
    if key == "ring_strategy":
        if value not in ("simultaneous", "sequential"):
            raise InvalidInput("ring_strategy must be simultaneous or sequential")
        return value
    if key == "send_rate_per_s":
        return _send_rate(value)
    if key == "languages":
        return as_text(parse_languages(value))
    if key == "default_language":
        if value.strip().lower() not in SUPPORTED:
            codes = ", ".join(SUPPORTED)
            raise InvalidInput(
                "default_language must be one language code: {codes}", key, codes=codes
            )
        return value.strip().lower()
    if key == "voice_fallback":
        if value != "voicemail" and not value.startswith("number:"):
            raise InvalidInput("voice_fallback must be voicemail or number:+1...")
        if value.startswith("number:"):
            return "number:" + parse_number(value[len("number:") :], "US", "voice_fallback")
        return value
    known = sorted(
        [
            *INT_SETTINGS,
            *TEXT_SETTINGS,
            "timezone",
            "offer_strategy",
            "ring_strategy",
            "voice_fallback",
            "send_rate_per_s",
            "languages",
            "default_language",
        ]
    )
    raise InvalidInput("unknown setting {key!r}; known: {known}", key=key, known=", ".join(known))


def setting_text(value: object, unset: str = "") -> str:
    """A setting's value as an operator would type it: 3 rather than 3.0, `unset` for none."""
    if value is None:
        return unset
    return f"{value:g}" if isinstance(value, float) else str(value)


def _send_rate(value: str) -> float | None:
    """A line's own send rate in segments a second; None (the default) for `default` or empty."""
    if value.lower() in SEND_RATE_DEFAULT:
        return None
    if not _SEND_RATE.fullmatch(value) or float(value) > MAX_SEND_RATE:
        raise InvalidInput(
            "send_rate_per_s must be a number from 0 to {most} (segments a second; "
            "0 = unpaced), or default",
            most=MAX_SEND_RATE,
        )
    return float(value)


def outcome_tags(setting: str) -> list[str]:
    """A line's outcome tags (its `outcome_tags` setting), in its order."""
    return [t.strip().lower() for t in setting.split(",") if t.strip()]
