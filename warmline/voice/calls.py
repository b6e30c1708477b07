"""Calls to a line: ring peers tier by tier, screen and accept, fall back, and keep the state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from warmline.core.crypto import Keyring, Vault
from warmline.core.statuses import CallStatus
from warmline.models import Call, CallLeg, CallStep, Line, Volunteer
from warmline.rota import service
from warmline.rota.availability import (
    available_now,
    coordinators_on_call,
    current_shifts,
    on_call_ids,
)
from warmline.voice.call_ends import end_call
from warmline.voice.call_rows import (
    attempts_of,
    call_by_sid,
    call_step,
    contact_for_caller,
    has_number,
    locked_call,
    volunteer_numbers,
)
from warmline.voice.languages import choice, only_language, screen_words, speak, take_choice
from warmline.voice.plans import (
    Answer,
    Bridge,
    Dial,
    Forward,
    Goodbye,
    Leg,
    Plan,
    RecordMessage,
    Screen,
    Speech,
)
from warmline.voice.rules.calls import (
    BRIDGED,
    CALL_OVER,
    VOICEMAIL_MAX_LENGTH_S,
    Candidate,
    Ring,
    dial_result,
    fallback_of,
    next_ring,
)

MISSING_SID_PREFIX = "missing-"


@dataclass(frozen=True)
class IncomingCall:
    """The parts of Twilio's incoming-call webhook we use: `to` is E.164 or None."""

    call_sid: str
    to: str | None
    raw_from: str


@dataclass(frozen=True)
class DialReport:
    """What Twilio posts to a <Dial action>: the dial's status and the caller's own."""

    dial_status: str
    caller_status: str
    duration_s: int | None = None


