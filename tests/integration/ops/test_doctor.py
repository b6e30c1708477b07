"""`warmline doctor` and `warmline twilio configure`, against Prism on Twilio's own spec."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner, Result

from tests import twilio_mock
from tests.conftest import ACCOUNT_SID, AUTH_TOKEN, LINE_NUMBER, PUBLIC_URL, _require
from tests.integration.fake_numbers import FakeNumbers
from warmline import runtime
from warmline.cli import main

REPO = Path(__file__).resolve().parents[3]
PRISM = twilio_mock.PRISM
TWILIO_SPEC = twilio_mock.SPEC
WANTED = {
    "SmsUrl": PUBLIC_URL + "/twilio/sms",
    "SmsMethod": "POST",
    "SmsFallbackUrl": PUBLIC_URL + "/twilio/fallback",
    "SmsFallbackMethod": "POST",
    "VoiceUrl": PUBLIC_URL + "/twilio/voice",
    "VoiceMethod": "POST",
    "VoiceFallbackUrl": PUBLIC_URL + "/twilio/voice/fallback",
    "VoiceFallbackMethod": "POST",
    "StatusCallback": PUBLIC_URL + "/twilio/voice/status",
    "StatusCallbackMethod": "POST",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def twilio_numbers() -> Iterator[tuple[FakeNumbers, str]]:
    """The fake numbers resource, and Prism validating requests in front of it."""

    _require("Prism", twilio_mock.check_installed)
    fake = FakeNumbers(ACCOUNT_SID)
    server = fake.serve()
    port = free_port()
    prism = subprocess.Popen(
        [
            str(PRISM),
            "proxy",
            "-p",
            str(port),
            "--errors",
            str(TWILIO_SPEC),
            server.url,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            requests.get(url + "/", timeout=1)
            break
        except requests.ConnectionError:
            assert prism.poll() is None, "Prism exited"
            assert time.monotonic() < deadline, "Prism did not listen within 60 s"
            time.sleep(0.2)
    yield fake, url
    os.killpg(prism.pid, signal.SIGTERM)
    prism.wait(timeout=10)
    server.stop()


@pytest.fixture
def deployment(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    redis_url: str,
    twilio_numbers: tuple[FakeNumbers, str],
) -> Iterator[tuple[CliRunner, FakeNumbers]]:
    """The CLI on a migrated SQLite database with one line, Redis, and Twilio behind Prism."""
    fake, prism_url = twilio_numbers
    fake.numbers.clear()
    fake.requests.clear()
    fake.refuse_credentials = False
    for name, value in {
        "WARMLINE_INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'doctor.sqlite3'}",
        "REDIS_URL": redis_url,
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_API_BASE_URL": prism_url,
        "PUBLIC_URL": PUBLIC_URL,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("WARMLINE_ENV", raising=False)
    runner = CliRunner()
    assert run(runner, "db", "upgrade").exit_code == 0
    added = run(runner, "line", "add", "--number", LINE_NUMBER, "--name", "L", "--timezone", "UTC")
    assert added.exit_code == 0, added.output
    yield runner, fake
    runtime.install(None)


def run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(main, list(args))


def findings(result: Result) -> dict[str, str]:
    """Each check's status word, by check name (the last line of each check wins)."""
    found = {}
    for line in result.output.splitlines():
        status, _, rest = line.partition(" ")
        found[rest.strip().split(":")[0]] = status
    return found


def test_a_number_pointing_elsewhere_is_a_problem_that_configure_fixes(
    deployment: tuple[CliRunner, FakeNumbers],
) -> None:
    runner, fake = deployment
    fake.add(LINE_NUMBER)  # as bought: Twilio's demo reply, no fallbacks
    before = run(runner, "doctor")
    assert before.exit_code == 1, before.output
    status = findings(before)
    assert status["configuration"] == status["database"] == status["migrations"] == "ok"
    assert status["redis"] in ("ok", "note")
    assert status[f"twilio {LINE_NUMBER}"] == "problem"
    assert "SmsUrl is https://demo.twilio.com/welcome/sms/reply" in before.output
    assert "run `warmline twilio configure`" in before.output

    configured = run(runner, "twilio", "configure")
    assert configured.exit_code == 0, configured.output
    assert f"{LINE_NUMBER}: texts, calls, their fallbacks and call status now go to" in (
        configured.output
    )
    [update] = fake.updates()  # it passed Prism's validation to reach the fake
    assert update == WANTED

    after = run(runner, "doctor")
    assert after.exit_code == 0, after.output
    assert findings(after)[f"twilio {LINE_NUMBER}"] == "ok"
    again = run(runner, "twilio", "configure")
    assert "already points at" in again.output and len(fake.updates()) == 1


def test_a_line_whose_number_the_account_lacks_is_a_problem(
    deployment: tuple[CliRunner, FakeNumbers],
) -> None:
    runner, _ = deployment
    result = run(runner, "doctor")
    assert result.exit_code == 1
    assert "not a number of this Twilio account" in result.output
    refused = run(runner, "twilio", "configure")
    assert refused.exit_code == 1 and "not a number of this Twilio account" in refused.output


def test_refused_credentials_are_named(deployment: tuple[CliRunner, FakeNumbers]) -> None:
    runner, fake = deployment
    fake.refuse_credentials = True
    result = run(runner, "doctor")
    assert result.exit_code == 1
    assert "Twilio refused the credentials (error 20003)" in result.output


def test_a_database_behind_the_code_is_a_problem_with_its_fix(
    deployment: tuple[CliRunner, FakeNumbers], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner, _ = deployment
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    result = run(runner, "doctor")
    assert result.exit_code == 1
    assert findings(result)["migrations"] == "problem"
    assert "the database is empty" in result.output and "run `warmline db upgrade`" in result.output


def test_unreachable_database_and_redis_are_problems(
    deployment: tuple[CliRunner, FakeNumbers], monkeypatch: pytest.MonkeyPatch
) -> None:
    runner, _ = deployment
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:1/x")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    result = run(runner, "doctor")
    assert result.exit_code == 1
    status = findings(result)
    assert status["database"] == status["redis"] == status["twilio"] == "problem"
    assert "check DATABASE_URL" in result.output and "check REDIS_URL" in result.output
    assert all(line.split()[0] in ("ok", "problem", "note") for line in result.output.splitlines())


def test_a_bad_setting_is_one_problem_line(
    deployment: tuple[CliRunner, FakeNumbers], monkeypatch: pytest.MonkeyPatch
) -> None:
    runner, _ = deployment
    monkeypatch.setenv("LOG_FORMAT", "xml")
    result = run(runner, "doctor")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "problem  configuration: LOG_FORMAT must be 'text' or 'json', not 'xml'"
    ]


def test_configure_refuses_an_address_twilio_cannot_reach(
    deployment: tuple[CliRunner, FakeNumbers], monkeypatch: pytest.MonkeyPatch
) -> None:
    runner, fake = deployment
    fake.add(LINE_NUMBER)
    monkeypatch.setenv("PUBLIC_URL", "http://127.0.0.1:5000")
    result = run(runner, "twilio", "configure")
    assert result.exit_code == 1 and "Twilio cannot reach" in result.output
    assert fake.updates() == []
