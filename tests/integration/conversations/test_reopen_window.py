"""A texter's text soon after DONE goes back to the peer who closed it; a goodbye pages nobody."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from tests.integration.conftest import Line
from tests.integration.conversations.test_sms_flow import ref_offered
from warmline.core.clock import utcnow
from warmline.lines.lines import get_line, set_line
from warmline.models import ContactLogEntry, Conversation, Shift
from warmline.rota import service

TEXTER = "+15550009001"
SAM = "+15550002222"
ALEX = "+15550003333"
OTHER = "+15550009002"


def sam_talks_and_closes(line: Line, first: str = "hi, rough night") -> str:
    """Sam and Alex on shift; Sam takes the texter's conversation and closes it."""
    line.add_volunteer("Sam", SAM)
    line.add_volunteer("Alex", ALEX)
    line.text(TEXTER, first)
    ref = ref_offered(line, SAM)
    line.text(SAM, ref)
    line.text(SAM, "I'm glad you texted")
    line.text(SAM, "DONE")
    line.text(SAM, "talked")
    return ref


def offers(line: Line, number: str) -> list[str]:
    return [b for b in line.sent_to(number) if "waiting to talk" in b]


def settings(line: Line, *assignments: str) -> None:
    with line.rt.db.session() as session:
        set_line(session, get_line(session, line.number), list(assignments))


def conversations(line: Line) -> int:
    with line.rt.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Conversation)) or 0)


def test_a_goodbye_soon_after_done_goes_back_to_the_same_peer_as_the_same_reference(
    line: Line,
) -> None:
    ref = sam_talks_and_closes(line)
    texter_before = len(line.sent_to(TEXTER))
    alex_offers = len(offers(line, ALEX))

    line.text(TEXTER, "thank you so much, bye!")

    assert line.sent_to(SAM)[-2].startswith(f"#{ref} texted again just after it closed")
    assert line.sent_to(SAM)[-1] == f"#{ref}: thank you so much, bye!"
    assert line.sent_to(TEXTER)[texter_before:] == []  # no greeting again
    assert len(offers(line, ALEX)) == alex_offers  # the rota is not paged
    assert conversations(line) == 1

    line.text(SAM, "Take care of yourself 💛")
    assert line.sent_to(TEXTER)[-1] == "Take care of yourself 💛"
    line.text(SAM, "DONE")
    assert line.sent_to(TEXTER)[-1].startswith("Thank you for texting")  # asked once already
    assert f"#{ref} is closed" in " ".join(line.sent_to(SAM)[-3:])
    assert not line.sent_to(SAM)[-1].startswith("How did")  # tagged the first time


def test_with_consent_a_reopened_conversation_keeps_one_log_row(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    line.text(TEXTER, "hello")
    line.text(SAM, ref_offered(line, SAM))
    line.text(SAM, "done")
    line.text(TEXTER, "YES")  # to the question the goodbye asked: an answer, not a reopening
    line.text(TEXTER, "one more thing actually")
    assert line.sent_to(SAM)[-1].endswith(": one more thing actually")
    line.text(SAM, "done")
    with line.rt.db.session() as session:
        rows = session.scalars(select(ContactLogEntry)).all()
        assert len(rows) == 1 and rows[0].duration_s is not None


def test_when_the_peer_has_left_the_shift_a_goodbye_pages_nobody_and_words_start_anew(
    line: Line,
) -> None:
    sam_talks_and_closes(line)
    with line.rt.db.session() as session:
        for shift in session.scalars(select(Shift).order_by(Shift.id)).all():
            service.cancel_shift(session, shift, utcnow())  # Sam's and Alex's shifts end
        session.commit()
    line.add_volunteer("Jo", "+15550005555")
    texter_before = len(line.sent_to(TEXTER))

    line.text(TEXTER, "thanks again, goodnight 🙏")

    assert line.sent_to(TEXTER)[texter_before:] == []
    assert offers(line, "+15550005555") == []
    assert conversations(line) == 1

    line.text(TEXTER, "actually I can't sleep")
    assert "A peer will text you here soon" in line.sent_to(TEXTER)[texter_before]
    assert len(offers(line, "+15550005555")) == 1
    assert conversations(line) == 2


def test_after_the_window_or_with_it_off_a_text_is_a_new_conversation(line: Line) -> None:
    sam_talks_and_closes(line)
    with line.rt.db.session() as session:
        session.execute(update(Conversation).values(closed_at=func.now() - timedelta(minutes=11)))
        session.commit()
    line.text(TEXTER, "hi again")
    assert "A peer will text you here soon" in line.sent_to(TEXTER)[-1]
    assert conversations(line) == 2

    line.text(SAM, ref_offered(line, SAM))
    line.text(SAM, "done")
    settings(line, "reopen_window_s=0")
    line.text(TEXTER, "thanks, bye")
    assert conversations(line) == 3


def test_a_peer_at_capacity_is_not_given_it_back(line: Line) -> None:
    settings_after = "max_active_per_volunteer=1"
    ref = sam_talks_and_closes(line)
    settings(line, settings_after)
    line.text(OTHER, "hello")
    line.text(SAM, ref_offered(line, SAM))
    line.text(TEXTER, "wait, one more thing")
    assert not any(b.startswith(f"#{ref} texted again") for b in line.sent_to(SAM))
    assert conversations(line) == 3
