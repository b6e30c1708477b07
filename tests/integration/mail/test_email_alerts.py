"""Coordinators' alert e-mails reach a real SMTP server, once, with no number or words in them."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import func, select

from tests.conftest import PUBLIC_URL
from tests.integration.conftest import Line
from tests.integration.conversations.test_sms_flow import RILEY, SAM, TEXTER, ref_offered
from tests.integration.voice_line import CALLER, RECORDING_SID, RECORDING_URL, player
from warmline.config import SmtpSettings
from warmline.core.clock import utcnow
from warmline.lines import coordinators
from warmline.lines.lines import add_line
from warmline.mail import delivery
from warmline.mail.smtp import SmtpMailer
from warmline.messaging import outbox
from warmline.models import EmailNotice
from warmline.ops.sweeper import sweep
from warmline.privacy import retention
from warmline.rota import texts as rota_sms

CRISIS_TEXT = "I want to die tonight, nobody would notice"
FROM = "alerts@warmline.example.org"


class Inbox:
    """What the SMTP server accepted: each message's recipients and raw bytes."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        """Keep the message as it arrived on the wire."""
        content = envelope.original_content or b""
        self.messages.append((list(envelope.rcpt_tos), content))
        return "250 OK"

    def to(self, address: str) -> list[str]:
        """The messages for `address`: the raw text and, after it, the decoded body."""
        found = []
        for rcpts, raw in self.messages:
            if address in rcpts:
                message = message_from_bytes(raw, policy=policy.default)
                assert isinstance(message, EmailMessage)
                body = message.get_body(("plain",))
                assert body is not None
                found.append(raw.decode() + "\n----\n" + body.get_content())
        return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server (aiosmtpd) on a loopback port, for as long as the test runs."""
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.fixture
def mailed(line: Line, inbox: tuple[Inbox, int]) -> Inbox:
    """The test line sending e-mail through the server; Sam on shift, Riley on call."""
    handler, port = inbox
    line.rt.mailer = SmtpMailer(SmtpSettings("smtp", "127.0.0.1", port, FROM))
    line.add_volunteer("Sam", SAM)
    line.add_volunteer("Riley", RILEY, role="coordinator")
    now = utcnow()
    with line.rt.db.session() as session:
        coordinators.add(session, "admin@example.org", "a long enough password", now)
        quiet = coordinators.add(session, "quiet@example.org", "a long enough password", now)
        quiet.email_alerts = False
        other = add_line(
            session, number_raw="+15550007777", name="Other Line", timezone="UTC", now=now
        )
        coordinators.add(session, "other@example.org", "a long enough password", now, lines=[other])
        session.commit()
    return handler


def deliver(line: Line, after: timedelta = timedelta(0)) -> None:
    """One sweep (it queues the due e-mails), then the worker runs the send jobs."""
    sweep(line.rt, clock=lambda: utcnow() + after)
    line.drain()


def assert_nothing_private(raw: str, *words: str) -> None:
    """No phone number in any common form, and none of the texter's words, anywhere."""
    digits = re.sub(r"\D", "", raw)
    for number in (TEXTER, SAM, RILEY):
        national = number[2:]
        assert number not in raw
        assert national not in digits, f"{number} appears in the e-mail"
        assert f"({national[:3]}) {national[3:6]}-{national[6:]}" not in raw
    for word in words:
        assert word.lower() not in raw.lower()


def test_crisis_words_reach_the_coordinators_by_email_once_and_say_nothing_private(
    line: Line, mailed: Inbox
) -> None:
    line.text(TEXTER, CRISIS_TEXT)
    ref = ref_offered(line, SAM)
    deliver(line)

    [raw] = mailed.to("admin@example.org")
    assert mailed.to("quiet@example.org") == []  # turned e-mail off
    assert mailed.to("other@example.org") == []  # coordinates another line
    assert f"Subject: [Test Warmline] crisis words in #{ref}" in raw
    assert f"From: {FROM}" in raw
    with line.rt.db.session() as session:
        line_id = session.scalar(select(EmailNotice.line_id))
    assert f"{PUBLIC_URL}/?line={line_id}" in raw
    assert_nothing_private(raw, CRISIS_TEXT, "nobody would notice", "tonight")

    deliver(line, after=timedelta(minutes=3))  # later sweeps and a re-run job send nothing again
    with line.rt.db.session() as session:
        notice_id = session.scalar(select(EmailNotice.id))
    assert notice_id is not None
    assert not delivery.send(line.rt.db, line.rt.mailer, notice_id, utcnow(), PUBLIC_URL)
    assert len(mailed.to("admin@example.org")) == 1


