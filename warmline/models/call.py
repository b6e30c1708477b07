"""Voice calls: each call, its steps (dial, fallback), the volunteers rung, and voicemail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from warmline.core.statuses import CallStatus, VoicemailStatus
from warmline.models.base import Base, StatusText


class Call(Base):
    """One call to a line, known by Twilio's CallSid; the caller is a contact, never a number."""

    __tablename__ = "calls"
    __table_args__ = (
        CheckConstraint(
            "status IN ('ringing', 'connected', 'fallback', 'ended')", name="known_status"
        ),
        Index("ix_calls_volunteer_status", "volunteer_id", "status"),
        Index("ix_calls_status_updated", "status", "updated_at"),
        Index("ix_calls_line_caller", "line_id", "caller_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"))
    call_sid: Mapped[str] = mapped_column(String(64), unique=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    # The caller's contact key, kept only while Twilio still holds the call's record (which
    # holds their number), so an erasure finds the call after its link to the contact is gone.
    caller_key: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[CallStatus] = mapped_column(
        StatusText(CallStatus, 12), default=CallStatus.RINGING
    )
    outcome: Mapped[str | None] = mapped_column(String(20))
    step: Mapped[int] = mapped_column(default=0)
    volunteer_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteers.id", ondelete="SET NULL")
    )
    # The language the caller chose (or the line's only one); None before they choose.
    language: Mapped[str | None] = mapped_column(String(8))
    started_at: Mapped[datetime]
    connected_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    duration_s: Mapped[int | None]
    updated_at: Mapped[datetime]


class CallStep(Base):
    """One step of a call's TwiML (a dial, the fallback, a goodbye), done once per CallSid."""

    __tablename__ = "call_steps"
    __table_args__ = (UniqueConstraint("call_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    step: Mapped[int]
    kind: Mapped[str] = mapped_column(String(12))
    tier: Mapped[str | None] = mapped_column(String(12))
    # The wording a goodbye step speaks, so a repeated request gets the same words.
    words: Mapped[str | None] = mapped_column(String(40))
    dial_status: Mapped[str | None] = mapped_column(String(12))
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]


class CallLeg(Base):
    """A volunteer's phone rung for one step of a call: screened, accepted, or neither."""

    __tablename__ = "call_legs"
    __table_args__ = (
        UniqueConstraint("call_id", "step", "volunteer_id"),
        Index("ix_call_legs_volunteer_rung", "volunteer_id", "rung_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    step: Mapped[int]
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"))
    tier: Mapped[str] = mapped_column(String(12))
    leg_sid: Mapped[str | None] = mapped_column(String(64))
    rung_at: Mapped[datetime]
    screened_at: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]


class Voicemail(Base):
    """A caller's message: offered by reference, called back masked, its recording deleted."""

    __tablename__ = "voicemails"
    __table_args__ = (
        CheckConstraint(
            "status IN ('waiting', 'requested', 'calling', 'done', 'expired', 'empty')",
            name="known_status",
        ),
        Index(
            "uq_voicemails_open_ref",
            "line_id",
            "ref",
            unique=True,
            postgresql_where=text("handled_at IS NULL"),
            sqlite_where=text("handled_at IS NULL"),
        ),
        Index("ix_voicemails_status", "status", "updated_at"),
        Index("ix_voicemails_recording_kept", "recording_deleted_at", "delete_after"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"))
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), unique=True)
    ref: Mapped[str] = mapped_column(String(4))
    status: Mapped[VoicemailStatus] = mapped_column(
        StatusText(VoicemailStatus, 12), default=VoicemailStatus.WAITING
    )
    recording_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Not a phone number, but it plays the caller's voice: kept sealed like one.
    recording_url_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    duration_s: Mapped[int | None]
    volunteer_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteers.id", ondelete="SET NULL")
    )
    attempt: Mapped[int] = mapped_column(default=0)
    callback_sid: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    offered_at: Mapped[datetime | None]
    handled_at: Mapped[datetime | None]
    delete_after: Mapped[datetime]
    recording_deleted_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]
