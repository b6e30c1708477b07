"""Twilio keeps a copy of every message and call (words, numbers): we delete each one soon."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from warmline.core.db import Database, insert_or_skip
from warmline.core.ports import CarrierRecords, SendError
from warmline.models import CarrierRecord

log = logging.getLogger(__name__)

# A message is deletable at Twilio once it is final; delivery reports take a little while.
SETTLE = timedelta(minutes=10)
MAX_ATTEMPTS = 12


MESSAGE = "message"
CALL = "call"


def remember(session: Session, sids: Iterable[str], due_at: datetime, kind: str = MESSAGE) -> None:
    """Schedule the carrier's copies of these messages (or calls) for deletion."""
    rows = [{"sid": sid, "kind": kind, "due_at": due_at} for sid in sids if sid]
    if not rows:
        return
    # Straight to the connection: these rows depend on nothing the session holds, so nothing
    # needs flushing first, and the ORM's bulk-insert work is skipped. One row is a plain
    # execute, not the driver's executemany.
    connection = session.connection()
    statement = _remember_statement(connection.dialect.name)
    connection.execute(statement, rows[0] if len(rows) == 1 else rows)


@cache
def _remember_statement(dialect: str) -> Insert:
    """The de-duplicating insert, built once per dialect so its compiled form is reused."""
    insert = insert_or_skip(dialect)
    return insert(CarrierRecord).on_conflict_do_nothing(index_elements=["sid"])


def delete_due(db: Database, records: CarrierRecords, now: datetime, limit: int = 200) -> int:
    """Delete due copies at the carrier, retrying with backoff; returns how many went."""
    deleted = 0
    with db.session() as session:
        due = session.scalars(
            select(CarrierRecord)
            .where(CarrierRecord.deleted_at.is_(None), CarrierRecord.due_at <= now)
            .order_by(CarrierRecord.due_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        for record in due:
            try:
                if record.kind == CALL:
                    records.delete_call(record.sid)
                else:
                    records.delete_message(record.sid)
            except SendError as exc:
                record.attempts += 1
                if record.attempts >= MAX_ATTEMPTS:
                    log.error("carrier copy %s not deletable: error %s", record.id, exc.error_code)
                    record.deleted_at = now  # given up on, loudly; kept so it is not retried
                else:
                    record.due_at = now + timedelta(minutes=2**record.attempts)
                continue
            record.deleted_at = now
            deleted += 1
        session.commit()
    return deleted
