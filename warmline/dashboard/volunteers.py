"""Volunteers: the roster, adding one (with the phone checked), renaming, deactivating."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from warmline.core.clock import utcnow
from warmline.core.errors import InvalidInput
from warmline.dashboard.blueprint import bp
from warmline.dashboard.context import (
    coordinator,
    db,
    runtime,
    visible_line_ids,
    visible_lines,
)
from warmline.lines import volunteers
from warmline.ops import roster


def _region() -> str:
    """Numbers without a country code are read in the first line's country."""
    lines = visible_lines()
    return lines[0].region if lines else "US"


def _may_change(volunteer_id: int, mine: set[int] | None, served: dict[int, set[int]]) -> bool:
    """True when every shift of the volunteer is on the coordinator's lines (None: every line).

    Deactivating someone takes them off every line's rota, which is for each line's own
    coordinators (or an administrator) to decide.
    """
    return mine is None or served.get(volunteer_id, set()) <= mine


def _may_see(volunteer_id: int, mine: set[int] | None, served: dict[int, set[int]]) -> bool:
    """True for a volunteer with a shift on one of the coordinator's lines, or on none yet."""
    lines = served.get(volunteer_id, set())
    return mine is None or not lines or bool(lines & mine)


def _in_reach(volunteer_id: int) -> None:
    """404 for a volunteer this coordinator may not change, as for one that does not exist."""
    mine = visible_line_ids()
    if mine is not None and not _may_change(volunteer_id, mine, volunteers.lines_served(db())):
        abort(404)


def _page(errors: dict[str, str] | None = None, form: dict[str, str] | None = None) -> str:
    lines = visible_lines()
    mine = visible_line_ids()
    served = volunteers.lines_served(db()) if mine is not None else {}
    rows = [r for r in roster.roster(db()) if _may_see(r.id, mine, served)]
    return render_template(
        "volunteers.html",
        roster=rows,
        changeable={r.id for r in rows if _may_change(r.id, mine, served)},
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
    except InvalidInput as exc:
        db().rollback()
        return _page({exc.field: str(exc)}, form), 400
    flash(f"{added.name} is added.")
    return redirect(url_for("dashboard.volunteers_page"))


@bp.post("/volunteers/<int:volunteer_id>/name")
def volunteer_rename(volunteer_id: int) -> str | tuple[str, int] | Response:
    """Rename a volunteer."""
    _in_reach(volunteer_id)
    try:
        renamed = volunteers.rename(
            db(), volunteer_id, request.form.get("name", ""), coordinator(), utcnow()
        )
    except InvalidInput as exc:
        db().rollback()
        flash(str(exc))
        return redirect(url_for("dashboard.volunteers_page"))
    flash(f"Renamed to {renamed.name}.")
    return redirect(url_for("dashboard.volunteers_page"))


@bp.post("/volunteers/<int:volunteer_id>/languages")
def volunteer_languages(volunteer_id: int) -> Response:
    """Set the languages a volunteer talks in."""
    _in_reach(volunteer_id)
    try:
        codes = volunteers.change_languages(
            db(), volunteer_id, request.form.get("languages", ""), coordinator(), utcnow()
        )
    except InvalidInput as exc:
        db().rollback()
        flash(str(exc))
        return redirect(url_for("dashboard.volunteers_page"))
    flash(f"Languages saved: {', '.join(codes)}.")
    return redirect(url_for("dashboard.volunteers_page"))


@bp.post("/volunteers/<int:volunteer_id>/deactivate")
def volunteer_deactivate(volunteer_id: int) -> Response:
    """Deactivate a volunteer; their open conversations go back to the queue."""
    _in_reach(volunteer_id)
    rt = runtime()
    try:
        returned = roster.deactivate(
            db(), rt.vault, rt.queue, volunteer_id, coordinator(), utcnow()
        )
    except InvalidInput as exc:
        flash(str(exc))
        return redirect(url_for("dashboard.volunteers_page"))
    plural = "conversation" if returned == 1 else "conversations"
    flash(f"Deactivated. {returned} {plural} went back to the queue.")
    return redirect(url_for("dashboard.volunteers_page"))


@bp.post("/volunteers/<int:volunteer_id>/reactivate")
def volunteer_reactivate(volunteer_id: int) -> Response:
    """Let a volunteer be offered conversations again."""
    _in_reach(volunteer_id)
    try:
        volunteers.reactivate(db(), volunteer_id, coordinator(), utcnow())
    except InvalidInput as exc:
        flash(str(exc))
        return redirect(url_for("dashboard.volunteers_page"))
    flash("Reactivated.")
    return redirect(url_for("dashboard.volunteers_page"))
