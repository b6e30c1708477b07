"""What every dashboard view needs: the runtime, a database session, the signed-in coordinator."""

from __future__ import annotations

from flask import abort, current_app, g, request
from flask_login import UserMixin, current_user
from sqlalchemy.orm import Session

from warmline.lines import coordinators
from warmline.models import Coordinator, Line
from warmline.ops import now
from warmline.runtime import Runtime


class SignedIn(UserMixin):  # type: ignore[misc]
    """A signed-in coordinator, as Flask-Login sees them."""

    def __init__(self, coordinator: Coordinator) -> None:
        self.coordinator = coordinator

    def get_id(self) -> str:
        """The session token: account and password generation, so a password change signs out."""
        return coordinators.session_token(self.coordinator)


def runtime() -> Runtime:
    """This app's runtime."""
    rt: Runtime = current_app.extensions["warmline"]
    return rt


def db() -> Session:
    """The request's database session, closed when the request ends."""
    if "dashboard_session" not in g:
        g.dashboard_session = runtime().db.new_session()
    session: Session = g.dashboard_session
    return session


def close_db(_exc: BaseException | None = None) -> None:
    """Close the request's session, if one was opened."""
    session: Session | None = g.pop("dashboard_session", None)
    if session is not None:
        session.close()


def coordinator() -> Coordinator:
    """The signed-in coordinator (every view but sign-in runs only when there is one)."""
    user = current_user._get_current_object()
    assert isinstance(user, SignedIn)
    return user.coordinator


def visible_line_ids() -> set[int] | None:
    """The lines the signed-in coordinator may see; None for an administrator (every line)."""
    if "visible_line_ids" not in g:
        g.visible_line_ids = coordinators.line_ids(db(), coordinator())
    ids: set[int] | None = g.visible_line_ids
    return ids


def visible_lines() -> list[Line]:
    """The lines the signed-in coordinator may see and change."""
    ids = visible_line_ids()
    return [line for line in now.lines(db()) if ids is None or line.id in ids]


def may_see_line(line_id: int) -> bool:
    """True when the signed-in coordinator may see line `line_id`."""
    ids = visible_line_ids()
    if ids is not None:
        return line_id in ids
    return db().get(Line, line_id) is not None


def chosen_line() -> tuple[Line, list[Line]]:
    """The line the page is about (`?line=id`, else the first) and the coordinator's lines.

    404 for a line that is not theirs, exactly as for one that does not exist.
    """
    lines = visible_lines()
    if not lines:
        abort(404, "there is no line here yet: add one with `warmline line add`")
    raw = request.args.get("line")
    if raw is None:
        return lines[0], lines
    for line in lines:
        if str(line.id) == raw:
            return line, lines
    abort(404)
