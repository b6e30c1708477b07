"""The rota: a week per line in the line's time zone; add, cancel, repeat and hand over shifts."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from werkzeug.wrappers import Response

from warmline.core.clock import utcnow
from warmline.core.errors import InvalidInput
from warmline.dashboard.blueprint import bp
from warmline.dashboard.context import chosen_line, coordinator, db, runtime
from warmline.dashboard.rota_notes import note_label
from warmline.models import Line
from warmline.rota import week as rota_board

Page = str | tuple[str, int] | Response


def _today(line: Line) -> date:
    return utcnow().astimezone(ZoneInfo(line.timezone)).date()


def _monday(line: Line) -> date:
    raw = request.values.get("week", "")
    try:
        return rota_board.monday_of(date.fromisoformat(raw))
    except ValueError:
        return rota_board.monday_of(_today(line))


def _page(line: Line, lines: list[Line], errors: dict[str, str], form: dict[str, str]) -> str:
    monday = _monday(line)
    return render_template(
        "rota.html",
        line=line,
        lines=lines,
        week=rota_board.week(db(), line, monday),
        today=_today(line),
        today_moment=utcnow(),
        previous=monday - timedelta(days=7),
        following=monday + timedelta(days=7),
        people=rota_board.volunteers_to_pick(db()),
        errors=errors,
        form=form,
        extra_params={"week": monday.isoformat()},
    )


def _back(line: Line, day: str | None = None) -> Response:
    week = day or request.values.get("week", "")
    return redirect(url_for("dashboard.rota", line=line.id, week=week or None))


@bp.get("/rota")
def rota() -> str:
    """The week view, with the forms to change it."""
    line, lines = chosen_line()
    return _page(line, lines, {}, {"date": _today(line).isoformat(), "role": "primary"})


@bp.post("/rota/shifts")
def rota_add() -> Page:
    """Add a shift, once or every week."""
    line, lines = chosen_line()
    form = {
        k: request.form.get(k, "")
        for k in ("volunteer", "role", "date", "start", "end", "weekly", "until")
    }
    try:
        notes = rota_board.add(db(), line, form, coordinator(), utcnow())
    except InvalidInput as exc:
        db().rollback()
        return _page(line, lines, {exc.field: exc.sentence}, form), 400
    flash(
        gettext("Shift added.")
        + "".join(" " + gettext("Note: %(note)s.", note=note_label(n)) for n in notes)
    )
    return _back(line, form["date"])


@bp.post("/rota/shifts/<int:shift_id>/cancel")
def rota_cancel(shift_id: int) -> Response:
    """Cancel one date of a shift."""
    line, _ = chosen_line()
    try:
        rota_board.cancel_date(
            db(), line, shift_id, request.form.get("date", ""), coordinator(), utcnow()
        )
        flash(gettext("That date is cancelled."))
    except InvalidInput as exc:
        db().rollback()
        flash(exc.sentence)
    return _back(line)


@bp.post("/rota/shifts/<int:shift_id>/cancel-shift")
def rota_cancel_shift(shift_id: int) -> Response:
    """Cancel a whole shift, every week of it, from now on."""
    line, _ = chosen_line()
    try:
        removed = rota_board.cancel_whole(db(), line, shift_id, coordinator(), utcnow())
        flash(
            ngettext(
                "The shift is cancelled: %(num)d date removed.",
                "The shift is cancelled: %(num)d dates removed.",
                removed,
            )
        )
    except InvalidInput as exc:
        db().rollback()
        flash(exc.sentence)
    return _back(line)


@bp.post("/rota/shifts/<int:shift_id>/hand-over")
def rota_hand_over(shift_id: int) -> Response:
    """Give one date of a shift to another volunteer."""
    line, _ = chosen_line()
    try:
        rota_board.hand_over(
            db(),
            line,
            shift_id,
            request.form.get("date", ""),
            request.form.get("volunteer", ""),
            coordinator(),
            utcnow(),
        )
        flash(gettext("That date is handed over."))
    except InvalidInput as exc:
        db().rollback()
        flash(exc.sentence)
    return _back(line)


@bp.post("/rota/open-shifts")
def rota_post_open() -> Page:
    """Post an open shift for volunteers to claim by text."""
    line, lines = chosen_line()
    form = {k: request.form.get(k, "") for k in ("role", "date", "start", "end")}
    rt = runtime()
    try:
        posted = rota_board.post_open(db(), rt.vault, rt.queue, line, form, coordinator(), utcnow())
    except InvalidInput as exc:
        db().rollback()
        errors = {"open_" + exc.field: exc.sentence}
        return _page(
            line, lines, errors, {"date": _today(line).isoformat(), "role": "primary"}
        ), 400
    flash(
        gettext(
            "Open shift posted; volunteers can text CLAIM %(code)s to take it.", code=posted.code
        )
    )
    return _back(line, form["date"])
