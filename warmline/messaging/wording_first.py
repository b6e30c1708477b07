"""The English of the first replies added beside the greeting: HELP as a first text, busy lines."""

from __future__ import annotations

from typing import Final

# Each must fit a new texter's first reply: 2 SMS segments in English, 3 in Spanish (a test counts).
FIRST_REPLIES: Final[dict[str, str]] = {
    # HELP (AYUDA) as the very first text, while the line is open: who we are and how to stop.
    "texter_help_first": (
        "{line_name} is peer support by text, not a crisis service. In a crisis: {crisis}. "
        "A peer will text you here soon. Text STOP to stop messages."
    ),
    "texter_help_first_busy": (
        "{line_name} is peer support by text, not a crisis service. In a crisis: {crisis}. "
        "Every peer is busy, but one will text you here as soon as they can. "
        "Text STOP to stop messages."
    ),
}
