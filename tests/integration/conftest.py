"""The app on real PostgreSQL (rolled back per test) and real RQ on Redis, Twilio faked at HTTP."""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from redis import Redis
from rq import SimpleWorker
from rq.registry import FailedJobRegistry
from rq.serializers import JSONSerializer
from sqlalchemy import Select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import UpdateBase
from twilio.request_validator import RequestValidator

from tests.conftest import (
    AUTH_TOKEN,
    LINE_NUMBER,
    PUBLIC_URL,
    FakeTwilioHttp,
    make_http_client,
    make_settings,
)
from warmline import create_app, runtime
from warmline.core.clock import utcnow
from warmline.core.db import Database
from warmline.core.jobqueue import QUEUE_NAME, RedisJobQueue
from warmline.lines.lines import add_line
from warmline.lines.volunteers import add_volunteer
from warmline.rota import service, shifts
from warmline.runtime import Runtime
from warmline.telephony.sender import TwilioTransport


class RolledBackDatabase(Database):
    """Sessions that all share the test's connection, committing only to savepoints."""

    def __init__(self, url: str, connection: Connection) -> None:
        super().__init__(url)
        self.connection = connection
        # Nothing here is ever committed, so nothing could be announced: the webhook queues.
        self.announces = False

    def new_session(self) -> Session:
        """A session joined to the test's outer transaction."""
        return Session(
            bind=self.connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )

    @contextmanager
    def pinned_session(self) -> Iterator[Session]:
        """Every session here already keeps the test's one connection."""
        with self.session() as session:
            yield session

    def write_returning(
        self, statement: UpdateBase | Select[Any], values: Mapping[str, Any]
    ) -> Any:
        """The write committed to a savepoint of the test's transaction, as everywhere."""
        with self.session() as session:
            value = session.execute(statement, values).scalar()
            session.commit()
            return value


class Line:
    """The test line: a texter and volunteers texting it, and what Twilio was asked to send."""

    def __init__(
        self, client: FlaskClient, rt: Runtime, fake: FakeTwilioHttp, redis: Redis
    ) -> None:
        self.client = client
        self.rt = rt
        self.fake = fake
        self.redis = redis
        self.number = LINE_NUMBER
        self.validator = RequestValidator(AUTH_TOKEN)

    def post_sms(self, sender: str, body: str, sid: str | None = None, **extra: str) -> Any:
        """Post a signed incoming-text webhook, as Twilio would."""
        form = {
            "MessageSid": sid or "SM" + secrets.token_hex(16),
            "AccountSid": "AC" + "a1" * 16,
            "From": sender,
            "To": self.number,
            "Body": body,
            "NumMedia": "0",
            **extra,
        }
        signature = self.validator.compute_signature(PUBLIC_URL + "/twilio/sms", form)
        return self.client.post("/twilio/sms", data=form, headers={"X-Twilio-Signature": signature})

    def text(self, sender: str, body: str) -> None:
        """Text the line and let the worker do everything it queues."""
        response = self.post_sms(sender, body)
        assert response.status_code == 200
        self.drain()

    def drain(self) -> None:
        """Run queued jobs with a real RQ worker until the queue is empty."""
        worker = SimpleWorker([QUEUE_NAME], connection=self.redis, serializer=JSONSerializer)
        worker.work(burst=True, logging_level="WARNING")
        failed = FailedJobRegistry(QUEUE_NAME, connection=self.redis, serializer=JSONSerializer)
        assert failed.count == 0, "a job raised: see the captured log"

    def sent_to(self, number: str) -> list[str]:
        """Bodies Twilio was asked to send to `number`, in order."""
        return self.fake.to(number)

    def add_volunteer(
        self, name: str, phone: str, role: str = "primary", on_shift: bool = True
    ) -> None:
        """Add a volunteer, on a shift now unless told otherwise."""
        now = utcnow()
        with self.rt.db.session() as session:
            add_volunteer(
                session, self.rt.keyring, self.rt.vault, name=name, phone_raw=phone, now=now
            )
            if on_shift:
                service.add_shift(
                    session,
                    shifts.read_shift(
                        session,
                        self.rt.keyring,
                        line_raw=self.number,
                        volunteer_raw=phone,
                        start=(now - timedelta(hours=1)).isoformat(),
                        end=(now + timedelta(hours=3)).isoformat(),
                        role=role,
                    ),
                    now,
                )
                session.commit()


@pytest.fixture
def app(
    database_url: str,
    redis_url: str,
    connection: Connection,
    fake_twilio: FakeTwilioHttp,
    tmp_path: Path,
) -> Iterator[Flask]:
    """The Flask app with a rolled-back database, RQ on a flushed Redis and the fake Twilio."""
    settings = make_settings(database_url, redis_url, tmp_path)
    flask_app = create_app(settings)
    rt: Runtime = flask_app.extensions["warmline"]
    rt.db = RolledBackDatabase(database_url, connection)
    rt.transport = TwilioTransport(
        settings.twilio_account_sid or "",
        settings.twilio_auth_token,
        settings.twilio_api_base_url,
        PUBLIC_URL + "/twilio/sms/status",
        http_client=make_http_client(fake_twilio),
    )
    assert isinstance(rt.queue, RedisJobQueue)
    rt.queue.redis.flushdb()
    runtime.install(rt)
    yield flask_app
    rt.queue.redis.flushdb()
    runtime.install(None)


@pytest.fixture
def rt(app: Flask) -> Runtime:
    """The test runtime."""
    runtime_: Runtime = app.extensions["warmline"]
    return runtime_


@pytest.fixture
def line(app: Flask, rt: Runtime, fake_twilio: FakeTwilioHttp, redis_url: str) -> Line:
    """The test line, created."""
    with rt.db.session() as session:
        add_line(
            session,
            number_raw=LINE_NUMBER,
            name="Test Warmline",
            timezone="America/New_York",
            now=utcnow(),
        )
    return Line(app.test_client(), rt, fake_twilio, Redis.from_url(redis_url))
