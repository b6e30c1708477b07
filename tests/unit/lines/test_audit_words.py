"""How a settings change reads in the audit log."""

from __future__ import annotations

from datetime import date

import pytest

from warmline.core.errors import InvalidInput
from warmline.lines.rules.audit import AuditFilter, change, masked, read_filter


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


def test_the_audit_filter_reads_days_and_refuses_a_range_that_ends_before_it_starts() -> None:
    narrowed = read_filter(" Coord@Example.org ", "changed setting", "2027-01-10", "2027-01-12")
    assert narrowed == AuditFilter(
        "Coord@Example.org", "changed setting", date(2027, 1, 10), date(2027, 1, 12)
    )
    assert narrowed.active and not read_filter("", "", "", "").active
    with pytest.raises(InvalidInput, match="“Until” must be on or after “From”") as refused:
        read_filter("", "", "2027-01-12", "2027-01-10")
    assert refused.value.field == "until"
    with pytest.raises(InvalidInput, match="a date such as") as refused:
        read_filter("", "", "12/01/2027", "")
    assert refused.value.field == "from"
