"""One person's data on request: export it as JSON, or erase it after a confirmation step."""

from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response as BaseResponse

from warmline.core.clock import utcnow
from warmline.core.crypto import UnreadableSecret
from warmline.core.errors import InvalidInput
from warmline.core.phones import parse_number
from warmline.core.refusals import refusal
from warmline.dashboard.blueprint import bp
from warmline.dashboard.context import chosen_line, coordinator, db, runtime
from warmline.lines import blocks
from warmline.models import Line
from warmline.ops import contact_requests

Page = str | tuple[str, int] | BaseResponse
CONFIRM_WITHIN_S = 600
BAD_NUMBER = refusal(
    "This is not a phone number. Write it as the person texts from, with its area code."
)


def _page(line: Line, lines: list[Line], errors: dict[str, str]) -> str:
    return render_template("contacts.html", line=line, lines=lines, errors=errors)


def _number(line: Line, field: str) -> str:
    """The typed number as E.164, or a form error for `field`."""
    try:
        return parse_number(request.form.get("number", ""), line.region, field)
    except InvalidInput:
        raise InvalidInput(BAD_NUMBER, field=field) from None


@bp.get("/contacts", endpoint="contact_requests")
def contact_requests_page() -> str:
    """The two forms: export a person's data, or erase it."""
    line, lines = chosen_line()
    return _page(line, lines, {})


@bp.post("/contacts/export")
def contact_export() -> Page:
    """Everything held about the number on this line, as a JSON download."""
    line, lines = chosen_line()
    try:
        e164 = _number(line, "export_number")
    except InvalidInput as exc:
        return _page(line, lines, {exc.field: exc.sentence}), 400
    data = contact_requests.export(db(), runtime().keyring, line, e164, coordinator(), utcnow())
    day = utcnow().date().isoformat()
    return Response(
        json.dumps(data, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="contact-export-{day}.json"'},
    )


@bp.post("/contacts/erase")
def contact_erase_check() -> Page:
    """Step one: say what is held, and ask to confirm. The page never shows the number."""
    line, lines = chosen_line()
    try:
        e164 = _number(line, "erase_number")
    except InvalidInput as exc:
        return _page(line, lines, {exc.field: exc.sentence}), 400
    me, now = coordinator(), utcnow()
    found = contact_requests.held(db(), runtime().keyring, line, e164, me, now)
    if not found.anything:
        flash(gettext("Nothing is held about that number on this line; nothing was erased."))
        return redirect(url_for("dashboard.contact_requests", line=line.id))
    # The number travels on to the confirmation sealed (encrypted), never in the page's text.
    token = runtime().vault.seal(f"{me.id}|{line.id}|{int(now.timestamp())}|{e164}").decode()
    return render_template("erase_confirm.html", line=line, held=found, token=token)


@bp.post("/contacts/erase/confirm")
def contact_erase() -> Page:
    """Step two: erase, tell the texter as FORGET does, and note it (without the number)."""
    line, _ = chosen_line()
    e164 = _confirmed_number(request.form.get("token", ""), line)
    if e164 is None:
        flash(gettext("That confirmation has expired; nothing was erased. Type the number again."))
        return redirect(url_for("dashboard.contact_requests", line=line.id))
    rt = runtime()
    erased = contact_requests.erase(
        db(), rt.vault, rt.keyring, rt.queue, line, e164, coordinator(), utcnow()
    )
    flash(
        gettext("Erased. Everything held about that number on this line is gone.")
        if erased
        else gettext("Nothing was held about that number any more; nothing was erased.")
    )
    return redirect(url_for("dashboard.contact_requests", line=line.id))


@bp.post("/contacts/block")
def contact_block() -> Page:
    """Block a number on this line (or lift the block); noted without the number."""
    line, lines = chosen_line()
    try:
        e164 = _number(line, "block_number")
    except InvalidInput as exc:
        return _page(line, lines, {exc.field: exc.sentence}), 400
    undo = request.form.get("undo") == "yes"
    changed = blocks.change(
        db(), runtime().keyring, line, e164, utcnow(), undo=undo, actor=coordinator()
    )
    db().commit()
    if undo:
        flash(
            gettext("Unblocked: that number can text the line again.")
            if changed
            else gettext("That number was not blocked.")
        )
    else:
        flash(
            gettext("Blocked: texts from that number now reach nobody.")
            if changed
            else gettext("That number was already blocked.")
        )
    return redirect(url_for("dashboard.contact_requests", line=line.id))


def _confirmed_number(token: str, line: Line) -> str | None:
    """The number sealed in step one, if it was sealed for this coordinator and line, lately."""
    try:
        opened = runtime().vault.open(token.encode())
    except (UnreadableSecret, ValueError):
        return None
    parts = opened.split("|", 3)
    if len(parts) != 4 or not parts[2].isdigit():
        return None
    coordinator_id, line_id, sealed_at, e164 = parts
    age = utcnow().timestamp() - int(sealed_at)
    if coordinator_id != str(coordinator().id) or line_id != str(line.id):
        return None
    if not 0 <= age <= CONFIRM_WITHIN_S or not e164:
        return None
    return e164
