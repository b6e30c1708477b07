"""The line's topic list on the resources page: add, rename or reword, remove."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from warmline.core.clock import utcnow
from warmline.core.errors import InvalidInput
from warmline.dashboard.blueprint import bp
from warmline.dashboard.context import chosen_line, coordinator, db
from warmline.dashboard.library.resources import Page, library_page
from warmline.lines import topic_list
from warmline.models import Line


def _form() -> dict[str, str]:
    return {k: request.form.get(k, "") for k in ("name", "synonyms", "old_name")}


def _row(line: Line, name: str, field: str) -> str:
    """The id of a field in topic `name`'s row (rows are numbered: a name may hold a space)."""
    names = list(topic_list.topics(line))
    return f"topic-{names.index(name) + 1}-{field}" if name in names else "topics"


def _back(line_id: int) -> Response:
    return redirect(url_for("dashboard.resources_page", line=line_id, _anchor="topics"))


@bp.post("/topics")
def topic_add() -> Page:
    """Add a topic with its other words."""
    line, lines = chosen_line()
    form = _form()
    try:
        name = topic_list.add_topic(
            db(), line, form["name"], form["synonyms"], coordinator(), utcnow()
        )
    except InvalidInput as exc:
        db().rollback()
        errors = {exc.field or "name": exc.sentence}
        return library_page(line, lines, topic_errors=errors, topic_form=form), 400
    flash(gettext("Topic added: %(name)s.", name=name))
    return _back(line.id)


@bp.post("/topics/change")
def topic_change() -> Page:
    """Rename a topic or change its other words."""
    line, lines = chosen_line()
    form = _form()
    try:
        name = topic_list.change_topic(
            db(), line, form["old_name"], form["name"], form["synonyms"], coordinator(), utcnow()
        )
    except InvalidInput as exc:
        db().rollback()
        field = exc.field or "name"
        errors = {field: exc.sentence}
        # The summary links to the row being edited, not the form for a new topic.
        anchor = {field: _row(line, form["old_name"], field)}
        return library_page(line, lines, topic_errors=errors, topic_form=form, anchors=anchor), 400
    flash(gettext("Topic saved: %(name)s.", name=name))
    return _back(line.id)


@bp.post("/topics/remove")
def topic_remove() -> Page:
    """Take a topic off the line's list."""
    line, lines = chosen_line()
    name = request.form.get("old_name", "")
    try:
        topic_list.remove_topic(db(), line, name, coordinator(), utcnow())
    except InvalidInput as exc:
        db().rollback()
        errors = {"name": exc.sentence}
        anchor = {"name": _row(line, name, "name")}
        form = {"name": name, "synonyms": "", "old_name": name}
        return library_page(line, lines, topic_errors=errors, topic_form=form, anchors=anchor), 400
    flash(gettext("Topic removed: %(name)s.", name=name))
    return _back(line.id)
