"""Settings per line: wording, crisis words, the escalation policy, outcome tags and retention."""

from __future__ import annotations

import re

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from warmline.core.clock import utcnow
from warmline.core.errors import InvalidInput
from warmline.dashboard.blueprint import bp
from warmline.dashboard.context import chosen_line, coordinator, db
from warmline.lines.rules.languages import SUPPORTED
from warmline.lines.rules.settings import INT_SETTINGS, TEXT_SETTINGS
from warmline.models import Line
from warmline.ops import line_settings as settings_form
from warmline.privacy import consent
from warmline.rota import settings as settings_board
from warmline.rota.rules.hours import describe

Page = str | tuple[str, int] | Response

# (setting name as in the CLI, label, help), in groups; only what
# `set_line` accepts is shown.
GROUPS: tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...] = (
    (
        "Wording",
        (
            ("name", "Line name", "How the line introduces itself in every text."),
            (
                "greeting",
                "Greeting",
                "The first text a new texter gets; the default wording is shown until you "
                "change it, and an empty box goes back to it. The crisis resources are always "
                "added when the greeting does not include them.",
            ),
            (
                "crisis_numbers",
                "Crisis resources",
                "Given in the greeting and whenever someone may be in danger.",
            ),
            (
                "hours_text",
                "Hours, as texters read them",
                "Sent in closing texts and after hours. Saving opening hours below rewrites it.",
            ),
        ),
    ),
    (
        "Languages",
        (
            (
                "languages",
                "Languages",
                "Language codes texters and callers are served in, e.g. en, es. With two, a new "
                "texter's language is read from their first text, and callers choose one.",
            ),
            (
                "default_language",
                "Default language",
                "Used when a first text is too short to tell; one of the languages above.",
            ),
        ),
    ),
    (
        "Crisis words",
        (
            (
                "crisis_words_en",
                "English crisis words",
                "Words or phrases, separated by commas or one per line. The built-in list is "
                "shown until you change it; an empty box goes back to it.",
            ),
            (
                "crisis_words_es",
                "Spanish crisis words",
                "The built-in list is shown until you change it; an empty box goes back to it.",
            ),
        ),
    ),
    (
        "Escalation policy",
        (
            (
                "offer_timeout_s",
                "Offer again after (seconds)",
                "Unclaimed this long: offer to everyone available and the backup tier.",
            ),
            (
                "escalate_timeout_s",
                "Alert the on-call coordinator after (seconds)",
                "Must be longer than the offer time.",
            ),
            (
                "reoffer_every_s",
                "Offer again every (seconds)",
                "While a texter waits, available peers are offered again this often until the "
                "texter is told.",
            ),
            (
                "fallback_timeout_s",
                "Tell the texter they are still in line after (seconds)",
                "Must be longer than the alert time.",
            ),
            (
                "idle_close_s",
                "Close a silent conversation after (seconds)",
                "An active conversation with no messages this long is closed kindly.",
            ),
            (
                "max_active_per_volunteer",
                "Texts per volunteer at once",
                "A volunteer at this many is busy and gets no offers.",
            ),
            ("ring_strategy", "Ring volunteers", "For calls: simultaneous or sequential."),
            ("ring_timeout_s", "Ring each attempt for (seconds)", "For calls."),
            (
                "voice_fallback",
                "When no one answers a call",
                "voicemail, or number:+1… to forward.",
            ),
        ),
    ),
    (
        "Sending",
        (
            (
                "send_rate_per_s",
                "Texts a second from this number",
                "Segments a second the carrier allows: about 1 for a US long code, more for "
                "toll-free and short codes; 0 = unpaced. Empty: the default for every line "
                "(SEND_RATE_PER_S).",
            ),
        ),
    ),
    (
        "Outcome tags and retention",
        (
            (
                "outcome_tags",
                "Outcome tags",
                "Single words, separated by commas; volunteers are asked for one after each "
                "conversation. Empty: they are not asked.",
            ),
            (
                "number_retention_h",
                "Keep a texter's number for (hours)",
                "After their last conversation ends, kept encrypted. 1 to 720.",
            ),
            (
                "unsent_text_max_h",
                "Give up on an unsent text after (hours)",
                "Its words are wiped. 1 to 48.",
            ),
            (
                "log_retention_days",
                "Keep the contact log for (days)",
                "Consented rows only; anonymous counts stay. 1 to 3650.",
            ),
            (
                "recording_retention_days",
                "Keep voicemail recordings for (days)",
                "At most; a handled voicemail's recording goes sooner. 1 to 90.",
            ),
        ),
    ),
)
FIELDS = tuple(field for _, fields in GROUPS for field in fields)
CHOICES = {
    "ring_strategy": ("simultaneous", "sequential"),
    "default_language": tuple(SUPPORTED),
}
DECIMALS = {"send_rate_per_s"}
TEXTAREAS = {"hours_text", "crisis_words_en", "crisis_words_es", "greeting"}
WORD_LISTS = {"crisis_words_en", "crisis_words_es"}
CLOSURE_FIELDS = ("start_date", "start_time", "end_date", "end_time", "reason")
_SETTING_NAME = re.compile(r"\b(" + "|".join(name for name, _, _ in FIELDS) + r")\b")


