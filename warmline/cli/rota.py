"""The rota: shifts added, listed, cancelled, skipped, handed over and posted open."""

from __future__ import annotations

import click

from warmline.cli.base import main, opened_runtime, operator_errors
from warmline.core.clock import utcnow
from warmline.messaging import outbox
from warmline.rota import service, shifts


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
    with opened_runtime() as rt, rt.db.session() as session, operator_errors():
        added = service.add_shift(
            session,
            shifts.read_shift(
                session,
                rt.keyring,
                line_raw=line_number,
                volunteer_raw=volunteer_phone,
                start=start,
                end=end,
                role=role,
                weekly=weekly,
                until=until,
            ),
            utcnow(),
        )
        session.commit()
        for note in added.notes:
            click.echo(f"note: {note}")
        repeat = " weekly" if added.shift.weekly else ""
        click.echo(f"added{repeat} {added.shift.role} shift {added.shift.id}")


@shift.command("list")
@click.option("--line", "line_number", required=True)
@click.option("--days", default=7, show_default=True, type=click.IntRange(1, 90))
def shift_list(line_number: str, days: int) -> None:
    """The line's shifts from now on, in its time zone."""
    with opened_runtime() as rt, rt.db.session() as session, operator_errors():
        for row in shifts.list_shifts(session, rt.vault, line_number, days, utcnow()):
            click.echo(row)


@shift.command("cancel")
@click.argument("shift_id", type=int)
def shift_cancel(shift_id: int) -> None:
    """Cancel a shift (every date from now on)."""
    with opened_runtime() as rt, rt.db.session() as session, operator_errors():
        removed = shifts.cancel_shift(session, shift_id, utcnow())
        click.echo(f"cancelled shift {shift_id} ({removed} upcoming dates removed)")


@shift.command("skip")
@click.argument("shift_id", type=int)
@click.argument("day")
def shift_skip(shift_id: int, day: str) -> None:
    """Skip one date of a weekly shift, e.g. warmline shift skip 12 2026-12-24."""
    with opened_runtime() as rt, rt.db.session() as session, operator_errors():
        shifts.except_date(session, rt.keyring, shift_id, day, None, utcnow())
        click.echo(f"shift {shift_id} skips {day}")


@shift.command("hand")
@click.argument("shift_id", type=int)
@click.argument("day")
@click.option("--to", "to_phone", required=True, help="The volunteer who takes that date.")
def shift_hand(shift_id: int, day: str, to_phone: str) -> None:
    """Hand one date of a shift to another volunteer."""
    with opened_runtime() as rt, rt.db.session() as session, operator_errors():
        shifts.except_date(session, rt.keyring, shift_id, day, to_phone, utcnow())
        click.echo(f"shift {shift_id} on {day} handed over")


@shift.command("open")
@click.option("--line", "line_number", required=True)
@click.option("--start", required=True)
@click.option("--end", required=True)
@click.option("--role", default="primary", show_default=True)
def shift_open(line_number: str, start: str, end: str, role: str) -> None:
    """Post an open shift; the line's volunteers are texted CLAIM <code>."""
    with opened_runtime() as rt, rt.db.session() as session, operator_errors():
        posted, outbox_ids = shifts.post_open_shift(
            session, rt.vault, line_number, start, end, role, utcnow()
        )
        outbox.enqueue_all(rt.queue, outbox_ids)
        click.echo(f"posted open shift {posted.code} to {len(outbox_ids)} volunteers")
