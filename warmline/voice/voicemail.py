"""Voicemail: kept sealed, offered by reference, called back masked, its recording deleted."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from warmline.core.crypto import Vault
from warmline.core.db import Database
from warmline.core.jobqueue import DELETE_RECORDING
from warmline.core.ports import SendError, VoiceCarrier
from warmline.core.statuses import CallStatus, ConversationStatus, VoicemailStatus
from warmline.mail import notices
from warmline.mail.rules.compose import VOICEMAIL
from warmline.messaging.outgoing import Turn
from warmline.messaging.rules.refs import REF_ATTEMPTS, new_ref
from warmline.models import Call, Conversation, Line, Voicemail, Volunteer
from warmline.rota.availability import available_now, coordinators_on_call
from warmline.voice import call_ends, call_rows
from warmline.voice.languages import speak
from warmline.voice.plans import (
    Answer,
    Goodbye,
    Speech,
)
from warmline.voice.rules.calls import (
    VOICEMAIL_RETENTION,
    recording_due_for_deletion,
)

log = logging.getLogger(__name__)

OPEN = (VoicemailStatus.WAITING, VoicemailStatus.REQUESTED, VoicemailStatus.CALLING)
CALLBACK_RING_S = 30
# Between tries to offer a voicemail nobody could be offered yet.
OFFER_RETRY = timedelta(minutes=1)
# A call-back Twilio stopped telling us about: give the voicemail back to everyone.
STALE_CALLBACK = timedelta(hours=3)
STALE_REQUEST = timedelta(minutes=2)


@dataclass(frozen=True)
class Recording:
    """What Twilio posts about a recording: its sid, URL, length and (callbacks only) status."""

    sid: str
    url: str
    duration_s: int | None
    status: str = ""

    @property
    def usable(self) -> bool:
        """A finished recording with something in it."""
        finished = self.status in ("", "completed")
        return bool(self.sid and self.url) and self.duration_s != 0 and finished


def recorded(
    session: Session,
    vault: Vault,
    call_id: int,
    call_sid: str,
    recording: Recording,
    now: datetime,
) -> Answer:
    """Keep a voicemail once (Record action or recording callback), and offer it to peers."""
    call = session.scalar(
        select(Call)
        .where(Call.id == call_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if call is None or (call_sid and call_sid != call.call_sid):
        return Answer(Goodbye())
    line = session.get_one(Line, call.line_id)
    speech = Speech.of(line, call.language)
    vm = session.scalar(select(Voicemail).where(Voicemail.call_id == call.id).with_for_update())
    if vm is None and not recording.sid:
        if call.status != CallStatus.ENDED:
            call_ends.end_call(session, call, "abandoned", now)
        call_rows.release_contact(session, call)
        session.commit()
        return Answer(Goodbye((speak(line, "voice_no_message", call.language),), speech))
    if vm is None:
        vm = _new_voicemail(session, call, now)
    _take_recording(vault, vm, recording, now)
    if vm.status != VoicemailStatus.EMPTY:
        call.outcome = "voicemail"
    if call.status != CallStatus.ENDED:
        call_ends.end_call(session, call, call.outcome or "voicemail", now)
    else:
        call_rows.release_contact(session, call)
    outbox_ids: list[int] = []
    if vm.status == VoicemailStatus.WAITING and vm.offered_at is None:
        outbox_ids = _offer(session, vault, line, call, vm, now)
    session.commit()
    jobs = ((DELETE_RECORDING, vm.id),) if vm.handled_at is not None else ()
    key = "voice_message_saved" if vm.status != VoicemailStatus.EMPTY else "voice_no_message"
    said = speak(line, key, call.language)
    return Answer(Goodbye((said,), speech), tuple(outbox_ids), jobs)


def place_requested(db: Database, vault: Vault, carrier: VoiceCarrier, now: datetime) -> list[int]:
    """Place the call-backs volunteers asked for; each is placed by exactly one process."""
    outbox_ids: list[int] = []
    with db.session() as session:
        ids = session.scalars(
            select(Voicemail.id).where(Voicemail.status == VoicemailStatus.REQUESTED)
        ).all()
    for vm_id in ids:
        with db.session() as session:
            vm = session.scalar(
                select(Voicemail)
                .where(Voicemail.id == vm_id, Voicemail.status == VoicemailStatus.REQUESTED)
                .with_for_update(skip_locked=True)
            )
            if vm is None or vm.volunteer_id is None:
                continue
            line = session.get_one(Line, vm.line_id)
            volunteer = session.get_one(Volunteer, vm.volunteer_id)
            vm.status = VoicemailStatus.CALLING  # claimed: no other sweep places it again
            vm.updated_at = now
            session.commit()
            try:
                vm.callback_sid = carrier.call_back(
                    to_number=vault.open(volunteer.phone_sealed),
                    from_number=line.number,
                    voicemail_id=vm.id,
                    attempt=vm.attempt,
                    timeout_s=line.ring_timeout_s,
                )
            except SendError as exc:
                log.warning("voicemail %s: call-back not placed: error %s", vm.id, exc.error_code)
                vm.status = VoicemailStatus.WAITING
                turn = Turn(session, vault, line, now)
                turn.tell_volunteer(volunteer, "callback_missed", ref=vm.ref)
                session.commit()
                outbox_ids += turn.outbox_ids()
                continue
            session.commit()
    return outbox_ids


def delete_recording(db: Database, carrier: VoiceCarrier, vm_id: int, now: datetime) -> bool:
    """Delete a voicemail's recording at Twilio once it is due; True when it is gone."""
    with db.session() as session:
        vm = session.get(Voicemail, vm_id)
        if vm is None or vm.recording_deleted_at is not None:
            return vm is not None
        if not recording_due_for_deletion(vm.created_at, vm.handled_at, now):
            return False
        sid = vm.recording_sid
    if sid:
        try:
            carrier.delete_recording(sid)
        except SendError as exc:
            log.warning("voicemail %s: recording not deleted yet: error %s", vm_id, exc.error_code)
            return False
    with db.session() as session:
        vm = locked_voicemail(session, vm_id)
        if vm is None:
            return True
        if vm.handled_at is None:
            mark_handled(session, vm, VoicemailStatus.EXPIRED, now)
        vm.recording_deleted_at = now
        vm.recording_url_sealed = None
        vm.updated_at = now
        session.commit()
    return True


