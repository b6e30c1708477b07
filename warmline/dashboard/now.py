"""The Now page: who is on, who is waiting and for how long; it refreshes itself."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
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
        flash(
            gettext(
                "#%(ref)s offered again to %(names)s at %(time)s.",
                ref=done.ref,
                names=_and(done.names),
                time=_at(moment, line),
            )
        )
    except InvalidInput as exc:
        db().rollback()
        flash(exc.sentence)
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
            raise InvalidInput(gettext("Choose a peer to offer it to."), field="volunteer")
        done = offering.offer_to_peer(
            db(), rt.vault, rt.queue, line, ref, int(raw), coordinator(), moment
        )
        flash(
            gettext(
                "#%(ref)s offered to %(name)s at %(time)s; they take it by replying %(ref)s.",
                ref=done.ref,
                name=done.names[0],
                time=_at(moment, line),
            )
        )
    except InvalidInput as exc:
        db().rollback()
        flash(exc.sentence)
    return redirect(url_for("dashboard.now"))


def _at(moment: Any, line: Line) -> str:
    return f"{clock(moment, line.timezone)} {zone_name(moment, line.timezone)}"


def _and(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return str(gettext("%(first)s and %(last)s", first=", ".join(names[:-1]), last=names[-1]))


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
        "load": gettext(
            "%(active)s of %(capacity)s conversations", active="{active}", capacity="{capacity}"
        ),
        "until": gettext("until %(time)s", time="{time}"),
        "at": gettext("at %(time)s", time="{time}"),
        "texted": gettext(
            "texted at %(time)s: offered to no one, replies can't be delivered", time="{time}"
        ),
        "updated": gettext("Updated %(time)s.", time="{time}"),
        "reoffer": gettext("Re-offer"),
        "reoffer_now": gettext(" now"),
        "no_peer": gettext("No peer is available to offer it to."),
        "offer_to": gettext("Offer #%(ref)s to", ref="{ref}"),
        "offer": gettext("Offer"),
        "not_offered": gettext("not offered to anyone yet"),
        "offer_at": gettext("%(name)s at %(time)s", name="{name}", time="{time}"),
        "offered_to": gettext("offered to %(list)s", list="{list}"),
        "unreachable": gettext("Cannot reach the server; still trying."),
        "alerts_turn_on": gettext("Turn on crisis alerts"),
        "alerts_turn_off": gettext("Crisis alerts are on (turn off)"),
        "alerts_off": gettext("Crisis alerts are off in this browser."),
        "alerts_granted": gettext(
            "This browser will notify you and sound a tone when crisis words come in."
        ),
        "alerts_refused": gettext(
            "The browser refused notifications: allow them for this site in its settings."
        ),
        "alert_title": gettext("Crisis words on %(line)s", line="{line}"),
        "alert_body": gettext("Conversation #%(ref)s used crisis words.", ref="{ref}"),
    }


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
