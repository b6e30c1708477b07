"""Sign in, sign out and change password."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response

from warmline.core.clock import utcnow
from warmline.dashboard.blueprint import bp
from warmline.dashboard.context import SignedIn, coordinator, db
from warmline.lines import audit, coordinators

Page = str | tuple[str, int] | Response


def _safe_next(target: str | None) -> str:
    """Only a path on this site, so the sign-in form can never send someone elsewhere."""
    # The path is checked again percent-decoded: "/%09/evil" is "/\t/evil" to some browsers.
    if target and _local_path(target) and _local_path(unquote(urlsplit(target).path)):
        return target
    return url_for("dashboard.now")


def _local_path(target: str) -> bool:
    """True for a path on this site, read as a browser would read it."""
    # Browsers drop tabs and newlines from a URL and read "\\" as "/", so "/\t/evil" and "/\\evil"
    # would both become "//evil": anything of the kind is refused outright.
    if any(char == "\\" or char.isspace() or not char.isprintable() for char in target):
        return False
    parts = urlsplit(target)
    return (
        not parts.scheme
        and not parts.netloc
        and target.startswith("/")
        and not target.startswith("//")
    )


@bp.route("/signin", methods=["GET", "POST"])
def signin() -> Page:
    """The sign-in form; a failure answers 401, which the rate limit counts."""
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(url_for("dashboard.now"))
        return render_template("signin.html", email="", next=request.args.get("next", ""))
    email = request.form.get("email", "")
    found = coordinators.authenticate(db(), email, request.form.get("password", ""))
    if found is None:
        return (
            render_template(
                "signin.html",
                email=email,
                next=request.form.get("next", ""),
                error="That email and password do not match an account.",
            ),
            401,
        )
    session.clear()  # a fresh session at sign-in, so nothing from before carries over
    login_user(SignedIn(found))
    session.permanent = True
    audit.record(db(), found, "signed in", "", utcnow())
    db().commit()
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/signout")
def signout() -> Response:
    """End the session."""
    logout_user()
    session.clear()
    flash("You are signed out.")
    return redirect(url_for("dashboard.signin"))


@bp.route("/account/password", methods=["GET", "POST"])
def password() -> Page:
    """Change your own password; other sessions with the old one are signed out."""
    if request.method == "GET":
        return render_template("password.html", error=None)
    me = coordinator()
    new = request.form.get("new_password", "")
    if new != request.form.get("confirm_password", ""):
        return render_template("password.html", error="The two new passwords differ."), 400
    try:
        coordinators.change_password(
            db(), me, request.form.get("current_password", ""), new, utcnow()
        )
    except coordinators.CoordinatorError as exc:
        return render_template("password.html", error=_sentence(str(exc))), 400
    audit.record(db(), me, "changed password", me.email, utcnow())
    db().commit()
    login_user(SignedIn(me))  # this session carries on with the new generation
    flash("Your password is changed. Other devices are signed out.")
    return redirect(url_for("dashboard.now"))


@bp.errorhandler(CSRFError)
def csrf_refused(_exc: CSRFError) -> tuple[str, int]:
    """A form without a valid CSRF token: refused, with a way forward."""
    return render_template(
        "message.html",
        title="This form has expired",
        message="For your safety the form was not sent. Go back, reload the page and try again.",
    ), 400


@bp.errorhandler(TooManyRequests)
def too_many(_exc: TooManyRequests) -> tuple[str, int]:
    """Too many failed sign-ins from here or for this email."""
    return render_template(
        "signin.html",
        email=request.form.get("email", ""),
        next="",
        error="Too many attempts. Wait a minute, then try again.",
    ), 429


def _sentence(text: str) -> str:
    """A service's message as a sentence on a page."""
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
