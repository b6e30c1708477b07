"""The settings form's fields: each setting's label and help, in groups, in the page's language."""

from __future__ import annotations

from flask_babel import lazy_gettext
from flask_babel.speaklater import LazyString

from warmline.lines.rules.languages import SUPPORTED

# (setting name as in the CLI, label, help), in groups with whether the group is laid out as a
# grid; only what `set_line` accepts is shown.
Field = tuple[str, LazyString, LazyString]
GROUPS: tuple[tuple[LazyString, bool, tuple[Field, ...]], ...] = (
    (
        lazy_gettext("Wording"),
        False,
        (
            (
                "name",
                lazy_gettext("Line name"),
                lazy_gettext("How the line introduces itself in every text."),
            ),
            (
                "greeting",
                lazy_gettext("Greeting"),
                lazy_gettext(
                    "The first text a new texter gets; the default wording is shown until you change it, and an empty box goes back to it. The crisis resources are always added when the greeting does not include them."
                ),
            ),
            (
                "crisis_numbers",
                lazy_gettext("Crisis resources"),
                lazy_gettext("Given in the greeting and whenever someone may be in danger."),
            ),
            (
                "hours_text",
                lazy_gettext("Hours, as texters read them"),
                lazy_gettext(
                    "Sent in closing texts and after hours. Saving opening hours below rewrites it."
                ),
            ),
        ),
    ),
    (
        lazy_gettext("Languages"),
        False,
        (
            (
                "languages",
                lazy_gettext("Languages"),
                lazy_gettext(
                    "Language codes texters and callers are served in, e.g. en, es. With two, a new texter's language is read from their first text, and callers choose one."
                ),
            ),
            (
                "default_language",
                lazy_gettext("Default language"),
                lazy_gettext(
                    "Used when a first text is too short to tell; one of the languages above."
                ),
            ),
        ),
    ),
    (
        lazy_gettext("Crisis words"),
        False,
        (
            (
                "crisis_words_en",
                lazy_gettext("English crisis words"),
                lazy_gettext(
                    "Words or phrases, separated by commas or one per line. The built-in list is shown until you change it; an empty box goes back to it."
                ),
            ),
            (
                "crisis_words_es",
                lazy_gettext("Spanish crisis words"),
                lazy_gettext(
                    "The built-in list is shown until you change it; an empty box goes back to it."
                ),
            ),
        ),
    ),
    (
        lazy_gettext("Escalation policy"),
        True,
        (
            (
                "offer_timeout_s",
                lazy_gettext("Offer again after (seconds)"),
                lazy_gettext(
                    "Unclaimed this long: offer to everyone available and the backup tier."
                ),
            ),
            (
                "escalate_timeout_s",
                lazy_gettext("Alert the on-call coordinator after (seconds)"),
                lazy_gettext("Must be longer than the offer time."),
            ),
            (
                "reoffer_every_s",
                lazy_gettext("Offer again every (seconds)"),
                lazy_gettext(
                    "While a texter waits, available peers are offered again this often until the texter is told."
                ),
            ),
            (
                "fallback_timeout_s",
                lazy_gettext("Tell the texter they are still in line after (seconds)"),
                lazy_gettext("Must be longer than the alert time."),
            ),
            (
                "idle_close_s",
                lazy_gettext("Close a silent conversation after (seconds)"),
                lazy_gettext("An active conversation with no messages this long is closed kindly."),
            ),
            (
                "max_active_per_volunteer",
                lazy_gettext("Texts per volunteer at once"),
                lazy_gettext("A volunteer at this many is busy and gets no offers."),
            ),
            (
                "ring_strategy",
                lazy_gettext("Ring volunteers"),
                lazy_gettext("For calls: simultaneous or sequential."),
            ),
            (
                "ring_timeout_s",
                lazy_gettext("Ring each attempt for (seconds)"),
                lazy_gettext("For calls."),
            ),
            (
                "voice_fallback",
                lazy_gettext("When no one answers a call"),
                lazy_gettext("voicemail, or number:+1… to forward."),
            ),
        ),
    ),
    (
        lazy_gettext("Sending"),
        True,
        (
            (
                "send_rate_per_s",
                lazy_gettext("Texts a second from this number"),
                lazy_gettext(
                    "Segments a second the carrier allows: about 1 for a US long code, more for toll-free and short codes; 0 = unpaced. Empty: the default for every line (SEND_RATE_PER_S)."
                ),
            ),
        ),
    ),
    (
        lazy_gettext("Outcome tags and retention"),
        True,
        (
            (
                "outcome_tags",
                lazy_gettext("Outcome tags"),
                lazy_gettext(
                    "Single words, separated by commas; volunteers are asked for one after each conversation. Empty: they are not asked."
                ),
            ),
            (
                "number_retention_h",
                lazy_gettext("Keep a texter's number for (hours)"),
                lazy_gettext("After their last conversation ends, kept encrypted. 1 to 720."),
            ),
            (
                "unsent_text_max_h",
                lazy_gettext("Give up on an unsent text after (hours)"),
                lazy_gettext("Its words are wiped. 1 to 48."),
            ),
            (
                "log_retention_days",
                lazy_gettext("Keep the contact log for (days)"),
                lazy_gettext("Consented rows only; anonymous counts stay. 1 to 3650."),
            ),
            (
                "recording_retention_days",
                lazy_gettext("Keep voicemail recordings for (days)"),
                lazy_gettext("At most; a handled voicemail's recording goes sooner. 1 to 90."),
            ),
        ),
    ),
)
FIELDS = tuple(field for _, _, fields in GROUPS for field in fields)
CHOICES = {
    "ring_strategy": ("simultaneous", "sequential"),
    "default_language": tuple(SUPPORTED),
}
CHOICE_LABELS = {
    "simultaneous": lazy_gettext("simultaneous"),
    "sequential": lazy_gettext("sequential"),
    **SUPPORTED,
}
DECIMALS = {"send_rate_per_s"}
TEXTAREAS = {"hours_text", "crisis_words_en", "crisis_words_es", "greeting"}
WORD_LISTS = {"crisis_words_en", "crisis_words_es"}
