"""Shared experience and continuity: who is offered a texter first, and for how long."""

from __future__ import annotations

from sqlalchemy import String, Text, func, select

from tests.integration.conftest import Line
from tests.integration.conversations.test_escalation import sweep_at
from tests.integration.conversations.test_sms_flow import ALEX, SAM, TEXTER, ref_offered
from warmline.lines.lines import get_line, set_line
from warmline.models import Base, Conversation, Timer

OTHER = "+15550009002"


def offers(line: Line, number: str) -> list[str]:
    """The offers a peer has received, in order (in English or, for a Spanish-first peer, Spanish)."""
    return [b for b in line.sent_to(number) if "waiting to talk" in b or "espera para hablar" in b]


def sam_and_alex(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    line.add_volunteer("Alex Rivera", ALEX)


def talked_before_with_alex(line: Line, consent: str | None = "YES") -> None:
    """A first conversation the texter had with Alex, who agreed to continuity."""
    line.text(ALEX, "CONTINUITY ON alex")
    line.text(TEXTER, "hi")
    line.text(ALEX, ref_offered(line, ALEX))
    line.text(ALEX, "DONE")
    if consent is not None:  # the answer to the question the goodbye asked
        line.text(TEXTER, consent)
    no_reopening(line)  # the texter returns another day, not just after DONE


def no_reopening(line: Line) -> None:
    """A texter's next text starts a new conversation even just after DONE."""
    with line.rt.db.session() as session:
        set_line(session, get_line(session, line.number), ["reopen_window_s=0"])


def test_a_texter_with_panic_attacks_is_offered_first_to_the_peer_with_anxiety_then_to_all(
    line: Line,
) -> None:
    sam_and_alex(line)
    line.text(SAM, "TOPICS anxiety, grief")
    assert "Your topics: anxiety, grief" in line.sent_to(SAM)[-1]

    line.text(TEXTER, "panic attacks again tonight")
    assert len(offers(line, SAM)) == 1 and "about anxiety" in offers(line, SAM)[0]
    assert offers(line, ALEX) == []
    assert "A peer will text you here soon" in line.sent_to(TEXTER)[0]

    sweep_at(line, 30)
    assert offers(line, ALEX) == []  # still Sam's head start
    for _ in range(2):  # the head start widens once, whichever sweep gets there
        sweep_at(line, 46)
    assert len(offers(line, ALEX)) == 1 and len(offers(line, SAM)) == 1
    ref = ref_offered(line, SAM)
    assert ref == ref_offered(line, ALEX)
    line.text(ALEX, ref)
    assert line.sent_to(ALEX)[-1] == f"#{ref}: panic attacks again tonight"


def test_spanish_words_with_accents_find_the_topic(line: Line) -> None:
    sam_and_alex(line)
    line.text(ALEX, "TOPICS ansiedad")  # a synonym names the topic
    assert "Your topics: anxiety" in line.sent_to(ALEX)[-1]
    line.text(TEXTER, "tengo ATAQUES DE PÁNICO")
    assert len(offers(line, ALEX)) == 1 and offers(line, SAM) == []


def test_a_peer_coming_on_during_the_head_start_waits_for_it(line: Line) -> None:
    sam_and_alex(line)
    line.text(SAM, "TOPICS grief")
    line.text(ALEX, "OFF")
    line.text(TEXTER, "grieving my dad")
    line.text(ALEX, "ON")
    assert offers(line, ALEX) == []
    sweep_at(line, 46)
    assert len(offers(line, ALEX)) == 1


def test_no_match_and_no_previous_peer_offers_everyone_at_once(line: Line) -> None:
    sam_and_alex(line)
    line.text(SAM, "TOPICS anxiety")
    line.text(TEXTER, "rough day at work")  # names no topic
    assert len(offers(line, SAM)) == 1 and len(offers(line, ALEX)) == 1
    line.text(OTHER, "grieving")  # a topic no available peer shares
    assert len(offers(line, SAM)) == 2 and len(offers(line, ALEX)) == 2
    with line.rt.db.session() as session:
        topics = list(session.scalars(select(Conversation.topic).order_by(Conversation.id)))
        assert topics == [None, "grief"]
        assert session.scalar(select(func.count()).where(Timer.kind == "widen")) == 0
        assert (
            session.scalar(select(func.count()).where(Conversation.head_start_until.is_not(None)))
            == 0
        )


def test_crisis_words_are_never_held_back_for_a_match(line: Line) -> None:
    sam_and_alex(line)
    line.text(SAM, "TOPICS depression")
    line.text(TEXTER, "so depressed, I want to die")
    assert len(offers(line, SAM)) == 1 and len(offers(line, ALEX)) == 1
    assert "CRISIS WORDS" in offers(line, ALEX)[0]


def test_crisis_words_during_a_head_start_end_it_at_once(line: Line) -> None:
    sam_and_alex(line)
    line.text(SAM, "TOPICS grief")
    line.text(TEXTER, "grief")
    assert offers(line, ALEX) == []
    line.text(TEXTER, "I want to die")
    assert len(offers(line, ALEX)) == 1 and "CRISIS WORDS" in offers(line, ALEX)[0]


def test_a_head_start_of_zero_turns_matching_off(line: Line) -> None:
    sam_and_alex(line)
    with line.rt.db.session() as session:
        set_line(session, get_line(session, line.number), ["match_head_start_s=0"])
    line.text(SAM, "TOPICS anxiety")
    line.text(TEXTER, "panic")
    assert len(offers(line, SAM)) == 1 and len(offers(line, ALEX)) == 1


def test_a_returning_consenting_texter_is_offered_first_to_their_last_peer(line: Line) -> None:
    sam_and_alex(line)
    talked_before_with_alex(line)
    sam_offers = len(offers(line, SAM))

    line.text(TEXTER, "it's me again")
    assert "someone you talked with before" in offers(line, ALEX)[-1]
    assert len(offers(line, SAM)) == sam_offers
    assert "reply NEW" in " ".join(line.sent_to(TEXTER)[-2:])
    sweep_at(line, 46)
    assert len(offers(line, SAM)) == sam_offers + 1

    line.text(ALEX, ref_offered(line, ALEX))
    joined = line.sent_to(TEXTER)[-1]
    assert joined.startswith("Alex, the peer you talked with last time, is here")
    assert "Rivera" not in " ".join(line.sent_to(TEXTER))  # only the first name they chose


def test_a_returning_peer_without_a_chosen_name_is_not_named(line: Line) -> None:
    sam_and_alex(line)
    talked_before_with_alex(line)
    line.text(ALEX, "CONTINUITY ON")
    line.text(TEXTER, "back again")
    line.text(ALEX, ref_offered(line, ALEX))
    assert line.sent_to(TEXTER)[-1].startswith("The peer you talked with last time is here")
    assert not any("Alex" in b for b in line.sent_to(TEXTER))


def test_no_continuity_without_consent_or_without_the_peers_agreement(line: Line) -> None:
    sam_and_alex(line)
    talked_before_with_alex(line, consent=None)  # never said YES: nothing links them
    line.text(TEXTER, "again")
    assert len(offers(line, SAM)) == 2  # offered at once, with Alex
    line.text(SAM, ref_offered(line, SAM))
    line.text(SAM, "DONE")

    line.text(ALEX, "CONTINUITY OFF")
    line.text(OTHER, "hi")
    line.text(ALEX, ref_offered(line, ALEX))
    line.text(ALEX, "DONE")
    line.text(OTHER, "YES")
    sam_offers = len(offers(line, SAM))
    line.text(OTHER, "hello again")
    assert len(offers(line, SAM)) == sam_offers + 1  # Alex did not agree: no head start


def test_new_asks_for_someone_new_and_the_last_peer_is_skipped(line: Line) -> None:
    sam_and_alex(line)
    talked_before_with_alex(line)
    alex_offers = len(offers(line, ALEX))

    line.text(TEXTER, "NEW")
    assert "finding someone new" in " ".join(line.sent_to(TEXTER)[-2:])
    assert len(offers(line, ALEX)) == alex_offers  # never offered to the last peer
    ref = ref_offered(line, SAM)
    line.text(ALEX, ref)
    assert "no longer waiting" in line.sent_to(ALEX)[-1]
    sweep_at(line, 121)  # the re-offer skips Alex too
    assert len(offers(line, ALEX)) == alex_offers
    line.text(SAM, ref)
    assert line.sent_to(TEXTER)[-1].startswith("A peer is here now")
    assert not any(b.endswith(": NEW") for b in line.sent_to(SAM))


def test_new_during_the_continuity_head_start_widens_at_once(line: Line) -> None:
    sam_and_alex(line)
    talked_before_with_alex(line)
    sam_offers = len(offers(line, SAM))
    line.text(TEXTER, "me again")
    ref = ref_offered(line, ALEX)
    line.text(TEXTER, "NEW")
    assert len(offers(line, SAM)) == sam_offers + 1  # no waiting for the head start
    assert line.sent_to(ALEX)[-1] == f"#{ref} is no longer waiting for you. Thank you."
    line.text(SAM, ref)
    assert [b for b in line.sent_to(SAM) if b.startswith(f"#{ref}: ")] == [f"#{ref}: me again"]


def test_matching_stores_the_topic_only_never_the_words_or_a_number(line: Line) -> None:
    sam_and_alex(line)
    line.text(SAM, "TOPICS anxiety")
    talked_before_with_alex(line)
    line.text(TEXTER, "panic attacks at night")
    line.text(SAM, ref_offered(line, SAM))
    with line.rt.db.session() as session:
        topic = session.scalars(select(Conversation.topic).where(Conversation.topic.is_not(None)))
        assert list(topic) == ["anxiety"]
        stored = every_stored_string(session)
    for number in (TEXTER, SAM, ALEX):
        assert not any(number[2:] in value for value in stored), number
    assert not any("panic" in value.lower() for value in stored)
    for message in line.fake.messages():
        assert message["From"] == line.number
    for body in line.sent_to(TEXTER):
        assert SAM[2:] not in body and ALEX[2:] not in body
    for body in line.sent_to(SAM) + line.sent_to(ALEX):
        assert TEXTER[2:] not in body


def every_stored_string(session: object) -> list[str]:
    """Every text value in every table (sealed values are bytes and never match)."""
    values: list[str] = []
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text)]
        if not columns:
            continue
        for row in session.execute(select(*columns)):  # type: ignore[attr-defined]
            values.extend(v for v in row if isinstance(v, str))
    return values
