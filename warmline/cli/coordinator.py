"""`warmline coordinator`: accounts, the lines they see, deactivation and password resets."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy.orm import Session

from warmline.cli import _runtime
from warmline.core.clock import utcnow
from warmline.lines import admin


@click.group()
def coordinator() -> None:
    """Coordinators: who may sign in to the dashboard."""


def _password_from_stdin() -> str:
    """A password typed twice on a terminal, or one line of piped stdin."""
    if sys.stdin.isatty():
        password: str = click.prompt(
            "Password", hide_input=True, confirmation_prompt=True, err=True
        )
        return password
    return sys.stdin.readline().rstrip("\r\n")


@contextmanager
def _coordinator_errors() -> Iterator[None]:
    """Refused coordinator input as one line on stderr and exit code 1."""
    from warmline.lines import coordinators

    try:
        yield
    except (coordinators.CoordinatorError, admin.InvalidInput) as exc:
        raise click.ClickException(str(exc)) from None


def _lines_text(session: Session, ids: set[int] | None) -> str:
    """Which lines an account has, as the CLI prints it."""
    from sqlalchemy import select

    from warmline.models import Line

    if ids is None:
        return "administrator of every line"
    if not ids:
        return "no lines (sees nothing until given one)"
    numbers = session.scalars(select(Line.number).where(Line.id.in_(ids)).order_by(Line.number))
    return "lines " + ", ".join(numbers)


@coordinator.command("add")
@click.option("--email", required=True)
@click.option(
    "--line",
    "line_numbers",
    multiple=True,
    help="A line they coordinate (repeatable); none: an administrator of every line.",
)
def coordinator_add(email: str, line_numbers: tuple[str, ...]) -> None:
    """Add a coordinator; the password is read from stdin (asked twice on a terminal)."""
    from warmline.lines import audit, coordinators

    password = _password_from_stdin()
    with _runtime() as rt, rt.db.session() as session, _coordinator_errors():
        lines = [admin.get_line(session, number) for number in line_numbers]
        added = coordinators.add(session, email, password, utcnow(), lines=lines)
        audit.record(session, None, "added coordinator", added.email, utcnow(), actor="cli")
        session.commit()
        ids = coordinators.line_ids(session, added)
        click.echo(f"added coordinator {added.email} ({_lines_text(session, ids)})")


@coordinator.command("lines")
@click.argument("email")
@click.option("--add", "to_add", multiple=True, help="A line to give them (repeatable).")
@click.option("--remove", "to_remove", multiple=True, help="A line to take away (repeatable).")
def coordinator_lines(email: str, to_add: tuple[str, ...], to_remove: tuple[str, ...]) -> None:
    """Change which lines a coordinator sees; an administrator given --add keeps only those."""
    from warmline.lines import audit, coordinators

    with _runtime() as rt, rt.db.session() as session, _coordinator_errors():
        account = coordinators.get(session, email)
        if to_add or to_remove:
            adding = [admin.get_line(session, number) for number in to_add]
            removing = [admin.get_line(session, number) for number in to_remove]
            coordinators.change_lines(session, account, adding, removing)
            audit.record(session, None, "changed lines", account.email, utcnow(), actor="cli")
            session.commit()
        ids = coordinators.line_ids(session, account)
        click.echo(f"{account.email}: {_lines_text(session, ids)}")


@coordinator.command("deactivate")
@click.argument("email")
def coordinator_deactivate(email: str) -> None:
    """Stop a coordinator signing in; their sessions end at once."""
    from warmline.lines import audit, coordinators

    with _runtime() as rt, rt.db.session() as session, _coordinator_errors():
        account = coordinators.get(session, email)
        coordinators.deactivate(session, account)
        audit.record(session, None, "deactivated coordinator", account.email, utcnow(), actor="cli")
        session.commit()
        click.echo(f"deactivated {account.email}; their sessions have ended")


@coordinator.command("reset")
@click.argument("email")
def coordinator_reset(email: str) -> None:
    """Set a new password (from stdin) that they must change at their next sign-in."""
    from warmline.lines import audit, coordinators

    password = _password_from_stdin()
    with _runtime() as rt, rt.db.session() as session, _coordinator_errors():
        account = coordinators.get(session, email)
        coordinators.reset(session, account, password, utcnow())
        audit.record(session, None, "reset password", account.email, utcnow(), actor="cli")
        session.commit()
        click.echo(f"new password set for {account.email}: they must change it when they sign in")
