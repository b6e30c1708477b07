"""What relaying one text costs the worker in SQL statements, so the count cannot creep back up."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection

from tests.integration.conftest import Line
from tests.integration.conversations.test_commands_by_sms import SAM, TEXTER, one_open

# 31 before; reached by reading in one statement each the text with its line and the line's own
# texts, the sender (volunteer, contact, block), the peer with the flood count, and a text to
# send with its line and recipient.
MOST_STATEMENTS = 23
# The savepoints this test's one shared transaction adds where the worker would commit.
SAVEPOINTS = ("SAVEPOINT", "RELEASE SAVEPOINT")


def test_a_text_in_an_active_conversation_reaches_the_peer_in_few_statements(
    line: Line, connection: Connection
) -> None:
    line.add_volunteer("Sam", SAM)
    ref = one_open(line)
    told = len(line.sent_to(SAM))
    assert line.post_sms(TEXTER, "are you still there?").status_code == 200
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not statement.startswith(SAVEPOINTS):
            statements.append(statement)

    event.listen(connection, "before_cursor_execute", count)
    try:
        line.drain()
    finally:
        event.remove(connection, "before_cursor_execute", count)

    assert line.sent_to(SAM)[told:] == [f"#{ref}: are you still there?"]
    assert len(statements) <= MOST_STATEMENTS, "\n".join(statements)
