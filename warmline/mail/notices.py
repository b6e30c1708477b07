"""Recording alert e-mails in the transaction that raises the alert; the sweeper queues them."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from warmline.core.db import insert_or_skip
from warmline.mail.rules.compose import FIELDS, KINDS
from warmline.models import Coordinator, CoordinatorLine, EmailNotice, Line


def recipients(session: Session, line_id: int) -> list[Coordinator]:
    """Active coordinators of the line (administrators see every line) who want e-mail."""
    member = exists().where(
        CoordinatorLine.coordinator_id == Coordinator.id, CoordinatorLine.line_id == line_id
    )
    return list(
        session.scalars(
            select(Coordinator)
            .where(
                Coordinator.is_active,
                Coordinator.email_alerts,
                or_(Coordinator.is_administrator, member),
            )
            .order_by(Coordinator.id)
        )
    )


def record(
    session: Session, line: Line, kind: str, key: str, now: datetime, **fields: object
) -> list[int]:
    """Write one e-mail per recipient for this alert, once per (kind, key); their ids."""
    if kind not in KINDS:
        raise ValueError(f"unknown alert kind {kind!r}")
    unknown = set(fields) - FIELDS
    if unknown:
        # Only ids, counts and times go in an e-mail: anything else is refused here.
        raise ValueError(f"alert fields not allowed in an e-mail: {sorted(unknown)}")
    details = json.dumps(fields, sort_keys=True, default=str)
    written: list[int] = []
    for coordinator in recipients(session, line.id):
        already = session.scalar(
            select(EmailNotice.id).where(
                EmailNotice.coordinator_id == coordinator.id,
                EmailNotice.kind == kind,
                EmailNotice.key == key,
            )
        )
        if already is not None:
            continue
        # Another sweeper may record the same alert at once: the unique key keeps one row,
        # and the loser's transaction (with its texts) carries on untouched.
        connection = session.connection()
        insert = insert_or_skip(connection.dialect.name)
        statement = (
            insert(EmailNotice)
            .values(
                line_id=line.id,
                coordinator_id=coordinator.id,
                kind=kind,
                key=key,
                details=details,
                created_at=now,
                next_attempt_at=now,
                attempts=0,
            )
            .on_conflict_do_nothing(index_elements=["coordinator_id", "kind", "key"])
            .returning(EmailNotice.id)
        )
        notice_id = session.execute(statement).scalar()
        if notice_id is not None:
            written.append(notice_id)
    return written