def incoming(
    session: Session, keyring: Keyring, vault: Vault, call: IncomingCall, now: datetime
) -> Answer:
    """Answer a new call: ring available peers, or fall back, or give the hours after hours."""
    line = session.scalar(select(Line).where(Line.number == call.to)) if call.to else None
    if line is None:
        return Answer(Goodbye((speak(None, "voice_unknown_line"),)))
    existing = call_by_sid(session, call.call_sid)
    if existing is not None:  # Twilio asked twice: answer as the first time
        return _again(session, vault, line, existing)
    contact = contact_for_caller(session, keyring, vault, line, call.raw_from, now)
    row = Call(
        line_id=line.id,
        call_sid=call.call_sid,
        contact_id=contact.id if contact is not None else None,
        caller_key=contact.contact_key if contact is not None else None,
        status=CallStatus.RINGING,
        step=0,
        started_at=now,
        updated_at=now,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # the same CallSid, a moment ago, in another process
        existing = call_by_sid(session, call.call_sid)
        assert existing is not None
        return _again(session, vault, line, existing)
    row.language = only_language(line)
    if row.language is None:
        session.commit()  # the choice comes first; what follows is decided once it is made
        return Answer(choice(line, row))
    _begin(session, row, line, now)
    session.commit()
    return Answer(plan_for_step(session, vault, row, 0))


def choose_language(
    session: Session, vault: Vault, call_id: int, call_sid: str, digits: str, now: datetime
) -> Answer:
    """The caller's key (or none) chose a language: greet in it, then ring or fall back."""
    call = locked_call(session, call_id, call_sid)
    if call is None:
        return Answer(Goodbye())
    line = session.get_one(Line, call.line_id)
    if call_step(session, call.id, 0) is None:
        take_choice(session, line, call, digits)
        _begin(session, call, line, now)
        session.commit()
    return Answer(plan_for_step(session, vault, call, 0))


def _begin(session: Session, call: Call, line: Line, now: datetime) -> None:
    """The first step of a call: the hours after hours, else the greeting and the first ring."""
    if not _is_open(session, line, now):
        end_call(session, call, "closed", now)
        _add_step(session, call, 0, "goodbye", now, words="voice_after_hours")
    else:
        ring = next_ring(_tiers(session, line, now), [], line.ring_strategy == "sequential")
        _next_step(session, call, line, 0, ring, "voice_greeting", now)


def _again(session: Session, vault: Vault, line: Line, call: Call) -> Answer:
    """The same first answer to a repeated request: the choice while it is still to be made."""
    if call.language is None and call_step(session, call.id, 0) is None:
        return Answer(choice(line, call))
    return Answer(plan_for_step(session, vault, call, 0))


def dialed(
    session: Session,
    vault: Vault,
    call_id: int,
    step: int,
    call_sid: str,
    report: DialReport,
    now: datetime,
) -> Answer:
    """A <Dial> finished: log an accepted call, or move on to the next tier or the fallback."""
    call = locked_call(session, call_id, call_sid)
    current = call_step(session, call_id, step) if call is not None else None
    if call is None or current is None:
        return Answer(Goodbye())
    if current.finished_at is not None:  # a repeated request: the same answer as before
        return Answer(plan_for_step(session, vault, call, step + 1))
    line = session.get_one(Line, call.line_id)
    current.dial_status = report.dial_status[:12] or "unknown"
    current.finished_at = now
    call.updated_at = now
    if current.kind == "dial":
        _after_dial(session, call, line, current, report, now)
    elif current.kind == "forward":
        _after_forward(session, call, current, report, now)
    else:
        _add_step(session, call, step + 1, "goodbye", now)
    session.commit()
    return Answer(plan_for_step(session, vault, call, step + 1))


def screen(
    session: Session, call_id: int, leg_id: int, parent_sid: str, leg_sid: str, now: datetime
) -> Answer:
    """A volunteer answered: say who is calling and wait for 1, unless the call moved on."""
    call = locked_call(session, call_id, parent_sid)
    leg = session.get(CallLeg, leg_id) if call is not None else None
    if call is None or leg is None or leg.call_id != call.id:
        return Answer(Goodbye())
    if leg.accepted_at is None and (call.status != CallStatus.RINGING or leg.step != call.step):
        return Answer(Goodbye())
    leg.screened_at = leg.screened_at or now
    leg.leg_sid = leg.leg_sid or (leg_sid[:64] or None)
    call.updated_at = now
    session.commit()
    line = session.get_one(Line, call.line_id)
    words, speech = screen_words(line, session.get_one(Volunteer, leg.volunteer_id), call)
    return Answer(Screen(call.id, leg.id, (words,), speech))


def accept(session: Session, call_id: int, leg_id: int, digits: str, now: datetime) -> Answer:
    """The volunteer pressed a key: only 1, on a call still looking for a peer, bridges."""
    call = locked_call(session, call_id, "")
    leg = session.get(CallLeg, leg_id) if call is not None else None
    if call is None or leg is None or leg.call_id != call.id:
        return Answer(Goodbye())
    if leg.accepted_at is not None:
        return Answer(Bridge())
    if digits.strip() != "1" or call.status != CallStatus.RINGING or leg.step != call.step:
        return Answer(Goodbye())
    leg.accepted_at = now
    call.status = CallStatus.CONNECTED
    call.volunteer_id = leg.volunteer_id
    call.connected_at = now
    call.updated_at = now
    session.commit()
    return Answer(Bridge())


def status_changed(session: Session, call_sid: str, call_status: str, now: datetime) -> None:
    """Twilio's status callback for the caller's call: once it is over, so is ours."""
    if call_status not in CALL_OVER or not call_sid:
        return
    call = session.scalar(
        select(Call)
        .where(Call.call_sid == call_sid)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if call is None or call.status == CallStatus.ENDED:
        return
    outcome = "answered" if call.status == CallStatus.CONNECTED else "abandoned"
    if (
        call.status == CallStatus.CONNECTED
        and call.duration_s is None
        and call.connected_at is not None
    ):
        call.duration_s = int((now - call.connected_at).total_seconds())
    end_call(session, call, outcome, now)
    session.commit()


def plan_for_step(session: Session, vault: Vault, call: Call, step: int) -> Plan:
    """The TwiML plan of a step already decided, rebuilt from what was stored."""
    row = call_step(session, call.id, step)
    line = session.get_one(Line, call.line_id)
    speech = Speech.of(line, call.language)
    if row is None:
        return Goodbye()
    words = (speak(line, row.words, call.language),) if row.words else ()
    if row.kind == "dial":
        legs = session.execute(
            select(CallLeg.id, CallLeg.volunteer_id)
            .where(CallLeg.call_id == call.id, CallLeg.step == step)
            .order_by(CallLeg.id)
        ).all()
        numbers = volunteer_numbers(session, vault, [v for _, v in legs])
        return Dial(
            call.id,
            step,
            line.number,
            line.ring_timeout_s,
            tuple(Leg(leg_id, numbers[v]) for leg_id, v in legs if v in numbers),
            words,
            speech,
        )
    if row.kind == "forward":
        target = fallback_of(line.voice_fallback).number or ""
        return Forward(call.id, step, line.number, line.ring_timeout_s, target, words, speech)
    if row.kind == "voicemail":
        hidden = not has_number(session, call)
        prompt = speak(
            line, "voice_voicemail_hidden" if hidden else "voice_voicemail", call.language
        )
        silent = (speak(line, "voice_no_message", call.language),)
        return RecordMessage(call.id, (prompt,), silent, VOICEMAIL_MAX_LENGTH_S, speech)
    return Goodbye(words, speech)


def _after_dial(
    session: Session, call: Call, line: Line, current: CallStep, report: DialReport, now: datetime
) -> None:
    """Decide what follows a dial of volunteers."""
    accepted = session.scalar(
        select(CallLeg).where(
            CallLeg.call_id == call.id,
            CallLeg.step == current.step,
            CallLeg.accepted_at.is_not(None),
        )
    )
    result = dial_result(report.dial_status, accepted is not None, report.caller_status)
    if result == "answered":
        assert accepted is not None
        call.volunteer_id = accepted.volunteer_id
        end_call(session, call, "answered", now, duration_s=report.duration_s)
        _add_step(session, call, current.step + 1, "goodbye", now, words="voice_thanks")
        return
    if call.status == CallStatus.CONNECTED:  # accepted but never bridged: they are free again
        call.status = CallStatus.RINGING
        call.volunteer_id = None
    if result == "caller_gone" or call.status == CallStatus.ENDED:
        if call.status != CallStatus.ENDED:
            end_call(session, call, "abandoned", now)
        _add_step(session, call, current.step + 1, "goodbye", now)
        return
    ring = next_ring(
        _tiers(session, line, now), attempts_of(session, call), line.ring_strategy == "sequential"
    )
    words = "voice_still_looking" if ring is not None and ring.tier != current.tier else None
    _next_step(session, call, line, current.step + 1, ring, words, now)


def _after_forward(
    session: Session, call: Call, current: CallStep, report: DialReport, now: datetime
) -> None:
    """Decide what follows ringing the line's fallback number."""
    if report.dial_status in BRIDGED:
        end_call(session, call, "forwarded", now, duration_s=report.duration_s)
        _add_step(session, call, current.step + 1, "goodbye", now)
    elif report.caller_status in CALL_OVER or call.status == CallStatus.ENDED:
        end_call(session, call, "abandoned", now)
        _add_step(session, call, current.step + 1, "goodbye", now)
    else:
        end_call(session, call, "unanswered", now)
        _add_step(session, call, current.step + 1, "goodbye", now, words="voice_no_one")


def _next_step(
    session: Session,
    call: Call,
    line: Line,
    step: int,
    ring: Ring | None,
    words: str | None,
    now: datetime,
) -> None:
    """Write step `step`: ring `ring`, or the line's fallback when there is nobody left."""
    if ring is not None:
        _add_step(session, call, step, "dial", now, tier=ring.tier, words=words)
        for volunteer_id in ring.volunteer_ids:
            session.add(
                CallLeg(
                    call_id=call.id,
                    step=step,
                    volunteer_id=volunteer_id,
                    tier=ring.tier,
                    rung_at=now,
                )
            )
        return
    call.status = CallStatus.FALLBACK
    fallback = fallback_of(line.voice_fallback)
    if fallback.kind == "number":
        _add_step(session, call, step, "forward", now, words="voice_forwarding")
    else:
        _add_step(session, call, step, "voicemail", now)


def _add_step(
    session: Session,
    call: Call,
    step: int,
    kind: str,
    now: datetime,
    tier: str | None = None,
    words: str | None = None,
) -> None:
    session.add(
        CallStep(call_id=call.id, step=step, kind=kind, tier=tier, words=words, created_at=now)
    )
    call.step = step
    call.updated_at = now
    session.flush()

    # else: the caller hung up after the tone; the recording's callbacks release them.


def _is_open(session: Session, line: Line, now: datetime) -> bool:
    """Within the line's hours, with somebody on the rota now."""
    return service.is_open(session, line, now) and bool(current_shifts(session, line, now))


def _tiers(session: Session, line: Line, now: datetime) -> dict[str, list[Candidate]]:
    """Who each tier could ring now, with when the line last rang them."""
    primary = available_now(session, line, now)
    backup = available_now(session, line, now, roles=("backup",))
    coordinators = coordinators_on_call(session, line, now)
    busy = on_call_ids(session, [c.id for c in coordinators])
    groups = {
        "primary": [v.id for v in primary],
        "backup": [v.id for v in backup],
        "coordinator": [c.id for c in coordinators if c.id not in busy],
    }
    everyone = {v for ids in groups.values() for v in ids}
    last: dict[int, datetime] = {}
    if everyone:
        rows = session.execute(
            select(CallLeg.volunteer_id, func.max(CallLeg.rung_at))
            .where(CallLeg.volunteer_id.in_(everyone))
            .group_by(CallLeg.volunteer_id)
        )
        last = {int(v): when for v, when in rows if when is not None}
    return {tier: [Candidate(v, last.get(v)) for v in ids] for tier, ids in groups.items()}
