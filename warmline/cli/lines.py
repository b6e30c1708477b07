"""Lines, volunteers and the resource library."""

from __future__ import annotations

import click

from warmline.cli.base import main, opened_runtime, operator_errors
from warmline.conversations.support import peers, resources
from warmline.core.clock import utcnow
from warmline.core.errors import InvalidInput
from warmline.lines import texts, volunteers
from warmline.lines.lines import add_line, get_line, set_line
from warmline.lines.rules.settings import setting_text
from warmline.lines.volunteers import get_volunteer
from warmline.messaging import wording
from warmline.messaging.wording_parts import PIECES
from warmline.rota import calendar, shifts


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
    with opened_runtime() as rt, rt.db.session() as session, operator_errors():
        added = add_line(
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
    with opened_runtime() as rt, rt.db.session() as session, operator_errors():
        target = get_line(session, number)
        changes = set_line(session, target, list(assignments))
        shown = (f"{k}={setting_text(v, unset='default')}" for k, v in changes.items())
        click.echo("set " + ", ".join(shown))


@line.command("hours")
@click.argument("number")
@click.argument("spec")
def line_hours(number: str, spec: str) -> None:
    """Set weekly hours: "mon-fri 18:00-23:00; sat,sun 12:00-02:00" or "always"."""
    with opened_runtime() as rt, rt.db.session() as session, operator_errors():
        click.echo(shifts.set_hours(session, number, spec))


@line.command("text")
@click.option("--line", "line_number", required=True)
@click.option("--key", required=True, help="Which text, e.g. greeting (see: warmline line texts).")
@click.option("--language", default="en", show_default=True, help="en or es.")
@click.option("--reset", is_flag=True, help="Go back to the default text.")
@click.argument("text", required=False)
def line_text(line_number: str, key: str, language: str, reset: bool, text: str | None) -> None:
    """Set the line's own version of a text, keeping the default's {placeholders}."""
    with opened_runtime() as rt, rt.db.session() as session, operator_errors():
        target = get_line(session, line_number)
        if reset:
            if text is not None:
                raise InvalidInput("give either the text or --reset, not both")
            done = texts.reset_text(session, target, key, language, utcnow())
            click.echo(
                f"{key} ({language}): " + ("back to the default" if done else "was the default")
            )
            return
        if text is None:
            raise InvalidInput("give the text in quotes, or --reset")
        texts.set_text(session, target, key, language, text, utcnow())
        click.echo(f"{key} ({language}): set")


@line.command("texts")
@click.option("--line", "line_number", required=True)
def line_texts(line_number: str) -> None:
    """Every text the line sends, by key, and the languages it has its own version in."""
    with opened_runtime() as rt, rt.db.session() as session, operator_errors():
        target = get_line(session, line_number)
        own: dict[str, list[str]] = {}
        for row in texts.own_texts(session, target):
            own.setdefault(row.key, []).append(row.language)
        for key in (k for k in wording.ENGLISH if k not in PIECES):
            mine = f"  (own: {', '.join(own[key])})" if key in own else ""
            click.echo(f"{key}{mine}")


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
    with opened_runtime() as rt, rt.db.session() as session, operator_errors():
        click.echo(shifts.add_closure(session, number, start, end, reason, utcnow()))


@main.group()
def volunteer() -> None:
    """Volunteers: the peers who answer."""


@volunteer.command("add")
@click.option("--name", required=True)
@click.option("--phone", required=True)
@click.option(
    "--line",
    "line_number",
    default=None,
    help="The line whose number texts them the welcome (and whose country reads the phone).",
)
def volunteer_add(name: str, phone: str, line_number: str | None) -> None:
    """Add a volunteer; with --line they are texted a welcome with the commands they need."""
    with opened_runtime() as rt, rt.db.session() as session, operator_errors():
        target = get_line(session, line_number) if line_number else None
        added = volunteers.add(
            session,
            rt.keyring,
            rt.vault,
            rt.queue,
            name=name,
            phone_raw=phone,
            line=target,
            actor=None,
            now=utcnow(),
        )
        told = "welcome text queued" if target else "no welcome text: give --line to send one"
        click.echo(f"added volunteer {added.name} (id {added.id}); {told}")


@volunteer.command("calendar")
@click.option("--phone", required=True)
@click.option("--revoke", is_flag=True, help="Stop the volunteer's calendar feed.")
def volunteer_calendar(phone: str, revoke: bool) -> None:
    """Print a new private calendar feed URL for a volunteer (the old one stops working)."""
    with opened_runtime() as rt, rt.db.session() as session, operator_errors():
        person = get_volunteer(session, rt.keyring, phone, "US")
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
    with opened_runtime() as rt, rt.db.session() as session, operator_errors():
        target = get_line(session, line_number)
        person = get_volunteer(session, rt.keyring, phone, target.region)
        unknown = peers.set_topics(target, person, topics)
        if unknown:
            raise InvalidInput(
                "not on the line's topic list: {unknown}", unknown=", ".join(unknown)
            )
        session.commit()
        click.echo(f"topics of {person.name}: {person.topics.replace(',', ', ') or 'none'}")


@volunteer.command("languages")
@click.option("--phone", required=True)
@click.argument("languages")
def volunteer_languages(phone: str, languages: str) -> None:
    """Set the languages a volunteer talks in, easiest first: "en,es"."""
    with opened_runtime() as rt, rt.db.session() as session, operator_errors():
        person = get_volunteer(session, rt.keyring, phone, "US")
        codes = volunteers.set_languages(person, languages)
        session.commit()
        click.echo(f"languages of {person.name}: {', '.join(codes)}")


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
    with opened_runtime() as rt, rt.db.session() as session, operator_errors():
        target = get_line(session, line_number)
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


@resource.command("change")
@click.option("--line", "line_number", required=True)
@click.argument("resource_id", type=int)
@click.option("--title", default=None)
@click.option("--text", default=None, help="A short text (up to 480 characters).")
@click.option("--link", default=None, help="A web address or a phone number; '' for none.")
@click.option("--topics", default=None, help="Comma-separated topics from the line's list.")
@click.option("--language", default=None)
def resource_change(
    line_number: str,
    resource_id: int,
    title: str | None,
    text: str | None,
    link: str | None,
    topics: str | None,
    language: str | None,
) -> None:
    """Change a resource in a line's library; what is not given stays as it is."""
    with opened_runtime() as rt, rt.db.session() as session, operator_errors():
        target = get_line(session, line_number)
        current = resources.in_library(session, target, resource_id)
        changed = resources.edit(
            session,
            target,
            resource_id,
            title=current.title if title is None else title,
            text=current.body if text is None else text,
            link=current.link if link is None else link,
            topics=current.topics if topics is None else topics,
            language=current.language if language is None else language,
            now=utcnow(),
        )
        click.echo(f"changed resource {changed.id} ({changed.title})")


@resource.command("list")
@click.option("--line", "line_number", required=True)
def resource_list(line_number: str) -> None:
    """The line's resources."""
    with opened_runtime() as rt, rt.db.session() as session, operator_errors():
        for row in resources.listing(session, get_line(session, line_number)):
            click.echo(row)


@resource.command("remove")
@click.option("--line", "line_number", required=True)
@click.argument("resource_id", type=int)
def resource_remove(line_number: str, resource_id: int) -> None:
    """Take a resource out of the library (how often it was shared is kept)."""
    with opened_runtime() as rt, rt.db.session() as session, operator_errors():
        target = get_line(session, line_number)
        removed = resources.retire(session, target, resource_id, utcnow())
        click.echo(f"removed resource {removed.id} ({removed.title})")
