"""The `warmline` operator command."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from warmline import config, migrate
from warmline.config import ConfigError, Settings
from warmline.runtime import Runtime
from warmline.services import admin
from warmline.timeutil import utcnow


def _settings() -> Settings:
    try:
        return config.load_settings()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


@contextmanager
def _runtime() -> Iterator[Runtime]:
    from warmline import runtime

    rt = runtime.build(_settings())
    runtime.install(rt)
    yield rt


@contextmanager
def _operator_errors() -> Iterator[None]:
    """Turn refused input into one line on stderr and exit code 1."""
    try:
        yield
    except admin.InvalidInput as exc:
        raise click.ClickException(str(exc)) from None


@click.group()
def main() -> None:
    """Warmline: a peer-run SMS and voice line."""


@main.group()
def db() -> None:
    """The database."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration."""
    settings = _settings()
    migrate.upgrade(settings.database_url)
    click.echo("database is up to date")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
def run(host: str, port: int) -> None:
    """Serve the line from one process: web, queue, worker and sweeper (the embedded default)."""
    from warmline import embedded

    embedded.serve(_settings(), host, port)


@main.command()
def worker() -> None:
    """Run a production worker: the RQ worker and the sweeper."""
    from warmline.jobqueue import resolve

    # Dependencies point inward: the package starts the worker by name, never by import.
    resolve("workers.main.run")()


@main.group()
def line() -> None:
    """Lines: the public numbers."""


@line.command("add")
@click.option("--number", required=True, help="The Twilio number people text and call.")
@click.option("--name", required=True)
@click.option("--timezone", required=True, help="e.g. America/New_York")
@click.option("--crisis", default=None, help="The crisis resources the line gives.")
def line_add(number: str, name: str, timezone: str, crisis: str | None) -> None:
    """Add a line."""
    with _runtime() as rt, rt.db.session() as session, _operator_errors():
        added = admin.add_line(
            session,
            number_raw=number,
            name=name,
            timezone=timezone,
            now=utcnow(),
            crisis_numbers=crisis,
        )
        click.echo(f"added line {added.number} ({added.name})")


@line.command("set")
@click.argument("number")
@click.argument("assignments", nargs=-1)
def line_set(number: str, assignments: tuple[str, ...]) -> None:
    """Change a line's settings: warmline line set +15550001111 offer_timeout_s=60 ..."""
    with _runtime() as rt, rt.db.session() as session, _operator_errors():
        target = admin.get_line(session, number)
        changes = admin.set_line(session, target, list(assignments))
        click.echo("set " + ", ".join(f"{k}={v}" for k, v in changes.items()))


@main.group()
def volunteer() -> None:
    """Volunteers: the peers who answer."""


@volunteer.command("add")
@click.option("--name", required=True)
@click.option("--phone", required=True)
def volunteer_add(name: str, phone: str) -> None:
    """Add a volunteer."""
    with _runtime() as rt, rt.db.session() as session, _operator_errors():
        added = admin.add_volunteer(
            session, rt.keyring, rt.vault, name=name, phone_raw=phone, now=utcnow()
        )
        click.echo(f"added volunteer {added.name} (id {added.id})")


@main.group()
def shift() -> None:
    """Shifts on the rota."""


@shift.command("add")
@click.option("--line", "line_number", required=True)
@click.option("--volunteer", "volunteer_phone", required=True)
@click.option("--start", required=True, help="e.g. 2026-12-01T18:00 (the line's time zone)")
@click.option("--end", required=True)
@click.option("--role", default="primary", show_default=True)
@click.option("--weekly", is_flag=True, help="Repeat every week (arrives with the rota).")
def shift_add(
    line_number: str, volunteer_phone: str, start: str, end: str, role: str, weekly: bool
) -> None:
    """Add a shift."""
    if weekly:
        raise click.ClickException("--weekly is not available yet: add one-off shifts for now")
    with _runtime() as rt, rt.db.session() as session, _operator_errors():
        added = admin.add_shift(
            session,
            rt.keyring,
            line_raw=line_number,
            volunteer_raw=volunteer_phone,
            start=start,
            end=end,
            role=role,
            now=utcnow(),
        )
        for note in added.notes:
            click.echo(f"note: {note}")
        click.echo(f"added {added.shift.role} shift {added.shift.id}")


@main.group()
def keys() -> None:
    """Secrets."""


@keys.command("generate")
def keys_generate() -> None:
    """Print fresh SECRET_KEY, WARMLINE_DATA_KEY and WARMLINE_HMAC_KEY values."""
    for name, value in config.generate_keys().items():
        click.echo(f"{name}={value}")


@main.command()
def simulate() -> None:
    """Text the line as a texter and as volunteers, through the real webhook, on this database."""
    from warmline.telephony import simulator

    simulator.repl(_settings(), sys.stdin, sys.stdout)


if __name__ == "__main__":
    main()
