"""Settings per line: wording, crisis resources, hours text and the escalation policy (DESIGN §4)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from warmline.dashboard.blueprint import bp
from warmline.dashboard.context import chosen_line, coordinator, db
from warmline.models import Line
from warmline.services import admin, audit
from warmline.timeutil import utcnow

# (setting name as in DESIGN §4 and the CLI, label, help); only what `admin.set_line` accepts.
FIELDS = (
    ("name", "Line name", "How the line introduces itself in every text."),
    (
        "crisis_numbers",
        "Crisis resources",
        "Given in the greeting and whenever someone may be in danger.",
    ),
    ("hours_text", "Hours, as texters read them", "Sent in closing texts and after hours."),
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
        "fallback_timeout_s",
        "Tell the texter everyone is busy after (seconds)",
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
    ("voice_fallback", "When no one answers a call", "voicemail, or number:+1… to forward."),
)
CHOICES = {"ring_strategy": ("simultaneous", "sequential")}


def _fields() -> list[tuple[str, str, str]]:
    known = {*admin.INT_SETTINGS, *admin.TEXT_SETTINGS, "ring_strategy", "voice_fallback"}
    return [f for f in FIELDS if f[0] in known]


def _render(line: Line, lines: list[Line], values: dict[str, str], errors: dict[str, str]) -> str:
    return render_template(
        "settings.html",
        line=line,
        lines=lines,
        fields=_fields(),
        values=values,
        errors=errors,
        choices=CHOICES,
        numeric=admin.INT_SETTINGS,
    )


@bp.get("/settings")
def line_settings() -> str:
    """The line's settings form."""
    line, lines = chosen_line()
    values = {name: str(getattr(line, name)) for name, _, _ in _fields()}
    return _render(line, lines, values, {})


@bp.post("/settings")
def line_settings_save() -> str | tuple[str, int] | Response:
    """Save what changed, all together or not at all; errors are shown beside their field."""
    line, lines = chosen_line()
    values = {name: request.form.get(name, "").strip() for name, _, _ in _fields()}
    changed = [k for k, v in values.items() if v != str(getattr(line, k))]
    if not changed:
        flash("Nothing changed.")
        return redirect(url_for("dashboard.line_settings", line=line.id))
    try:
        admin.set_line(db(), line, [f"{k}={values[k]}" for k in changed])
    except admin.InvalidInput as exc:
        db().rollback()
        message = str(exc)
        field = next((k for k in changed if message.startswith(k)), None)
        if field is None and "timeouts must grow" in message:
            field = next((k for k in changed if k.endswith("_timeout_s")), "offer_timeout_s")
        errors = {field or "_form": _plain(message)}
        return _render(line, lines, values, errors), 400
    audit.record(db(), coordinator(), "changed settings", ", ".join(changed), utcnow(), line.id)
    db().commit()
    flash("Settings saved.")
    return redirect(url_for("dashboard.line_settings", line=line.id))


def _plain(message: str) -> str:
    """The service's message, its setting names swapped for the labels on this page."""
    for name, label, _ in FIELDS:
        message = message.replace(name, f"“{label}”")
    return message[:1].upper() + message[1:] + "."
