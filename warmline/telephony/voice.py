"""Twilio's voice webhooks: translate the form, call the service, answer with TwiML."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING

from flask import Blueprint, Response, current_app, request
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from twilio.twiml.voice_response import VoiceResponse

from warmline.core import phones
from warmline.core.clock import utcnow
from warmline.messaging import outbox
from warmline.telephony.fallback import database_unreachable, safe_voice_reply
from warmline.telephony.fields import whole_number
from warmline.telephony.signature import twilio_signed
from warmline.telephony.voice_twiml import twiml
from warmline.voice import callbacks, calls, voicemail
from warmline.voice.plans import Answer

if TYPE_CHECKING:
    from warmline.runtime import Runtime

log = logging.getLogger(__name__)
bp = Blueprint("voice", __name__, url_prefix="/twilio/voice")

View = Callable[[], Response]


def _caller_hears_safe_words(rt: Runtime) -> Response:
    """The caller hears the hours and crisis numbers, as on a first call with the database down."""
    return safe_voice_reply(rt, request.form.get("To", ""), "voice_callback")


def _new_caller_hears_safe_words(rt: Runtime) -> Response:
    """A new call with the database down: the hours and crisis numbers, then goodbye."""
    return safe_voice_reply(rt, request.form.get("To", ""), "voice")


def _peer_hears_not_connected(rt: Runtime) -> Response:
    """The peer's leg hangs up, never bridged to nobody."""
    # A peer's leg is placed from the line number, so `From` names the line.
    line_raw = request.form.get("From", "")
    return safe_voice_reply(
        rt, line_raw, "voice_callback", words="voice_not_connected", every_language=False
    )


def _nothing_said(_rt: Runtime) -> Response:
    """A status callback: nobody listens, and Twilio only wants a 2xx."""
    return Response(str(VoiceResponse()), mimetype="text/xml")


def _when_database_down(reply: Callable[[Runtime], Response]) -> Callable[[View], View]:
    """While the database cannot be reached, answer with `reply` instead of a 500."""

    def guard(view: View) -> View:
        @wraps(view)
        def guarded() -> Response:
            try:
                return view()
            except SQLAlchemyError as exc:
                if not database_unreachable(exc):
                    raise
                # Twilio would play its own error to whoever is on the phone; no numbers logged.
                log.error(
                    "%s not handled (database: %s): safe answer given",
                    request.endpoint,
                    type(exc).__name__,
                )
                rt = _rt()
                rt.line_cards.database_failed(utcnow())
                return reply(rt)

        return guarded

    return guard


@bp.post("")
@twilio_signed
@_when_database_down(_new_caller_hears_safe_words)
def incoming_call() -> Response:
    """A call to one of our numbers: greet and ring peers, or fall back, or give the hours."""
    sid = _field("CallSid")[:64]
    if not sid:
        # Without a CallSid nothing can be idempotent, but the caller must still be routed.
        log.warning("incoming call without a CallSid")
        sid = calls.MISSING_SID_PREFIX + secrets.token_hex(16)
    try:
        to = phones.normalise(request.form.get("To", ""), "US")
    except phones.InvalidNumber:
        to = None
    call = calls.IncomingCall(call_sid=sid, to=to, raw_from=request.form.get("From", ""))
    return _served(
        lambda session, rt: calls.incoming(session, rt.keyring, rt.vault, call, utcnow())
    )


@bp.post("/language")
@twilio_signed
@_when_database_down(_caller_hears_safe_words)
def language_chosen() -> Response:
    """The caller pressed a key for their language, or none: greet in it and ring peers."""
    return _served(
        lambda session, rt: calls.choose_language(
            session, rt.vault, _arg("call"), _field("CallSid"), _field("Digits"), utcnow()
        )
    )


@bp.post("/dialed")
@twilio_signed
@_when_database_down(_caller_hears_safe_words)
def dialed() -> Response:
    """A <Dial> ended: log the accepted call, or move to the next tier or the fallback."""
    report = calls.DialReport(
        dial_status=_field("DialCallStatus").lower(),
        caller_status=_field("CallStatus").lower(),
        duration_s=_int_field("DialCallDuration"),
    )
    return _served(
        lambda session, rt: calls.dialed(
            session, rt.vault, _arg("call"), _arg("step"), _field("CallSid"), report, utcnow()
        )
    )


@bp.post("/screen")
@twilio_signed
@_when_database_down(_peer_hears_not_connected)
def screen() -> Response:
    """A volunteer answered: who is calling, press 1 to accept."""
    return _served(
        lambda session, rt: calls.screen(
            session,
            _arg("call"),
            _arg("leg"),
            _field("ParentCallSid"),
            _field("CallSid"),
            utcnow(),
        )
    )