def test_a_conversation_nobody_takes_is_emailed_when_the_escalation_deadline_comes(
    line: Line, mailed: Inbox
) -> None:
    line.text(TEXTER, "hi, is anyone there? my number is 555 000 9001")
    ref = ref_offered(line, SAM)
    deliver(line)
    assert mailed.to("admin@example.org") == []  # nothing to tell yet

    deliver(line, after=timedelta(minutes=6))
    [raw] = mailed.to("admin@example.org")
    assert re.search(rf"Subject: \[Test Warmline\] #{ref} has waited \d+ min with no peer", raw)
    assert_nothing_private(raw, "is anyone there", "my number")


def test_escalate_from_a_peer_is_emailed_with_the_peers_first_name_only(
    line: Line, mailed: Inbox
) -> None:
    line.text(TEXTER, "work has been awful")
    ref = ref_offered(line, SAM)
    line.text(SAM, ref)
    line.text(SAM, "escalate")
    deliver(line)
    [raw] = mailed.to("admin@example.org")
    assert f"Subject: [Test Warmline] Sam asks for support with #{ref}" in raw
    assert_nothing_private(raw, "work has been awful")


def test_a_server_that_refuses_is_tried_again_later_and_the_email_then_arrives(
    line: Line, mailed: Inbox
) -> None:
    good = line.rt.mailer
    line.rt.mailer = SmtpMailer(SmtpSettings("smtp", "127.0.0.1", free_port(), FROM), timeout=2)
    line.text(TEXTER, CRISIS_TEXT)
    deliver(line)
    with line.rt.db.session() as session:
        notice = session.scalars(select(EmailNotice)).one()
        assert notice.sent_at is None and notice.attempts == 1
        assert notice.last_error == "ConnectionRefusedError"
    assert mailed.messages == []

    line.rt.mailer = good
    deliver(line, after=timedelta(minutes=1))  # not due yet: backing off
    assert mailed.messages == []
    deliver(line, after=timedelta(minutes=5))
    assert len([m for m in mailed.to("admin@example.org") if "crisis words" in m]) == 1


def test_a_process_without_smtp_leaves_alerts_to_one_with_it_then_drops_them(
    line: Line, mailed: Inbox
) -> None:
    good = line.rt.mailer
    line.rt.mailer = None  # this process has no SMTP_URL (the simulator beside `warmline run`)
    line.text(TEXTER, CRISIS_TEXT)
    deliver(line)
    line.rt.mailer = good  # the process that has it sends the alert
    deliver(line)
    assert len(mailed.to("admin@example.org")) == 1

    line.rt.mailer = None
    line.text(TEXTER, CRISIS_TEXT + " still")  # the same conversation: its crisis alert was once
    with line.rt.db.session() as session:
        before = session.scalar(select(func.count()).select_from(EmailNotice))
    deliver(line, after=timedelta(hours=2))  # the escalation deadline comes; nobody has SMTP
    with line.rt.db.session() as session:
        unsent = session.scalars(select(EmailNotice).where(EmailNotice.sent_at.is_(None))).all()
        assert session.scalar(select(func.count()).select_from(EmailNotice)) > before
    assert unsent and all(n.next_attempt_at is not None for n in unsent)  # fresh: kept
    deliver(line, after=timedelta(hours=3, minutes=5))
    with line.rt.db.session() as session:
        unsent = session.scalars(select(EmailNotice).where(EmailNotice.sent_at.is_(None))).all()
    assert unsent and all(n.next_attempt_at is None for n in unsent)  # an hour on: dropped
    assert all(n.last_error == "SMTP_URL is not set" for n in unsent)
    line.rt.mailer = good
    deliver(line, after=timedelta(hours=3, minutes=10))
    assert len(mailed.messages) == 1  # a dropped e-mail never goes late


def test_a_coverage_gap_is_emailed_with_a_link_to_the_rota(line: Line, mailed: Inbox) -> None:
    now = utcnow()
    for outbox_id in rota_sms.alert_gaps(line.rt.db, line.rt.vault, now):
        outbox.send(line.rt.db, line.rt.vault, line.rt.transport, outbox_id, lambda: now)
    deliver(line)
    # An administrator hears of every line's gaps; the other line's coordinator of its own only.
    [raw] = [m for m in mailed.to("admin@example.org") if "[Test Warmline]" in m]
    assert "Subject: [Test Warmline] no peer on the rota " in raw
    assert f"{PUBLIC_URL}/rota?line=" in raw
    [other] = mailed.to("other@example.org")
    assert "Subject: [Other Line] no peer on the rota " in other
    assert_nothing_private(raw)


def test_a_voicemail_is_emailed_by_its_reference_never_the_callers_number(
    line: Line, mailed: Inbox
) -> None:
    call = player(line).call(CALLER, line.number)
    call.dial_ends("no-answer")  # Sam
    call.dial_ends("no-answer")  # Riley, on call
    call.leave_message(RECORDING_SID, RECORDING_URL, 23)
    call.recording_ready(RECORDING_SID, RECORDING_URL, 23)
    line.drain()
    deliver(line)
    voicemails = [m for m in mailed.to("admin@example.org") if "voicemail" in m]
    [raw] = voicemails
    match = re.search(r"Subject: \[Test Warmline\] a voicemail is waiting \(#([A-Z0-9]+)\)", raw)
    assert match, raw
    assert f"with CALL {match.group(1)}" in " ".join(raw.split())  # lines are wrapped
    assert_nothing_private(raw, RECORDING_SID, RECORDING_URL)
    digits = re.sub(r"\D", "", raw)
    assert CALLER[2:] not in digits


