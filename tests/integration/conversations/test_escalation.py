"""Unclaimed texts escalate on a durable clock; crisis words, hours and idle conversations."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from tests.integration.conftest import Line
from tests.integration.conversations.test_sms_flow import ALEX, JO, RILEY, SAM, TEXTER, ref_offered
from warmline.core.clock import utcnow
from warmline.lines.lines import get_line, set_line
from warmline.models import Conversation, Timer
from warmline.ops.sweeper import sweep
from warmline.rota import shifts
from warmline.rota.rules.hours import DAYS

BACKUP = "+15550006666"


def sweep_at(line: Line, seconds: float) -> None:
    """Run the sweeper as if `seconds` had passed, then deliver what it queued."""
    later = utcnow() + timedelta(seconds=seconds)
    sweep(line.rt, clock=lambda: later)
    line.drain()


def count(bodies: list[str], text: str) -> int:
    return sum(text in b for b in bodies)


def staffed(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    line.add_volunteer("Bo", BACKUP, role="backup")
    line.add_volunteer("Riley", RILEY, role="coordinator")


def test_an_unclaimed_text_is_reoffered_with_backups_then_escalated_then_the_texter_is_told(
    line: Line,
) -> None:
    staffed(line)
    line.text(TEXTER, "is anyone there")
    assert count(line.sent_to(SAM), "waiting to talk") == 1
    assert line.sent_to(BACKUP) == []  # backups wait for the re-offer

    for _ in range(2):  # a second sweep at the same time does nothing more
        sweep_at(line, 121)
    assert count(line.sent_to(SAM), "waiting to talk") == 2
    assert count(line.sent_to(BACKUP), "waiting to talk") == 1
    assert line.sent_to(RILEY) == []

    for _ in range(2):
        sweep_at(line, 301)
    assert count(line.sent_to(RILEY), "no peer has taken it") == 1
    assert count(line.sent_to(TEXTER), "every peer is busy") == 0

    for _ in range(2):
        sweep_at(line, 601)
    # Sam and Bo are still available: the texter hears the truth, not "everyone is busy".
    told = [b for b in line.sent_to(TEXTER) if "you are still in line" in b]
    assert len(told) == 1 and "988" in told[0]
    assert count(line.sent_to(TEXTER), "every peer is busy") == 0
    with line.rt.db.session() as session:
        assert session.scalar(select(Conversation.status)) == "waiting"  # still in the queue
        assert session.scalar(select(func.count()).where(Timer.done_at.is_(None))) == 0


def test_a_claim_stops_the_escalation(line: Line) -> None:
    staffed(line)
    line.text(TEXTER, "hi")
    line.text(SAM, ref_offered(line, SAM))
    sweep_at(line, 700)
    assert line.sent_to(RILEY) == []
    assert count(line.sent_to(TEXTER), "every peer is busy") == 0
    assert count(line.sent_to(BACKUP), "waiting to talk") == 0


def test_shorter_timeouts_set_on_the_line_are_followed(line: Line) -> None:
    staffed(line)
    with line.rt.db.session() as session:
        target = get_line(session, line.number)
        set_line(
            session, target, ["offer_timeout_s=5", "escalate_timeout_s=10", "fallback_timeout_s=15"]
        )
    line.text(TEXTER, "hello")
    sweep_at(line, 11)
    assert count(line.sent_to(BACKUP), "waiting to talk") == 1
    assert count(line.sent_to(RILEY), "no peer has taken it") == 1
    assert count(line.sent_to(TEXTER), "every peer is busy") == 0
    sweep_at(line, 16)
    assert count(line.sent_to(TEXTER), "you are still in line") == 1


def test_a_quiet_active_conversation_is_closed_kindly_after_idle_close(line: Line) -> None:
    staffed(line)
    line.text(TEXTER, "hi")
    ref = ref_offered(line, SAM)
    line.text(SAM, ref)
    sweep_at(line, 1800)
    assert not line.sent_to(TEXTER)[-1].startswith("Thank you for texting")
    sweep_at(line, 3601)
    closing, question = line.sent_to(TEXTER)[-2:]
    assert closing.startswith("Thank you for texting") and "Reply YES or NO" in question
    assert any(f"#{ref} was closed after a long quiet spell" in b for b in line.sent_to(SAM)[-2:])


def test_activity_postpones_the_idle_close(line: Line) -> None:
    staffed(line)
    line.text(TEXTER, "hi")
    line.text(SAM, ref_offered(line, SAM))
    with line.rt.db.session() as session:
        conversation = session.scalars(select(Conversation)).one()
        conversation.last_activity_at = utcnow() + timedelta(minutes=50)
        session.commit()
    sweep_at(line, 3601)
    assert not any(b.startswith("Thank you for texting") for b in line.sent_to(TEXTER))
    sweep_at(line, 3000 + 3601)
    assert line.sent_to(TEXTER)[-2].startswith("Thank you for texting")


def test_crisis_words_in_the_first_text_bring_the_safety_text_a_flag_and_the_coordinator(
    line: Line,
) -> None:
    staffed(line)
    line.text(TEXTER, "I keep thinking I want to die")
    # One first reply, the safety text itself: who we are, and the crisis numbers.
    (safety,) = line.sent_to(TEXTER)
    assert safety.startswith("Hi, this is Test Warmline. It sounds like things are really hard")
    assert "if you are in danger, call or text 988, or call 911" in safety
    assert count(line.sent_to(SAM), "CRISIS WORDS") == 1
    assert count(line.sent_to(RILEY), "crisis words in #") == 1
    line.text(TEXTER, "I want to die, honestly")
    assert len([b for b in line.sent_to(TEXTER) if "It sounds like" in b]) == 1
    assert count(line.sent_to(RILEY), "crisis words in #") == 1


def test_crisis_words_in_a_later_text_flag_an_active_conversation_for_its_peer(line: Line) -> None:
    staffed(line)
    line.text(TEXTER, "rough week")
    ref = ref_offered(line, SAM)
    line.text(SAM, ref)
    line.text(TEXTER, "sometimes I think about suicide")
    assert count(line.sent_to(SAM), f"#{ref}: crisis words were used") == 1
    assert count(line.sent_to(SAM), f"#{ref}: sometimes I think about suicide") == 1
    assert count(line.sent_to(RILEY), "crisis words in #") == 1


def test_spanish_crisis_words_are_recognised_without_accents(line: Line) -> None:
    staffed(line)
    line.text(TEXTER, "a veces quiero MORIR")
    assert count(line.sent_to(SAM), "CRISIS WORDS") == 1


def test_a_crisis_conversation_goes_ahead_of_older_ones(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    line.text(SAM, "OFF")
    line.text(TEXTER, "just want to talk")
    line.text("+15550009002", "I don't want to live, I might overdose")
    line.text(SAM, "ON")
    offers = [b for b in line.sent_to(SAM) if "waiting to talk" in b]
    assert len(offers) == 1 and "CRISIS WORDS" in offers[0]


def test_outside_hours_the_texter_gets_the_hours_and_no_volunteer_is_disturbed(line: Line) -> None:
    staffed(line)
    today = utcnow().astimezone(ZoneInfo("America/New_York")).weekday()
    open_day = DAYS[(today + 3) % 7]  # open one morning a week, never today
    with line.rt.db.session() as session:
        shifts.set_hours(session, line.number, f"{open_day} 10:00-11:00")
    line.text(TEXTER, "hello?")
    reply = line.sent_to(TEXTER)
    assert len(reply) == 1 and "closed right now" in reply[0] and "988" in reply[0]
    assert f"{open_day.title()} 10:00-11:00" in reply[0]
    assert line.sent_to(SAM) == [] and line.sent_to(BACKUP) == [] and line.sent_to(RILEY) == []
    with line.rt.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Conversation)) == 0


def test_a_closure_closes_the_line_and_waiting_texters_are_told_at_closing_time(line: Line) -> None:
    line.add_volunteer("Jo", JO, on_shift=False)
    line.text(TEXTER, "hi")  # nobody on shift: waits
    start = utcnow() + timedelta(minutes=10)
    with line.rt.db.session() as session:
        shifts.add_closure(
            session,
            line.number,
            start.isoformat(),
            (start + timedelta(days=1)).isoformat(),
            "holiday",
            utcnow(),
        )
    sweep_at(line, 60)
    assert "closing now" not in line.sent_to(TEXTER)[-1]
    sweep_at(line, 11 * 60)
    assert "closing now" in line.sent_to(TEXTER)[-1]
    with line.rt.db.session() as session:
        assert session.scalar(select(Conversation.outcome)) == "line_closed"


def test_longest_idle_offers_one_volunteer_at_a_time_fairly(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    line.add_volunteer("Alex", ALEX)
    with line.rt.db.session() as session:
        target = get_line(session, line.number)
        target.offer_strategy = "longest_idle"
        session.commit()
    line.text(TEXTER, "one")
    line.text("+15550009002", "two")
    first = [b for b in line.sent_to(SAM) if "waiting" in b]
    second = [b for b in line.sent_to(ALEX) if "waiting" in b]
    assert len(first) == 1 and len(second) == 1 and first[0] != second[0]
