"""`warmline doctor`: is this deployment able to answer people? One finding per check."""

from __future__ import annotations

import smtplib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import SQLAlchemyError

from warmline.config import ConfigError, Settings, load_settings
from warmline.conversations.incoming import announced
from warmline.core import migrate
from warmline.mail.smtp import SmtpMailer
from warmline.models import Line

if TYPE_CHECKING:
    from redis import Redis

OK, PROBLEM, NOTE = "ok", "problem", "note"
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "0.0.0.0")


@dataclass(frozen=True)
class Finding:
    """The outcome of one check: ok, a problem (with its fix), or a note that fails nothing."""

    status: str
    check: str
    detail: str

    def line(self) -> str:
        """The finding as one line of output."""
        return f"{self.status:<8} {self.check}: {self.detail}"


# The carrier's own checks of the lines' numbers, handed in by the edge that speaks to Twilio.
NumberCheck = Callable[[Settings, list[str]], Iterator[Finding]]


def run(
    environ: Mapping[str, str] | None = None, check_numbers: NumberCheck | None = None
) -> list[Finding]:
    """Every check, in order; later checks that need an earlier one's result are skipped."""
    try:
        settings = load_settings(environ)
    except ConfigError as exc:
        return [Finding(PROBLEM, "configuration", str(exc))]
    findings = list(_configuration(settings))
    schema_ok = False
    if _database(settings, findings):
        findings.append(_migrations(settings))
        schema_ok = findings[-1].status == OK
    findings.extend(_redis(settings))
    if (
        schema_ok
        and settings.redis_url is not None
        and not settings.database_url.startswith("sqlite")
    ):
        findings.append(_listener(settings))
    findings.extend(_twilio(settings, schema_ok, check_numbers))
    findings.append(_email(settings))
    return findings


def _email(settings: Settings) -> Finding:
    """Coordinators' alert e-mails: off, or the SMTP server greets us and takes our sign-in."""
    smtp = settings.smtp
    if smtp is None:
        return Finding(OK, "email", "SMTP_URL is not set: coordinators get alerts by text only")
    where = f"{smtp.scheme}://{smtp.host}:{smtp.port}"
    try:
        SmtpMailer(smtp).check()
    except smtplib.SMTPAuthenticationError:
        return Finding(PROBLEM, "email", f"{where} refused the user and password in SMTP_URL")
    except (smtplib.SMTPException, OSError) as exc:
        return Finding(
            PROBLEM,
            "email",
            f"cannot reach {where} ({type(exc).__name__}): check SMTP_URL and that the server "
            "is running",
        )
    return Finding(OK, "email", f"{where} answers; alert e-mails come from {smtp.sender}")


def _configuration(settings: Settings) -> Iterator[Finding]:
    url = urlsplit(settings.public_url)
    if settings.production and url.scheme != "https":
        yield Finding(
            PROBLEM,
            "configuration",
            f"PUBLIC_URL is {url.scheme}: in production it must be the https:// address "
            "Twilio calls",
        )
    elif url.hostname in LOCAL_HOSTS:
        yield Finding(
            NOTE,
            "configuration",
            f"PUBLIC_URL is {settings.public_url}: Twilio cannot reach it (fine for trying out)",
        )
    else:
        yield Finding(OK, "configuration", f"{settings.env}, PUBLIC_URL {settings.public_url}")
    if settings.production and settings.metrics_token is None:
        yield Finding(NOTE, "metrics", "METRICS_TOKEN is not set: /metrics answers 404")


def _database(settings: Settings, findings: list[Finding]) -> bool:
    engine = create_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        findings.append(
            Finding(
                PROBLEM,
                "database",
                f"cannot connect ({type(exc).__name__}): check DATABASE_URL and that the "
                "server is running",
            )
        )
        return False
    finally:
        engine.dispose()
    findings.append(Finding(OK, "database", f"{engine.dialect.name} answers"))
    return True


def _migrations(settings: Settings) -> Finding:
    from alembic.runtime.migration import MigrationContext

    heads = migrate.heads(settings.database_url)
    if len(heads) != 1:
        return Finding(
            PROBLEM, "migrations", f"the code has {len(heads)} migration heads, not one: merge them"
        )
    engine = create_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
    if current == heads[0]:
        return Finding(OK, "migrations", f"the database is at the code's head ({current})")
    where = f"at {current}" if current else "empty"
    return Finding(
        PROBLEM,
        "migrations",
        f"the database is {where}, the code at {heads[0]}: run `warmline db upgrade`",
    )


def _listener(settings: Settings) -> Finding:
    """Whether a worker listens for the texts the web stores (only a running worker does)."""
    engine = create_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            listening = announced.someone_listens(conn)
    except SQLAlchemyError as exc:
        return Finding(NOTE, "worker", f"could not tell whether one runs ({type(exc).__name__})")
    finally:
        engine.dispose()
    if listening:
        return Finding(OK, "worker", "one is listening for the texts the web stores")
    return Finding(
        NOTE,
        "worker",
        "none is listening for the texts the web stores: until a `warmline worker` runs, texts "
        "are stored and nobody answers them",
    )


def _redis(settings: Settings) -> Iterator[Finding]:
    if settings.redis_url is None:
        yield Finding(OK, "redis", "not set: the embedded queue (one process; not for production)")
        return
    from redis import Redis
    from redis.exceptions import RedisError

    redis = Redis.from_url(settings.redis_url, socket_connect_timeout=2, socket_timeout=2)
    try:
        redis.ping()
    except RedisError as exc:
        yield Finding(
            PROBLEM,
            "redis",
            f"cannot connect ({type(exc).__name__}): check REDIS_URL and that Redis is running",
        )
        return
    yield Finding(OK, "redis", "answers")
    try:
        policy = _redis_setting(redis, "maxmemory-policy")
        appendonly = _redis_setting(redis, "appendonly")
    except RedisError:
        yield Finding(
            NOTE,
            "redis",
            "cannot read its settings (a managed Redis?): make sure maxmemory-policy is noeviction",
        )
        return
    finally:
        redis.close()
    if policy is not None and policy != "noeviction":
        yield Finding(
            PROBLEM,
            "redis",
            f"maxmemory-policy is {policy}: Redis may evict queued jobs; set it to noeviction",
        )
    if appendonly == "no":
        yield Finding(
            NOTE,
            "redis",
            "appendonly is no: a Redis restart loses queued jobs (the sweeper redoes them from "
            "the database, later); set appendonly yes",
        )


def _redis_setting(redis: Redis, name: str) -> str | None:
    """One of Redis's settings (CONFIG GET), as text; None when Redis does not say."""
    answer = cast(Mapping[Any, Any], redis.config_get(name))
    value = answer.get(name, answer.get(name.encode()))
    return value.decode() if isinstance(value, bytes) else value


def _twilio(
    settings: Settings, schema_ok: bool, check_numbers: NumberCheck | None
) -> Iterator[Finding]:
    if not settings.uses_twilio:
        yield Finding(OK, "twilio", "no TWILIO_ACCOUNT_SID: texts go to the console")
        return
    if not schema_ok:
        yield Finding(
            PROBLEM, "twilio", "the lines' numbers are checked once the database above is right"
        )
        return
    engine = create_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            line_numbers = list(conn.scalars(select(Line.number).order_by(Line.id)))
    finally:
        engine.dispose()
    if not line_numbers:
        yield Finding(NOTE, "twilio", "no lines yet: `warmline line add --number ...`")
        return
    if check_numbers is None:
        yield Finding(NOTE, "twilio", "the lines' numbers were not checked with Twilio")
        return
    yield from check_numbers(settings, line_numbers)
