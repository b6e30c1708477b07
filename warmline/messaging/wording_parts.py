"""The English of the pieces filled into texts: hours, check-in times, why a text failed, busy."""

from __future__ import annotations

from typing import Final

PARTS: Final[dict[str, str]] = {
    # A line's weekly hours, from its rota settings: "Our hours (America/New_York): Mon 18:00-23:00."
    "hours_weekly": "Our hours ({zone}): {windows}.",
    # When check-ins come: "tomorrow and in a week", "in 3 days" ({duration} is "3 days").
    "when_tomorrow": "tomorrow",
    "when_in_a_week": "in a week",
    "when_in": "in {duration}",
    # Why a text to a texter did not arrive, told to their peer (Twilio's error codes).
    "why_blocked": "they have blocked texts from this number",
    "why_out_of_reach": "their phone is off or out of reach",
    "why_no_number": "the number no longer exists",
    "why_landline": "the number cannot take texts (perhaps a landline)",
    "why_filtered": "their carrier filtered it",
    "why_cannot_take": "the number cannot take texts from this line",
    "why_refused": "the carrier refused it",
    "why_refused_code": "the carrier refused it (error {code})",
    # Added to a line's own greeting, in the same text, when every peer is busy.
    "busy_note": "Every peer is busy right now, but one will text you here as soon as they can.",
}
# Pieces filled into other texts: a line changes the text they go in, not the piece.
PIECES: Final = frozenset(PARTS)
