"""Development and training only: the texts simulated phones sent and received."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from warmline.models.base import Base


class TrainingText(Base):
    """A text to or from a simulated (fictional) phone, sealed, kept a day at most."""

    __tablename__ = "training_texts"
    __table_args__ = (Index("ix_training_texts_line_phone", "line_id", "phone_key", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"))
    phone_key: Mapped[str] = mapped_column(String(64))
    direction: Mapped[str] = mapped_column(String(8))  # "received" by the phone, or "sent"
    body_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    at: Mapped[datetime] = mapped_column(index=True)
