"""A line: the public number, its policy and its wording."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from warmline.models.base import Base

DEFAULT_OUTCOME_TAGS = "talked, resources, referred, crisis, disconnected"


class Line(Base):
    """A public number people text or call, with its own policy and wording."""

    __tablename__ = "lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    timezone: Mapped[str] = mapped_column(String(64))
    region: Mapped[str] = mapped_column(String(2))
    crisis_numbers: Mapped[str] = mapped_column(String(300))
    hours_text: Mapped[str] = mapped_column(String(300))
    # The line's own greeting; empty means the default wording. The crisis numbers always follow.
    greeting: Mapped[str] = mapped_column(String(600), default="")
    offer_timeout_s: Mapped[int] = mapped_column(default=120)
    escalate_timeout_s: Mapped[int] = mapped_column(default=300)
    fallback_timeout_s: Mapped[int] = mapped_column(default=600)
    idle_close_s: Mapped[int] = mapped_column(default=3600)
    max_active_per_volunteer: Mapped[int] = mapped_column(default=2)
    ring_strategy: Mapped[str] = mapped_column(String(12), default="simultaneous")
    ring_timeout_s: Mapped[int] = mapped_column(default=20)
    voice_fallback: Mapped[str] = mapped_column(String(40), default="voicemail")
    # How <Say> speaks on this line's calls; an empty voice is Twilio's default for the language.
    say_language: Mapped[str] = mapped_column(String(12), default="en-US")
    say_voice: Mapped[str] = mapped_column(String(40), default="")
    offer_strategy: Mapped[str] = mapped_column(String(12), default="broadcast")
    reminder_lead_s: Mapped[int] = mapped_column(default=3600)
    crisis_words_en: Mapped[str] = mapped_column(Text, default="")
    crisis_words_es: Mapped[str] = mapped_column(Text, default="")
    outcome_tags: Mapped[str] = mapped_column(String(300), default=DEFAULT_OUTCOME_TAGS)
    number_retention_h: Mapped[int] = mapped_column(default=24)
    unsent_text_max_h: Mapped[int] = mapped_column(default=1)
    log_retention_days: Mapped[int] = mapped_column(default=365)
    recording_retention_days: Mapped[int] = mapped_column(default=7)
    # Peer support. Topics: "anxiety: panic, ansiedad; grief: loss"; empty = defaults.
    topics: Mapped[str] = mapped_column(Text, default="")
    # Matched and returning peers are offered first for this long (0 = everyone at once).
    match_head_start_s: Mapped[int] = mapped_column(default=45)
    # When check-ins follow a texter's YES, e.g. "1d, 7d"; "off" = the line sends none.
    followup_after: Mapped[str] = mapped_column(String(100), default="1d, 7d")
    # After a crisis-flagged or escalated conversation: no new offers for this long (0 = none).
    cooldown_min: Mapped[int] = mapped_column(default=10)
    # Conversations a peer may take per shift (0 = no cap).
    shift_cap: Mapped[int] = mapped_column(default=0)
    # Conversations a texter may start per day before a kind message instead (0 = off).
    daily_limit: Mapped[int] = mapped_column(default=0)
    # Segments a second this line's number may send (0 = unpaced); None = SEND_RATE_PER_S, since
    # a toll-free or short code may send far faster than a long code.
    send_rate_per_s: Mapped[float | None] = mapped_column(default=None)
    # A texter's text this soon after DONE goes back to the peer who closed (0 = never).
    reopen_window_s: Mapped[int] = mapped_column(default=600)
    # While a texter waits, available peers are offered again this often, until the fallback.
    reoffer_every_s: Mapped[int] = mapped_column(default=120)
    # The languages texters and callers are served in, and the one used when unsure.
    languages: Mapped[str] = mapped_column(String(40), default="en,es")
    default_language: Mapped[str] = mapped_column(String(8), default="en")
    created_at: Mapped[datetime]


class LineText(Base):
    """A line's own version of one text in one language, used instead of the catalogue's."""

    __tablename__ = "line_texts"
    __table_args__ = (UniqueConstraint("line_id", "key", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]
