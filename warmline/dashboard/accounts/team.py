"""Coordinators, for administrators: add with a one-time password, choose lines, deactivate."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from warmline.core.clock import utcnow
from warmline.core.errors import InvalidInput
from warmline.dashboard.blueprint import bp
from warmline.dashboard.context import coordinator, db
from warmline.lines import audit, coordinators
from warmline.models import Coordinator, Line
from warmline.ops import now

Page = str | tuple[str, int] | Response


def _administrator() -> Coordinator:
    """The signed-in administrator; anyone else gets 404, as for a page that is not there."""
    me = coordinator()
    if not me.is_administrator:
        abort(404)
    return me


def _account(coordinator_id: int) -> Coordinator:
    found = db().get(Coordinator, coordinator_id)
    if found is None:
        abort(404)
    return found


def _chosen_lines() -> tuple[bool, list[Line]]:
    """The form's choice: administrator, or the lines ticked."""
    administrator = request.form.get("access") == "administrator"
    ticked = set(request.form.getlist("lines"))
    return administrator, [line for line in now.lines(db()) if str(line.id) in ticked]


def _page(
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    issued: tuple[str, str] | None = None,
) -> str:
    """The page; `issued` is (email, one-time password), shown this once and never stored."""
    session = db()
    accounts = coordinators.everyone(session)
    return render_template(
        "coordinators.html",
        accounts=[(a, coordinators.line_ids(session, a)) for a in accounts],
        lines=now.lines(session),
        errors=errors or {},
        form=form or {"email": "", "access": "lines"},
        issued=issued,
        me=coordinator(),
    )


@bp.get("/coordinators")
def coordinators_page() -> str:
    """Every coordinator, what they see, and the forms to change that."""
    _administrator()
    return _page()


@bp.post("/coordinators")
def coordinator_add() -> Page:
    """Add a coordinator with a one-time password they must change when they sign in."""
    me = _administrator()
    administrator, lines = _chosen_lines()
    form = {"email": request.form.get("email", ""), "access": request.form.get("access", "")}
    if not administrator and not lines:
        return _page(
            {"lines": gettext("Tick the lines they coordinate, or make them an administrator.")},
            form,
        ), 400
    password = coordinators.one_time_password()
    try:
        added = coordinators.add(
            db(),
            form["email"],
            password,
            utcnow(),
            lines=[] if administrator else lines,
            one_time=True,
        )
    except InvalidInput as exc:
        db().rollback()
        return _page({"email": exc.sentence}, form), 400
    audit.record(db(), me, "added coordinator", added.email, utcnow())
    db().commit()
    return _page(issued=(added.email, password))


@bp.post("/coordinators/<int:coordinator_id>/lines")
def coordinator_lines(coordinator_id: int) -> Response:
    """Make an account an administrator, or a coordinator of the lines ticked."""
    me = _administrator()
    account = _account(coordinator_id)
    administrator, lines = _chosen_lines()
    try:
        coordinators.set_access(db(), account, administrator, lines)
    except InvalidInput as exc:
        db().rollback()
        flash(exc.sentence)
        return redirect(url_for("dashboard.coordinators_page"))
    audit.record(db(), me, "changed lines", account.email, utcnow())
    db().commit()
    flash(gettext("Saved what %(email)s sees.", email=account.email))
    return redirect(url_for("dashboard.coordinators_page"))


@bp.post("/coordinators/<int:coordinator_id>/deactivate")
def coordinator_deactivate(coordinator_id: int) -> Response:
    """Stop an account signing in; its sessions end at once."""
    me = _administrator()
    account = _account(coordinator_id)
    if account.id == me.id:
        flash(gettext("You cannot deactivate your own account here."))
        return redirect(url_for("dashboard.coordinators_page"))
    try:
        coordinators.deactivate(db(), account)
    except InvalidInput as exc:
        db().rollback()
        flash(exc.sentence)
        return redirect(url_for("dashboard.coordinators_page"))
    audit.record(db(), me, "deactivated coordinator", account.email, utcnow())
    db().commit()
    flash(gettext("%(email)s is deactivated and signed out everywhere.", email=account.email))
    return redirect(url_for("dashboard.coordinators_page"))


@bp.post("/coordinators/<int:coordinator_id>/reset")
def coordinator_reset(coordinator_id: int) -> Page:
    """Give an account a new one-time password; its sessions end at once."""
    me = _administrator()
    account = _account(coordinator_id)
    if account.id == me.id:
        flash(gettext("Change your own password under Account."))
        return redirect(url_for("dashboard.coordinators_page"))
    password = coordinators.one_time_password()
    coordinators.reset(db(), account, password, utcnow())
    audit.record(db(), me, "reset password", account.email, utcnow())
    db().commit()
    return _page(issued=(account.email, password))
