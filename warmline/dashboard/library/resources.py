"""The resource library page: the line's topics and resources, added, changed and removed."""

from __future__ import annotations

import re

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from werkzeug.wrappers import Response

from warmline.conversations.rules.resources import LANGUAGES
from warmline.conversations.support import resources
from warmline.core.clock import utcnow
from warmline.core.errors import InvalidInput
from warmline.dashboard.blueprint import bp
from warmline.dashboard.context import chosen_line, coordinator, db
from warmline.lines import topic_list
from warmline.lines.rules.topics import from_stored
from warmline.models import Line, Resource

Page = str | tuple[str, int] | Response
RESOURCE_FIELDS = ("title", "text", "link", "topics", "language")
LABELS = {
    "title": lazy_gettext("Title"),
    "text": lazy_gettext("Text"),
    "link": lazy_gettext("Link or number"),
    "topics": lazy_gettext("Topics"),
    "language": lazy_gettext("Language"),
}
LANGUAGE_NAMES = {"en": lazy_gettext("English"), "es": lazy_gettext("Spanish")}
_OPTION = re.compile(r"--(\w+)")


def _plain(exc: InvalidInput) -> str:
    """The use case's message with its command-line option names swapped for this form's labels."""
    return _OPTION.sub(lambda m: f"“{LABELS.get(m.group(1), m.group(1))}”", exc.sentence)


def _form(resource: Resource | None = None) -> dict[str, str]:
    """A resource's values as its form shows them; an empty form for a new one."""
    if resource is None:
        return {"title": "", "text": "", "link": "", "topics": "", "language": "en"}
    return {
        "title": resource.title,
        "text": resource.body,
        "link": resource.link,
        "topics": ", ".join(from_stored(resource.topics)),
        "language": resource.language,
    }


def _posted() -> dict[str, str]:
    return {name: request.form.get(name, "") for name in RESOURCE_FIELDS}


def library_page(
    line: Line,
    lines: list[Line],
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    topic_errors: dict[str, str] | None = None,
    topic_form: dict[str, str] | None = None,
    anchors: dict[str, str] | None = None,
) -> str:
    """The page: topics first (resources are filed under them), then the library."""
    errors, topic_errors = errors or {}, topic_errors or {}
    problems = [(f"resource-{k}", v) for k, v in errors.items()]
    problems += [((anchors or {}).get(k, f"topic-{k}"), v) for k, v in topic_errors.items()]
    return render_template(
        "resources.html",
        line=line,
        lines=lines,
        topics=topic_list.topics(line),
        own_topics=bool(line.topics.strip()),
        library=resources.library(db(), line),
        form=form or _form(),
        errors=errors,
        topic_form=topic_form or {"name": "", "synonyms": "", "old_name": ""},
        topic_errors=topic_errors,
        problems=problems,
        languages=[(code, LANGUAGE_NAMES.get(code, code)) for code in LANGUAGES],
        from_stored=from_stored,
    )


@bp.get("/resources")
def resources_page() -> str:
    """The line's topic list and resource library."""
    line, lines = chosen_line()
    return library_page(line, lines)


@bp.post("/resources")
def resource_add() -> Page:
    """Add a resource; a refusal is shown beside its field and summarised at the top."""
    line, lines = chosen_line()
    form = _posted()
    try:
        added = resources.add(db(), line, **form, now=utcnow(), strict=True, actor=coordinator())
    except InvalidInput as exc:
        db().rollback()
        errors = {exc.field or "title": _plain(exc)}
        return library_page(line, lines, errors=errors, form=form), 400
    flash(gettext("Resource added: %(title)s.", title=added.title))
    return redirect(url_for("dashboard.resources_page", line=line.id, _anchor="library"))


def _resource(line: Line, resource_id: int) -> Resource:
    """The line's resource, or 404 (another line's resource is as absent as a missing one)."""
    try:
        return resources.in_library(db(), line, resource_id)
    except InvalidInput:
        abort(404)


@bp.get("/resources/<int:resource_id>")
def resource_edit(resource_id: int) -> str:
    """The form to change one resource."""
    line, lines = chosen_line()
    resource = _resource(line, resource_id)
    return _edit_page(line, lines, resource, _form(resource), {})


def _edit_page(
    line: Line, lines: list[Line], resource: Resource, form: dict[str, str], errors: dict[str, str]
) -> str:
    return render_template(
        "resource_edit.html",
        line=line,
        lines=lines,
        resource=resource,
        form=form,
        errors=errors,
        problems=[(f"resource-{k}", v) for k, v in errors.items()],
        topics=topic_list.topics(line),
        languages=[(code, LANGUAGE_NAMES.get(code, code)) for code in LANGUAGES],
    )


@bp.post("/resources/<int:resource_id>")
def resource_save(resource_id: int) -> Page:
    """Save a changed resource, or show what is wrong beside the field."""
    line, lines = chosen_line()
    resource = _resource(line, resource_id)
    form = _posted()
    try:
        resources.edit(db(), line, resource.id, **form, now=utcnow(), actor=coordinator())
    except InvalidInput as exc:
        db().rollback()
        resource = _resource(line, resource_id)
        errors = {exc.field or "title": _plain(exc)}
        return _edit_page(line, lines, resource, form, errors), 400
    flash(gettext("Resource saved: %(title)s.", title=resource.title))
    return redirect(url_for("dashboard.resources_page", line=line.id, _anchor="library"))


@bp.post("/resources/<int:resource_id>/remove")
def resource_remove(resource_id: int) -> Response:
    """Take a resource out of the library; how often it was shared is kept."""
    line, _ = chosen_line()
    resource = _resource(line, resource_id)
    resources.retire(db(), line, resource.id, utcnow(), actor=coordinator())
    flash(gettext("Resource removed: %(title)s.", title=resource.title))
    return redirect(url_for("dashboard.resources_page", line=line.id, _anchor="library"))
