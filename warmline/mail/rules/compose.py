"""The subject and body of an alert e-mail, from its kind and fields: never a number or words."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass

# Each kind: the subject, the sentence, and the dashboard page that shows it.
UNCLAIMED = "unclaimed"
CRISIS = "crisis"
ESCALATION = "escalation"
VOICEMAIL = "voicemail"
COVERAGE_GAP = "coverage_gap"
SEND_FAILURES = "send_failures"
QUEUE_STALL = "queue_stall"

NOW_PAGE = "/"
ROTA_PAGE = "/rota"


@dataclass(frozen=True)
class Wording:
    """How one kind of alert reads."""

    subject: str
    sentence: str
    page: str


WORDINGS: Mapping[str, Wording] = {
    UNCLAIMED: Wording(
        "#{ref} has waited {minutes} min with no peer",
        "Conversation #{ref} has waited {minutes} minutes and no peer has taken it.",
        NOW_PAGE,
    ),
    CRISIS: Wording(
        "crisis words in #{ref}",
        "Crisis words were flagged in conversation #{ref}. Please check in with the peer or "
        "the queue.",
        NOW_PAGE,
    ),
    ESCALATION: Wording(
        "{peer} asks for support with #{ref}",
        "{peer} asked for a coordinator's support with conversation #{ref}.",
        NOW_PAGE,
    ),
    VOICEMAIL: Wording(
        "a voicemail is waiting (#{ref})",
        "A caller left voicemail #{ref}. A peer can call back with CALL {ref}.",
        NOW_PAGE,
    ),
    COVERAGE_GAP: Wording(
        "no peer on the rota {when}",
        "No peer is on the rota {when}. Post an open shift or ask someone to cover.",
        ROTA_PAGE,
    ),
    SEND_FAILURES: Wording(
        "{count} texts failed in {minutes} min",
        "{count} texts could not be delivered in the last {minutes} minutes.",
        NOW_PAGE,
    ),
    QUEUE_STALL: Wording(
        "texts or deadlines are stuck",
        "Something has not moved for {minutes} minutes: texts or deadlines are stuck. Check "
        "that the worker is running (`warmline doctor`).",
        NOW_PAGE,
    ),
}

KINDS = frozenset(WORDINGS)
WIDTH = 76
# The only fields an alert may carry: references, counts, a window's times and a peer's name.
FIELDS = frozenset({"ref", "minutes", "count", "when", "peer"})


@dataclass(frozen=True)
class Letter:
    """An e-mail's subject and plain-text body."""

    subject: str
    body: str


def compose(
    kind: str,
    line_name: str,
    fields: Mapping[str, object],
    happened_at: str,
    dashboard_url: str,
    line_id: int,
) -> Letter:
    """The e-mail for one alert; `happened_at` is already in the line's zone."""
    wording = WORDINGS[kind]
    values = {name: fields.get(name, "") for name in FIELDS}
    link = f"{dashboard_url.rstrip('/')}{wording.page}?line={line_id}"
    subject = f"[{line_name}] " + wording.subject.format(**values)
    paragraphs = (
        f"{line_name}: {wording.sentence.format(**values)}",
        f"Alert raised: {happened_at}\nDashboard: {link}",
        "This e-mail never carries a texter's number or words; the dashboard shows what you "
        "may see. To stop these e-mails: warmline coordinator email-alerts <your e-mail> off",
    )
    # Short lines keep the body readable as sent (no quoted-printable breaks in the link).
    body = "\n\n".join(
        "\n".join(textwrap.fill(line, WIDTH, break_long_words=False) for line in p.splitlines())
        for p in paragraphs
    )
    return Letter(subject, body + "\n")
