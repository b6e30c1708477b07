"""Care for the carers (debriefs, cool-downs, PAUSE, shift caps) and gentle daily limits."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.integration.conftest import Line
from tests.integration.conversations.test_escalation import sweep_at
from tests.integration.conversations.test_peer_matching import offers
from tests.integration.conversations.test_sms_flow import ALEX, RILEY, SAM, TEXTER, ref_offered
from warmline.lines.lines import get_line, set_line
from warmline.models import Conversation

SECOND = "+15550009002"


def staffed(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    line.add_volunteer("Alex", ALEX)
    line.add_volunteer("Riley", RILEY, role="coordinator")


def settings(line: Line, *assignments: str) -> None:
    with line.rt.db.session() as session:
        set_line(session, get_line(session, line.number), list(assignments))


def sam_closes(line: Line, first_text: str, escalate: bool = False) -> str:
    """Sam takes the texter's conversation and closes it."""
    line.text(TEXTER, first_text)
    ref = ref_offered(line, SAM)
    line.text(SAM, ref)
    if escalate:
        line.text(SAM, "ESCALATE")
    line.text(SAM, "DONE")
    return ref


def test_after_a_crisis_conversation_the_peer_gets_a_debrief_and_a_cool_down(line: Line) -> None:
    staffed(line)
    ref = sam_closes(line, "I want to die")
    debrief = [b for b in line.sent_to(SAM) if "That sounded hard" in b]
    assert (
        len(debrief) == 1 and f"#{ref}" in debrief[0] and "no new offers for 10 min" in debrief[0]
    )
    assert f"Sam just finished a hard conversation (#{ref})" in line.sent_to(RILEY)[-1]

    sam_offers = len(offers(line, SAM))
    line.text(SECOND, "hi, can we talk")
    assert len(offers(line, SAM)) == sam_offers  # cooling down
    assert len(offers(line, ALEX)) == 2  # others still are offered
    sweep_at(line, 121)  # the re-offer still passes Sam by
    assert len(offers(line, SAM)) == sam_offers

    line.text(SAM, "ON")  # the cool-down is optional: ready sooner
    assert len(offers(line, SAM)) == sam_offers + 1


def test_the_cool_down_ends_by_itself(line: Line) -> None:
    staffed(line)
    settings(line, "cooldown_min=1")
    sam_closes(line, "thinking about suicide")
    sam_offers = len(offers(line, SAM))
    line.text(SECOND, "hello")
    assert len(offers(line, SAM)) == sam_offers
    sweep_at(line, 121)  # the re-offer after the minute has passed
    assert len(offers(line, SAM)) == sam_offers + 1


def test_an_escalated_conversation_also_brings_the_debrief(line: Line) -> None:
    staffed(line)
    sam_closes(line, "it's been a lot", escalate=True)
    assert any("That sounded hard" in b for b in line.sent_to(SAM))
    assert any("just finished a hard conversation" in b for b in line.sent_to(RILEY))


def test_an_ordinary_conversation_brings_no_debrief_and_offers_go_on(line: Line) -> None:
    staffed(line)
    sam_closes(line, "rough day")
    assert not any("That sounded hard" in b for b in line.sent_to(SAM))
    assert line.sent_to(RILEY) == []
    sam_offers = len(offers(line, SAM))
    line.text(SECOND, "hi")
    assert len(offers(line, SAM)) == sam_offers + 1


def test_pause_takes_a_break_without_leaving_the_shift(line: Line) -> None:
    staffed(line)
    line.text(SAM, "PAUSE 20")
    assert line.sent_to(SAM)[-1].startswith("Paused until")
    assert "(20 min)" in line.sent_to(SAM)[-1]
    line.text(SAM, "STATUS")
    assert "Paused until" in line.sent_to(SAM)[-1]
    line.text(TEXTER, "hi")
    assert offers(line, SAM) == [] and len(offers(line, ALEX)) == 1
    line.text(SAM, "ON")
    assert len(offers(line, SAM)) == 1  # back: offered the waiting conversation


