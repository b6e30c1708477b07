"""Fixtures: real PostgreSQL and Redis, a database rolled back per test, Twilio faked at HTTP."""

from __future__ import annotations

import json
import logging
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from redis import Redis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection

from warmline.config import Settings

PG_ADMIN_URL = os.environ.get(
    "TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
# Per process, so test runs side by side (several engineers, one machine) never collide.
TEST_DB = os.environ.get("TEST_PG_DATABASE", f"warmline_test_{os.getpid()}")
REDIS_TEST_URL = os.environ.get("TEST_REDIS_URL", f"redis://127.0.0.1:6379/{1 + os.getpid() % 11}")
AUTH_TOKEN = "test-auth-token-0123456789abcdef"
ACCOUNT_SID = "AC" + "a1" * 16
PUBLIC_URL = "https://warmline.example.org"
LINE_NUMBER = "+15550001111"


def pg_url(database: str) -> str:
    """A PostgreSQL URL for `database` on the admin server."""
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + database


def _require(service: str, check: Any) -> None:
    """Fail under CI, skip elsewhere, when a real service the tests need is not there."""
    try:
        check()
    except Exception as exc:
        message = f"{service} is unreachable: {type(exc).__name__}: {exc}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test run."""

    def check() -> None:
        with create_engine(PG_ADMIN_URL).connect() as conn:
            conn.execute(text("SELECT 1"))

    _require("PostgreSQL", check)
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{TEST_DB}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{TEST_DB}"'))
    admin.dispose()
    url = pg_url(TEST_DB)
    from warmline.core import migrate

    migrate.upgrade(url)
    yield url
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{TEST_DB}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A Redis database the tests may flush."""
    _require("Redis", lambda: Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping())
    return REDIS_TEST_URL


def make_settings(database_url: str, redis_url: str | None, tmp: Path) -> Settings:
    """Settings for a test runtime, with fresh keys."""
    return Settings(
        env="development",
        database_url=database_url,
        redis_url=redis_url,
        secret_key=secrets.token_urlsafe(16),
        twilio_account_sid=ACCOUNT_SID,
        twilio_auth_token=AUTH_TOKEN,
        twilio_api_base_url="https://api.twilio.com",
        public_url=PUBLIC_URL,
        data_keys=(Fernet.generate_key().decode(),),
        hmac_key=secrets.token_bytes(32),
        instance_path=tmp,
        # Flows are tested unpaced (many texts a second); tests/integration/messaging/test_pacing.py
        # tests pacing with a clock of its own.
        send_rate_per_s=0.0,
    )


@dataclass
class TwilioRequest:
    """One request the platform made to Twilio's REST API."""

    method: str
    url: str
    data: dict[str, Any]


@dataclass
class FakeTwilioHttp:
    """Twilio at its HTTP boundary: records requests, answers like Twilio, fails when told."""

    requests: list[TwilioRequest] = field(default_factory=list)
    failures: dict[str, tuple[int, int]] = field(default_factory=dict)
    # Called with each request before it is answered: a test's carrier that takes its time.
    on_request: Callable[[TwilioRequest], None] | None = None

    def fail_for(self, number: str, http_status: int, code: int) -> None:
        """Answer sends to `number` with this HTTP status and Twilio error code."""
        self.failures[number] = (http_status, code)

    def messages(self) -> list[dict[str, Any]]:
        """The message-create requests' form data, in order."""
        return [r.data for r in self.requests if r.url.endswith("/Messages.json")]

    def to(self, number: str) -> list[str]:
        """Bodies sent to `number`, in order."""
        return [m["Body"] for m in self.messages() if m["To"] == number]

    def calls(self) -> list[dict[str, Any]]:
        """The call-create requests' form data, in order."""
        return [r.data for r in self.requests if r.url.endswith("/Calls.json")]

    def deleted(self) -> list[str]:
        """URLs the platform asked Twilio to DELETE, in order."""
        return [r.url for r in self.requests if r.method.upper() == "DELETE"]


def make_http_client(fake: FakeTwilioHttp) -> Any:
    """A twilio-python HttpClient that talks to `fake` instead of the network."""
    from twilio.http import HttpClient
    from twilio.http.response import Response

    class RecordingHttpClient(HttpClient):  # type: ignore[misc]
        def request(
            self, method: str, uri: str, params: Any = None, data: Any = None, **_: Any
        ) -> Response:
            form = dict(data or {})
            failure = fake.failures.get(str(form.get("To")))
            fake.requests.append(TwilioRequest(method, uri, form))
            if fake.on_request is not None:
                fake.on_request(fake.requests[-1])
            if failure is not None:
                status, code = failure
                return Response(
                    status, json.dumps({"code": code, "message": "refused", "status": status})
                )
            if method.upper() == "DELETE":
                return Response(204, "")
            sid = ("CA" if uri.endswith("/Calls.json") else "SM") + secrets.token_hex(16)
            return Response(
                201,
                json.dumps(
                    {"sid": sid, "status": "queued", "to": form.get("To"), "body": form.get("Body")}
                ),
            )

    return RecordingHttpClient(logging.getLogger("tests.twilio"), False)


@pytest.fixture
def fake_twilio() -> FakeTwilioHttp:
    """The fake Twilio for this test."""
    return FakeTwilioHttp()


@pytest.fixture
def connection(database_url: str) -> Iterator[Connection]:
    """One connection in a transaction that is rolled back after the test."""
    engine = create_engine(database_url)
    conn = engine.connect()
    outer = conn.begin()
    yield conn
    outer.rollback()
    conn.close()
    engine.dispose()
