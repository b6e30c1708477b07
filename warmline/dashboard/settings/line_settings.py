"""Settings per line: wording, crisis words, the escalation policy, outcome tags and retention."""

from __future__ import annotations

import re

from babel.dates import get_day_names
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from warmline.core.clock import utcnow
from warmline.core.errors import InvalidInput, sentence
from warmline.dashboard.blueprint import bp
from warmline.dashboard.context import chosen_line, coordinator, db
from warmline.dashboard.present import language
from warmline.dashboard.settings.settings_fields import (
    CHOICE_LABELS,
    CHOICES,
    DECIMALS,
    FIELDS,
    GROUPS,
    TEXTAREAS,
    WORD_LISTS,
    Field,
)
from warmline.lines.rules.settings import INT_SETTINGS, TEXT_SETTINGS
from warmline.models import Line
from warmline.ops import line_settings as settings_form
from warmline.privacy import consent
from warmline.rota import settings as settings_board

Page = str | tuple[str, int] | Response

CLOSURE_FIELDS = ("start_date", "start_time", "end_date", "end_time", "reason")
# Any case: a sentence starts with a capital, so `default_language` may read `Default_language`.
_SETTING_NAME = re.compile(r"\b(" + "|".join(name for name, _, _ in FIELDS) + r")\b", re.IGNORECASE)


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


def _groups() -> list[tuple[str, bool, list[Field]]]:
    known = _known()
    return [(legend, grid, [f for f in fields if f[0] in known]) for legend, grid, fields in GROUPS]


def _fields() -> list[Field]:
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
        choice_labels=CHOICE_LABELS,
        numeric=INT_SETTINGS,
        decimals=DECIMALS,
        textareas=TEXTAREAS,
        maxlength=TEXT_SETTINGS,
        wording_text=extra.get("consent_wording", wording.text),
        wording_version=wording.version,
        hours_spec=extra.get("hours", settings_board.hours_spec(session, line)),
        hours_words=hours_words(windows),
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
    flash(gettext("Settings saved.") if changed else gettext("Nothing changed."))
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
        flash(gettext("Consent question saved as version %(version)s.", version=wording.version))
    else:
        flash(
            gettext(
                "The consent question is unchanged (version %(version)s).",
                version=wording.version,
            )
        )
    return redirect(url_for("dashboard.line_settings", line=line.id, _anchor="consent"))


@bp.post("/settings/hours")
def hours_save() -> Page:
    """Replace the line's weekly opening hours."""
    line, lines = chosen_line()
    spec = request.form.get("hours", "")
    try:
        settings_board.set_hours(db(), line, spec, coordinator(), utcnow())
    except InvalidInput as exc:
        return _settings_error(line, lines, exc, {"hours": spec})
    words = hours_words(settings_board.hours(db(), line))
    flash(gettext("Opening hours saved: %(hours)s.", hours=words))
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
    flash(gettext("Closure added."))
    return redirect(url_for("dashboard.line_settings", line=line.id, _anchor="closures"))


@bp.post("/settings/closures/<int:closure_id>/remove")
def closure_remove(closure_id: int) -> Response:
    """Remove a closure: the line opens as usual then."""
    line, _ = chosen_line()
    try:
        settings_board.remove_closure(db(), line, closure_id, coordinator(), utcnow())
        flash(gettext("Closure removed."))
    except InvalidInput as exc:
        flash(exc.sentence)
    return redirect(url_for("dashboard.line_settings", line=line.id, _anchor="closures"))


def _settings_error(
    line: Line, lines: list[Line], exc: InvalidInput, extra: dict[str, str]
) -> tuple[str, int]:
    db().rollback()
    values = {name: _shown(line, name) for name, _, _ in _fields()}
    return _render(line, lines, values, {exc.field or "_form": exc.sentence}, extra), 400


def hours_words(windows: list[tuple[int, int, int]]) -> str:
    """Weekly hours in words, with day names in the page's language: `Mon 18:00-23:00, ...`."""
    if not windows:
        return str(gettext("always open"))
    days = get_day_names("abbreviated", locale=language())
    return ", ".join(
        f"{days[d].title()} {o // 60:02d}:{o % 60:02d}-{c // 60:02d}:{c % 60:02d}"
        for d, o, c in sorted(windows)
    )


def _plain(message: str) -> str:
    """The service's message, its setting names swapped for the labels on this page."""
    labels = {name: label for name, label, _ in FIELDS}
    return sentence(_SETTING_NAME.sub(lambda m: f"“{labels[m.group(0).lower()]}”", message))
