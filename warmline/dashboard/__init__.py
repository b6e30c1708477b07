"""The coordinator dashboard: sign-in, Now, rota, volunteers, the contact log, statistics,
settings, resources and topics, the audit log and (outside production) the training simulator."""

from __future__ import annotations

from flask import Flask

from warmline.config import Settings

STATE_LABELS = {"available": "Available", "busy": "Busy", "off": "OFF", "on_call": "On call"}
ESCALATION_LABELS = {
    "alerted": "coordinator alerted",
    "no coordinator": "no coordinator on call",
    "escalated": "a peer asked for help (ESCALATE)",
    "crisis": "crisis words",
}


def init_app(app: Flask, settings: Settings) -> None:
    """Register the dashboard on `app`, with its sessions, CSRF, rate limits and headers."""
    from warmline.dashboard import (  # noqa: F401  (each module adds its views to the blueprint)
        audit_log,
        contacts,
        line_settings,
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

    app.register_blueprint(bp)
    app.add_template_filter(present.local, "local")
    app.add_template_filter(present.clock, "clock")
    app.add_template_filter(present.duration, "duration")
    app.add_template_filter(present.iso, "iso")
    app.add_template_filter(present.until, "until")
    app.add_template_filter(present.span, "span")
    app.add_template_filter(present.zone_name, "zone_name")
    app.add_template_global(lambda state: STATE_LABELS.get(state, state), "state_label")
    app.add_template_global(lambda kind: ESCALATION_LABELS.get(kind, kind), "escalation_label")
    app.jinja_env.globals["training_enabled"] = not settings.production
    security.install(app, settings)