def test_the_shift_cap_stops_offers_after_that_many_conversations(line: Line) -> None:
    staffed(line)
    settings(line, "shift_cap=1")
    sam_closes(line, "hello")
    assert "limit per shift (1)" in line.sent_to(SAM)[-1]
    sam_offers = len(offers(line, SAM))
    line.text(SECOND, "hi")
    assert len(offers(line, SAM)) == sam_offers
    assert len(offers(line, ALEX)) == 2


def test_a_gentle_daily_limit_sends_a_kind_message_but_never_blocks_a_crisis(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    settings(line, "daily_limit=2", "reopen_window_s=0")  # each text a new conversation
    for _ in range(2):
        sam_closes(line, "hello")
    sam_offers = len(offers(line, SAM))

    line.text(TEXTER, "hello again")
    reply = line.sent_to(TEXTER)[-1]
    assert "keeping the line free for others until tomorrow" in reply and "988" in reply
    assert len(offers(line, SAM)) == sam_offers

    line.text(TEXTER, "I want to die")
    assert len(offers(line, SAM)) == sam_offers + 1 and "CRISIS WORDS" in offers(line, SAM)[-1]
    line.text(SECOND, "hi")  # another texter is not limited
    with line.rt.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Conversation)) == 4


def test_the_daily_limit_is_off_by_default(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    for _ in range(4):
        sam_closes(line, "hello")
    assert not any("keeping the line free" in b for b in line.sent_to(TEXTER))


def sam_takes(line: Line, first_text: str, escalate: bool = False) -> str:
    """Sam takes the texter's conversation (and escalates it, if asked)."""
    line.text(TEXTER, first_text)
    ref = ref_offered(line, SAM)
    line.text(SAM, ref)
    if escalate:
        line.text(SAM, "ESCALATE")
    return ref


def cared_for(line: Line, ref: str) -> bool:
    """Sam had the debrief and cool-down for `ref`, and the coordinator was asked to check in."""
    debriefs = [b for b in line.sent_to(SAM) if "That sounded hard" in b and f"#{ref}" in b]
    note = f"Sam just finished a hard conversation (#{ref})"
    return (
        len(debriefs) == 1
        and "no new offers for 10 min" in debriefs[0]
        and sum(note in b for b in line.sent_to(RILEY)) == 1
    )


def test_a_crisis_conversation_the_texter_ends_with_stop_still_brings_the_peers_care(
    line: Line,
) -> None:
    staffed(line)
    ref = sam_takes(line, "I want to die")
    line.text(TEXTER, "STOP")
    assert any("the texter opted out" in b for b in line.sent_to(SAM))
    assert cared_for(line, ref)
    sam_offers = len(offers(line, SAM))
    line.text(SECOND, "hi, can we talk")
    assert len(offers(line, SAM)) == sam_offers  # cooling down


def test_an_escalated_conversation_the_texter_forgets_still_brings_the_peers_care(
    line: Line,
) -> None:
    staffed(line)
    ref = sam_takes(line, "it's been a lot", escalate=True)
    line.text(TEXTER, "FORGET")
    assert cared_for(line, ref)


def test_a_crisis_conversation_closed_for_quiet_still_brings_the_peers_care(line: Line) -> None:
    staffed(line)
    ref = sam_takes(line, "thinking about suicide")
    sweep_at(line, 3601)
    assert any("closed after a long quiet spell" in b for b in line.sent_to(SAM))
    assert cared_for(line, ref)


def test_an_ordinary_conversation_the_texter_ends_brings_no_debrief(line: Line) -> None:
    staffed(line)
    sam_takes(line, "rough day")
    line.text(TEXTER, "STOP")
    assert not any("That sounded hard" in b for b in line.sent_to(SAM))
    assert not any("hard conversation" in b for b in line.sent_to(RILEY))