def sweep(db: Database, vault: Vault, carrier: VoiceCarrier, now: datetime) -> list[int]:
    """Voice upkeep: place call-backs, offer unoffered voicemail, delete due recordings."""
    outbox_ids = place_requested(db, vault, carrier, now)
    with db.session() as session:
        call_ends.end_stale(session, now)
        _release_stale(session, now)
        unoffered = session.scalars(
            select(Voicemail.id).where(
                Voicemail.status == VoicemailStatus.WAITING,
                Voicemail.offered_at.is_(None),
                Voicemail.updated_at <= now - OFFER_RETRY,
            )
        ).all()
        due = session.scalars(
            select(Voicemail.id)
            .where(
                Voicemail.recording_deleted_at.is_(None),
                Voicemail.handled_at.is_not(None) | (Voicemail.delete_after <= now),
            )
            .limit(100)
        ).all()
    for vm_id in unoffered:
        with db.session() as session:
            vm = locked_voicemail(session, vm_id)
            if vm is None or vm.offered_at is not None or vm.status != VoicemailStatus.WAITING:
                continue
            call = session.get_one(Call, vm.call_id)
            outbox_ids += _offer(session, vault, session.get_one(Line, vm.line_id), call, vm, now)
            vm.updated_at = now
            session.commit()
    for vm_id in due:
        delete_recording(db, carrier, vm_id, now)
    return outbox_ids


