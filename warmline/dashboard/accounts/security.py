"""Sign-in sessions, CSRF, attempt limits, line membership and security headers."""

from __future__ import annotations

import re
import time
from datetime import timedelta

from flask import Flask, Response, abort, current_app, jsonify, redirect, request, session, url_for
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect
from werkzeug.wrappers import Response as BaseResponse

from warmline.config import Settings
from warmline.dashboard.accounts.limits import AttemptLimits
from warmline.dashboard.blueprint import bp
from warmline.dashboard.context import SignedIn, close_db, coordinator, db, may_see_line
from warmline.lines import coordinators

SESSION_LIFETIME = timedelta(hours=12)
PUBLIC_ENDPOINTS = {"dashboard.signin", "dashboard.static", "dashboard.switch_language"}
# What someone who must first change a one-time password may still reach.
BEFORE_NEW_PASSWORD = {"dashboard.password", "dashboard.signout", "dashboard.static"}
SIGNED_IN_AT = "signed_in_at"
_LINE_ID = re.compile(r"[0-9]{1,9}")
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    )
)


def install(app: Flask, settings: Settings) -> None:
    """Configure cookies, sign-in, CSRF and rate limits for the dashboard on `app`."""
    app.config.update(
        SESSION_COOKIE_NAME="warmline_session",
        # Production refuses to start without https (a loopback address aside), so there the
        # cookie is always Secure and HSTS is always sent.
        SESSION_COOKIE_SECURE=settings.https,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
        # CSRF is checked on the dashboard's forms only: Twilio's webhooks are signed instead.
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=None,
    )
    csrf = CSRFProtect(app)
    logins = LoginManager(app)
    logins.session_protection = "basic"
    logins.user_loader(_load_coordinator)
    app.extensions["warmline_csrf"] = csrf
    app.extensions["warmline_attempts"] = AttemptLimits(settings.redis_url)


def _load_coordinator(token: str) -> SignedIn | None:
    """The session's coordinator while the account, its generation and the session all hold."""
    # The lifetime counts from sign-in, not from the last request: a cookie someone copied
    # stops working however often it is used.
    signed_in_at = session.get(SIGNED_IN_AT)
    if not isinstance(signed_in_at, int):
        return None
    if not 0 <= time.time() - signed_in_at <= SESSION_LIFETIME.total_seconds():
        return None
    found = coordinators.from_session_token(db(), token)
    return SignedIn(found) if found is not None else None


@bp.before_request
def require_coordinator() -> BaseResponse | tuple[Response, int] | None:
    """Every page but sign-in needs a signed-in coordinator, on a line of theirs; POSTs a token."""
    if request.endpoint not in PUBLIC_ENDPOINTS and not current_user.is_authenticated:
        if request.path.endswith(".json"):
            return jsonify(error="signed out"), 401
        return redirect(url_for("dashboard.signin", next=request.full_path.rstrip("?")))
    if request.method == "POST":
        current_app.extensions["warmline_csrf"].protect()
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if coordinator().must_change_password and request.endpoint not in BEFORE_NEW_PASSWORD:
        if request.path.endswith(".json"):
            return jsonify(error="change your password first"), 403
        return redirect(url_for("dashboard.password"))
    # Every page, form, download and JSON that names a line checks it is one of theirs; another
    # line answers 404, as a line that does not exist would.
    for raw in (request.args.get("line"), request.form.get("line")):
        if raw is not None and (not _LINE_ID.fullmatch(raw) or not may_see_line(int(raw))):
            abort(404)
    return None


@bp.after_request
def security_headers(response: Response) -> Response:
    """No framing, no inline script or style, nothing cached from a page with line data on it."""
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if current_app.config["SESSION_COOKIE_SECURE"]:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    if request.endpoint != "dashboard.static":
        response.headers["Cache-Control"] = "no-store"
    return response


bp.teardown_request(close_db)
