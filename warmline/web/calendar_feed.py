"""The private calendar feed URL: `/rota/<token>.ics`."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app

from warmline.core.clock import utcnow
from warmline.rota import calendar
from warmline.runtime import Runtime

bp = Blueprint("calendar_feed", __name__)


@bp.get("/rota/<token>.ics")
def rota_feed(token: str) -> Response:
    """A volunteer's shifts as iCalendar; 404 for unknown or revoked tokens."""
    rt: Runtime = current_app.extensions["warmline"]
    with rt.db.session() as session:
        body = calendar.feed(session, token, utcnow())
    if body is None:
        abort(404)
    response = Response(body, mimetype="text/calendar")
    response.headers["Cache-Control"] = "private, no-store"
    return response
