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


def chosen_line() -> tuple[Line, list[Line]]:
    """The line the page is about (`?line=id`, else the first) and every line; 404 when none."""
    all_lines = now.lines(db())
    if not all_lines:
        abort(404, "there is no line yet: add one with `warmline line add`")
    wanted = request.args.get("line", type=int)
    for line in all_lines:
        if line.id == wanted:
            return line, all_lines
    return all_lines[0], all_lines
