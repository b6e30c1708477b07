"""The `warmline` operator command."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import click

from warmline import config
from warmline.config import ConfigError, Settings
from warmline.core import migrate
from warmline.core.clock import utcnow
from warmline.lines import admin
from warmline.runtime import Runtime


def _settings(development_default: bool = False) -> Settings:
    try:
        return config.load_settings(development_default=development_default)
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
    from warmline.cli import embedded

    # `warmline run` is development unless told otherwise: its demo line answers the public
    # development token (nothing else that leaves WARMLINE_ENV unset does).
    embedded.serve(_settings(development_default=True), host, port)


@main.command()
def worker() -> None:
    """Run a production worker: the RQ worker and the sweeper."""
    from warmline.core.jobqueue import resolve

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
        shown = (f"{k}={admin.setting_text(v, unset='default')}" for k, v in changes.items())
        click.echo("set " + ", ".join(shown))


@line.command("hours")
@click.argument("number")
@click.argument("spec")
def line_hours(number: str, spec: str) -> None:
    """Set weekly hours: "mon-fri 18:00-23:00; sat,sun 12:00-02:00" or "always"."""
    with _runtime() as rt, rt.db.session() as session, _operator_errors():
        click.echo(admin.set_hours(session, number, spec))


@line.group("closure")
def line_closure() -> None:
    """Holidays and one-off closures."""


@line_closure.command("add")
@click.argument("number")
@click.option("--start", required=True)
@click.option("--end", required=True)
@click.option("--reason", default="")
def line_closure_add(number: str, start: str, end: str, reason: str) -> None:
    """Close the line from --start to --end (the line's time zone)."""
    with _runtime() as rt, rt.db.session() as session, _operator_errors():
        click.echo(admin.add_closure(session, number, start, end, reason, utcnow()))


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


@volunteer.command("calendar")
@click.option("--phone", required=True)
@click.option("--revoke", is_flag=True, help="Stop the volunteer's calendar feed.")
def volunteer_calendar(phone: str, revoke: bool) -> None:
    """Print a new private calendar feed URL for a volunteer (the old one stops working)."""
    from warmline.rota import calendar

    with _runtime() as rt, rt.db.session() as session, _operator_errors():
        person = admin.get_volunteer(session, rt.keyring, phone, "US")
        if revoke:
            calendar.revoke(session, person)
            click.echo(f"calendar feed of {person.name} revoked")
            return
        token = calendar.issue(session, person)
        click.echo(f"{rt.settings.public_url}/rota/{token}.ics")


@volunteer.command("topics")
@click.option("--line", "line_number", required=True, help="The line whose topic list applies.")
@click.option("--phone", required=True)
@click.argument("topics")
def volunteer_topics(line_number: str, phone: str, topics: str) -> None:
    """Set the lived-experience topics a volunteer opted in to: "anxiety, grief" (or "none")."""
    from warmline.conversations import peers

    with _runtime() as rt, rt.db.session() as session, _operator_errors():
        target = admin.get_line(session, line_number)
        person = admin.get_volunteer(session, rt.keyring, phone, target.region)
        unknown = peers.set_topics(target, person, topics)
        if unknown:
            raise admin.InvalidInput(f"not on the line's topic list: {', '.join(unknown)}")
        session.commit()
        click.echo(f"topics of {person.name}: {person.topics.replace(',', ', ') or 'none'}")


@main.group()
def resource() -> None:
    """The line's resource library, which peers send from with RES <word>."""


@resource.command("add")
@click.option("--line", "line_number", required=True)
@click.option("--title", required=True)
@click.option("--text", required=True, help="A short text (up to 480 characters).")
@click.option("--link", default="", help="A link or a phone number.")
@click.option("--topics", default="", help="Comma-separated topics, e.g. anxiety,grief")
@click.option("--language", default="en", show_default=True)
def resource_add(
    line_number: str, title: str, text: str, link: str, topics: str, language: str
) -> None:
    """Add a resource to a line's library."""
    from warmline.conversations import resources

    with _runtime() as rt, rt.db.session() as session, _operator_errors():
        target = admin.get_line(session, line_number)
        added = resources.add(
            session,
            target,
            title=title,
            text=text,
            link=link,
            topics=topics,
            language=language,
            now=utcnow(),
        )
        click.echo(f"added resource {added.id} ({added.title})")


@resource.command("list")
@click.option("--line", "line_number", required=True)
def resource_list(line_number: str) -> None:
    """The line's resources."""
    from warmline.conversations import resources

    with _runtime() as rt, rt.db.session() as session, _operator_errors():
        for row in resources.listing(session, admin.get_line(session, line_number)):
            click.echo(row)


@resource.command("remove")
@click.option("--line", "line_number", required=True)
@click.argument("resource_id", type=int)
def resource_remove(line_number: str, resource_id: int) -> None:
    """Take a resource out of the library (how often it was shared is kept)."""
    from warmline.conversations import resources

    with _runtime() as rt, rt.db.session() as session, _operator_errors():
        target = admin.get_line(session, line_number)
        removed = resources.retire(session, target, resource_id, utcnow())
        click.echo(f"removed resource {removed.id} ({removed.title})")


@main.group()
def shift() -> None:
    """Shifts on the rota."""


@shift.command("add")
@click.option("--line", "line_number", required=True)
@click.option("--volunteer", "volunteer_phone", required=True)
@click.option("--start", required=True, help="e.g. 2026-12-01T18:00 (the line's time zone)")
@click.option("--end", required=True)
@click.option("--role", default="primary", show_default=True)
@click.option("--weekly", is_flag=True, help="Repeat every week at the same local times.")
@click.option("--until", default=None, help="Last date of a weekly shift, e.g. 2027-06-30.")
def shift_add(
    line_number: str,
    volunteer_phone: str,
    start: str,
    end: str,
    role: str,
    weekly: bool,
    until: str | None,
) -> None:
    """Add a shift, once or weekly."""
    if until is not None and not weekly:
        raise click.ClickException("--until goes with --weekly")
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
            weekly=weekly,
            until=until,
        )
        for note in added.notes:
            click.echo(f"note: {note}")
        repeat = " weekly" if added.shift.weekly else ""
        click.echo(f"added{repeat} {added.shift.role} shift {added.shift.id}")


