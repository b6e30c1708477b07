"""Request ids for log lines, webhook timings, and the Prometheus endpoint behind a token."""

from __future__ import annotations

import hmac
import re
import secrets
import time

from flask import Blueprint, Flask, Response, abort, current_app, g, request

from warmline.core import logs, metrics
from warmline.core.clock import utcnow
from warmline.ops import scrape
from warmline.runtime import Runtime

bp = Blueprint("monitoring", __name__)

# A proxy's or platform's request id is kept when it looks like one; otherwise we make one.
REQUEST_ID_SHAPE = re.compile(r"[A-Za-z0-9._:-]{8,128}")
REQUEST_ID_HEADER = "X-Request-Id"
WEBHOOK_PREFIX = "/twilio/"


def init_app(app: Flask) -> None:
    """Give every request an id (in logs and the response) and time Twilio's webhooks."""
    app.before_request(_begin)
    app.after_request(_tag_response)
    app.teardown_request(_end)
    app.register_blueprint(bp)


@bp.get("/metrics")
def prometheus() -> Response:
    """Prometheus's scrape: 404 unless METRICS_TOKEN is set, 401 without it as a bearer token."""
    rt: Runtime = current_app.extensions["warmline"]
    token = rt.settings.metrics_token
    if token is None:
        abort(404)
    offered = request.headers.get("Authorization", "")
    if not hmac.compare_digest(offered.encode(), f"Bearer {token}".encode()):
        return Response(
            "a bearer token is required\n",
            status=401,
            mimetype="text/plain",
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    return Response(scrape.render(rt, utcnow()), mimetype="text/plain; version=0.0.4")


def request_id_for(offered: str) -> str:
    """The id this request goes by: the one offered when it looks like one, else a new one."""
    # Kept only if it has the shape and nothing the log redaction would hide (a number).
    usable = REQUEST_ID_SHAPE.fullmatch(offered) and logs.redact(offered) == offered
    return offered if usable else secrets.token_hex(8)


def time_webhook(endpoint: str, started: float) -> None:
    """Count a Twilio webhook's time since `started` (perf_counter) under its route."""
    metrics.WEBHOOK_SECONDS.labels(endpoint=endpoint).observe(time.perf_counter() - started)


def _begin() -> None:
    request_id = request_id_for(request.headers.get(REQUEST_ID_HEADER, ""))
    g.request_id = request_id
    g.request_id_token = logs.REQUEST_ID.set(request_id)
    g.started = time.perf_counter()


def _tag_response(response: Response) -> Response:
    request_id = g.get("request_id")
    if request_id is not None:
        response.headers[REQUEST_ID_HEADER] = request_id
    return response


def _end(_error: BaseException | None) -> None:
    started = g.pop("started", None)
    if started is not None and request.path.startswith(WEBHOOK_PREFIX):
        # Labelled by the route, never by the URL: query strings carry ids.
        time_webhook(request.url_rule.rule if request.url_rule is not None else "unknown", started)
    token = g.pop("request_id_token", None)
    if token is not None:
        logs.REQUEST_ID.reset(token)
