"""The command line refuses in English, whatever the terminal's language."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from tests.integration.cli.test_cli import run, warmline  # noqa: F401  (the fixture)


def test_a_refused_setting_and_a_past_open_shift_are_said_in_english(
    warmline: CliRunner,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LANG", "es_ES.UTF-8")
    monkeypatch.setenv("LANGUAGE", "es")
    run(warmline, "line", "add", "--number", "+15550001111", "--name", "L", "--timezone", "UTC")
    refused = run(warmline, "line", "set", "+15550001111", "reopen_window_s=-5")
    assert refused.exit_code == 1
    assert "reopen_window_s must be a whole number from 0 to 86400" in refused.output
    past = run(
        warmline,
        "shift",
        "open",
        "--line",
        "+15550001111",
        "--start",
        "2020-01-01T10:00",
        "--end",
        "2020-01-01T12:00",
    )
    assert past.exit_code == 1 and "that shift is already over" in past.output
    assert "turno" not in past.output and "número" not in refused.output
