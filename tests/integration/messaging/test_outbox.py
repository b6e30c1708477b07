"""Outbound texts: sent once, retried when it can help, in order, and never lost by the queue."""

from __future__ import annotations

import time
from datetime import timedelta

from rq import SimpleWorker
from rq.serializers import JSONSerializer
from sqlalchemy import select, update

from tests.conftest import PUBLIC_URL
from tests.integration.conftest import Line
from tests.integration.conversations.test_sms_flow import SAM, TEXTER, ref_offered
from warmline.core.clock import utcnow
from warmline.core.jobqueue import QUEUE_NAME, RedisJobQueue
from warmline.core.ports import Transport
from warmline.messaging import outbox
from warmline.models import InboundMessage, Outbox
from warmline.ops.sweeper import sweep
from workers import jobs


def claimed(line: Line) -> str:
    line.add_volunteer("Sam", SAM)
    line.text(TEXTER, "hello")
    ref = ref_offered(line, SAM)
    line.text(SAM, ref)
    return ref


def test_running_a_send_job_again_sends_nothing_twice(line: Line) -> None:
    claimed(line)
    before = len(line.fake.requests)
    with line.rt.db.session() as session:
        ids = session.scalars(select(Outbox.id)).all()
    for outbox_id in ids:
        jobs.send_outbox(outbox_id)
    assert len(line.fake.requests) == before
    with line.rt.db.session() as session:
        assert set(session.scalars(select(Outbox.status))) == {"sent"}


def test_a_transient_error_is_retried_later_and_delivers_once_in_order(line: Line) -> None:
    claimed(line)
    line.fake.fail_for(TEXTER, 503, 20500)
    line.text(SAM, "first")
    line.text(SAM, "second")
    assert line.sent_to(TEXTER)[-1] == "first"  # tried once, refused
    with line.rt.db.session() as session:
        rows = session.scalars(
            select(Outbox).where(Outbox.status == "queued").order_by(Outbox.id)
        ).all()
        assert [r.attempts for r in rows] == [1, 0]  # the second waits behind the first
        first_id = rows[0].id

    line.fake.failures.clear()
    later = utcnow() + timedelta(minutes=10)
    outbox.send(line.rt.db, line.rt.vault, line.rt.transport, first_id + 1, lambda: later)
    assert line.sent_to(TEXTER)[-3:] == ["first", "first", "second"]
    with line.rt.db.session() as session:
        assert session.scalar(select(Outbox.status).where(Outbox.id == first_id)) == "sent"


def test_a_permanent_error_fails_without_retrying_and_wipes_the_words(line: Line) -> None:
    claimed(line)
    line.fake.fail_for(TEXTER, 400, 21610)
    line.text(SAM, "are you there?")
    attempts = len(line.sent_to(TEXTER))
    with line.rt.db.session() as session:
        row = session.scalars(
            select(Outbox).where(Outbox.contact_id.is_not(None)).order_by(Outbox.id.desc())
        ).first()
        assert row is not None
        assert (row.status, row.error_code, row.body_sealed) == ("failed", 21610, None)
        row_id = row.id
    later = utcnow() + timedelta(hours=1)
    outbox.send(line.rt.db, line.rt.vault, line.rt.transport, row_id, lambda: later)
    assert len(line.sent_to(TEXTER)) == attempts


def test_status_callbacks_move_forward_only(line: Line) -> None:
    claimed(line)
    with line.rt.db.session() as session:
        sid = session.scalars(
            select(Outbox.twilio_sid).where(Outbox.twilio_sid.is_not(None))
        ).first()
    assert sid

    def report(status: str) -> int:
        form = {"MessageSid": sid, "MessageStatus": status, "AccountSid": "AC" + "a1" * 16}
        signature = line.validator.compute_signature(PUBLIC_URL + "/twilio/sms/status", form)
        response = line.client.post(
            "/twilio/sms/status", data=form, headers={"X-Twilio-Signature": signature}
        )
        return response.status_code

    def status() -> str | None:
        with line.rt.db.session() as session:
            return session.scalar(select(Outbox.status).where(Outbox.twilio_sid == sid))

    assert report("delivered") == 204 and status() == "delivered"
    assert report("sent") == 204 and status() == "delivered"
    assert (
        line.client.post(
            "/twilio/sms/status", data={"MessageSid": sid, "MessageStatus": "failed"}
        ).status_code
        == 403
    )
    assert status() == "delivered"


def test_a_send_cut_off_by_a_dead_worker_is_sent_again_and_marked(line: Line) -> None:
    claimed(line)
    line.text(SAM, "after the crash")
    with line.rt.db.session() as session:
        row = session.scalars(select(Outbox).order_by(Outbox.id.desc())).first()
        assert row is not None
        row.status, row.body_sealed = "sending", line.rt.vault.seal("after the crash")
        row.updated_at = utcnow() - timedelta(minutes=5)
        session.commit()
        row_id = row.id
    sweep(line.rt)
    with line.rt.db.session() as session:
        row = session.get_one(Outbox, row_id)
        assert (row.status, row.interrupted) == ("sent", True)
    assert line.sent_to(TEXTER)[-2:] == ["after the crash", "after the crash"]


