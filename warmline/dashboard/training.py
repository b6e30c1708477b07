"""The training simulator: text the line from simulated phones, through the real webhook.

Development and training only: in production every page here answers 404.
"""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext, ngettext
from werkzeug.wrappers import Response

from warmline.conversations import trainer
from warmline.core.clock import utcnow
from warmline.dashboard.blueprint import bp
from warmline.dashboard.context import chosen_line, coordinator, db, runtime
from warmline.dashboard.present import clock
from warmline.lines import audit
from warmline.models import Line
from warmline.telephony.training import post_text

POLL_MS = 1500


def _refuse_in_production() -> None:
    if runtime().settings.production:
        abort(404)


def _phones_and_screens(line: Line) -> tuple[list[trainer.Phone], dict[str, list[trainer.Text]]]:
    rt = runtime()
    phones = trainer.phones(db(), rt.vault)
    return phones, trainer.screens(db(), rt.keyring, rt.vault, line, phones, utcnow())


def phone_label(phone: trainer.Phone) -> str:
    """A simulated texter's name in the page's language (Texter 1); a volunteer's own name."""
    if phone.is_volunteer:
        return phone.label
    return str(gettext("Texter %(number)s", number=phone.key.removeprefix("t")))


@bp.get("/training")
def training_page() -> str:
    """Phones for simulated texters and volunteers, and a form to text as one of them."""
    _refuse_in_production()
    line, lines = chosen_line()
    phones, screens = _phones_and_screens(line)
    return render_template(
        "training.html",
        line=line,
        lines=lines,
        phones=phones,
        screens=screens,
        chosen=request.args.get("sender", "t1"),
        poll_ms=POLL_MS,
        phone_label=phone_label,
    )


@bp.get("/training.json")
def training_json() -> Response:
    """Each phone's screen, for the page's script: labels and texts, never numbers."""
    _refuse_in_production()
    line, _ = chosen_line()
    phones, screens = _phones_and_screens(line)
    return jsonify(
        phones=[
            {
                "key": p.key,
                "label": phone_label(p),
                "texts": [
                    {"direction": t.direction, "body": t.body, "at": clock(t.at, line.timezone)}
                    for t in screens[p.key]
                ],
            }
            for p in phones
        ]
    )


@bp.post("/training/text")
def training_text() -> Response:
    """Send a text from a simulated phone to the line, signed as Twilio would sign it."""
    _refuse_in_production()
    line, _ = chosen_line()
    rt = runtime()
    key = request.form.get("sender", "")
    body = request.form.get("body", "").strip()[: trainer.MAX_BODY]
    phone = next((p for p in trainer.phones(db(), rt.vault) if p.key == key), None)
    if phone is None or not body:
        flash(
            gettext("Choose a phone and write a text.")
            if body
            else gettext("Write a text to send.")
        )
        return redirect(url_for("dashboard.training_page", line=line.id, sender=key))
    trainer.remember(db(), rt.keyring, rt.vault, line, phone.number, "sent", body, utcnow())
    db().commit()
    status = post_text(current_app, rt.settings, line, phone.number, body)
    if status != 200:
        flash(
            gettext(
                "The line's webhook answered %(status)s: the text was not taken.", status=status
            )
        )
    return redirect(url_for("dashboard.training_page", line=line.id, sender=key))


@bp.post("/training/clear")
def training_clear() -> Response:
    """Wipe the simulated phones' screens (conversations on the line carry on as they are)."""
    _refuse_in_production()
    line, _ = chosen_line()
    removed = trainer.clear(db(), line)
    audit.record(db(), coordinator(), "cleared training phones", "", utcnow(), line.id)
    db().commit()
    flash(ngettext("Cleared %(num)d simulated text.", "Cleared %(num)d simulated texts.", removed))
    return redirect(url_for("dashboard.training_page", line=line.id))
