"""The coordinator dashboard: sign-in, Now, rota, volunteers, the contact log, statistics,
settings, resources and topics, the audit log and (outside production) the training simulator."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask_babel import Babel, format_decimal, lazy_gettext

from warmline.config import Settings

STATE_LABELS = {
    "available": lazy_gettext("Available"),
    "busy": lazy_gettext("Busy"),
    "off": lazy_gettext("OFF"),
    "on_call": lazy_gettext("On call"),
}
ESCALATION_LABELS = {
    "alerted": lazy_gettext("coordinator alerted"),
    "no coordinator": lazy_gettext("no coordinator on call"),
    "escalated": lazy_gettext("a peer asked for help (ESCALATE)"),
    "crisis": lazy_gettext("crisis words"),
}
ROLE_LABELS = {
    "primary": lazy_gettext("primary"),
    "backup": lazy_gettext("backup"),
    "coordinator": lazy_gettext("coordinator"),
}
TRANSLATIONS = Path(__file__).parent / "translations"


def init_app(app: Flask, settings: Settings) -> None:
    """Register the dashboard on `app`, with its sessions, CSRF, rate limits and headers."""
    from warmline.dashboard import (  # noqa: F401  (each module adds its views to the blueprint)
        audit_log,
        contacts,
        log_page,
        now,
        present,
        rota,
        stats,
        training,
        volunteers,
    )
    from warmline.dashboard.accounts import auth, security, team  # noqa: F401
    from warmline.dashboard.blueprint import bp
    from warmline.dashboard.library import resources, topics  # noqa: F401
    from warmline.dashboard.people import files  # noqa: F401
    from warmline.dashboard.settings import line_settings, line_texts  # noqa: F401

    app.register_blueprint(bp)
    Babel(
        app,
        locale_selector=present.select_locale,
        default_translation_directories=str(TRANSLATIONS),
    )
    app.add_template_global(present.language, "page_language")
    app.jinja_env.globals["dashboard_languages"] = present.LANGUAGES
    app.add_template_filter(format_decimal, "number")
    app.add_template_filter(present.local, "local")
    app.add_template_filter(present.clock, "clock")
    app.add_template_filter(present.duration, "duration")
    app.add_template_filter(present.iso, "iso")
    app.add_template_filter(present.until, "until")
    app.add_template_filter(present.span, "span")
    app.add_template_filter(present.zone_name, "zone_name")
    app.add_template_filter(present.day, "day")
    app.add_template_global(lambda state: STATE_LABELS.get(state, state), "state_label")
    app.add_template_global(lambda role: ROLE_LABELS.get(role, role), "role_label")
    app.add_template_global(now.words, "now_words")
    app.add_template_global(lambda kind: ESCALATION_LABELS.get(kind, kind), "escalation_label")
    app.jinja_env.globals["training_enabled"] = not settings.production
    security.install(app, settings)
