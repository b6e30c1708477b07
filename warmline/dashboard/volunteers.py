"""Volunteers: the roster, adding one (welcomed by text), editing, pausing, deactivating."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from werkzeug.wrappers import Response

from warmline.core.clock import utcnow
from warmline.core.errors import InvalidInput
from warmline.dashboard.blueprint import bp
from warmline.dashboard.context import (
    chosen_line,
    coordinator,
    db,
    runtime,
    visible_line_ids,
    visible_lines,
)
from warmline.dashboard.present import local
from warmline.lines import volunteers
from warmline.lines.rules.languages import SUPPORTED
from warmline.lines.rules.topics import from_stored, parse_topics
from warmline.models import Line
from warmline.ops import roster
from warmline.rota.availability import active_counts


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


def visible_volunteer_ids() -> list[int]:
    """The volunteers the signed-in coordinator may see."""
    mine = visible_line_ids()
    served = volunteers.lines_served(db()) if mine is not None else {}
    return [r.id for r in roster.roster(db()) if _may_see(r.id, mine, served)]


def _line() -> tuple[Line | None, list[Line]]:
    """The line the page works in (`?line=id`, else the first), or none before any line exists."""
    return chosen_line() if visible_lines() else (None, [])


def _back() -> Response:
    line, _ = _line()
    return redirect(url_for("dashboard.volunteers_page", line=line.id if line else None))


def _page(
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
) -> str:
    line, lines = _line()
    mine = visible_line_ids()
    served = volunteers.lines_served(db()) if mine is not None else {}
    rows = [
        r for r in roster.roster(db(), runtime().vault, utcnow()) if _may_see(r.id, mine, served)
    ]
    return render_template(
        "volunteers.html",
        roster=rows,
        changeable={r.id for r in rows if _may_change(r.id, mine, served)},
        errors=errors or {},
        form=form or {"name": "", "phone": ""},
        line=line,
        lines=lines,
        topics=list(parse_topics(line.topics)) if line else [],
        languages=SUPPORTED,
        capacity=line.max_active_per_volunteer if line else 2,
        this_month=utcnow()
        .astimezone(ZoneInfo(line.timezone if line else "UTC"))
        .strftime("%Y-%m"),
    )


def page_with_errors(errors: dict[str, str]) -> str:
    """The volunteers page with errors beside the file and month fields."""
    return _page(errors)


@bp.get("/volunteers")
def volunteers_page() -> str:
    """The roster and the form to add a volunteer."""
    return _page()


@bp.post("/volunteers")
def volunteer_add() -> str | tuple[str, int] | Response:
    """Add a volunteer and text them the welcome; a bad number is explained beside the field."""
    form = {"name": request.form.get("name", ""), "phone": request.form.get("phone", "")}
    line, _ = _line()
    rt = runtime()
    try:
        added = volunteers.add(
            db(),
            rt.keyring,
            rt.vault,
            rt.queue,
            name=form["name"],
            phone_raw=form["phone"],
            line=line,
            actor=coordinator(),
            now=utcnow(),
        )
    except InvalidInput as exc:
        db().rollback()
        return _page({exc.field: exc.sentence}, form), 400
    told = " " + gettext("%(line)s texted them a welcome.", line=line.name) if line else ""
    flash(gettext("%(name)s is added.", name=added.name) + told)
    return _back()


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
        flash(exc.sentence)
        return _back()
    flash(gettext("Renamed to %(name)s.", name=renamed.name))
    return _back()


def _edit_page(volunteer_id: int, errors: dict[str, str] | None = None) -> str:
    line, lines = chosen_line()
    volunteer = volunteers.get(db(), volunteer_id)
    now = utcnow()
    if errors:
        form = {
            "name": request.form.get("name", volunteer.name),
            "topics": request.form.getlist("topics"),
            "languages": request.form.getlist("languages"),
            "until": request.form.get("until", ""),
        }
    else:
        form = {
            "name": volunteer.name,
            "topics": from_stored(volunteer.topics),
            "languages": volunteer.languages.split(","),
            "until": "",
        }
    paused = volunteer.paused_until
    return render_template(
        "volunteer_edit.html",
        volunteer=volunteer,
        line=line,
        lines=lines,
        form=form,
        errors=errors or {},
        topics=list(parse_topics(line.topics)),
        languages=SUPPORTED,
        phone_ending=volunteers.phone_ending(runtime().vault, volunteer),
        paused_until=paused if paused is not None and paused > now else None,
        active_conversations=active_counts(db(), [volunteer.id]).get(volunteer.id, 0),
    )


@bp.get("/volunteers/<int:volunteer_id>/edit")
def volunteer_edit_page(volunteer_id: int) -> str:
    """One volunteer's details, pause and deactivation."""
    _in_reach(volunteer_id)
    return _edit_page(volunteer_id)


@bp.post("/volunteers/<int:volunteer_id>")
def volunteer_edit(volunteer_id: int) -> str | tuple[str, int] | Response:
    """Save a volunteer's name, phone, topics and languages; errors show beside the field."""
    _in_reach(volunteer_id)
    line, _ = chosen_line()
    rt = runtime()
    try:
        saved = volunteers.edit(
            db(),
            rt.keyring,
            rt.vault,
            volunteer_id,
            line=line,
            name=request.form.get("name", ""),
            phone_raw=request.form.get("phone", ""),
            topics=request.form.getlist("topics"),
            languages=",".join(request.form.getlist("languages")),
            actor=coordinator(),
            now=utcnow(),
        )
    except InvalidInput as exc:
        db().rollback()
        return _edit_page(volunteer_id, {exc.field: exc.sentence}), 400
    flash(gettext("Saved %(name)s.", name=saved.name))
    return _back()


@bp.post("/volunteers/<int:volunteer_id>/pause")
def volunteer_pause(volunteer_id: int) -> str | tuple[str, int] | Response:
    """Stop offers to a volunteer until a time on the line's clock."""
    _in_reach(volunteer_id)
    line, _ = chosen_line()
    try:
        paused = volunteers.pause(
            db(),
            volunteer_id,
            request.form.get("until", ""),
            line=line,
            actor=coordinator(),
            now=utcnow(),
        )
    except InvalidInput as exc:
        db().rollback()
        return _edit_page(volunteer_id, {exc.field: exc.sentence}), 400
    assert paused.paused_until is not None
    flash(
        gettext(
            "%(name)s is paused until %(time)s.",
            name=paused.name,
            time=local(paused.paused_until, line.timezone),
        )
    )
    return _back()


@bp.post("/volunteers/<int:volunteer_id>/resume")
def volunteer_resume(volunteer_id: int) -> Response:
    """End a volunteer's pause now."""
    _in_reach(volunteer_id)
    line, _ = chosen_line()
    resumed = volunteers.resume(db(), volunteer_id, line=line, actor=coordinator(), now=utcnow())
    flash(gettext("%(name)s can be offered conversations again.", name=resumed.name))
    return _back()


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
        flash(exc.sentence)
        return _back()
    flash(
        ngettext(
            "Deactivated. %(num)s conversation went back to the queue.",
            "Deactivated. %(num)s conversations went back to the queue.",
            returned,
        )
    )
    return _back()


@bp.post("/volunteers/<int:volunteer_id>/reactivate")
def volunteer_reactivate(volunteer_id: int) -> Response:
    """Let a volunteer be offered conversations again."""
    _in_reach(volunteer_id)
    try:
        volunteers.reactivate(db(), volunteer_id, coordinator(), utcnow())
    except InvalidInput as exc:
        flash(exc.sentence)
        return _back()
    flash(gettext("Reactivated."))
    return _back()