def _new_voicemail(session: Session, call: Call, now: datetime) -> Voicemail:
    """A voicemail row with a reference no open conversation or voicemail on the line uses."""
    in_use = set(
        session.scalars(
            select(Conversation.ref).where(
                Conversation.line_id == call.line_id,
                Conversation.status != ConversationStatus.CLOSED,
            )
        )
    ) | set(
        session.scalars(
            select(Voicemail.ref).where(
                Voicemail.line_id == call.line_id, Voicemail.handled_at.is_(None)
            )
        )
    )
    for _ in range(REF_ATTEMPTS):
        ref = new_ref()
        if ref in in_use:
            continue
        vm = Voicemail(
            line_id=call.line_id,
            call_id=call.id,
            ref=ref,
            status=VoicemailStatus.WAITING,
            attempt=0,
            created_at=now,
            delete_after=now + VOICEMAIL_RETENTION,
            updated_at=now,
        )
        try:
            with session.begin_nested():
                session.add(vm)
        except IntegrityError:
            in_use.add(ref)
            continue
        return vm
    raise RuntimeError("no free voicemail reference on this line")


def _take_recording(vault: Vault, vm: Voicemail, recording: Recording, now: datetime) -> None:
    """Fill in what this callback adds; a failed or empty recording closes the voicemail."""
    if recording.sid and vm.recording_sid is None:
        vm.recording_sid = recording.sid[:64]
    if recording.url and vm.recording_url_sealed is None and vm.recording_deleted_at is None:
        vm.recording_url_sealed = vault.seal(recording.url)
    if recording.duration_s is not None:
        vm.duration_s = recording.duration_s
    vm.updated_at = now
    if vm.status in OPEN and vm.offered_at is None and not recording.usable:
        vm.status = (
            VoicemailStatus.EMPTY
        )  # nothing to hear: the recording (if any) is due for deletion
        vm.handled_at = vm.handled_at or now


def _offer(
    session: Session, vault: Vault, line: Line, call: Call, vm: Voicemail, now: datetime
) -> list[int]:
    """Text the voicemail's reference to available peers, else backup, else the coordinator."""
    # Coordinators hear of every voicemail by e-mail, once, whoever can be texted.
    notices.record(session, line, VOICEMAIL, f"voicemail:{vm.id}", now, ref=vm.ref)
    volunteers = (
        available_now(session, line, now)
        or available_now(session, line, now, roles=("backup",))
        or coordinators_on_call(session, line, now)
    )
    if not volunteers:
        return []
    key = "voicemail_offer" if call_rows.has_number(session, call) else "voicemail_offer_hidden"
    turn = Turn(session, vault, line, now)
    for volunteer in volunteers:
        turn.tell_volunteer(volunteer, key, ref=vm.ref)
    vm.offered_at = now
    session.flush()
    return turn.outbox_ids()


def mark_handled(session: Session, vm: Voicemail, status: VoicemailStatus, now: datetime) -> None:
    """The voicemail needs nothing more: its recording is due, the caller's number may go."""
    vm.status = status
    vm.handled_at = vm.handled_at or now
    vm.updated_at = now
    session.flush()
    call_rows.release_contact(session, session.get_one(Call, vm.call_id))


def _release_stale(session: Session, now: datetime) -> None:
    """Call-backs that never reported back go back to waiting, so someone can try again."""
    stale = session.scalars(
        select(Voicemail).where(
            (
                (Voicemail.status == VoicemailStatus.CALLING)
                & (Voicemail.updated_at < now - STALE_CALLBACK)
            )
            | (
                (Voicemail.status == VoicemailStatus.REQUESTED)
                & (Voicemail.updated_at < now - STALE_REQUEST)
            )
        )
    ).all()
    for vm in stale:
        vm.status = VoicemailStatus.WAITING
        vm.updated_at = now
    session.commit()


def current_attempt(
    session: Session, vm_id: int, attempt: int
) -> tuple[Voicemail | None, Line | None]:
    """The voicemail if this is its current call-back attempt, with its line."""
    vm = locked_voicemail(session, vm_id)
    if vm is None or vm.attempt != attempt or vm.status != VoicemailStatus.CALLING:
        return None, None
    return vm, session.get_one(Line, vm.line_id)


def locked_voicemail(session: Session, vm_id: int) -> Voicemail | None:
    return session.scalar(
        select(Voicemail)
        .where(Voicemail.id == vm_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
