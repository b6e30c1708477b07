"""The Now page: who is on, who is waiting and for how long; it refreshes itself."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, render_template
from flask_babel import gettext

from warmline.core.clock import utcnow
from warmline.dashboard.blueprint import bp
from warmline.dashboard.context import db, visible_lines
from warmline.dashboard.present import clock, iso, local
from warmline.ops import now as dashboard
from warmline.ops.now import LineNow

POLL_MS = 2500


@bp.get("/")
def now() -> str:
    """Every line as it is now."""
    moment = utcnow()
    session = db()
    views = [dashboard.line_now(session, line, moment) for line in visible_lines()]
    return render_template("now.html", lines=views, now=moment, poll_ms=POLL_MS)


@bp.get("/now.json")
def now_json() -> Response:
    """The same, for the page's script: names and references only."""
    moment = utcnow()
    session = db()
    views = [dashboard.line_now(session, line, moment) for line in visible_lines()]
    return jsonify(now=iso(moment), lines=[_line_json(view) for view in views])


def words() -> dict[str, object]:
    """What the page's script writes when it redraws, in the page's language."""
    from warmline.dashboard import ESCALATION_LABELS, ROLE_LABELS, STATE_LABELS

    return {
        "states": {k: str(v) for k, v in STATE_LABELS.items()},
        "escalations": {k: str(v) for k, v in ESCALATION_LABELS.items()},
        "roles": {k: str(v) for k, v in ROLE_LABELS.items()},
        "crisis": gettext("Crisis words"),
        "opted_out": gettext("Opted out"),
        "waiting": gettext("waiting"),
        "for": gettext("for"),
        "with": gettext("with %(name)s", name="{name}"),
        "load": gettext("%(active)s of %(capacity)s", active="{active}", capacity="{capacity}"),
        "until": gettext("until %(time)s", time="{time}"),
        "at": gettext("at %(time)s", time="{time}"),
        "texted": gettext(
            "texted at %(time)s: offered to no one, replies can't be delivered", time="{time}"
        ),
        "updated": gettext("Updated %(time)s.", time="{time}"),
        "unreachable": gettext("Cannot reach the server; still trying."),
    }


def _line_json(view: LineNow) -> dict[str, Any]:
    tz = view.timezone
    return {
        "id": view.line_id,
        "name": view.name,
        "capacity": view.capacity,
        "on_shift": [
            {
                "name": p.name,
                "role": p.role,
                "state": p.state,
                "active": p.active,
                "until": clock(p.until, tz),
            }
            for p in view.on_shift
        ],
        "next_up": [
            {
                "name": s.name,
                "role": s.role,
                "starts": local(s.starts_at, tz, "%a %H:%M"),
                "ends": clock(s.ends_at, tz),
            }
            for s in view.next_up
        ],
        "waiting": [
            {"ref": w.ref, "since": iso(w.waiting_since), "crisis": w.crisis} for w in view.waiting
        ],
        "waiting_total": view.waiting_total,
        "opted_out": [{"at": clock(o.at, tz)} for o in view.opted_out],
        "active": [
            {"ref": a.ref, "volunteer": a.volunteer, "since": iso(a.claimed_at), "crisis": a.crisis}
            for a in view.active
        ],
        "active_total": view.active_total,
        "escalations": [
            {"ref": e.ref, "at": clock(e.at, tz), "outcome": e.outcome} for e in view.escalations
        ],
    }
