"""How a settings change reads in the audit log."""

from __future__ import annotations

import pytest

from warmline.lines.rules.audit import change, masked


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("number:+15550004444", "number:number ending 44"),
        ("call (555) 000-1111 now", "call number ending 11 now"),
        ("call or text 988, or call 911", "call or text 988, or call 911"),
        ("120", "120"),
    ],
)
def test_phone_numbers_are_masked_and_short_numbers_kept(text: str, shown: str) -> None:
    assert masked(text) == shown


def test_a_change_reads_old_then_new_and_long_text_is_shortened() -> None:
    assert change("offer_timeout_s", "120", "60") == "offer_timeout_s: “120” → “60”"
    assert change("greeting", "", "x" * 100) == f"greeting: (empty) → “{'x' * 59}…”"


def test_a_secret_is_never_written_down() -> None:
    assert change("smtp_password", "old secret", "new secret") == "smtp_password: changed"
