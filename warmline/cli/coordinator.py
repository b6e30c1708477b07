"""`warmline coordinator`: accounts, the lines they see, deactivation and password resets."""

from __future__ import annotations

import sys

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from warmline.cli.base import main, opened_runtime, operator_errors
from warmline.core.clock import utcnow
from warmline.lines import audit, coordinators
from warmline.lines.lines import get_line
from warmline.models import Line


@main.group()
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


def _lines_text(session: Session, ids: set[int] | None) -> str:
    """Which lines an account has, as the CLI prints it."""
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
    password = _password_from_stdin()
    with opened_runtime() as rt, rt.db.session() as session, operator_errors():
        lines = [get_line(session, number) for number in line_numbers]
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
    with opened_runtime() as rt, rt.db.session() as session, operator_errors():
        account = coordinators.get(session, email)
        if to_add or to_remove:
            adding = [get_line(session, number) for number in to_add]
            removing = [get_line(session, number) for number in to_remove]
            coordinators.change_lines(session, account, adding, removing)
            audit.record(session, None, "changed lines", account.email, utcnow(), actor="cli")
            session.commit()
        ids = coordinators.line_ids(session, account)
        click.echo(f"{account.email}: {_lines_text(session, ids)}")


@coordinator.command("deactivate")
@click.argument("email")
def coordinator_deactivate(email: str) -> None:
    """Stop a coordinator signing in; their sessions end at once."""
    with opened_runtime() as rt, rt.db.session() as session, operator_errors():
        account = coordinators.get(session, email)
        coordinators.deactivate(session, account)
        audit.record(session, None, "deactivated coordinator", account.email, utcnow(), actor="cli")
        session.commit()
        click.echo(f"deactivated {account.email}; their sessions have ended")


@coordinator.command("reset")
@click.argument("email")
def coordinator_reset(email: str) -> None:
    """Set a new password (from stdin) that they must change at their next sign-in."""
    password = _password_from_stdin()
    with opened_runtime() as rt, rt.db.session() as session, operator_errors():
        account = coordinators.get(session, email)
        coordinators.reset(session, account, password, utcnow())
        audit.record(session, None, "reset password", account.email, utcnow(), actor="cli")
        session.commit()
        click.echo(f"new password set for {account.email}: they must change it when they sign in")


@coordinator.command("email-alerts")
@click.argument("email")
@click.argument("setting", required=False, type=click.Choice(["on", "off"], case_sensitive=False))
def coordinator_email_alerts(email: str, setting: str | None) -> None:
    """Show, or turn on or off, a coordinator's alert e-mails (sent when SMTP_URL is set)."""
    with opened_runtime() as rt, rt.db.session() as session, operator_errors():
        account = coordinators.get(session, email)
        if setting is not None:
            wanted = setting.lower() == "on"
            coordinators.set_email_alerts(session, account, wanted)
            audit.record(
                session,
                None,
                f"turned alert e-mails {setting.lower()}",
                account.email,
                utcnow(),
                actor="cli",
            )
            session.commit()
        state = "on" if account.email_alerts else "off"
        where = "" if rt.settings.smtp is not None else " (SMTP_URL is not set: none are sent)"
        click.echo(f"{account.email}: alert e-mails {state}{where}")
