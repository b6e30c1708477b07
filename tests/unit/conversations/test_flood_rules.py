"""Floods: when a texter's texts are gathered, and how the peer reads them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from warmline.conversations.rules import floods

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("texts", "flooding"),
    [(0, False), (10, False), (20, False), (21, True), (60, True)],
)
def test_more_than_twenty_texts_in_the_window_is_a_flood(texts: int, flooding: bool) -> None:
    assert floods.is_flood(texts) is flooding


def test_one_text_a_second_is_never_a_flood() -> None:
    window_s = (NOW - floods.flood_since(NOW)).total_seconds()
    assert not floods.is_flood(int(window_s))


def test_gathered_texts_are_due_a_few_seconds_on() -> None:
    assert floods.gathered_due(NOW) == NOW + timedelta(seconds=5)


def test_gathered_texts_read_one_a_line_in_order() -> None:
    assert floods.gathered(["first", "second", "third"]) == "first\nsecond\nthird"
