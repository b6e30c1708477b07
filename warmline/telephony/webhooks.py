"""Twilio's webhooks for texts: translate the form, call the service, answer at once.

The incoming-message webhook is served beneath Flask (`web/incoming_texts.py`); its answer is
`answer_text`, here.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from flask import Blueprint, Response, current_app, request
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError
from twilio.twiml.messaging_response import MessagingResponse
from werkzeug.datastructures import MultiDict

from warmline.conversations.incoming import inbound, spill
from warmline.core import metrics, phones
from warmline.core.clock import utcnow
from warmline.core.jobqueue import RedisJobQueue
from warmline.messaging import outbox
from warmline.messaging.rules.sms import clean_body
from warmline.telephony.fallback import safe_sms_twiml
from warmline.telephony.fields import whole_number
from warmline.telephony.signature import twilio_signed

if TYPE_CHECKING:
    from warmline.runtime import Runtime

log = logging.getLogger(__name__)
bp = Blueprint("twilio", __name__, url_prefix="/twilio")

# Where Twilio posts each incoming text (served beneath Flask, by `web/incoming_texts.py`).
INCOMING_PATH = "/twilio/sms"
MEDIA_PLACEHOLDER = "[sent a picture or file, which this line cannot show]"
EMPTY_PLACEHOLDER = "[sent an empty message]"


# Nothing to say synchronously is the common answer: rendered once, not per text.
EMPTY_TWIML = str(MessagingResponse())


def sms_from_form(form: MultiDict[str, str], region: str) -> inbound.InboundSms | None:
    """Read Twilio's form into an InboundSms; None when it lacks what we need to route it."""
    sid = form.get("MessageSid", "").strip()
    to_raw = form.get("To", "")
    sender_raw = form.get("From", "").strip()
    if not sid or len(sid) > 64 or not sender_raw:
        return None
    try:
        to = phones.normalise_from_carrier(to_raw, region)
    except phones.InvalidNumber:
        return None
    try:
        sender = phones.normalise_from_carrier(sender_raw, region)
    except phones.InvalidNumber:
        sender = sender_raw[:64]  # short codes and sender ids still get a conversation
    body = clean_body(form.get("Body", "")).strip()
    if not body:
        body = (
            MEDIA_PLACEHOLDER
            if form.get("NumMedia", "0").strip() not in ("", "0")
            else EMPTY_PLACEHOLDER
        )
    return inbound.InboundSms(message_sid=sid, sender=sender, to=to, body=body)


def answer_text(rt: Runtime, form: MultiDict[str, str]) -> str:
    """Twilio's incoming-message webhook, after its signature: store, queue, answer (TwiML).

    Never an error: Twilio would not send the text again anyway. A text that cannot be stored
    is kept in Redis while the database is down, or else gets the safe reply.
    """
    sms = sms_from_form(form, "US")
    if sms is None:
        log.warning("incoming text without a usable MessageSid, From or To")
        return EMPTY_TWIML
    try:
        # The text is stored by one statement: committed as it returns, before Twilio's 200.
        stored = inbound.receive(
            rt.db, rt.keyring, rt.vault, rt.queue, sms, utcnow(), rt.announces_inbound
        )
        if not stored:
            log.warning("incoming text for a number that is not one of our lines")
    except SQLAlchemyError as exc:
        if _spilled(rt, sms):
            log.warning(
                "database unavailable (%s): text kept in Redis until it is back", type(exc).__name__
            )
            return EMPTY_TWIML
        log.error(
            "incoming text could not be stored (database: %s); Twilio will not send it again; "
            "the sender got the safe reply",
            type(exc).__name__,
        )
        metrics.TEXTS_NOT_STORED.labels(reason="database").inc()
        rt.line_cards.database_failed(utcnow())
        return safe_sms_twiml(rt, form.get("To", ""), "sms", form.get("Body", ""))
    return EMPTY_TWIML


def _spilled(rt: Runtime, sms: inbound.InboundSms) -> bool:
    """Keep the text in Redis while the database is down; False when Redis cannot take it."""
    if not isinstance(rt.queue, RedisJobQueue):
        return False
    try:
        spill.spill(rt.queue.redis, rt.vault, sms, utcnow())
    except RedisError:
        return False
    return True


@bp.post("/sms/status")
@twilio_signed
def sms_status() -> Response:
    """Twilio's status callback for a text we sent: statuses only ever move forward."""
    rt: Runtime = current_app.extensions["warmline"]
    sid = request.form.get("MessageSid", "").strip()
    status = request.form.get("MessageStatus", "").strip().lower()
    error_code = whole_number(request.form.get("ErrorCode"))
    if sid and status:
        with rt.db.session() as session:
            outbox.record_status(
                session,
                rt.vault,
                sid,
                status,
                utcnow(),
                error_code,
            )
    return Response(status=204)
