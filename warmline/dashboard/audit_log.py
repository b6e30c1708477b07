"""The audit log page: who did what, and when; narrowed by who, what and a range of days."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import lazy_gettext
from flask_babel.speaklater import LazyString

from warmline.core.errors import InvalidInput
from warmline.dashboard.blueprint import bp
from warmline.dashboard.context import coordinator, db, visible_line_ids, visible_lines
from warmline.lines import audit, coordinators
from warmline.lines.rules.audit import AuditFilter, read_filter

FILTER_FIELDS = ("who", "what", "from", "until")
ANCHORS = {"who": "audit-who", "what": "audit-what", "from": "audit-from", "until": "audit-until"}
# The log keeps each action as written in English; a page in another language reads them here.
ACTION_WORDS: dict[str, LazyString] = {
    "added closure": lazy_gettext("added closure"),
    "added coordinator": lazy_gettext("added coordinator"),
    "added resource": lazy_gettext("added resource"),
    "added shift": lazy_gettext("added shift"),
    "added topic": lazy_gettext("added topic"),
    "added volunteer": lazy_gettext("added volunteer"),
    "cancelled shift": lazy_gettext("cancelled shift"),
    "cancelled shift date": lazy_gettext("cancelled shift date"),
    "changed a text": lazy_gettext("changed a text"),
    "changed consent wording": lazy_gettext("changed consent wording"),
    "changed hours": lazy_gettext("changed hours"),
    "changed lines": lazy_gettext("changed lines"),
    "changed password": lazy_gettext("changed password"),
    "changed resource": lazy_gettext("changed resource"),
    "changed setting": lazy_gettext("changed setting"),
    "changed topic": lazy_gettext("changed topic"),
    "cleared training phones": lazy_gettext("cleared training phones"),
    "deactivated coordinator": lazy_gettext("deactivated coordinator"),
    "deactivated volunteer": lazy_gettext("deactivated volunteer"),
    "edited volunteer": lazy_gettext("edited volunteer"),
    "erased contact": lazy_gettext("erased contact"),
    "exported contact": lazy_gettext("exported contact"),
    "exported hours report": lazy_gettext("exported hours report"),
    "exported volunteers": lazy_gettext("exported volunteers"),
    "failed sign-in": lazy_gettext("failed sign-in"),
    "handed over shift date": lazy_gettext("handed over shift date"),
    "imported volunteers": lazy_gettext("imported volunteers"),
    "looked up contact": lazy_gettext("looked up contact"),
    "offered conversation": lazy_gettext("offered conversation"),
    "password form limit reached": lazy_gettext("password form limit reached"),
    "paused volunteer": lazy_gettext("paused volunteer"),
    "posted open shift": lazy_gettext("posted open shift"),
    "re-offered conversation": lazy_gettext("re-offered conversation"),
    "reactivated volunteer": lazy_gettext("reactivated volunteer"),
    "removed closure": lazy_gettext("removed closure"),
    "removed resource": lazy_gettext("removed resource"),
    "removed topic": lazy_gettext("removed topic"),
    "renamed volunteer": lazy_gettext("renamed volunteer"),
    "reset a text": lazy_gettext("reset a text"),
    "reset password": lazy_gettext("reset password"),
    "resumed volunteer": lazy_gettext("resumed volunteer"),
    "sign-in limit reached": lazy_gettext("sign-in limit reached"),
    "signed in": lazy_gettext("signed in"),
    "turned alert e-mails off": lazy_gettext("turned alert e-mails off"),
    "turned alert e-mails on": lazy_gettext("turned alert e-mails on"),
}


def action_words(action: str) -> str:
    """A stored action in the page's language; one this page does not know, as stored."""
    return str(ACTION_WORDS.get(action, action))


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
        action_words=action_words,
    )
    return (page, 400) if errors else page
