"""Warmline: a peer-run SMS and voice line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from warmline.config import Settings, load_settings

if TYPE_CHECKING:
    from flask import Flask


def create_app(settings: Settings | None = None) -> Flask:
    """Build the Flask application for `settings` (default: from the environment)."""
    # Flask is imported here, not with the package: `warmline worker` never needs it.
    from flask import Flask

    from warmline import dashboard, runtime
    from warmline.core import logs
    from warmline.lines import coordinators
    from warmline.telephony import fallback, voice, webhooks
    from warmline.web import calendar_feed, health, incoming_texts, monitoring, sessions

    logs.configure()
    settings = settings or load_settings()
    logs.configure(log_format=settings.log_format)
    rt = runtime.build(settings)
    if settings.production:
        from warmline.privacy.keycheck import check_data_keys

        check_data_keys(rt)
    runtime.install(rt)
    coordinators.prepare_sign_in()

    app = Flask(__name__, instance_path=str(settings.instance_path.resolve()))
    app.config.update(SECRET_KEY=settings.secret_key, MAX_CONTENT_LENGTH=1024 * 1024)
    if settings.trusted_proxy_hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # The client's address as the trusted proxies saw it, so each coordinator is counted
        # on their own rather than everyone behind the proxy sharing one address. Further
        # X-Forwarded-For entries are the client's own claims and are ignored.
        hops = settings.trusted_proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    app.extensions["warmline"] = rt
    # Outermost: the webhook every text makes is answered before Flask's own work begins.
    app.wsgi_app = incoming_texts.IncomingTexts(  # type: ignore[method-assign]
        app.wsgi_app, rt, app.config["MAX_CONTENT_LENGTH"]
    )
    app.register_blueprint(webhooks.bp)
    app.register_blueprint(voice.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(calendar_feed.bp)
    app.register_blueprint(fallback.bp)
    monitoring.init_app(app)
    dashboard.init_app(app, settings)
    app.session_interface = sessions.DashboardSessions()
    return app
