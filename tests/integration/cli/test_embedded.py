"""The embedded default: `warmline run` alone serves the demo line with its own queue and worker."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from twilio.request_validator import RequestValidator

from warmline.cli.demo import DEMO_LINE, DEMO_TEXTERS
from warmline.config import DEVELOPMENT_AUTH_TOKEN

WARMLINE = str(Path(sys.executable).parent / "warmline")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`warmline run` on a free port, in an empty folder, its output captured."""
    with serving(tmp_path) as running:
        yield running


@contextmanager
def serving(folder: Path, log_name: str = "run.log") -> Iterator[tuple[str, Path]]:
    """`warmline run` on a free port in `folder` until the block ends; its output captured."""
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TWILIO_", "REDIS_", "DATABASE_", "WARMLINE_"))
    }
    env["PUBLIC_URL"] = f"http://127.0.0.1:{port}"
    output = folder / log_name
    with output.open("w") as sink:
        process = subprocess.Popen(
            [WARMLINE, "run", "--port", str(port)],
            cwd=folder,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(base + "/healthz", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:
            pytest.fail("warmline run did not start: " + output.read_text())
        yield base, output
    finally:
        process.terminate()
        process.wait(timeout=10)


def wait_for(path: Path, text: str, seconds: float = 15) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        content = path.read_text()
        if text in content:
            return content
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never appeared in the output:\n{path.read_text()}")


def test_a_text_to_the_demo_line_is_greeted_and_offered_with_no_redis_or_twilio(
    embedded: tuple[str, Path], tmp_path: Path
) -> None:
    base, output = embedded
    form = {
        "MessageSid": "SM" + "e" * 32,
        "From": DEMO_TEXTERS["texter"],
        "To": DEMO_LINE,
        "Body": "hello",
    }
    signature = RequestValidator(DEVELOPMENT_AUTH_TOKEN).compute_signature(
        base + "/twilio/sms", form
    )
    response = requests.post(
        base + "/twilio/sms", data=form, headers={"X-Twilio-Signature": signature}, timeout=5
    )
    assert response.status_code == 200
    wait_for(output, "Sam (volunteer): Demo Warmline: someone is waiting to talk")
    wait_for(output, "Alex (volunteer): Demo Warmline: someone is waiting to talk")
    # The texter's greeting goes after the peers' offers, so it is waited for on its own.
    content = wait_for(output, "Hi, this is Demo Warmline")
    assert "988" in content
    assert "Alex (volunteer): Demo Warmline: someone is waiting" in content
    assert "Riley (volunteer): Demo Warmline: someone is waiting" not in content  # coordinator
    assert (tmp_path / "instance" / "warmline.sqlite3").exists()
    assert requests.get(base + "/readyz", timeout=5).json()["checks"] == {
        "database": "ok",
        "redis": "embedded",
    }


def test_the_simulator_walks_a_whole_conversation(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TWILIO_", "REDIS_", "DATABASE_", "WARMLINE_"))
    }
    first = subprocess.run(
        [WARMLINE, "simulate"],
        input="texter: I can't sleep again\n",
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    match = re.search(r"Reply ([A-Z][2-9][A-Z]) to take it", first.stdout)
    assert match, first.stdout
    ref = match.group(1)
    script = f"sam: {ref}\ntexter: thanks for answering\nsam: I'm glad you texted\nsam: done\n"
    second = subprocess.run(
        [WARMLINE, "simulate"],
        input=script,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    out = second.stdout
    assert f"Sam (volunteer): #{ref}: I can't sleep again" in out
    assert f"Alex (volunteer): #{ref} was taken by another peer" in out
    assert f"Sam (volunteer): #{ref}: thanks for answering" in out
    assert re.search(r"→ texter [0-9a-f]{6}: I'm glad you texted", out)
    assert "Thank you for texting Demo Warmline" in out


def test_the_first_run_says_once_how_to_sign_in_and_that_password_works(tmp_path: Path) -> None:
    with serving(tmp_path) as (base, output):
        said = wait_for(output, "Sign in at")
        found = re.search(r"as (\S+@\S+) with the password (\S+) \(shown once", said)
        assert found is not None, said
        email, password = found.groups()
        browser = requests.Session()
        page = browser.get(base + "/signin", timeout=5).text
        token = re.search(r'name="csrf_token" [^>]*value="([^"]+)"', page)
        assert token is not None
        signed_in = browser.post(
            base + "/signin",
            data={"email": email, "password": password, "csrf_token": token.group(1)},
            timeout=5,
        )
        assert signed_in.ok and "Sign out" in signed_in.text
    with serving(tmp_path, "second-run.log") as (_, again):
        wait_for(again, "Warmline on http")
        assert "Sign in at" not in again.read_text() and password not in again.read_text()