def _known() -> set[str]:
    return {
        *INT_SETTINGS,
        *TEXT_SETTINGS,
        "ring_strategy",
        "voice_fallback",
        "send_rate_per_s",
        "languages",
        "default_language",
    }


def _groups() -> list[tuple[str, list[tuple[str, str, str]]]]:
    known = _known()
    return [(legend, [f for f in fields if f[0] in known]) for legend, fields in GROUPS]


def _fields() -> list[tuple[str, str, str]]:
    return [f for f in FIELDS if f[0] in _known()]


def _render(
    line: Line,
    lines: list[Line],
    values: dict[str, str],
    errors: dict[str, str],
    extra: dict[str, str] | None = None,
) -> str:
    session = db()
    now = utcnow()
    wording = consent.current_wording(session, line, now)
    windows = settings_board.hours(session, line)
    extra = extra or {}
    return render_template(
        "settings.html",
        problems=_problems(errors),
        line=line,
        lines=lines,
        groups=_groups(),
        values=values,
        errors=errors,
        choices=CHOICES,
        numeric=INT_SETTINGS,
        decimals=DECIMALS,
        textareas=TEXTAREAS,
        maxlength=TEXT_SETTINGS,
        wording_text=extra.get("consent_wording", wording.text),
        wording_version=wording.version,
        hours_spec=extra.get("hours", settings_board.hours_spec(session, line)),
        hours_words=describe(windows),
        closures=settings_board.upcoming_closures(session, line, now),
        closure_form={k: extra.get(k, "") for k in CLOSURE_FIELDS},
    )


def _problems(errors: dict[str, str]) -> list[tuple[str, str]]:
    """Each error with the id of the field it is about, in the page's order, for the summary."""
    anchors = {name: name for name, _, _ in FIELDS}
    anchors |= {"consent_wording": "consent_wording", "hours": "hours-spec"}
    anchors |= {name: f"closure-{name}" for name in CLOSURE_FIELDS}
    anchors |= {"closure": "closures"}
    order = list(anchors)
    ranked = sorted(errors.items(), key=lambda e: order.index(e[0]) if e[0] in order else -1)
    return [(anchors.get(name, "policy"), message) for name, message in ranked]


@bp.get("/settings")
def line_settings() -> str:
    """The line's settings forms."""
    line, lines = chosen_line()
    values = {name: _shown(line, name) for name, _, _ in _fields()}
    return _render(line, lines, values, {})


def _shown(line: Line, name: str) -> str:
    """A setting as the form shows it: a default's own text, 3 rather than 3.0."""
    return settings_form.shown(line, name)


