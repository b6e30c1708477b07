"""Statistics: contacts, answer rate, waits and rota coverage, drawn as SVG on the server."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import render_template, request

from warmline.core.clock import utcnow
from warmline.dashboard import charts
from warmline.dashboard.blueprint import bp
from warmline.dashboard.context import chosen_line, db
from warmline.ops import stats as line_stats

PERIODS = (7, 30, 90)


@bp.get("/stats")
def stats() -> str:
    """The line's figures and charts over 7, 30 or 90 days."""
    line, lines = chosen_line()
    days = request.args.get("days", type=int)
    days = days if days in PERIODS else 30
    now = utcnow()
    today = now.astimezone(ZoneInfo(line.timezone)).date()
    figures = line_stats.figures(db(), line, today, days, now)
    labels = [d.day.strftime("%d %b") for d in figures.days]
    series = [("Conversations by text", [float(d.texts) for d in figures.days])]
    if figures.calls:
        series.append(("Calls", [float(d.calls) for d in figures.days]))
    series.append(("Answered", [float(d.answered) for d in figures.days]))
    contacts_chart = charts.bars(
        "Conversations and calls per day, and how many a peer answered", labels, series
    )
    waits_chart = charts.lines(
        "Wait before a peer answered, per day",
        labels,
        [
            ("Median", [d.median_wait_s for d in figures.days]),
            ("90th percentile", [d.p90_wait_s for d in figures.days]),
        ],
        unit="s",
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
    )
