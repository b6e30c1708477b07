"""The Now page: who is on, who is waiting and for how long; it refreshes itself."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as Redirect

from warmline.core.clock import utcnow
from warmline.core.errors import InvalidInput
from warmline.dashboard.blueprint import bp
from warmline.dashboard.context import chosen_line, coordinator, db, runtime, visible_lines
from warmline.dashboard.present import clock, iso, local, span, until, zone_name
from warmline.models import Line
from warmline.ops import now as dashboard
from warmline.ops import offering
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
    # "Updated at" on the line's wall clock (the first line's, named, when lines differ in zone).
    zone = views[0].timezone if views else "UTC"
    return jsonify(
        now=iso(moment),
        updated=local(moment, zone, "%H:%M:%S %Z"),
        lines=[_line_json(view, moment) for view in views],
    )


@bp.post("/now/conversations/<ref>/reoffer")
def now_reoffer(ref: str) -> Redirect:
    """Offer a waiting conversation again, now, to every available peer."""
    line, _ = chosen_line()
    moment = utcnow()
    rt = runtime()
    try:
        done = offering.reoffer_now(db(), rt.vault, rt.queue, line, ref, coordinator(), moment)
        flash(f"#{done.ref} offered again to {_and(done.names)} at {_at(moment, line)}.")
    except InvalidInput as exc:
        db().rollback()
        flash(str(exc))
    return redirect(url_for("dashboard.now"))


@bp.post("/now/conversations/<ref>/offer")
def now_offer(ref: str) -> Redirect:
    """Text one available peer the offer of a waiting conversation."""
    line, _ = chosen_line()
    moment = utcnow()
    rt = runtime()
    raw = request.form.get("volunteer", "")
    try:
        if not raw.isdigit():
            raise InvalidInput("Choose a peer to offer it to.", field="volunteer")
        done = offering.offer_to_peer(
            db(), rt.vault, rt.queue, line, ref, int(raw), coordinator(), moment
        )
        flash(
            f"#{done.ref} offered to {done.names[0]} at {_at(moment, line)}; "
            f"they take it by replying {done.ref}."
        )
    except InvalidInput as exc:
        db().rollback()
        flash(str(exc))
    return redirect(url_for("dashboard.now"))


def _at(moment: Any, line: Line) -> str:
    return f"{clock(moment, line.timezone)} {zone_name(moment, line.timezone)}"


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _line_json(view: LineNow, moment: Any) -> dict[str, Any]:
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
                "until": until(p.until, moment, tz),
            }
            for p in view.on_shift
        ],
        "next_up": [
            {
                "name": s.name,
                "role": s.role,
                "starts": local(s.starts_at, tz, "%a"),
                "hours": span(s.starts_at, s.ends_at, tz),
            }
            for s in view.next_up
        ],
        "waiting": [
            {
                "ref": w.ref,
                "since": iso(w.waiting_since),
                "crisis": w.crisis,
                "offers": [{"name": o.name, "at": clock(o.at, tz)} for o in w.offers],
            }
            for w in view.waiting
        ],
        "waiting_total": view.waiting_total,
        "opted_out": [{"at": clock(o.at, tz)} for o in view.opted_out],
        "active": [
            {"ref": a.ref, "volunteer": a.volunteer, "since": iso(a.claimed_at), "crisis": a.crisis}
            for a in view.active
        ],
        "active_total": view.active_total,
        "escalations": [
            {"ref": e.ref, "at": clock(e.at, tz), "when": iso(e.at), "outcome": e.outcome}
            for e in view.escalations
        ],
        "peers": [{"id": p.volunteer_id, "name": p.name} for p in view.peers],
    }
