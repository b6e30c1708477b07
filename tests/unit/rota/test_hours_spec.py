"""Opening hours written back in the syntax people type them in (the dashboard's hours field)."""

from __future__ import annotations

import pytest

from warmline.rota.rules.hours import as_spec, parse_hours


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("always", "always"),
        ("Mon-Fri 18:00-23:00; sat,sun 12:00-02:00", "mon-fri 18:00-23:00; sat-sun 12:00-02:00"),
        ("mon,wed,fri 09:00-17:00", "mon,wed,fri 09:00-17:00"),
        ("sun 00:00-24:00; mon 08:00-09:00", "mon 08:00-09:00; sun 00:00-24:00"),
        ("fri-mon 20:00-24:00", "mon,fri-sun 20:00-24:00"),
    ],
)
def test_hours_are_written_compactly_and_read_back_the_same(typed: str, written: str) -> None:
    windows = parse_hours(typed)
    assert as_spec(windows) == written
    assert sorted(parse_hours(as_spec(windows))) == sorted(windows)