@shift.command("list")
@click.option("--line", "line_number", required=True)
@click.option("--days", default=7, show_default=True, type=click.IntRange(1, 90))
def shift_list(line_number: str, days: int) -> None:
    """The line's shifts from now on, in its time zone."""
    with _runtime() as rt, rt.db.session() as session, _operator_errors():
        for row in admin.list_shifts(session, rt.vault, line_number, days, utcnow()):
            click.echo(row)


@shift.command("cancel")
@click.argument("shift_id", type=int)
def shift_cancel(shift_id: int) -> None:
    """Cancel a shift (every date from now on)."""
    with _runtime() as rt, rt.db.session() as session, _operator_errors():
        removed = admin.cancel_shift(session, shift_id, utcnow())
        click.echo(f"cancelled shift {shift_id} ({removed} upcoming dates removed)")


@shift.command("skip")
@click.argument("shift_id", type=int)
@click.argument("day")
def shift_skip(shift_id: int, day: str) -> None:
    """Skip one date of a weekly shift, e.g. warmline shift skip 12 2026-12-24."""
    with _runtime() as rt, rt.db.session() as session, _operator_errors():
        admin.except_date(session, rt.keyring, shift_id, day, None, utcnow())
        click.echo(f"shift {shift_id} skips {day}")


@shift.command("hand")
@click.argument("shift_id", type=int)
@click.argument("day")
@click.option("--to", "to_phone", required=True, help="The volunteer who takes that date.")
def shift_hand(shift_id: int, day: str, to_phone: str) -> None:
    """Hand one date of a shift to another volunteer."""
    with _runtime() as rt, rt.db.session() as session, _operator_errors():
        admin.except_date(session, rt.keyring, shift_id, day, to_phone, utcnow())
        click.echo(f"shift {shift_id} on {day} handed over")


@shift.command("open")
@click.option("--line", "line_number", required=True)
@click.option("--start", required=True)
@click.option("--end", required=True)
@click.option("--role", default="primary", show_default=True)
def shift_open(line_number: str, start: str, end: str, role: str) -> None:
    """Post an open shift; the line's volunteers are texted CLAIM <code>."""
    with _runtime() as rt, rt.db.session() as session, _operator_errors():
        posted, outbox_ids = admin.post_open_shift(
            session, rt.vault, line_number, start, end, role, utcnow()
        )
        from warmline.messaging import outbox

        outbox.enqueue_all(rt.queue, outbox_ids)
        click.echo(f"posted open shift {posted.code} to {len(outbox_ids)} volunteers")


