"""Safe answers: the line's hours and crisis numbers, when the usual handling cannot run.

Twilio calls the fallback URLs when the primary webhook failed (an error or no answer in time);
the primary webhooks use the same answers when the database is down. None of them needs the
database: the line's details come from a copy each process keeps for a few minutes, or the
country's crisis numbers.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from flask import Blueprint, Response, current_app, request
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import VoiceResponse

from warmline.conversations.rules.languages import asked_language, detect
from warmline.core import metrics, phones
from warmline.core.clock import utcnow
from warmline.lines.cards import LineCard
from warmline.messaging import times, wording
from warmline.messaging.rules.segments import first_reply_limit, segments
from warmline.telephony.fields import whole_number
from warmline.telephony.signature import twilio_signed
from warmline.voice.rules.languages import say_language

if TYPE_CHECKING:
    from warmline.runtime import Runtime

log = logging.getLogger(__name__)
bp = Blueprint("fallback", __name__, url_prefix="/twilio")

SMS_FALLBACK = "/twilio/fallback"
VOICE_FALLBACK = "/twilio/voice/fallback"


@bp.post("/fallback")
@twilio_signed
def sms_fallback() -> Response:
    """Twilio's SMS fallback: the text was not handled, so the sender gets the safe reply."""
    error = whole_number(request.form.get("ErrorCode"))
    log.error(
        "the SMS webhook failed (Twilio error %s): this text was not stored and Twilio will "
        "not send it again; the sender got the safe reply",
        error or "unknown",
    )
    metrics.TEXTS_NOT_STORED.labels(reason="handler_failed").inc()
    form = request.form
    return safe_sms_reply(_rt(), form.get("To", ""), "sms_fallback", form.get("Body", ""))


@bp.post("/voice/fallback")
@twilio_signed
def voice_fallback() -> Response:
    """Twilio's voice fallback: the call was not handled, so the caller hears the safe words."""
    error = whole_number(request.form.get("ErrorCode"))
    log.error(
        "the voice webhook failed (Twilio error %s): the caller heard the safe words",
        error or "unknown",
    )
    return safe_voice_reply(_rt(), request.form.get("To", ""), "voice_fallback")


def safe_sms_reply(rt: Runtime, to_raw: str, webhook: str, body: str = "") -> Response:
    """TwiML replying with the line's hours and crisis numbers, in the text's language; a 200."""
    return Response(safe_sms_twiml(rt, to_raw, webhook, body), mimetype="text/xml")


def safe_sms_twiml(rt: Runtime, to_raw: str, webhook: str, body: str = "") -> str:
    """The safe reply's TwiML: the line's hours and crisis numbers, in the text's language."""
    card = _card(rt, to_raw)
    metrics.SAFE_ANSWERS.labels(webhook=webhook).inc()
    response = MessagingResponse()
    response.message(_sms_words(card, reply_language(card, body)))
    return str(response)


def reply_language(card: LineCard, body: str) -> str:
    """The language the text asks for or reads in, among the line's as last read, else its default."""
    # No database: the card is the line as this process last read it; a line never read offers
    # both languages with English the default, so a Spanish text still gets the Spanish reply.
    asked = asked_language(body)
    if asked in card.languages:
        return asked
    return detect(body, card.languages, card.default_language) if body else card.default_language


def _sms_words(card: LineCard, language: str) -> str:
    """The safe reply in `language`, within a first reply's segments: without the hours if need be."""
    text = _words(card, "sms_safe_reply", language)
    if segments(text) <= first_reply_limit(language):
        return text
    # The crisis numbers and "text again" matter more than the hours when both cannot fit.
    return _words(replace(card, hours=""), "sms_safe_reply", language)


def safe_voice_reply(
    rt: Runtime,
    line_raw: str,
    webhook: str,
    words: str = "voice_safe_reply",
    every_language: bool = True,
) -> Response:
    """TwiML saying `words` (by default the hours and crisis numbers), then hanging up; a 200.

    Nobody can choose a language while the database is away: a caller hears the words in each of
    the line's languages, its default first, each in its own voice; without `every_language`
    (a peer's phone), in the line's default language only.
    """
    card = _card(rt, line_raw)
    metrics.SAFE_ANSWERS.labels(webhook=webhook).inc()
    response = VoiceResponse()
    others = [code for code in card.languages if code != card.default_language]
    spoken = [card.default_language] + (others if every_language else [])
    for language in spoken:
        attribute, own_voice = say_language(language, card.say_language)
        voice = {"language": attribute}
        if own_voice and card.say_voice:
            voice["voice"] = card.say_voice
        response.say(_words(card, words, language), **voice)
    response.hangup()
    return Response(str(response), mimetype="text/xml")


def database_unreachable(exc: SQLAlchemyError) -> bool:
    """Whether `exc` means the database did not answer (down, dropped, too slow), not a bug."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    # Drivers report refused or lost connections and statement timeouts as OperationalError; a
    # pool timeout means every connection is stuck on the database. A programming error is
    # neither, and must still fail loudly rather than hide behind a polite goodbye.
    return isinstance(exc, OperationalError | PoolTimeout)


def _card(rt: Runtime, to_raw: str) -> LineCard:
    """The called line's card (kept copy, fresh if the database answers)."""
    try:
        number: str | None = phones.normalise(to_raw, "US")
    except phones.InvalidNumber:
        number = None
    return rt.line_cards.get(rt.db, number, utcnow())


def _words(card: LineCard, key: str, language: str = wording.SOURCE_LANGUAGE) -> str:
    """The wording, with empty parts (no hours known) leaving no double spaces."""
    text = wording.say(
        key,
        language,
        line_name=card.name,
        hours=times.hours_in(card.hours, language) if card.hours else "",
        crisis=wording.setting_in("crisis_numbers", card.crisis, language),
    )
    return " ".join(text.split())


def _rt() -> Runtime:
    runtime: Runtime = current_app.extensions["warmline"]
    return runtime