@bp.post("/accept")
@twilio_signed
@_when_database_down(_peer_hears_not_connected)
def accept() -> Response:
    """The volunteer's key: 1 bridges, anything else hangs up their phone."""
    return _served(
        lambda session, rt: calls.accept(
            session, _arg("call"), _arg("leg"), _field("Digits"), utcnow()
        )
    )


@bp.post("/status")
@twilio_signed
@_when_database_down(_nothing_said)
def status() -> Response:
    """Twilio's status callback for the caller's call (set on the number in Twilio's console)."""
    rt = _rt()
    with rt.db.session() as session:
        calls.status_changed(session, _field("CallSid"), _field("CallStatus").lower(), utcnow())
    return Response(status=204)


@bp.post("/recorded")
@twilio_signed
@_when_database_down(_caller_hears_safe_words)
def recorded() -> Response:
    """<Record action>: keep the message, offer it to peers, thank the caller."""
    return _answer(_rt(), _take_recording())


@bp.post("/recording")
@twilio_signed
@_when_database_down(_nothing_said)
def recording() -> Response:
    """The recording-status callback: the same, for when the action came first or not at all."""
    _answer(_rt(), _take_recording())
    return Response(status=204)


@bp.post("/callback")
@twilio_signed
@_when_database_down(_peer_hears_not_connected)
def callback_answered() -> Response:
    """The volunteer answered the call-back: press 1 to hear the voicemail."""
    return _served(
        lambda session, rt: callbacks.callback_answered(
            session, _arg("vm"), _arg("attempt"), _field("CallSid"), utcnow()
        )
    )


@bp.post("/callback/listen")
@twilio_signed
@_when_database_down(_peer_hears_not_connected)
def callback_listen() -> Response:
    """Play the voicemail, then offer to call back."""
    return _served(
        lambda session, rt: callbacks.callback_listen(
            session, rt.vault, _arg("vm"), _arg("attempt"), _field("Digits"), utcnow()
        )
    )


@bp.post("/callback/connect")
@twilio_signed
@_when_database_down(_peer_hears_not_connected)
def callback_connect() -> Response:
    """Ring the caller from the line number and bridge them to the volunteer."""
    return _served(
        lambda session, rt: callbacks.callback_connect(
            session, rt.vault, _arg("vm"), _arg("attempt"), _field("Digits")
        )
    )


@bp.post("/callback/dialed")
@twilio_signed
@_when_database_down(_peer_hears_not_connected)
def callback_dialed() -> Response:
    """The call-back's dial ended: handled, or waiting for another try."""
    return _served(
        lambda session, rt: callbacks.callback_dialed(
            session, _arg("vm"), _arg("attempt"), _field("DialCallStatus").lower(), utcnow()
        )
    )


@bp.post("/callback/status")
@twilio_signed
@_when_database_down(_nothing_said)
def callback_status() -> Response:
    """Status callback of the call-back call placed to the volunteer."""
    rt = _rt()
    with rt.db.session() as session:
        outbox_ids = callbacks.callback_status(
            session, rt.vault, _arg("vm"), _arg("attempt"), _field("CallStatus").lower(), utcnow()
        )
    outbox.enqueue_all(rt.queue, outbox_ids)
    return Response(status=204)


def _take_recording() -> Answer:
    rt = _rt()
    recording = voicemail.Recording(
        sid=_field("RecordingSid"),
        url=_field("RecordingUrl"),
        duration_s=_int_field("RecordingDuration"),
        status=_field("RecordingStatus").lower(),
    )
    with rt.db.session() as session:
        return voicemail.recorded(
            session, rt.vault, _arg("call"), _field("CallSid"), recording, utcnow()
        )


def _served(use_case: Callable[[Session, Runtime], Answer]) -> Response:
    """Run a call's use case in a session of its own, then answer Twilio with its plan."""
    rt = _rt()
    with rt.db.session() as session:
        answer = use_case(session, rt)
    return _answer(rt, answer)


def _answer(rt: Runtime, answer: Answer) -> Response:
    """Queue what the service wrote, then answer Twilio with the plan's TwiML."""
    outbox.enqueue_all(rt.queue, answer.outbox_ids)
    for job, row_id in answer.jobs:
        rt.queue.enqueue(job, row_id)
    return Response(str(twiml(answer.plan, rt.settings.public_url)), mimetype="text/xml")


def _rt() -> Runtime:
    runtime: Runtime = current_app.extensions["warmline"]
    return runtime


def _field(name: str) -> str:
    """A form field, trimmed and bounded; missing is empty."""
    return request.form.get(name, "").strip()[:200]


def _int_field(name: str) -> int | None:
    """A numeric field (a duration, say); None when missing or not a plain number."""
    return whole_number(_field(name))


def _arg(name: str) -> int:
    """An id from our own (signed) query string; 0, which matches no row, when unreadable."""
    return whole_number(request.args.get(name)) or 0