def _from_form(name: str) -> str:
    value = request.form.get(name, "").strip()
    if name in WORD_LISTS and "\n" in value:
        # One per line reads as a comma-separated list, which is how the line keeps them.
        value = ", ".join(p.strip(" ,") for p in re.split(r"[\r\n]+", value) if p.strip(" ,"))
    elif name in TEXTAREAS:
        value = " ".join(value.split())  # a text message has no use for line breaks here
    return value


@bp.post("/settings")
def line_settings_save() -> Page:
    """Save what changed, all together or not at all; every error is listed and shown beside its
    field."""
    line, lines = chosen_line()
    values = {name: _from_form(name) for name, _, _ in _fields()}
    try:
        changed = settings_form.save(db(), line, values, coordinator(), utcnow())
    except settings_form.SettingsRefused as exc:
        db().rollback()
        errors = {name: _plain(message) for name, message in exc.errors.items()}
        return _render(line, lines, values, errors), 400
    except InvalidInput as exc:
        db().rollback()
        return _render(line, lines, values, {exc.field or "_form": _plain(exc.translated())}), 400
    flash("Settings saved." if changed else "Nothing changed.")
    return redirect(url_for("dashboard.line_settings", line=line.id))


@bp.post("/settings/consent")
def consent_wording_save() -> Page:
    """Save the consent question; different words become a new version."""
    line, lines = chosen_line()
    text = request.form.get("consent_wording", "")
    try:
        wording, changed = consent.change_wording(db(), line, text, coordinator(), utcnow())
    except InvalidInput as exc:
        return _settings_error(line, lines, exc, {"consent_wording": text})
    if changed:
        flash(f"Consent question saved as version {wording.version}.")
    else:
        flash(f"The consent question is unchanged (version {wording.version}).")
    return redirect(url_for("dashboard.line_settings", line=line.id, _anchor="consent"))


@bp.post("/settings/hours")
def hours_save() -> Page:
    """Replace the line's weekly opening hours."""
    line, lines = chosen_line()
    spec = request.form.get("hours", "")
    try:
        words = settings_board.set_hours(db(), line, spec, coordinator(), utcnow())
    except InvalidInput as exc:
        return _settings_error(line, lines, exc, {"hours": spec})
    flash(f"Opening hours saved: {words}.")
    return redirect(url_for("dashboard.line_settings", line=line.id, _anchor="hours"))


@bp.post("/settings/closures")
def closure_add() -> Page:
    """Close the line for a holiday or an emergency."""
    line, lines = chosen_line()
    form = {k: request.form.get(k, "") for k in CLOSURE_FIELDS}
    try:
        settings_board.add_closure(db(), line, form, coordinator(), utcnow())
    except InvalidInput as exc:
        return _settings_error(line, lines, exc, form)
    flash("Closure added.")
    return redirect(url_for("dashboard.line_settings", line=line.id, _anchor="closures"))


@bp.post("/settings/closures/<int:closure_id>/remove")
def closure_remove(closure_id: int) -> Response:
    """Remove a closure: the line opens as usual then."""
    line, _ = chosen_line()
    try:
        settings_board.remove_closure(db(), line, closure_id, coordinator(), utcnow())
        flash("Closure removed.")
    except InvalidInput as exc:
        flash(exc.sentence)
    return redirect(url_for("dashboard.line_settings", line=line.id, _anchor="closures"))


def _settings_error(
    line: Line, lines: list[Line], exc: InvalidInput, extra: dict[str, str]
) -> tuple[str, int]:
    db().rollback()
    values = {name: _shown(line, name) for name, _, _ in _fields()}
    return _render(line, lines, values, {exc.field or "_form": exc.sentence}, extra), 400


def _plain(message: str) -> str:
    """The service's message, its setting names swapped for the labels on this page."""
    labels = {name: label for name, label, _ in FIELDS}
    message = _SETTING_NAME.sub(lambda m: f"“{labels[m.group(0)]}”", message)
    return message[:1].upper() + message[1:] + "."
