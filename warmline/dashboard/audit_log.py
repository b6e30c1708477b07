"""The audit log page: who did what, and when."""

from __future__ import annotations

from flask import render_template, request

from warmline.dashboard.blueprint import bp
from warmline.dashboard.context import coordinator, db, visible_line_ids, visible_lines
from warmline.lines import audit


@bp.get("/audit")
def audit_log() -> str:
    """Newest first, a page at a time."""
    before = request.args.get("before", type=int)
    entries = audit.page(db(), before_id=before, viewer=coordinator(), line_ids=visible_line_ids())
    older = entries[-1].id if len(entries) == audit.PAGE_SIZE else None
    lines = visible_lines()
    line_names = {line.id: line.name for line in lines}
    zones = {line.id: line.timezone for line in lines}
    # An entry about no line (an account change) reads in the lines' one zone, if they share one.
    shared = {line.timezone for line in lines}
    return render_template(
        "audit.html",
        entries=entries,
        zones=zones,
        default_zone=shared.pop() if len(shared) == 1 else "UTC",
        older=older,
        first=before is None,
        line_names=line_names if len(line_names) > 1 else {},
    )
