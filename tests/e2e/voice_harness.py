"""A deployment for the voice walk: gunicorn, a worker, Redis, and Twilio's REST API as Prism.

Self-contained beside the shared e2e platform (whose fake Twilio takes only texts): here the fake
behind Prism also takes call creates (Calls.json) and recording deletes, and records every
request that Prism let through, so a test sees exactly what Twilio would have been asked.
"""

from __future__ import annotations

import base64
import os
import re
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import requests
from redis import Redis
from sqlalchemy import Engine, create_engine, text

from tests import twilio_mock
from tests.conftest import PG_ADMIN_URL, _require, pg_url
from tests.e2e.harness import (
    PRISM,
    TWILIO_SPEC,
    VENV_BIN,
    Process,
    free_port,
    platform_env,
    procfile_command,
    run_command,
    start_shell,
    wait_for,
)
from tests.fake_http import JsonHandler, LoopbackServer
from tests.twilio_voice import TwilioPlayer

VOICE_DB = os.environ.get("TEST_PG_VOICE_E2E_DATABASE", f"warmline_voice_e2e_{os.getpid()}")
STARTUP_TIMEOUT = 40.0
ACCOUNT = r"/2010-04-01/Accounts/(AC[0-9a-fA-F]{32})"
MESSAGES = re.compile(ACCOUNT + r"/Messages\.json$")
CALLS = re.compile(ACCOUNT + r"/Calls\.json$")
RECORDING = re.compile(ACCOUNT + r"/Recordings/(RE[0-9a-fA-F]{32})\.json$")
MESSAGE = re.compile(ACCOUNT + r"/Messages/((?:SM|MM)[0-9a-fA-F]{32})\.json$")


@dataclass(frozen=True)
class Seen:
    """One request that reached the fake Twilio (so Prism found it valid)."""

    method: str
    path: str
    form: dict[str, str]


