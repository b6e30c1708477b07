"""The subject and body of an alert e-mail, from its kind and fields: never a number or words.

The English here is the source; `warmline.mail.wording` reads it in a coordinator's language.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
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
# Where a coordinator turns alert e-mails off.
ACCOUNT_PAGE = "/account/password"

PAGES: Mapping[str, str] = {
    UNCLAIMED: NOW_PAGE,
    CRISIS: NOW_PAGE,
    ESCALATION: NOW_PAGE,
    VOICEMAIL: NOW_PAGE,
    COVERAGE_GAP: ROTA_PAGE,
    SEND_FAILURES: NOW_PAGE,
    QUEUE_STALL: NOW_PAGE,
}

# Every sentence of an alert e-mail, keyed "<kind>.subject" and "<kind>.sentence" for each kind,
# and the parts every e-mail shares.
ENGLISH: Mapping[str, str] = {
    "unclaimed.subject": "#{ref} has waited {minutes} min with no peer",
    "unclaimed.sentence": (
        "Conversation #{ref} has waited {minutes} minutes and no peer has taken it."
    ),
    "crisis.subject": "crisis words in #{ref}",
    "crisis.sentence": (
        "Crisis words were flagged in conversation #{ref}. Please check in with the peer or "
        "the queue."
    ),
    "escalation.subject": "{peer} asks for support with #{ref}",
    "escalation.sentence": "{peer} asked for a coordinator's support with conversation #{ref}.",
    "voicemail.subject": "a voicemail is waiting (#{ref})",
    "voicemail.sentence": "A caller left voicemail #{ref}. A peer can call back with CALL {ref}.",
    "coverage_gap.subject": "no peer on the rota {when}",
    "coverage_gap.sentence": (
        "No peer is on the rota {when}. Post an open shift or ask someone to cover."
    ),
    "send_failures.subject": "{count} texts failed in {minutes} min",
    "send_failures.sentence": (
        "{count} texts could not be delivered in the last {minutes} minutes."
    ),
    "queue_stall.subject": "texts or deadlines are stuck",
    "queue_stall.sentence": (
        "Something has not moved for {minutes} minutes: texts or deadlines are stuck. Check "
        "that the worker is running (`warmline doctor`)."
    ),
    "raised": "Alert raised: {when}",
    "dashboard": "Dashboard: {link}",
    "footer": (
        "This e-mail never carries a texter's number or words; the dashboard shows what you "
        "may see. To stop these e-mails, turn them off on your account page: {account}"
    ),
}

KINDS = frozenset(PAGES)
WIDTH = 76
# The only fields an alert may carry: references, counts, a window's times (as words in `when`,
# or as the ISO moments `starts` and `ends`, put into words for each reader) and a peer's name.
FIELDS = frozenset({"ref", "minutes", "count", "when", "starts", "ends", "peer"})

# The sentence for a key in the reader's language (English: the source itself).
Words = Callable[[str], str]


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
    words: Words = ENGLISH.__getitem__,
) -> Letter:
    """The e-mail for one alert; `happened_at` is already in the line's zone and the language."""
    values = {name: fields.get(name, "") for name in FIELDS}
    site = dashboard_url.rstrip("/")
    link = f"{site}{PAGES[kind]}?line={line_id}"
    subject = f"[{line_name}] " + words(f"{kind}.subject").format(**values)
    paragraphs = (
        f"{line_name}: {words(f'{kind}.sentence').format(**values)}",
        words("raised").format(when=happened_at) + "\n" + words("dashboard").format(link=link),
        words("footer").format(account=site + ACCOUNT_PAGE),
    )
    # Short lines keep the body readable as sent (no quoted-printable breaks in the link).
    body = "\n\n".join(
        "\n".join(textwrap.fill(line, WIDTH, break_long_words=False) for line in p.splitlines())
        for p in paragraphs
    )
    return Letter(subject, body + "\n")
