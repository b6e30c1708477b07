"""`warmline coordinator email-alerts`: a coordinator's alert e-mails shown, turned off and on."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from tests.integration.cli.test_cli import PASSPHRASE, run, warmline  # noqa: F401 (fixture)
from warmline.cli import main


def test_a_coordinator_turns_alert_emails_off_and_on(warmline: CliRunner, tmp_path: Path) -> None:  # noqa: F811
    added = warmline.invoke(
        main, ["coordinator", "add", "--email", "ana@example.org"], input=PASSPHRASE
    )
    assert added.exit_code == 0, added.output
    shown = run(warmline, "coordinator", "email-alerts", "ana@example.org")
    assert shown.output.strip() == (
        "ana@example.org: alert e-mails on (SMTP_URL is not set: none are sent)"
    )
    off = run(warmline, "coordinator", "email-alerts", "Ana@Example.org", "off")
    assert off.exit_code == 0 and "alert e-mails off" in off.output
    assert (
        "alert e-mails off"
        in run(warmline, "coordinator", "email-alerts", "ana@example.org").output
    )
    audit = run(warmline, "coordinator", "email-alerts", "ana@example.org", "on")
    assert "alert e-mails on" in audit.output


def test_an_unknown_coordinator_or_setting_is_one_clear_line(warmline: CliRunner) -> None:  # noqa: F811
    unknown = run(warmline, "coordinator", "email-alerts", "nobody@example.org", "off")
    assert unknown.exit_code == 1 and "nobody@example.org" in unknown.output
    assert len(unknown.output.strip().splitlines()) == 1
    wrong = run(warmline, "coordinator", "email-alerts", "nobody@example.org", "maybe")
    assert wrong.exit_code == 2 and "'maybe' is not one of 'on', 'off'" in wrong.output
