"""Statistics: contacts, answer rate, waits and rota coverage, drawn as SVG on the server."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from babel.dates import format_date
from flask import render_template, request
from flask_babel import format_percent, gettext

from warmline.core.clock import utcnow
from warmline.dashboard import charts
from warmline.dashboard.blueprint import bp
from warmline.dashboard.context import chosen_line, db
from warmline.dashboard.present import language
from warmline.ops import stats as line_stats

PERIODS = (7, 30, 90)


def day_label(day: date, pattern: str = "dd MMM") -> str:
    """A day as the page's language writes it: 05 Dec, 05 dic."""
    return format_date(day, pattern, locale=language())


def percent(share: float | None) -> str:
    """A share as a whole percentage in the page's language (45%, 45 %), or a dash."""
    return "—" if share is None else str(format_percent(share))


@bp.get("/stats")
def stats() -> str:
    """The line's figures and charts over 7, 30 or 90 days."""
    line, lines = chosen_line()
    days = request.args.get("days", type=int)
    days = days if days in PERIODS else 30
    now = utcnow()
    today = now.astimezone(ZoneInfo(line.timezone)).date()
    figures = line_stats.figures(db(), line, today, days, now)
    labels = [day_label(d.day) for d in figures.days]
    series = [(gettext("Conversations by text"), [float(d.texts) for d in figures.days])]
    if figures.calls:
        series.append((gettext("Calls"), [float(d.calls) for d in figures.days]))
    series.append((gettext("Answered"), [float(d.answered) for d in figures.days]))
    contacts_chart = charts.bars(
        gettext("Conversations and calls per day, and how many a peer answered"),
        labels,
        series,
        locale=language(),
    )
    waits_chart = charts.lines(
        gettext("Wait before a peer answered, per day"),
        labels,
        [
            (gettext("Median"), [d.median_wait_s for d in figures.days]),
            (gettext("90th percentile"), [d.p90_wait_s for d in figures.days]),
        ],
        unit="s",
        locale=language(),
    )
    return render_template(
        "stats.html",
        line=line,
        lines=lines,
        days=days,
        periods=PERIODS,
        figures=figures,
        contacts_chart=contacts_chart,
        waits_chart=waits_chart,
        extra_params={"days": days},
        day_label=day_label,
        percent=percent,
    )
