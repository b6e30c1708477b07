"""Masked call-backs for a voicemail: a peer asks, the line calls them, then bridges to the caller."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warmline.core.crypto import Vault
from warmline.core.jobqueue import DELETE_RECORDING
from warmline.core.statuses import VoicemailStatus
from warmline.messaging.outgoing import Turn
from warmline.models import Call, Line, Voicemail, Volunteer
from warmline.voice import call_rows
from warmline.voice.languages import speak
from warmline.voice.plans import (
    Answer,
    CallBack,
    CallbackGate,
    Goodbye,
    PlayMessage,
    Speech,
)
from warmline.voice.rules.calls import (
    BRIDGED,
    CALL_OVER,
    spoken_ref,
)
from warmline.voice.voicemail import (
    CALLBACK_RING_S,
    OPEN,
    current_attempt,
    locked_voicemail,
    mark_handled,
)


def request_callback(turn: Turn, volunteer: Volunteer, ref: str) -> None:
    """`CALL <REF>` from a volunteer: the sweeper will place a masked call-back to them."""
    vm = turn.session.scalar(
        select(Voicemail)
        .where(
            Voicemail.line_id == turn.line.id,
            Voicemail.ref == ref,
            Voicemail.handled_at.is_(None),
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if vm is None or vm.status not in OPEN:
        turn.tell_volunteer(volunteer, "callback_unknown", ref=ref)
        return
    if vm.status != VoicemailStatus.WAITING and vm.volunteer_id != volunteer.id:
        turn.tell_volunteer(volunteer, "callback_taken", ref=ref)
        return
    if vm.status == VoicemailStatus.WAITING:
        vm.status = VoicemailStatus.REQUESTED
        vm.volunteer_id = volunteer.id
        vm.attempt += 1
        vm.updated_at = turn.now
    turn.tell_volunteer(volunteer, "callback_calling", ref=ref)


def callback_answered(
    session: Session, vm_id: int, attempt: int, call_sid: str, now: datetime
) -> Answer:
    """The volunteer picked up the call-back: nothing plays until they press 1."""
    vm, line = current_attempt(session, vm_id, attempt)
    if vm is None or line is None:
        return Answer(Goodbye())
    if vm.callback_sid is None and call_sid:
        vm.callback_sid = call_sid[:64]
    elif call_sid and vm.callback_sid != call_sid:
        return Answer(Goodbye())
    vm.updated_at = now
    session.commit()
    words = speak(line, "voice_callback_gate", spoken_ref=spoken_ref(vm.ref))
    return Answer(CallbackGate(vm.id, attempt, (words,), Speech.of(line)))


def callback_listen(
    session: Session, vault: Vault, vm_id: int, attempt: int, digits: str, now: datetime
) -> Answer:
    """Play the message on 1; then offer to call back, or say why that is not possible."""
    vm, line = current_attempt(session, vm_id, attempt)
    if vm is None or line is None or digits.strip() != "1" or vm.recording_url_sealed is None:
        return Answer(Goodbye())
    call = session.get_one(Call, vm.call_id)
    url = vault.open(vm.recording_url_sealed)
    if call_rows.caller_number(session, vault, call) is not None:
        prompt = speak(line, "voice_callback_prompt")
        return Answer(PlayMessage(vm.id, attempt, url, (prompt,), True, Speech.of(line)))
    mark_handled(session, vm, VoicemailStatus.DONE, now)
    session.commit()
    prompt = speak(line, "voice_callback_hidden")
    return Answer(
        PlayMessage(vm.id, attempt, url, (prompt,), False, Speech.of(line)),
        jobs=((DELETE_RECORDING, vm.id),),
    )


def callback_connect(
    session: Session, vault: Vault, vm_id: int, attempt: int, digits: str
) -> Answer:
    """On 1, ring the caller from the line number and bridge them to the volunteer."""
    vm, line = current_attempt(session, vm_id, attempt)
    if vm is None or line is None or digits.strip() != "1":
        return Answer(Goodbye())
    number = call_rows.caller_number(session, vault, session.get_one(Call, vm.call_id))
    if number is None:
        return Answer(Goodbye((speak(line, "voice_callback_hidden"),), Speech.of(line)))
    return Answer(CallBack(vm.id, attempt, line.number, number, CALLBACK_RING_S))


def callback_dialed(
    session: Session, vm_id: int, attempt: int, dial_status: str, now: datetime
) -> Answer:
    """The call-back's dial ended: handled when it connected, waiting again when it did not."""
    vm = locked_voicemail(session, vm_id)
    if vm is None or vm.attempt != attempt:
        return Answer(Goodbye())
    line = session.get_one(Line, vm.line_id)
    speech = Speech.of(line)
    if vm.status == VoicemailStatus.DONE:
        return Answer(Goodbye((speak(line, "voice_callback_done"),), speech))
    if vm.status != VoicemailStatus.CALLING:
        return Answer(Goodbye())
    if dial_status in BRIDGED:
        mark_handled(session, vm, VoicemailStatus.DONE, now)
        session.commit()
        words = speak(line, "voice_callback_done")
        return Answer(Goodbye((words,), speech), jobs=((DELETE_RECORDING, vm.id),))
    vm.status = VoicemailStatus.WAITING
    vm.updated_at = now
    session.commit()
    return Answer(Goodbye((speak(line, "voice_callback_missed", ref=vm.ref),), speech))


def callback_status(
    session: Session, vault: Vault, vm_id: int, attempt: int, call_status: str, now: datetime
) -> list[int]:
    """The call-back call ended before the caller was reached: the voicemail waits again."""
    if call_status not in CALL_OVER:
        return []
    vm = locked_voicemail(session, vm_id)
    if (
        vm is None
        or vm.attempt != attempt
        or vm.status != VoicemailStatus.CALLING
        or vm.volunteer_id is None
    ):
        return []
    line = session.get_one(Line, vm.line_id)
    vm.status = VoicemailStatus.WAITING
    vm.updated_at = now
    turn = Turn(session, vault, line, now)
    turn.tell_volunteer(session.get_one(Volunteer, vm.volunteer_id), "callback_missed", ref=vm.ref)
    session.commit()
    return turn.outbox_ids()
