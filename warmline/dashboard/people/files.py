"""Volunteers in and out as CSV files, and the funders' monthly report."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext, ngettext
from werkzeug.wrappers import Response as Redirect

from warmline.core.clock import utcnow
from warmline.core.crypto import UnreadableSecret
from warmline.core.errors import InvalidInput
from warmline.dashboard.blueprint import bp
from warmline.dashboard.context import chosen_line, coordinator, db, runtime
from warmline.dashboard.volunteers import page_with_errors, visible_volunteer_ids
from warmline.lines import volunteer_files
from warmline.lines.volunteer_files import ImportPreview
from warmline.ops import volunteer_hours

STALE = lazy_gettext("This preview can no longer be read: choose the file again.")
COLUMN_LABELS = {
    "name": lazy_gettext("Name"),
    "phone": lazy_gettext("Phone"),
    "topics": lazy_gettext("Topics"),
    "languages": lazy_gettext("Languages"),
}


def column_label(column: str) -> str:
    """A column of the import file, as the page names it."""
    return str(COLUMN_LABELS.get(column, column.capitalize()))


def _attachment(text: str, filename: str) -> Response:
    # A byte-order mark so a spreadsheet opens the names as UTF-8.
    return Response(
        "\ufeff" + text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _preview_page(checked: ImportPreview, sealed: str) -> str:
    line, lines = chosen_line()
    return render_template(
        "volunteers_import.html",
        line=line,
        lines=lines,
        preview=checked,
        sealed=sealed,
        column_label=column_label,
    )


@bp.post("/volunteers/import")
def volunteer_import() -> str | tuple[str, int]:
    """Check an uploaded CSV file and show every row, with what is wrong in each; write nothing."""
    line, _ = chosen_line()
    upload = request.files.get("file")
    rt = runtime()
    try:
        text = volunteer_files.read_upload(upload.read() if upload else b"")
        checked = volunteer_files.preview(db(), rt.keyring, text, line)
    except InvalidInput as exc:
        return page_with_errors({exc.field: exc.sentence}), 400
    # The file travels to the confirmation sealed, so its numbers are never in the page.
    sealed = rt.vault.seal(text).decode() if checked.ok else ""
    return _preview_page(checked, sealed)


@bp.post("/volunteers/import/confirm")
def volunteer_import_confirm() -> str | tuple[str, int] | Redirect:
    """Add every volunteer of a checked file in one go, or none."""
    line, _ = chosen_line()
    rt = runtime()
    try:
        text = rt.vault.open(request.form.get("file", "").encode())
    except UnreadableSecret:
        return page_with_errors({"file": str(STALE)}), 400
    try:
        added = volunteer_files.import_volunteers(
            db(), rt.keyring, rt.vault, rt.queue, text, line=line, actor=coordinator(), now=utcnow()
        )
    except InvalidInput:
        db().rollback()
        return _preview_page(volunteer_files.preview(db(), rt.keyring, text, line), ""), 400
    flash(
        ngettext(
            "Imported %(num)s volunteer; %(line)s texted them a welcome.",
            "Imported %(num)s volunteers; %(line)s texted each a welcome.",
            added,
            line=line.name,
        )
    )
    return redirect(url_for("dashboard.volunteers_page", line=line.id))


@bp.get("/volunteers.csv")
def volunteers_csv() -> Response:
    """The volunteers this coordinator sees, as CSV (phones only by their last two digits)."""
    line, _ = chosen_line()
    text = volunteer_files.export_csv(
        db(),
        runtime().vault,
        visible_volunteer_ids(),
        line=line,
        actor=coordinator(),
        now=utcnow(),
    )
    return _attachment(text, "volunteers.csv")


@bp.get("/volunteers/hours.csv")
def volunteer_hours_csv() -> str | tuple[str, int] | Response:
    """A month's hours on shift and conversations taken per volunteer, for funders."""
    line, _ = chosen_line()
    # Without a month (a bookmarked link): the month so far, as the picker first shows it.
    this_month = utcnow().astimezone(ZoneInfo(line.timezone)).strftime("%Y-%m")
    month = request.args.get("month") or this_month
    try:
        text = volunteer_hours.month_csv(db(), line, month, coordinator(), utcnow())
    except InvalidInput as exc:
        db().rollback()
        return page_with_errors({exc.field: exc.sentence}), 400
    return _attachment(text, f"volunteer-hours-{line.id}-{month.strip()}.csv")
