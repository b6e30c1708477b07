"""Sign-in sessions, CSRF, sign-in rate limits and security headers for the dashboard."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask, Response, current_app, jsonify, redirect, request, url_for
from flask_limiter import Limiter
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect
from werkzeug.wrappers import Response as BaseResponse

from warmline.config import Settings
from warmline.dashboard.blueprint import bp
from warmline.dashboard.context import SignedIn, close_db, db
from warmline.lines import coordinators

SESSION_LIFETIME = timedelta(hours=12)
SIGNIN_LIMIT_PER_ADDRESS = "10 per minute"
SIGNIN_LIMIT_PER_EMAIL = "20 per hour"
PUBLIC_ENDPOINTS = {"dashboard.signin", "dashboard.static"}
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
        SESSION_COOKIE_SECURE=settings.public_url.startswith("https://"),
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
    app.extensions["warmline_limiter"] = _limit_signins(app, settings)


def _load_coordinator(token: str) -> SignedIn | None:
    found = coordinators.from_session_token(db(), token)
    return SignedIn(found) if found is not None else None


def _limit_signins(app: Flask, settings: Settings) -> Limiter:
    """Count failed sign-ins per address and per email, in Redis (or memory when embedded)."""
    limiter = Limiter(
        lambda: request.remote_addr or "unknown",
        app=app,
        storage_uri=settings.redis_url or "memory://",
        key_prefix="warmline-signin",
        strategy="moving-window",
        # A Redis outage must not lock coordinators out: count in this process meanwhile.
        in_memory_fallback_enabled=True,
        default_limits=[],
    )
    view: Any = app.view_functions["dashboard.signin"]
    view = limiter.limit(SIGNIN_LIMIT_PER_ADDRESS, methods=["POST"], deduct_when=_failed)(view)
    view = limiter.limit(
        SIGNIN_LIMIT_PER_EMAIL,
        key_func=lambda: "email:" + request.form.get("email", "").strip().lower()[:254],
        methods=["POST"],
        deduct_when=_failed,
    )(view)
    app.view_functions["dashboard.signin"] = view
    return limiter


def _failed(response: Response) -> bool:
    return response.status_code == 401


@bp.before_request
def require_coordinator() -> BaseResponse | tuple[Response, int] | None:
    """Every page but sign-in needs a signed-in coordinator; every POST needs a CSRF token."""
    if request.endpoint not in PUBLIC_ENDPOINTS and not current_user.is_authenticated:
        if request.path.endswith(".json"):
            return jsonify(error="signed out"), 401
        return redirect(url_for("dashboard.signin", next=request.full_path.rstrip("?")))
    if request.method == "POST":
        current_app.extensions["warmline_csrf"].protect()
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
