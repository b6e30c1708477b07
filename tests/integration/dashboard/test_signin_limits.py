"""Guessing is slowed for real: attempts are counted before a password is checked."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import delete, select

from tests.conftest import make_settings
from tests.integration.dashboard.conftest import EMAIL, PASSWORD, Dashboard
from warmline import create_app, runtime
from warmline.core.clock import utcnow
from warmline.core.jobqueue import RedisJobQueue
from warmline.dashboard.accounts import limits
from warmline.lines import coordinators
from warmline.models import AuditEntry, Coordinator
from warmline.runtime import Runtime

PARALLEL = 60
RACE_EMAIL = "race@example.org"


def committed_app(
    database_url: str, redis_url: str, tmp_path: Path, hops: int = 0
) -> Iterator[Flask]:
    """The app on the real database (no shared test transaction), so requests truly overlap."""
    settings = dataclasses.replace(
        make_settings(database_url, redis_url, tmp_path), trusted_proxy_hops=hops
    )
    flask_app = create_app(settings)
    rt: Runtime = flask_app.extensions["warmline"]
    assert isinstance(rt.queue, RedisJobQueue)
    rt.queue.redis.flushdb()
    with rt.db.session() as session:
        coordinators.add(session, RACE_EMAIL, PASSWORD, utcnow())
    try:
        yield flask_app
    finally:
        with rt.db.session() as session:
            session.execute(delete(AuditEntry).where(AuditEntry.action.like("%sign%")))
            session.execute(delete(Coordinator).where(Coordinator.email == RACE_EMAIL))
            session.commit()
        rt.queue.redis.flushdb()
        runtime.install(None)


@pytest.fixture
def real_app(database_url: str, redis_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app on the real database, no proxy in front."""
    yield from committed_app(database_url, redis_url, tmp_path)


@pytest.fixture
def proxied_app(database_url: str, redis_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app behind one trusted proxy."""
    yield from committed_app(database_url, redis_url, tmp_path, hops=1)


def test_sixty_parallel_wrong_passwords_get_at_most_the_limit_tried(real_app: Flask) -> None:
    browsers = [Dashboard(real_app.test_client()) for _ in range(PARALLEL)]
    for browser in browsers:
        browser.get("/signin")  # each its own session and CSRF token
    start = threading.Barrier(PARALLEL)

    def guess(numbered: tuple[int, Dashboard]) -> int:
        number, browser = numbered
        form = {"email": RACE_EMAIL, "password": f"wrong guess {number}"}
        start.wait()
        return int(browser.post("/signin", form).status_code)

    with ThreadPoolExecutor(PARALLEL) as pool:
        answers = list(pool.map(guess, enumerate(browsers)))
    tried = answers.count(401)
    assert answers.count(429) == PARALLEL - tried
    assert 1 <= tried <= limits.PER_ADDRESS.amount
    # The right password is refused too until the minute is up.
    assert browsers[0].sign_in(RACE_EMAIL, PASSWORD).status_code == 429


def test_behind_a_trusted_proxy_one_address_locked_out_leaves_the_others_in(
    proxied_app: Flask,
) -> None:
    guesser = Dashboard(proxied_app.test_client())
    colleague = Dashboard(proxied_app.test_client())
    guesser.client.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.9"
    colleague.client.environ_base["HTTP_X_FORWARDED_FOR"] = "198.51.100.7"
    for _ in range(limits.PER_ADDRESS.amount):
        assert guesser.sign_in("someone@example.org", "wrong guess").status_code == 401
    assert guesser.sign_in(RACE_EMAIL, PASSWORD).status_code == 429
    assert colleague.sign_in(RACE_EMAIL, PASSWORD).status_code == 302


def test_with_no_trusted_proxy_a_forged_forwarded_address_does_not_reset_the_count(
    real_app: Flask,
) -> None:
    guesser = Dashboard(real_app.test_client())
    for number in range(limits.PER_ADDRESS.amount):
        guesser.client.environ_base["HTTP_X_FORWARDED_FOR"] = f"203.0.113.{number}"
        assert guesser.sign_in("someone@example.org", "wrong guess").status_code == 401
    guesser.client.environ_base["HTTP_X_FORWARDED_FOR"] = "198.51.100.99"
    assert guesser.sign_in(RACE_EMAIL, PASSWORD).status_code == 429


def test_the_password_form_is_limited_too(signed_in: Dashboard) -> None:
    signed_in.get("/account/password")
    new = "another long passphrase"
    for _ in range(limits.PASSWORD_FORM.amount):
        wrong = signed_in.post(
            "/account/password",
            {"current_password": "a guess", "new_password": new, "confirm_password": new},
        )
        assert wrong.status_code == 400
    right = signed_in.post(
        "/account/password",
        {"current_password": PASSWORD, "new_password": new, "confirm_password": new},
    )
    assert right.status_code == 429 and "Too many attempts" in right.get_data(as_text=True)


def test_failed_signins_and_limit_hits_are_in_the_audit_log_without_the_password(
    browser: Dashboard, coordinator: str, rt: Runtime
) -> None:
    browser.sign_in(EMAIL, "my secret guess")
    browser.sign_in("Nobody@Example.org", "another secret guess")
    browser.sign_in("a password typed as the email", "x")
    for _ in range(limits.PER_ADDRESS.amount):
        browser.sign_in(EMAIL, "my secret guess")
    with rt.db.session() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    actions = [e.action for e in entries]
    assert actions.count("failed sign-in") == limits.PER_ADDRESS.amount
    assert actions.count("sign-in limit reached") == 1  # once per window, not per refusal
    subjects = " ".join(e.subject for e in entries)
    assert f"{EMAIL} from" in subjects and "unknown email from" in subjects
    for secret in ("secret guess", "nobody@example.org", "password typed"):
        assert secret not in subjects.lower()
