"""The audit log page: who did what, and when; narrowed by who, what and a range of days."""

from __future__ import annotations

from flask import render_template, request

from warmline.core.errors import InvalidInput
from warmline.dashboard.blueprint import bp
from warmline.dashboard.context import coordinator, db, visible_line_ids, visible_lines
from warmline.lines import audit, coordinators
from warmline.lines.rules.audit import AuditFilter, read_filter

FILTER_FIELDS = ("who", "what", "from", "until")
ANCHORS = {"who": "audit-who", "what": "audit-what", "from": "audit-from", "until": "audit-until"}


@bp.get("/audit")
def audit_log() -> str | tuple[str, int]:
    """Newest first, a page at a time, narrowed by the filter form."""
    form = {name: request.args.get(name, "") for name in FILTER_FIELDS}
    errors: dict[str, str] = {}
    try:
        narrowed = read_filter(form["who"], form["what"], form["from"], form["until"])
    except InvalidInput as exc:
        errors[exc.field] = exc.sentence
        narrowed = AuditFilter()
    before = request.args.get("before", type=int)
    me = coordinator()
    lines = visible_lines()
    zones = {line.id: line.timezone for line in lines}
    # An entry about no line (an account change) reads in the lines' one zone, if they share one.
    shared = {line.timezone for line in lines}
    default_zone = shared.pop() if len(shared) == 1 else "UTC"
    entries = (
        []
        if errors
        else audit.page(
            db(),
            before_id=before,
            viewer=me,
            line_ids=visible_line_ids(),
            narrowed=narrowed,
            zone=default_zone,
        )
    )
    older = entries[-1].id if len(entries) == audit.PAGE_SIZE else None
    line_names = {line.id: line.name for line in lines}
    people = [c.email for c in coordinators.everyone(db())] if me.is_administrator else [me.email]
    kept = {k: v for k, v in form.items() if v}
    page = render_template(
        "audit.html",
        entries=entries,
        zones=zones,
        default_zone=default_zone,
        older=older,
        first=before is None,
        line_names=line_names if len(line_names) > 1 else {},
        form=form,
        kept=kept,
        narrowed=narrowed.active,
        errors=errors,
        problems=[(ANCHORS[k], v) for k, v in errors.items()],
        actions=audit.actions(db()),
        people=[*people, "sign-in form", "cli", "system"],
        page_size=audit.PAGE_SIZE,
    )
    return (page, 400) if errors else page
