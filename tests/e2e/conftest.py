"""The whole platform as deployed, started once for the end-to-end tests.

PostgreSQL database `warmline_e2e_<pid>` (created, migrated by `warmline db upgrade`, dropped); a
redis-server of its own on a free port (so a test may stop and restart it); the fake Twilio with
Prism in front, validating every request against Twilio's OpenAPI description; gunicorn from the
Procfile's `web` line with two workers; two `warmline worker` processes. Every process is stopped
when the module's tests are done, whatever happened.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
import requests
from rq import Queue, Worker
from sqlalchemy import create_engine, text

from tests import twilio_mock
from tests.conftest import PG_ADMIN_URL, _require, pg_url
from tests.e2e.deployment import Line, Platform
from tests.e2e.fake_twilio import FakeTwilio
from tests.e2e.harness import (
    PRISM,
    TWILIO_SPEC,
    VENV_BIN,
    Process,
    RedisServer,
    free_port,
    platform_env,
    procfile_command,
    run_command,
    start_shell,
    wait_for,
)
from warmline.core.crypto import Keyring
from warmline.core.jobqueue import QUEUE_NAME

# warmline_e2e_<pid>: test runs side by side on one machine must not drop each other's database.
E2E_DB_PREFIX = "warmline_e2e_"
E2E_DB = os.environ.get("TEST_PG_E2E_DATABASE", f"{E2E_DB_PREFIX}{os.getpid()}")
WORKERS = 2
STARTUP_TIMEOUT = 30.0


def _check_prerequisites() -> None:
    """PostgreSQL, redis-server and Prism: under CI=true a missing one fails the tests."""

    def postgres() -> None:
        engine = create_engine(PG_ADMIN_URL)
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        finally:
            engine.dispose()

    def redis_server() -> None:
        if shutil.which("redis-server") is None:
            raise FileNotFoundError("no redis-server on PATH")

    _require("PostgreSQL", postgres)
    _require("redis-server", redis_server)
    _require("Prism", twilio_mock.check_installed)
    for tool in ("warmline", "gunicorn"):
        assert (VENV_BIN / tool).exists(), f"{VENV_BIN / tool} is missing: install the project"


def _fresh_database(name: str) -> str:
    """Create database `name` afresh, and drop those left by e2e runs whose process is gone."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for (leftover,) in conn.execute(
                text("SELECT datname FROM pg_database WHERE datname LIKE :prefix"),
                {"prefix": E2E_DB_PREFIX.replace("_", r"\_") + "%"},
            ):
                pid = leftover.removeprefix(E2E_DB_PREFIX)
                if pid.isdigit() and not Path(f"/proc/{pid}").exists():
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{leftover}" WITH (FORCE)'))
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return pg_url(name)


def _drop_database(name: str) -> None:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _start_prism(fake: FakeTwilio, log_dir: Path) -> tuple[Process, str]:
    port = free_port()
    argv = [str(PRISM), "proxy", "-p", str(port), "--errors", TWILIO_SPEC, fake.url]
    return Process("prism", argv, dict(os.environ), log_dir / "prism.log"), (
        f"http://127.0.0.1:{port}"
    )


def _prism_validates(prism: Process, prism_url: str, fake: FakeTwilio, account_sid: str) -> int:
    """Prove Prism refuses an invalid message create before it reaches the fake.

    Returns the length of Prism's log after the probe: later problems are the platform's.
    """

    def answers() -> bool:
        requests.get(prism_url + "/", timeout=2)
        return True

    wait_for("Prism to listen", answers, STARTUP_TIMEOUT, watch=[prism])
    recorded = len(fake.texts())
    response = requests.post(
        f"{prism_url}/2010-04-01/Accounts/{account_sid}/Messages.json",
        data={"From": "+15550100000", "Body": "no To: Twilio refuses this"},
        auth=(account_sid, fake.auth_token),
        timeout=10,
    )
    assert response.status_code == 422, f"Prism let an invalid request through: {response.text}"
    assert len(fake.texts()) == recorded, "Prism forwarded an invalid request to the fake"

    def probe_logged() -> int | None:
        log = prism.output()
        return len(log) if "UNPROCESSABLE" in log else None

    return wait_for("Prism to log the refused probe", probe_logged, 10)


