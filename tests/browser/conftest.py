"""The real dashboard in headless Chromium: gunicorn and a worker on PostgreSQL and Redis."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import create_engine, text
from twilio.request_validator import RequestValidator

from tests.conftest import PG_ADMIN_URL, _require, pg_url
from tests.e2e.harness import RedisServer
from warmline.config import generate_keys

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BROWSER_DB = f"warmline_browser_{os.getpid()}"
AUTH_TOKEN = "browser-auth-token-0123456789abcdef"
LINE_NUMBER = "+15550001111"
EMAIL = "coordinator@example.org"
PASSWORD = "a calm and long passphrase"
SAM = "+15550002222"
BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def free_port() -> int:
    """A TCP port nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Served:
    """The running line: its URL, environment and a way to text it as Twilio would."""

    base: str
    env: dict[str, str]
    logs: Path

    def warmline(self, *args: str, stdin: str = "") -> str:
        """Run the operator CLI against this line's database."""
        done = subprocess.run(
            [str(BIN / "warmline"), *args],
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def text_line(self, sender: str, body: str) -> None:
        """Post a signed incoming-text webhook."""
        form = {
            "MessageSid": "SM" + secrets.token_hex(16),
            "AccountSid": "AC" + "b2" * 16,
            "From": sender,
            "To": LINE_NUMBER,
            "Body": body,
            "NumMedia": "0",
        }
        signature = RequestValidator(AUTH_TOKEN).compute_signature(self.base + "/twilio/sms", form)
        response = requests.post(
            self.base + "/twilio/sms",
            data=form,
            headers={"X-Twilio-Signature": signature},
            timeout=5,
        )
        assert response.status_code == 200


def _no(tool: str) -> None:
    raise FileNotFoundError(f"no {tool} on PATH")


def _database() -> str:
    def check() -> None:
        with create_engine(PG_ADMIN_URL).connect() as conn:
            conn.execute(text("SELECT 1"))

    _require("PostgreSQL", check)
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{BROWSER_DB}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{BROWSER_DB}"'))
    admin.dispose()
    return pg_url(BROWSER_DB)


def _drop_database() -> None:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{BROWSER_DB}" WITH (FORCE)'))
    admin.dispose()


def _wait_until_up(base: str, processes: list[subprocess.Popen[bytes]], logs: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            break
        try:
            if requests.get(base + "/healthz", timeout=2).ok:
                return
        except requests.RequestException:
            pass  # not listening, or still booting
        time.sleep(0.1)
    pytest.fail("the line did not start:\n" + "\n".join(f.read_text() for f in logs.glob("*.log")))


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """gunicorn (two workers) and `warmline worker`, started for real on a fresh database."""
    _require("Chromium", lambda: Path(CHROMIUM).resolve(strict=True))
    database_url = _database()
    _require("redis-server", lambda: shutil.which("redis-server") or _no("redis-server"))
    port = free_port()
    logs = tmp_path_factory.mktemp("browser-logs")
    # A redis-server of this run's own: on a shared Redis, another run's worker would take this
    # run's jobs (one queue name) and look for their rows in its own database.
    redis = RedisServer(logs)
    redis.start()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            ("TWILIO_", "REDIS_", "DATABASE_", "WARMLINE_", "PUBLIC_URL", "SECRET_KEY")
        )
    }
    env.update(generate_keys())
    env.update(
        WARMLINE_ENV="development",
        WARMLINE_INSTANCE_PATH=str(logs),
        DATABASE_URL=database_url,
        REDIS_URL=redis.url,
        PUBLIC_URL=f"http://127.0.0.1:{port}",
        TWILIO_AUTH_TOKEN=AUTH_TOKEN,
    )
    processes: list[subprocess.Popen[bytes]] = []
    try:
        line = Served(f"http://127.0.0.1:{port}", env, logs)
        line.warmline("db", "upgrade")
        line.warmline(
            "line",
            "add",
            "--number",
            LINE_NUMBER,
            "--name",
            "Peer Line",
            "--timezone",
            "America/New_York",
        )
        line.warmline("coordinator", "add", "--email", EMAIL, stdin=PASSWORD + "\n")
        for name, command in (
            (
                "web",
                [
                    str(BIN / "gunicorn"),
                    "--workers",
                    "2",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "warmline:create_app()",
                ],
            ),
            ("worker", [str(BIN / "warmline"), "worker"]),
        ):
            with (logs / f"{name}.log").open("wb") as sink:
                processes.append(
                    subprocess.Popen(
                        command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT
                    )
                )
        _wait_until_up(line.base, processes, logs)
        yield line
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        redis.stop()
        _drop_database()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright (which never downloads a browser)."""
    _require("Chromium", lambda: Path(CHROMIUM).resolve(strict=True))
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Screen:
    """A page in a browser window of a given size that keeps CSP and script errors."""

    def __init__(self, chromium: Any, base: str, viewport: dict[str, int]) -> None:
        self.context = chromium.new_context(viewport=viewport, base_url=base)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.width = viewport["width"]
        self.problems: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.problems.append(str(exc)))

    def _console(self, message: Any) -> None:
        # A refused sign-in answers 401 on purpose; what matters is script errors and CSP refusals.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(message.text)

    def sign_in(self, email: str = EMAIL, password: str = PASSWORD) -> None:
        """Sign in through the form."""
        self.page.goto("/signin")
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()

    def shot(self, name: str) -> Path:
        """Save a full-page screenshot as test-artifacts/screenshots/<name>-<width>.png."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}-{self.width}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        """Close the window."""
        self.context.close()


@pytest.fixture
def desktop(chromium: Any, served: Served) -> Iterator[Screen]:
    """A 1280 px wide window."""
    screen = Screen(chromium, served.base, DESKTOP)
    yield screen
    screen.close()
    assert screen.problems == []


@pytest.fixture
def phone(chromium: Any, served: Served) -> Iterator[Screen]:
    """A 390 px wide window, like a phone."""
    screen = Screen(chromium, served.base, PHONE)
    yield screen
    screen.close()
    assert screen.problems == []
