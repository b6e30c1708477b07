"""Volunteers: the roster, adding one (with the phone checked), renaming, deactivating."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from warmline.core.clock import utcnow
from warmline.dashboard.blueprint import bp
from warmline.dashboard.context import coordinator, db, runtime, visible_lines
from warmline.lines import volunteers


def _region() -> str:
    """Numbers without a country code are read in the first line's country."""
    lines = visible_lines()
    return lines[0].region if lines else "US"


def _page(errors: dict[str, str] | None = None, form: dict[str, str] | None = None) -> str:
    lines = visible_lines()
    return render_template(
        "volunteers.html",
        roster=volunteers.roster(db()),
        errors=errors or {},
        form=form or {"name": "", "phone": ""},
        capacity=lines[0].max_active_per_volunteer if lines else 2,
    )


@bp.get("/volunteers")
def volunteers_page() -> str:
    """The roster and the form to add a volunteer."""
    return _page()


@bp.post("/volunteers")
def volunteer_add() -> str | tuple[str, int] | Response:
    """Add a volunteer; a bad number is explained beside the field."""
    form = {"name": request.form.get("name", ""), "phone": request.form.get("phone", "")}
    rt = runtime()
    try:
        added = volunteers.add(
            db(),
            rt.keyring,
            rt.vault,
            name=form["name"],
            phone_raw=form["phone"],
            region=_region(),
            actor=coordinator(),
            now=utcnow(),
        )
    except volunteers.VolunteerError as exc:
        db().rollback()
        return _page({exc.field: str(exc)}, form), 400
    flash(f"{added.name} is added.")
    return redirect(url_for("dashboard.volunteers_page"))


@bp.post("/volunteers/<int:volunteer_id>/name")
def volunteer_rename(volunteer_id: int) -> str | tuple[str, int] | Response:
    """Rename a volunteer."""
    try:
        renamed = volunteers.rename(
            db(), volunteer_id, request.form.get("name", ""), coordinator(), utcnow()
        )
    except volunteers.VolunteerError as exc:
        db().rollback()
        flash(str(exc))
        return redirect(url_for("dashboard.volunteers_page"))
    flash(f"Renamed to {renamed.name}.")
    return redirect(url_for("dashboard.volunteers_page"))


@bp.post("/volunteers/<int:volunteer_id>/deactivate")
def volunteer_deactivate(volunteer_id: int) -> Response:
    """Deactivate a volunteer; their open conversations go back to the queue."""
    rt = runtime()
    try:
        returned = volunteers.deactivate(
            db(), rt.vault, rt.queue, volunteer_id, coordinator(), utcnow()
        )
    except volunteers.VolunteerError as exc:
        flash(str(exc))
        return redirect(url_for("dashboard.volunteers_page"))
    plural = "conversation" if returned == 1 else "conversations"
    flash(f"Deactivated. {returned} {plural} went back to the queue.")
    return redirect(url_for("dashboard.volunteers_page"))


@bp.post("/volunteers/<int:volunteer_id>/reactivate")
def volunteer_reactivate(volunteer_id: int) -> Response:
    """Let a volunteer be offered conversations again."""
    try:
        volunteers.reactivate(db(), volunteer_id, coordinator(), utcnow())
    except volunteers.VolunteerError as exc:
        flash(str(exc))
        return redirect(url_for("dashboard.volunteers_page"))
    flash("Reactivated.")
    return redirect(url_for("dashboard.volunteers_page"))
