"""Everything in tests/data/peer_messages.txt reaches the texter as written, through the worker."""

from __future__ import annotations

from tests.integration.conftest import Line
from tests.integration.conversations.test_commands_by_sms import OTHER, SAM, TEXTER, one_open
from tests.integration.conversations.test_resources import library
from tests.peer_messages import peer_messages


def post_all(line: Line, bodies: list[str]) -> None:
    """Post every text at once, as a busy peer would, then let the worker do it all."""
    for body in bodies:
        assert line.post_sms(SAM, body).status_code == 200
    line.drain()


def test_with_one_conversation_open_every_peer_message_is_relayed_verbatim(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    library(line)
    one_open(line)
    before = len(line.sent_to(TEXTER))
    told = len(line.sent_to(SAM))
    messages = peer_messages()

    post_all(line, messages)

    assert line.sent_to(TEXTER)[before:] == messages
    assert line.sent_to(SAM)[told:] == []  # no command was taken, so no reply


def test_with_two_open_every_peer_message_addressed_by_reference_reaches_that_texter(
    line: Line,
) -> None:
    line.add_volunteer("Sam", SAM)
    library(line)
    one_open(line, TEXTER)
    second = one_open(line, OTHER)
    before = {n: len(line.sent_to(n)) for n in (TEXTER, OTHER, SAM)}
    messages = peer_messages()

    post_all(line, [f"#{second} {m}" for m in messages])

    assert line.sent_to(OTHER)[before[OTHER] :] == messages
    assert line.sent_to(TEXTER)[before[TEXTER] :] == []
    assert line.sent_to(SAM)[before[SAM] :] == []
