"""Keys, and a contact's data: export and erasure."""

from __future__ import annotations

import json

import click

from warmline import config
from warmline.cli.base import main, opened_runtime, operator_errors
from warmline.core.clock import utcnow
from warmline.core.crypto import UnreadableSecret
from warmline.core.phones import parse_number
from warmline.lines import audit, blocks
from warmline.lines.lines import get_line
from warmline.ops import contact_requests
from warmline.privacy import keys as key_rotation
from warmline.privacy import subject_access


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
    """Re-encrypt under the newest WARMLINE_DATA_KEY; re-key every row whose number is still held."""
    with opened_runtime() as rt, rt.db.session() as session:
        try:
            done = key_rotation.rotate(session, rt.vault, rt.keyring)
        except UnreadableSecret:
            raise click.ClickException(
                "a stored value opens with none of WARMLINE_DATA_KEY's keys: add the old key "
                "after the new one (newest first) and run this again"
            ) from None
        click.echo(f"re-encrypted {done.sealed} values; re-keyed {done.rekeyed} numbers and texts")


@main.group()
def contact() -> None:
    """One texter's data: export it (subject access) or erase it; block a number on a line."""


@contact.command("export")
@click.option("--line", "line_number", required=True)
@click.option("--phone", required=True)
def contact_export(line_number: str, phone: str) -> None:
    """Print, as JSON, everything held about a number on a line."""
    with opened_runtime() as rt, rt.db.session() as session, operator_errors():
        target = get_line(session, line_number)
        e164 = parse_number(phone, target.region, "--phone")
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
    with opened_runtime() as rt, rt.db.session() as session, operator_errors():
        target = get_line(session, line_number)
        e164 = parse_number(phone, target.region, "--phone")
        anything = contact_requests.erase(
            session, rt.vault, rt.keyring, rt.queue, target, e164, None, utcnow()
        )
        click.echo("erased" if anything else "nothing held for that number on this line")


@contact.command("block")
@click.option("--line", "line_number", required=True)
@click.option("--phone", required=True)
@click.option("--undo", is_flag=True, help="Lift the block instead.")
def contact_block(line_number: str, phone: str, undo: bool) -> None:
    """Block a number on a line: its texts are counted, answered with nothing, offered to nobody."""
    with opened_runtime() as rt, rt.db.session() as session, operator_errors():
        target = get_line(session, line_number)
        e164 = parse_number(phone, target.region, "--phone")
        changed = blocks.change(session, rt.keyring, target, e164, utcnow(), undo=undo)
        if undo:
            said = "unblocked" if changed else "that number was not blocked on this line"
        else:
            said = "blocked" if changed else "that number was already blocked on this line"
        session.commit()
        click.echo(said)