class VoiceFakeTwilio:
    """Twilio's REST API for texts, calls and recordings: records requests, answers like Twilio."""

    def __init__(self, account_sid: str, auth_token: str) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.seen: list[Seen] = []
        self.problems: list[str] = []
        self.call_sids: list[str] = []
        self._changed = threading.Condition()
        self._http = LoopbackServer(self._handler(), "voice-fake-twilio")

    @property
    def url(self) -> str:
        """Where Prism forwards to."""
        return self._http.url

    def start(self) -> None:
        """Serve in a background thread."""
        self._http.start()

    def stop(self) -> None:
        """Stop serving."""
        self._http.stop()

    def requests(self, pattern: re.Pattern[str], method: str = "POST") -> list[Seen]:
        """The requests so far whose path matches `pattern`."""
        with self._changed:
            return [s for s in self.seen if s.method == method and pattern.search(s.path)]

    def wait(self, what: str, condition: Callable[[], bool], timeout: float = 20.0) -> None:
        """Wait until `condition()` holds."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{what}: not within {timeout:.0f} s; saw {self.seen}")
                self._changed.wait(min(left, 0.5))

    def texts_to(self, number: str) -> list[str]:
        """Bodies of texts to `number`."""
        return [s.form["Body"] for s in self.requests(MESSAGES) if s.form.get("To") == number]

    def _record(self, seen: Seen) -> None:
        with self._changed:
            self.seen.append(seen)
            self._changed.notify_all()

    def _now(self) -> str:
        return format_datetime(datetime.now(UTC))

    def _message(self, form: dict[str, str]) -> dict[str, Any]:
        sid = "SM" + secrets.token_hex(16)
        uri = f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}"
        return {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": form.get("Body", ""),
            "date_created": self._now(),
            "date_sent": None,
            "date_updated": self._now(),
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": form.get("From"),
            "messaging_service_sid": None,
            "num_media": "0",
            "num_segments": "1",
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": "queued",
            "subresource_uris": {"media": f"{uri}/Media.json"},
            "to": form.get("To"),
            "uri": f"{uri}.json",
        }

    def _call(self, form: dict[str, str]) -> dict[str, Any]:
        sid = "CA" + secrets.token_hex(16)
        self.call_sids.append(sid)
        uri = f"/2010-04-01/Accounts/{self.account_sid}/Calls/{sid}"
        return {
            "account_sid": self.account_sid,
            "answered_by": None,
            "api_version": "2010-04-01",
            "caller_name": None,
            "date_created": self._now(),
            "date_updated": self._now(),
            "direction": "outbound-api",
            "duration": None,
            "end_time": None,
            "forwarded_from": None,
            "from": form.get("From"),
            "from_formatted": form.get("From"),
            "group_sid": None,
            "parent_call_sid": None,
            "phone_number_sid": "PN" + "0" * 32,
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "start_time": None,
            "status": "queued",
            "subresource_uris": {"recordings": f"{uri}/Recordings.json"},
            "to": form.get("To"),
            "to_formatted": form.get("To"),
            "trunk_sid": None,
            "uri": f"{uri}.json",
            "queue_time": "0",
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(JsonHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length).decode()
                form = {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}
                path = self.path.split("?", 1)[0]
                if not self._authorised(path):
                    return
                if MESSAGES.search(path):
                    resource = fake._message(form)
                elif CALLS.search(path):
                    resource = fake._call(form)
                else:
                    fake.problems.append(f"unexpected POST {path}")
                    self.answer(404, {"code": 20404, "message": "not found", "status": 404})
                    return
                fake._record(Seen("POST", path, form))  # after the sid exists, for waiters
                self.answer(201, resource)

            def do_DELETE(self) -> None:
                path = self.path.split("?", 1)[0]
                if not self._authorised(path):
                    return
                fake._record(Seen("DELETE", path, {}))
                if RECORDING.search(path) or MESSAGE.search(path):
                    self.answer_empty(204)
                else:
                    fake.problems.append(f"unexpected DELETE {path}")
                    self.answer(404, {"code": 20404, "message": "not found", "status": 404})

            def _authorised(self, path: str) -> bool:
                expected = base64.b64encode(f"{fake.account_sid}:{fake.auth_token}".encode())
                given = self.headers.get("Authorization", "").encode()
                if f"/Accounts/{fake.account_sid}/" in path and given == b"Basic " + expected:
                    return True
                fake.problems.append(f"bad credentials on {path}")
                self.answer(401, {"code": 20003, "message": "Authenticate", "status": 401})
                return False

        return Handler


@dataclass
class VoicePlatform:
    """The running deployment: its environment, the fake Twilio, and its database."""

    env: dict[str, str]
    fake: VoiceFakeTwilio
    engine: Engine
    prism: Process
    services: list[Process]
    prism_url: str
    lines: list[str] = field(default_factory=list)

    @property
    def public_url(self) -> str:
        """The base URL the platform believes Twilio calls (gunicorn, directly)."""
        return self.env["PUBLIC_URL"]

    def cli(self, *args: str) -> str:
        """Run `warmline <args>` as an operator would."""
        return run_command([str(VENV_BIN / "warmline"), *args], self.env)

    def scalar(self, sql: str, **params: object) -> Any:
        """One value from the platform's database."""
        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()

    def twilio(self) -> TwilioPlayer:
        """Twilio's side of calls, posting over HTTP to gunicorn, signed with the auth token."""

        def post(url: str, form: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
            response = requests.post(url, data=form, headers=headers, timeout=10)
            return response.status_code, response.text

        return TwilioPlayer(
            post, self.public_url, self.env["TWILIO_AUTH_TOKEN"], self.env["TWILIO_ACCOUNT_SID"]
        )

    def text(self, sender: str, to: str, body: str) -> None:
        """Text the line as Twilio delivers texts."""
        form = {
            "MessageSid": "SM" + secrets.token_hex(16),
            "AccountSid": self.env["TWILIO_ACCOUNT_SID"],
            "From": sender,
            "To": to,
            "Body": body,
            "NumMedia": "0",
        }
        from twilio.request_validator import RequestValidator

        url = self.public_url + "/twilio/sms"
        signature = RequestValidator(self.env["TWILIO_AUTH_TOKEN"]).compute_signature(url, form)
        response = requests.post(
            url, data=form, headers={"X-Twilio-Signature": signature}, timeout=10
        )
        assert response.status_code == 200, response.text

    def assert_running(self) -> None:
        """Web and worker are still up."""
        for process in self.services:
            assert process.running, f"{process.name} exited:\n{process.tail()}"


def _prerequisites() -> None:
    def postgres() -> None:
        engine = create_engine(PG_ADMIN_URL)
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        finally:
            engine.dispose()

    def tools() -> None:
        for tool in ("redis-server", "node"):
            if shutil.which(tool) is None:
                raise FileNotFoundError(f"no {tool} on PATH")
        twilio_mock.check_installed()

    _require("PostgreSQL", postgres)  # under CI=true these fail rather than skip
    _require("redis-server, node and Prism", tools)


def _fresh_database() -> str:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{VOICE_DB}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{VOICE_DB}"'))
    finally:
        admin.dispose()
    return pg_url(VOICE_DB)


def _drop_database() -> None:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{VOICE_DB}" WITH (FORCE)'))
    finally:
        admin.dispose()


def deploy(log_dir: Path) -> Iterator[VoicePlatform]:
    """Start everything, yield the platform, and stop every process whatever happened."""
    _prerequisites()
    account_sid = "AC" + secrets.token_hex(16)
    auth_token = secrets.token_hex(16)
    started: list[Process] = []
    engine: Engine | None = None
    fake = VoiceFakeTwilio(account_sid, auth_token)
    fake.start()
    try:
        prism_port, redis_port, web_port = free_port(), free_port(), free_port()
        prism_url = f"http://127.0.0.1:{prism_port}"
        prism = Process(
            "prism",
            [str(PRISM), "proxy", "-p", str(prism_port), "--errors", TWILIO_SPEC, fake.url],
            dict(os.environ),
            log_dir / "prism.log",
        )
        started.append(prism)
        redis_argv = ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1"]
        redis_argv += ["--save", "", "--appendonly", "no", "--dir", str(log_dir)]
        redis = Process("redis", redis_argv, dict(os.environ), log_dir / "redis.log")
        started.append(redis)
        redis_url = f"redis://127.0.0.1:{redis_port}/0"
        wait_for(
            "redis-server",
            lambda: Redis.from_url(redis_url, socket_connect_timeout=1).ping(),
            10,
            watch=[redis],
        )
        database_url = _fresh_database()
        env = platform_env(
            database_url=database_url,
            redis_url=redis_url,
            account_sid=account_sid,
            auth_token=auth_token,
            api_base_url=prism_url,
            web_port=web_port,
            instance_dir=log_dir / "instance",
        )
        run_command([str(VENV_BIN / "warmline"), "db", "upgrade"], env)
        web = start_shell("web", procfile_command("web"), env, log_dir)
        started.append(web)
        worker = start_shell("worker", procfile_command("worker"), env, log_dir)
        started.append(worker)
        wait_for(
            "Prism to listen",
            lambda: requests.get(prism_url + "/", timeout=2) is not None,
            STARTUP_TIMEOUT,
            watch=[prism],
        )
        wait_for(
            "the web process to be ready",
            lambda: requests.get(env["PUBLIC_URL"] + "/readyz", timeout=2).status_code == 200,
            STARTUP_TIMEOUT,
            watch=[web],
        )
        engine = create_engine(database_url, pool_size=2)
        yield VoicePlatform(env, fake, engine, prism, [web, worker], prism_url)
    finally:
        for process in reversed(started):
            process.stop()
        if engine is not None:
            engine.dispose()
        fake.stop()
        _drop_database()
