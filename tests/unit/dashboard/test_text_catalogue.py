"""The line's texts page says who receives every text the line sends, and when."""

from __future__ import annotations

from warmline.dashboard.settings.text_catalogue import GROUP_NAMES, WHEN
from warmline.lines.texts import NOT_HERE
from warmline.messaging import wording
from warmline.messaging.wording_parts import PIECES


def test_every_text_a_line_can_change_is_described_and_nothing_else() -> None:
    changeable = set(wording.ENGLISH) - set(NOT_HERE) - PIECES
    assert set(WHEN) == changeable
    assert {group for group, _ in WHEN.values()} == set(GROUP_NAMES)
