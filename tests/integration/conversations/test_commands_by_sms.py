"""Peers' texts mean what they meant: commands in any spelling, tag answers, hints that work."""

from __future__ import annotations

import pytest

from tests.integration.conftest import Line
from tests.integration.conversations.test_sms_flow import ref_offered

TEXTER = "+15550009001"
OTHER = "+15550009002"
SAM = "+15550002222"


def one_open(line: Line, texter: str = TEXTER) -> str:
    """Sam takes a conversation from `texter`; its reference."""
    line.text(texter, "hi, is anyone there?")
    ref = ref_offered(line, SAM)
    line.text(SAM, ref)
    return ref


def two_open(line: Line) -> tuple[str, str]:
    """Sam has two conversations open; their references, oldest first."""
    line.add_volunteer("Sam", SAM)
    first = one_open(line, TEXTER)
    second = one_open(line, OTHER)
    return first, second


def new_to(line: Line, number: str, before: int) -> list[str]:
    return line.sent_to(number)[before:]


@pytest.mark.parametrize("word", ["SKIP", "talked", "Talked.", "skip!"])
def test_a_tag_answer_with_another_conversation_open_is_never_relayed(
    line: Line, word: str
) -> None:
    first, second = two_open(line)
    line.text(SAM, f"DONE {first}")
    question = line.sent_to(SAM)[-1]
    assert question.startswith(f"How did #{first} go? Reply TAG and one word")
    assert "TAG SKIP" in question
    before = len(line.sent_to(OTHER))

    line.text(SAM, word)

    assert new_to(line, OTHER, before) == []
    reply = line.sent_to(SAM)[-1]
    assert f"#{first}" in reply and f"Nothing was sent to #{second}" in reply
    line.text(SAM, "still with you")
    assert line.sent_to(OTHER)[-1] == "still with you"


def test_with_nothing_else_open_the_tag_question_asks_for_one_word(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    ref = one_open(line)
    line.text(SAM, "done")
    assert line.sent_to(SAM)[-1].startswith(f"How did #{ref} go? Reply with one word")
    line.text(SAM, "SKIP")
    assert line.sent_to(SAM)[-1] == f"Okay: no tag for #{ref}."


@pytest.mark.parametrize("body", ["done.", "Done!", "DONE 👍", "done 🙏🏽"])
def test_done_with_punctuation_or_an_emoji_closes(line: Line, body: str) -> None:
    line.add_volunteer("Sam", SAM)
    ref = one_open(line)
    line.text(SAM, body)
    assert line.sent_to(TEXTER)[-2].startswith("Thank you for texting")  # then the consent question
    assert body not in line.sent_to(TEXTER)
    assert any(f"#{ref} is closed" in b for b in line.sent_to(SAM)[-3:])


def test_pass_with_a_question_mark_passes(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    ref = one_open(line)
    line.text(SAM, "pass?")
    assert f"#{ref} is back in the queue" in line.sent_to(SAM)[-1]
    assert "pass?" not in line.sent_to(TEXTER)


def test_with_nothing_open_a_text_not_understood_says_so_and_shows_help(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    line.text(SAM, "Talked.")
    said = line.sent_to(SAM)
    assert said[0].startswith("Not sent: that is not a command")
    assert said[1].startswith("Reply a ref (K4P) to take a conversation")
    assert len(said) == 3

    line.text(SAM, "off.")
    assert line.sent_to(SAM)[-1].startswith("You're OFF")
    line.text(SAM, "help?")
    assert line.sent_to(SAM)[-2].startswith("Reply a ref (K4P)")
    assert line.sent_to(TEXTER) == []


def test_words_that_begin_like_a_command_reach_the_texter(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    one_open(line)
    for body in (
        "Topics like this are hard to bring up",
        "Res is short for residence, right?",
        "Tag, you're it 😄",
        "Continuity on my end is what matters",
    ):
        line.text(SAM, body)
        assert line.sent_to(TEXTER)[-1] == body
    line.text(SAM, "TOPICS grief, anxiety")
    assert line.sent_to(SAM)[-1].startswith("Your topics: grief, anxiety")
    assert line.sent_to(TEXTER)[-1] == "Continuity on my end is what matters"


@pytest.mark.parametrize(("word", "then"), [("done", "closed"), ("PASS", "back in the queue")])
def test_a_bare_command_with_two_open_names_the_form_that_works(
    line: Line, word: str, then: str
) -> None:
    first, second = two_open(line)
    line.text(SAM, word)
    hint = line.sent_to(SAM)[-1]
    upper = word.upper()
    assert f"Say which: {upper} {first} or {upper} {second}." in hint
    line.text(SAM, f"{upper} {second}")
    assert then in line.sent_to(SAM)[-1] or any(then in b for b in line.sent_to(SAM)[-3:])


def test_every_command_taken_gets_a_reply(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    ref = one_open(line)
    for body in (
        "STATUS",
        "status?",
        "HELP",
        "PAUSE 5",
        "ON",
        "OFF",
        "on.",
        "TOPICS",
        "topics anxiety",
        "TOPICS NONE",
        "RES",
        "CONTINUITY ON Sam",
        "continuity off",
        "SWAP",
        "CLAIM AB23",
        "CALL K4P",
        "CHECKIN",
        "TAG talked",
        "ESCALATE",
        f"TAKE {ref}",
        "done 👍",
    ):
        before = len(line.sent_to(SAM))
        texter_before = len(line.sent_to(TEXTER))
        line.text(SAM, body)
        assert len(line.sent_to(SAM)) > before, f"{body!r} got no reply"
        if body != "done 👍":
            assert len(line.sent_to(TEXTER)) == texter_before, f"{body!r} reached the texter"


def test_a_reference_and_an_emoji_claims_an_offer(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    line.text(TEXTER, "hello")
    ref = ref_offered(line, SAM)
    line.text(SAM, f"{ref} 👍")
    assert f"You have #{ref}" in " ".join(line.sent_to(SAM))
    line.text(SAM, f"#{ref} 👍")
    assert line.sent_to(TEXTER)[-1] == "👍"