def test_turning_email_off_stops_alerts_already_waiting_to_go(line: Line, mailed: Inbox) -> None:
    good = line.rt.mailer
    line.rt.mailer = None
    line.text(TEXTER, CRISIS_TEXT)
    deliver(line)  # recorded, not sent yet
    with line.rt.db.session() as session:
        coordinators.set_email_alerts(
            session, coordinators.get(session, "admin@example.org"), False
        )
        session.commit()
    line.rt.mailer = good
    deliver(line, after=timedelta(minutes=1))
    assert mailed.messages == []
    with line.rt.db.session() as session:
        notice = session.scalars(select(EmailNotice)).one()
    assert notice.sent_at is None and notice.next_attempt_at is None


def test_a_sent_alert_email_is_kept_only_as_long_as_a_closed_conversation(
    line: Line, mailed: Inbox
) -> None:
    line.text(TEXTER, CRISIS_TEXT)
    line.text(SAM, ref_offered(line, SAM))
    line.text(SAM, "DONE")
    deliver(line)
    assert len(mailed.to("admin@example.org")) == 1

    def notices() -> int:
        with line.rt.db.session() as session:
            return int(session.scalar(select(func.count()).select_from(EmailNotice)) or 0)

    retention.purge(line.rt.db, line.rt.records, utcnow() + timedelta(hours=23))
    assert notices() == 1
    retention.purge(line.rt.db, line.rt.records, utcnow() + timedelta(hours=25))
    assert notices() == 0


def read_in(mailed: Inbox, address: str) -> list[EmailMessage]:
    """The messages for `address`, parsed (a Spanish subject travels encoded)."""
    found = []
    for rcpts, raw in mailed.messages:
        if address in rcpts:
            message = message_from_bytes(raw, policy=policy.default)
            assert isinstance(message, EmailMessage)
            found.append(message)
    return found


def body_of(message: EmailMessage) -> str:
    """The plain body with its wrapped lines joined."""
    body = message.get_body(("plain",))
    assert body is not None
    return " ".join(body.get_content().split())


def reads_in(address: str, language: str, line: Line) -> None:
    with line.rt.db.session() as session:
        coordinators.set_language(session, coordinators.get(session, address), language)
        session.commit()


SPANISH_DAY = r"(lun|mar|mié|jue|vie|sáb|dom) \d{1,2} [a-z]+"
ENGLISH_DAY = r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d [A-Z][a-z]+"


def test_a_coordinator_who_reads_spanish_gets_the_alert_in_spanish_and_others_english(
    line: Line, mailed: Inbox
) -> None:
    reads_in("admin@example.org", "es", line)
    line.text(TEXTER, CRISIS_TEXT)
    ref = ref_offered(line, SAM)
    deliver(line)

    [message] = read_in(mailed, "admin@example.org")
    assert message["Subject"] == f"[Test Warmline] palabras de crisis en #{ref}"
    assert message["Content-Language"] == "es"
    body = body_of(message)
    assert f"Se detectaron palabras de crisis en la conversación #{ref}." in body
    assert re.search(rf"Alerta: {SPANISH_DAY} \d{{4}} \d\d:\d\d", body), body
    assert f"{PUBLIC_URL}/account/password" in body
    assert_nothing_private(body, CRISIS_TEXT, "nobody would notice", "tonight")


def test_a_coverage_gap_is_put_into_words_in_each_coordinators_language(
    line: Line, mailed: Inbox
) -> None:
    reads_in("admin@example.org", "es", line)
    now = utcnow()
    rota_sms.alert_gaps(line.rt.db, line.rt.vault, now)
    deliver(line)
    [spanish] = [m for m in read_in(mailed, "admin@example.org") if "[Other Line]" in m["Subject"]]
    [english] = read_in(mailed, "other@example.org")  # never chose a language: English
    assert re.fullmatch(
        rf"\[Other Line\] no hay ningún compañero en los turnos {SPANISH_DAY} "
        r"\d\d:\d\d-\d\d:\d\d \(UTC\)",
        spanish["Subject"],
    ), spanish["Subject"]
    assert re.fullmatch(
        rf"\[Other Line\] no peer on the rota {ENGLISH_DAY} \d\d:\d\d-\d\d:\d\d \(UTC\)",
        english["Subject"],
    ), english["Subject"]
    assert english["Content-Language"] == "en"
    assert "Alert raised: " in body_of(english)