@main.group()
def keys() -> None:
    """Secrets."""


@keys.command("generate")
def keys_generate() -> None:
    """Print fresh SECRET_KEY, WARMLINE_DATA_KEY and WARMLINE_HMAC_KEY values."""
    for name, value in config.generate_keys().items():
        click.echo(f"{name}={value}")


@keys.command("rotate")
def keys_rotate() -> None:
    """Re-encrypt everything under the newest WARMLINE_DATA_KEY and re-key numbers we still hold."""
    from warmline.core.crypto import UnreadableSecret
    from warmline.privacy import keys as key_rotation

    with _runtime() as rt, rt.db.session() as session:
        try:
            done = key_rotation.rotate(session, rt.vault, rt.keyring)
        except UnreadableSecret:
            raise click.ClickException(
                "a stored value opens with none of WARMLINE_DATA_KEY's keys: add the old key "
                "after the new one (newest first) and run this again"
            ) from None
        click.echo(f"re-encrypted {done.sealed} values; re-keyed {done.rekeyed} numbers")


@main.group()
def contact() -> None:
    """One texter's data: export it (subject access) or erase it."""


@contact.command("export")
@click.option("--line", "line_number", required=True)
@click.option("--phone", required=True)
def contact_export(line_number: str, phone: str) -> None:
    """Print, as JSON, everything held about a number on a line."""
    import json

    from warmline.lines import audit
    from warmline.privacy import subject_access

    with _runtime() as rt, rt.db.session() as session, _operator_errors():
        target = admin.get_line(session, line_number)
        e164 = admin.number(phone, target.region, "--phone")
        data = subject_access.export(session, rt.keyring, target, e164)
        # Who looked, and when; never whose number it was.
        audit.record(session, None, "exported contact", "", utcnow(), target.id, actor="cli")
        session.commit()
        click.echo(json.dumps(data, indent=2))


@contact.command("erase")
@click.option("--line", "line_number", required=True)
@click.option("--phone", required=True)
def contact_erase(line_number: str, phone: str) -> None:
    """Erase everything tied to a number on a line, now, and tell the texter."""
    from warmline.lines import audit
    from warmline.messaging import outbox
    from warmline.privacy import subject_access

    with _runtime() as rt, rt.db.session() as session, _operator_errors():
        target = admin.get_line(session, line_number)
        e164 = admin.number(phone, target.region, "--phone")
        erased, outbox_ids = subject_access.erase_number(
            session, rt.vault, rt.keyring, target, e164, utcnow()
        )
        subject = "data erased" if erased else "nothing held"
        audit.record(session, None, "erased contact", subject, utcnow(), target.id, actor="cli")
        session.commit()
        outbox.enqueue_all(rt.queue, outbox_ids)
        click.echo("erased" if erased else "nothing held for that number on this line")


@main.command()
def simulate() -> None:
    """Text the line as a texter and as volunteers, through the real webhook, on this database."""
    from warmline.telephony import simulator

    simulator.repl(_settings(), sys.stdin, sys.stdout)


@main.command()
def doctor() -> None:
    """Check configuration, database, migrations, Redis and the lines' Twilio numbers."""
    from warmline.ops import doctor as checks

    findings = checks.run()
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
    from sqlalchemy import select

    from warmline.models import Line
    from warmline.ops.doctor import LOCAL_HOSTS
    from warmline.telephony.numbers import NumbersError, TwilioNumbers, configure_all

    settings = _settings()
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
    with _runtime() as rt, rt.db.session() as session, _operator_errors():
        if line_number is not None:
            targets = [admin.get_line(session, line_number).number]
        else:
            targets = list(session.scalars(select(Line.number).order_by(Line.id)))
        if not targets:
            raise click.ClickException("no lines yet: `warmline line add --number ...` first")
        try:
            for outcome in configure_all(numbers, targets, settings.public_url):
                click.echo(outcome)
        except NumbersError as exc:
            raise click.ClickException(str(exc)) from None


# Registered last: the coordinator commands use this module's helpers.
from warmline.cli.coordinator import coordinator  # noqa: E402

main.add_command(coordinator)
