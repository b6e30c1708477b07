"""`warmline doctor` checks the SMTP server when SMTP_URL is set: reachable, and takes our sign-in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

from tests.integration.mail.test_email_alerts import Inbox, free_port
from warmline.ops import doctor


def only_alerts(
    server: SMTP, session: object, envelope: object, mechanism: str, auth: object
) -> AuthResult:
    """Accept the one user and password the test configures."""
    ok = isinstance(auth, LoginPassword) and (auth.login, auth.password) == (b"alerts", b"right")
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp_port() -> Iterator[int]:
    """A real SMTP server asking for a sign-in (over plain SMTP, on loopback only)."""
    port = free_port()
    controller = Controller(
        Inbox(),
        hostname="127.0.0.1",
        port=port,
        authenticator=only_alerts,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def email_finding(tmp_path: Path, **env: str) -> doctor.Finding:
    environ = {
        "WARMLINE_ENV": "development",
        "WARMLINE_INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'doctor.sqlite3'}",
        **env,
    }
    [finding] = [f for f in doctor.run(environ) if f.check == "email"]
    return finding


def test_without_smtp_the_doctor_says_alerts_go_by_text_only(tmp_path: Path) -> None:
    finding = email_finding(tmp_path)
    assert finding.status == "ok" and "by text only" in finding.detail


def test_a_reachable_server_that_takes_the_sign_in_is_ok(tmp_path: Path, smtp_port: int) -> None:
    url = f"smtp://alerts:right@127.0.0.1:{smtp_port}"
    finding = email_finding(tmp_path, SMTP_URL=url, SMTP_FROM="alerts@line.example.org")
    assert finding.status == "ok", finding.detail
    assert "alerts@line.example.org" in finding.detail and "right" not in finding.detail


def test_a_wrong_password_is_named(tmp_path: Path, smtp_port: int) -> None:
    url = f"smtp://alerts:wrong@127.0.0.1:{smtp_port}"
    finding = email_finding(tmp_path, SMTP_URL=url, SMTP_FROM="alerts@line.example.org")
    assert finding.status == "problem"
    assert "refused the user and password" in finding.detail and "wrong" not in finding.detail


def test_an_unreachable_server_is_a_problem(tmp_path: Path) -> None:
    url = f"smtp://127.0.0.1:{free_port()}"
    finding = email_finding(tmp_path, SMTP_URL=url, SMTP_FROM="alerts@line.example.org")
    assert finding.status == "problem"
    assert "cannot reach smtp://127.0.0.1" in finding.detail and "check SMTP_URL" in finding.detail
