"""Which texts go first while a sending number's pace holds texts back."""

from __future__ import annotations

from enum import IntEnum


class Priority(IntEnum):
    """Lower goes first: crisis texts, then people's words, then offers, then everything else."""

    # While a number is paced, a text leaves its priority's worth of segments in the number's
    # bucket (`rules.pacing.take`), so a burst of offers or notices never spends what a texter's
    # words or a crisis text would need next.

    CRISIS = 0
    WORDS = 1
    OFFER = 2
    NOTICE = 3  # notices, reminders, alerts and check-ins


_CRISIS_KEYS = frozenset({"offer_crisis", "crisis_alert", "crisis_to_volunteer"})
_OFFER_KEYS = frozenset(
    {
        "offer",
        "offer_matched",
        "offer_returning",
        "voicemail_offer",
        "voicemail_offer_hidden",
        "open_shift",
        "swap_offer",
    }
)


def of_key(key: str) -> Priority:
    """The priority of a volunteer's text by its wording key."""
    if key in _CRISIS_KEYS:
        return Priority.CRISIS
    if key in _OFFER_KEYS:
        return Priority.OFFER
    return Priority.NOTICE
