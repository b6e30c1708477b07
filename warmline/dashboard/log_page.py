"""The consented contact log: filters, a page at a time, and the same rows as a CSV download."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from zoneinfo import ZoneInfo

from flask import Response, render_template, request
from flask_babel import gettext, lazy_gettext

from warmline.core.clock import utcnow
from warmline.dashboard.blueprint import bp
from warmline.dashboard.context import chosen_line, db, runtime
from warmline.dashboard.present import local
from warmline.lines.rules.spreadsheet import inert
from warmline.models import Line
from warmline.privacy import log_search as search
from warmline.privacy.log_search import LogFilters, LogRow

FILTER_NAMES = ("from", "to", "channel", "outcome", "crisis", "volunteer")
# The CSV file stays in English whatever the page's language: its columns feed other tools.
CHANNEL_LABELS = {"sms": "Text", "voice": "Call"}
CHANNEL_NAMES = {"sms": lazy_gettext("Text"), "voice": lazy_gettext("Call")}
CHANNEL_PLURALS = {"sms": lazy_gettext("Texts"), "voice": lazy_gettext("Calls")}
# How a conversation ended, as the system records it; a line's own outcome tags are shown as typed.
ENDING_LABELS = {
    "done": lazy_gettext("done"),
    "idle": lazy_gettext("idle"),
    "line_closed": lazy_gettext("line_closed"),
    "opted_out": lazy_gettext("opted_out"),
}
CSV_ROWS_PER_CHUNK = 500


def _filters(line: Line) -> tuple[LogFilters, dict[str, str], dict[str, str]]:
    """The filters the query string asks for, what to show in the form, and any errors."""
    raw = {name: request.args.get(name, "").strip() for name in FILTER_NAMES}
    errors: dict[str, str] = {}
    dates: dict[str, date | None] = {}
    for name in ("from", "to"):
        try:
            dates[name] = date.fromisoformat(raw[name]) if raw[name] else None
        except ValueError:
            errors[name] = gettext("Enter a date like 2026-12-24.")
            dates[name] = None
    since, until = dates["from"], dates["to"]
    if since and until and until < since:
        errors["to"] = gettext("The end date is before the start date.")
        until = None
    volunteer = int(raw["volunteer"]) if raw["volunteer"].isdigit() else None
    filters = LogFilters(
        since=since,
        until=until,
        channel=raw["channel"] if raw["channel"] in search.CHANNELS else None,
        outcome=raw["outcome"] if raw["outcome"] in search.outcomes(line) else None,
        crisis={"yes": True, "no": False}.get(raw["crisis"]),
        volunteer_id=volunteer,
    )
    return filters, raw, errors


@bp.get("/log")
def contact_log() -> str | tuple[str, int]:
    """The log, newest first: times in the line's zone, people by name, contacts by count."""
    line, lines = chosen_line()
    filters, raw, errors = _filters(line)
    before = request.args.get("before", type=int)
    rows, older = search.page(db(), line, filters, before_id=before)
    query = {k: v for k, v in raw.items() if v}
    page = render_template(
        "log.html",
        line=line,
        lines=lines,
        rows=rows,
        older=older,
        first=before is None,
        form=raw,
        errors=errors,
        query=query,
        outcomes=search.outcomes(line),
        volunteers=search.volunteers(db()),
        channels=CHANNEL_NAMES,
        channel_plurals=CHANNEL_PLURALS,
        outcome_label=_outcome_label,
        extra_params=query,
    )
    return (page, 400) if errors else page


@bp.get("/log.csv")
def contact_log_csv() -> Response:
    """The filtered rows as CSV, streamed in batches: no contact key, number or words in it."""
    line, _ = chosen_line()
    filters, _, _ = _filters(line)
    rt = runtime()
    line_id, zone = line.id, line.timezone

    def generate() -> Iterator[str]:
        with rt.db.session() as session:
            own_line = session.get_one(Line, line_id)
            yield _csv_lines([_header(zone)])
            chunk: list[list[str]] = []
            for row in search.every_row(session, own_line, filters):
                chunk.append(_csv_row(row, zone))
                if len(chunk) == CSV_ROWS_PER_CHUNK:
                    yield _csv_lines(chunk)
                    chunk = []
            if chunk:
                yield _csv_lines(chunk)

    today = utcnow().astimezone(ZoneInfo(zone)).date().isoformat()
    return Response(
        generate(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="contact-log-{today}.csv"'},
    )


def _outcome_label(outcome: str) -> str:
    """An outcome as the page shows it: a system ending in the page's language, a tag as typed."""
    return str(ENDING_LABELS.get(outcome, outcome))


def _header(zone: str) -> list[str]:
    return [
        f"Started ({zone})",
        f"Ended ({zone})",
        "Channel",
        "Wait (s)",
        "Duration (s)",
        "Volunteer",
        "Outcome",
        "Crisis words",
        "Consent version",
        "Contacts from this person",
        "Repeat tag",
    ]


def _csv_row(row: LogRow, zone: str) -> list[str]:
    return [
        local(row.started_at, zone, "%Y-%m-%d %H:%M:%S"),
        local(row.ended_at, zone, "%Y-%m-%d %H:%M:%S"),
        CHANNEL_LABELS.get(row.channel, row.channel),
        "" if row.wait_s is None else str(row.wait_s),
        "" if row.duration_s is None else str(row.duration_s),
        row.volunteer or "",
        row.outcome or "",
        "yes" if row.crisis else "no",
        str(row.consent_version),
        str(row.repeat_count),
        row.repeat_tag,
    ]


def _csv_lines(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([inert(cell) for cell in row])
    return out.getvalue()