def _workers_listening(redis: RedisServer, count: int) -> bool:
    with redis.client() as client:
        return len(Worker.all(queue=Queue(QUEUE_NAME, connection=client))) >= count


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """The whole platform, running; stopped when the module's tests are done."""
    _check_prerequisites()
    log_dir = tmp_path_factory.mktemp("e2e-processes")
    account_sid = "AC" + secrets.token_hex(16)
    auth_token = secrets.token_hex(16)
    web_port = free_port()

    with ExitStack() as cleanup:
        fake = FakeTwilio(account_sid, auth_token)
        fake.start()
        cleanup.callback(fake.stop)
        prism, prism_url = _start_prism(fake, log_dir)
        cleanup.callback(prism.stop)
        redis = RedisServer(log_dir)
        cleanup.callback(redis.stop)
        redis.start()
        database_url = _fresh_database(E2E_DB)
        cleanup.callback(_drop_database, E2E_DB)

        env = platform_env(
            database_url=database_url,
            redis_url=redis.url,
            account_sid=account_sid,
            auth_token=auth_token,
            api_base_url=prism_url,
            web_port=web_port,
            instance_dir=log_dir / "instance",
            # Pacing stays on, at a rate that does not make twenty peers' texts take a minute
            # (a US long code's 1 segment a second is the production default).
            SEND_RATE_PER_S="100",
            SEND_BURST="20",
        )
        run_command([str(VENV_BIN / "warmline"), "db", "upgrade"], env)

        web = start_shell("web", procfile_command("web"), env, log_dir)
        cleanup.callback(web.stop)
        workers = []
        for number in range(1, WORKERS + 1):
            worker = start_shell(f"worker-{number}", procfile_command("worker"), env, log_dir)
            cleanup.callback(worker.stop)
            workers.append(worker)

        prism_log_start = _prism_validates(prism, prism_url, fake, account_sid)
        web_url = f"http://127.0.0.1:{web_port}"
        wait_for(
            "the web process to be ready (database and Redis)",
            lambda: requests.get(web_url + "/readyz", timeout=2).status_code == 200,
            STARTUP_TIMEOUT,
            watch=[web],
        )
        wait_for(
            f"{WORKERS} workers to listen on the queue",
            lambda: _workers_listening(redis, WORKERS),
            STARTUP_TIMEOUT,
            watch=workers,
        )
        engine = create_engine(database_url, pool_size=5)
        cleanup.callback(engine.dispose)

        yield Platform(
            env=env,
            web_url=web_url,
            fake=fake,
            engine=engine,
            keyring=Keyring(env["WARMLINE_HMAC_KEY"].encode()),
            web=web,
            workers=workers,
            prism=prism,
            prism_log_start=prism_log_start,
            redis=redis,
        )


@pytest.fixture
def restarted_workers(platform: Platform) -> Iterator[None]:
    """Stop, after the test, the workers it started in place of killed ones."""
    originals = list(platform.workers)
    yield
    for worker in platform.workers:
        if worker not in originals:
            worker.stop()


@pytest.fixture
def new_line(platform: Platform, request: pytest.FixtureRequest) -> Line:
    """A line of this test's own, named after it, with no volunteers yet."""
    platform.assert_services_running()
    return platform.new_line(f"Line {request.node.name[5:40]}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """On a failure, show what the platform's processes said last."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    deployment = getattr(item, "funcargs", {}).get("platform")
    if report.failed and isinstance(deployment, Platform):
        for process in [*deployment.services, deployment.prism]:
            report.sections.append((f"last output of {process.name}", process.tail(30)))
