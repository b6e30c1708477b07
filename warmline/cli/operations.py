"""The line's processes and checks: migrations, the embedded line, the worker, the simulator, the doctor, Twilio."""

from __future__ import annotations

import sys
from urllib.parse import urlsplit

import click
from sqlalchemy import select

from warmline.cli.base import load_settings, main, opened_runtime, operator_errors
from warmline.core.footprint import restart_lean
from warmline.core.jobqueue import WORKER_MAIN, resolve
from warmline.lines.lines import get_line
from warmline.models import Line
from warmline.ops import doctor as checks
from warmline.ops.doctor import LOCAL_HOSTS


@main.group()
def db() -> None:
    """The database."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration."""
    # Alembic, Flask and the web are imported by the commands that use them: a worker started
    # through this command line then carries none of them in its memory.
    from warmline.core import migrate

    settings = load_settings()
    migrate.upgrade(settings.database_url)
    click.echo("database is up to date")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
def run(host: str, port: int) -> None:
    """Serve the line from one process: web, queue, worker and sweeper (the embedded default)."""
    # `warmline run` is development unless told otherwise: its demo line answers the public
    # development token (nothing else that leaves WARMLINE_ENV unset does).
    from warmline.cli import embedded

    embedded.serve(load_settings(development_default=True), host, port)


@main.command()
def worker() -> None:
    """Run a production worker: the RQ worker and the sweeper."""
    restart_lean()
    # Dependencies point inward: the package starts the worker by name, never by import.
    resolve(WORKER_MAIN)()


@main.command()
def simulate() -> None:
    """Text the line as a texter and as volunteers, through the real webhook, on this database."""
    from warmline.cli import simulator

    simulator.repl(load_settings(), sys.stdin, sys.stdout)


@main.command()
def doctor() -> None:
    """Check configuration, database, migrations, Redis and the lines' Twilio numbers."""
    from warmline.telephony.numbers import doctor_findings

    findings = checks.run(check_numbers=doctor_findings)
    for finding in findings:
        click.echo(finding.line())
    if any(f.status == checks.PROBLEM for f in findings):
        raise SystemExit(1)


@main.group()
def twilio() -> None:
    """The lines' numbers at Twilio."""


@twilio.command("configure")
@click.option("--line", "line_number", default=None, help="Only this line (default: every line).")
def twilio_configure(line_number: str | None) -> None:
    """Point each line's Twilio number at PUBLIC_URL: texts, calls, their fallbacks, call status."""
    from warmline.telephony.numbers import NumbersError, TwilioNumbers, configure_all

    settings = load_settings()
    if settings.twilio_account_sid is None:
        raise click.ClickException("set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN first")
    if urlsplit(settings.public_url).hostname in LOCAL_HOSTS:
        raise click.ClickException(
            f"PUBLIC_URL is {settings.public_url}, which Twilio cannot reach: set it to this "
            "deployment's public https:// address"
        )
    numbers = TwilioNumbers(
        settings.twilio_account_sid, settings.twilio_auth_token, settings.twilio_api_base_url
    )
    with opened_runtime() as rt, rt.db.session() as session, operator_errors():
        if line_number is not None:
            targets = [get_line(session, line_number).number]
        else:
            targets = list(session.scalars(select(Line.number).order_by(Line.id)))
        if not targets:
            raise click.ClickException("no lines yet: `warmline line add --number ...` first")
        try:
            for outcome in configure_all(numbers, targets, settings.public_url):
                click.echo(outcome)
        except NumbersError as exc:
            raise click.ClickException(str(exc)) from None
