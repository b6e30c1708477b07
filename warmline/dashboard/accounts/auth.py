"""Sign in, sign out and change password."""

from __future__ import annotations

import time
from urllib.parse import unquote, urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response

from warmline.core.clock import utcnow
from warmline.core.errors import InvalidInput
from warmline.dashboard import present
from warmline.dashboard.accounts import limits
from warmline.dashboard.accounts.security import SIGNED_IN_AT
from warmline.dashboard.blueprint import bp
from warmline.dashboard.context import SignedIn, coordinator, db, runtime
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
    """The sign-in form; every attempt is counted first, and a failure answers 401."""
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(url_for("dashboard.now"))
        return render_template("signin.html", email="", next=request.args.get("next", ""))
    email = request.form.get("email", "")
    address = request.remote_addr or "unknown"
    account_key = "account:" + email.strip().lower()[:254]
    attempts = _attempts()
    by_address = attempts.attempt(limits.PER_ADDRESS, "address:" + address)
    by_account = attempts.attempt(limits.PER_ACCOUNT, account_key)
    if not (by_address.allowed and by_account.allowed):
        if by_address.first_refusal or by_account.first_refusal:
            which = "address" if not by_address.allowed else "account"
            _audit_attempt("sign-in limit reached", email, f"per {which}, from {address}")
        raise TooManyRequests()
    found = coordinators.authenticate(db(), email, request.form.get("password", ""))
    if found is None:
        # Noted without the password tried; the email only when it is an account's.
        _audit_attempt("failed sign-in", email, f"from {address}")
        return (
            render_template(
                "signin.html",
                email=email,
                next=request.form.get("next", ""),
                error=gettext("That email and password do not match an account."),
            ),
            401,
        )
    attempts.give_back(limits.PER_ADDRESS, "address:" + address)
    attempts.give_back(limits.PER_ACCOUNT, account_key)
    chosen = session.get(present.LANGUAGE)
    session.clear()  # a fresh session at sign-in, so nothing from before carries over
    if chosen:  # except the language the switch chose
        session[present.LANGUAGE] = chosen
    # The account keeps the language their alert e-mails are written in: the switch's choice,
    # else (the first time) the browser's.
    if chosen in present.LANGUAGES:
        coordinators.set_language(db(), found, str(chosen))
    elif found.language is None:
        coordinators.set_language(db(), found, present.browser_language())
    login_user(SignedIn(found))
    session.permanent = True
    session[SIGNED_IN_AT] = int(time.time())
    audit.record(db(), found, "signed in", "", utcnow())
    db().commit()
    if found.must_change_password:
        flash(
            gettext("Choose a password of your own: the one you were given works only until then.")
        )
        return redirect(url_for("dashboard.password"))
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/signout")
def signout() -> Response:
    """End the session on the server (every device of the account), then in the browser."""
    if current_user.is_authenticated:
        coordinators.sign_out(db(), coordinator())
    logout_user()
    chosen = session.get(present.LANGUAGE)
    session.clear()
    if chosen:
        session[present.LANGUAGE] = chosen
    flash(gettext("You are signed out."))
    return redirect(url_for("dashboard.signin"))


@bp.route("/account/password", methods=["GET", "POST"])
def password() -> Page:
    """Change your own password; other sessions with the old one are signed out."""
    me = coordinator()
    if request.method == "GET":
        return _password_page(None, 200)
    attempt = _attempts().attempt(limits.PASSWORD_FORM, f"password:{me.id}")
    if not attempt.allowed:
        if attempt.first_refusal:
            audit.record(db(), me, "password form limit reached", me.email, utcnow())
            db().commit()
        return _password_page(gettext("Too many attempts. Wait an hour, then try again."), 429)
    new = request.form.get("new_password", "")
    if new != request.form.get("confirm_password", ""):
        return _password_page(gettext("The two new passwords differ."), 400)
    try:
        coordinators.change_password(
            db(), me, request.form.get("current_password", ""), new, utcnow()
        )
    except InvalidInput as exc:
        return _password_page(exc.sentence, 400)
    _attempts().give_back(limits.PASSWORD_FORM, f"password:{me.id}")
    audit.record(db(), me, "changed password", me.email, utcnow())
    db().commit()
    login_user(SignedIn(me))  # this session carries on with the new generation
    flash(gettext("Your password is changed. Other devices are signed out."))
    return redirect(url_for("dashboard.now"))


@bp.post("/account/email-alerts")
def email_alerts() -> Response | tuple[str, int]:
    """Turn your own alert e-mails on or off; the Now page shows every alert either way."""
    me = coordinator()
    setting = request.form.get("alerts", "")
    if setting not in ("on", "off"):
        return _password_page(None, 400, gettext("Choose on or off for alert e-mails."))
    wanted = setting == "on"
    coordinators.set_email_alerts(db(), me, wanted)
    action = "turned alert e-mails on" if wanted else "turned alert e-mails off"
    audit.record(db(), me, action, me.email, utcnow())
    db().commit()
    if wanted:
        flash(gettext("Alert e-mails are on."))
    else:
        flash(gettext("Alert e-mails are off. Alerts still show on the Now page."))
    return redirect(url_for("dashboard.password"))


def _password_page(
    error: str | None, status: int, alerts_error: str | None = None
) -> tuple[str, int]:
    me = coordinator()
    page = render_template(
        "password.html",
        error=error,
        must_change=me.must_change_password,
        email_alerts=me.email_alerts,
        email_language=me.language,
        alerts_error=alerts_error,
        mail_configured=runtime().settings.smtp is not None,
    )
    return page, status


def _attempts() -> limits.AttemptLimits:
    found: limits.AttemptLimits = current_app.extensions["warmline_attempts"]
    return found


def _audit_attempt(action: str, email: str, detail: str) -> None:
    """Note a refused sign-in: an account's email (never other typing, nor the password)."""
    known = coordinators.existing_email(db(), email)
    audit.record(
        db(), None, action, f"{known or 'unknown email'} {detail}", utcnow(), actor="sign-in form"
    )
    db().commit()


@bp.errorhandler(CSRFError)
def csrf_refused(_exc: CSRFError) -> tuple[str, int]:
    """A form without a valid CSRF token: refused, with a way forward."""
    return render_template(
        "message.html",
        title=gettext("This form has expired"),
        message=gettext(
            "For your safety the form was not sent. Go back, reload the page and try again."
        ),
    ), 400


@bp.errorhandler(TooManyRequests)
def too_many(_exc: TooManyRequests) -> tuple[str, int]:
    """Too many failed sign-ins from here or for this email."""
    return render_template(
        "signin.html",
        email=request.form.get("email", ""),
        next="",
        error=gettext("Too many attempts. Wait a minute, then try again."),
    ), 429