def test_with_redis_down_the_webhook_answers_fast_and_the_sweeper_relays_later(line: Line) -> None:
    claimed(line)
    working_queue = line.rt.queue
    line.rt.queue = RedisJobQueue("redis://127.0.0.1:1/0")  # nothing listens there
    try:
        started = time.monotonic()
        response = line.post_sms(TEXTER, "are you still there?")
        assert response.status_code == 200
        assert time.monotonic() - started < 1.0
        assert line.sent_to(SAM)[-1] != "#" + "are you still there?"
        with line.rt.db.session() as session:
            session.execute(
                update(InboundMessage).values(received_at=utcnow() - timedelta(seconds=30))
            )
            session.commit()
        report = sweep(line.rt)
    finally:
        line.rt.queue = working_queue
    assert report.inbound == 1
    assert line.sent_to(SAM)[-1].endswith(": are you still there?")


def _run_one_job(line: Line) -> None:
    worker = SimpleWorker([QUEUE_NAME], connection=line.redis, serializer=JSONSerializer)
    worker.work(burst=True, max_jobs=1, logging_level="WARNING")


def test_a_relayed_text_goes_out_in_the_job_that_processed_it(line: Line) -> None:
    claimed(line)
    assert line.post_sms(TEXTER, "are you there?").status_code == 200
    assert line.rt.queue.rq_queue.count == 1  # type: ignore[attr-defined]
    _run_one_job(line)
    assert line.sent_to(SAM)[-1].endswith("are you there?")
    assert line.rt.queue.rq_queue.count == 0  # type: ignore[attr-defined]


class _FailsOnce:
    """A carrier connection that breaks once in a way no carrier error describes."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        self.failed = False

    def send(self, *, from_number: str, to_number: str, body: str, label: str) -> str:
        if not self.failed:
            self.failed = True
            raise ConnectionResetError("the connection to the carrier broke")
        return self.transport.send(
            from_number=from_number, to_number=to_number, body=body, label=label
        )


def test_a_text_that_cannot_be_sent_in_its_job_is_queued_and_delivered_once(line: Line) -> None:
    ref = claimed(line)
    line.rt.transport = _FailsOnce(line.rt.transport)
    assert line.post_sms(TEXTER, "still there?").status_code == 200
    _run_one_job(line)
    assert not any(body.endswith("still there?") for body in line.sent_to(SAM))
    assert line.rt.queue.rq_queue.count == 1  # type: ignore[attr-defined]  # its own send job
    line.drain()
    assert [b for b in line.sent_to(SAM) if b.endswith("still there?")] == [f"#{ref}: still there?"]


def _report_status(line: Line, sid: str, status: str, error_code: str = "") -> None:
    form = {"MessageSid": sid, "MessageStatus": status, "AccountSid": "AC" + "a1" * 16}
    if error_code:
        form["ErrorCode"] = error_code
    signature = line.validator.compute_signature(PUBLIC_URL + "/twilio/sms/status", form)
    response = line.client.post(
        "/twilio/sms/status", data=form, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 204


def test_a_peer_hears_when_their_words_cannot_reach_the_texter(line: Line) -> None:
    ref = claimed(line)
    line.fake.fail_for(TEXTER, 400, 21614)  # not a mobile number
    line.text(SAM, "are you there?")
    sweep(line.rt)
    assert line.sent_to(SAM)[-1] == (
        f"#{ref}: your text did not reach the texter: the number cannot take texts from this "
        "line. Later texts may not reach them either."
    )


def test_a_late_undelivered_report_tells_the_peer_once(line: Line) -> None:
    ref = claimed(line)
    line.text(SAM, "thinking of you")
    with line.rt.db.session() as session:
        sid = session.scalars(
            select(Outbox.twilio_sid)
            .where(Outbox.contact_id.is_not(None))
            .order_by(Outbox.id.desc())
        ).first()
    assert sid
    told = len(line.sent_to(SAM))
    _report_status(line, sid, "undelivered", "30003")
    _report_status(line, sid, "undelivered", "30003")  # Twilio may say it twice
    sweep(line.rt)
    assert line.sent_to(SAM)[told:] == [
        f"#{ref}: your text did not reach the texter: their phone is off or out of reach. "
        "Later texts may not reach them either."
    ]


def test_nobody_is_told_of_a_failed_text_when_no_peer_holds_the_conversation(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    line.fake.fail_for(TEXTER, 400, 21211)
    line.text(TEXTER, "hello")  # the greeting fails for good
    sweep(line.rt)
    assert [b for b in line.sent_to(SAM) if "did not reach" in b] == []
    assert any("waiting to talk" in b for b in line.sent_to(SAM))
