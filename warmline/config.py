"""Settings from the environment, read and validated in one place."""

from __future__ import annotations

import base64
import ipaddress
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from cryptography.fernet import Fernet

DEFAULT_TWILIO_API_BASE_URL = "https://api.twilio.com"
DEVELOPMENT_AUTH_TOKEN = "development-auth-token"
PRODUCTION_REQUIRED = (
    "SECRET_KEY",
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "PUBLIC_URL",
    "WARMLINE_DATA_KEY",
    "WARMLINE_HMAC_KEY",
)
MIN_HMAC_KEY_BYTES = 32
MIN_SECRET_KEY_BYTES = 32
MAX_TRUSTED_PROXY_HOPS = 5
LOG_FORMATS = ("text", "json")
MIN_METRICS_TOKEN_CHARS = 16
DEFAULT_SEND_CONCURRENCY = 16
# Each send in flight holds a database connection; beyond this a worker would exhaust them.
MAX_SEND_CONCURRENCY = 64


# How each SMTP_URL scheme reaches its server, and the port it uses when the URL names none.
SMTP_SCHEMES = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


class ConfigError(Exception):
    """The environment does not describe a line that can start safely."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where coordinators' alert e-mails go out: SMTP_URL taken apart, and SMTP_FROM."""

    scheme: str
    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    @property
    def starttls(self) -> bool:
        """True when the connection is upgraded to TLS after it opens."""
        return self.scheme == "smtp+starttls"

    @property
    def implicit_tls(self) -> bool:
        """True when the connection is TLS from its first byte."""
        return self.scheme == "smtps"


@dataclass(frozen=True)
class Settings:
    """Everything the platform reads from its environment."""

    env: str
    database_url: str
    redis_url: str | None
    secret_key: str
    twilio_account_sid: str | None
    twilio_auth_token: str
    twilio_api_base_url: str
    public_url: str
    data_keys: tuple[str, ...]
    hmac_key: bytes
    instance_path: Path
    older_hmac_keys: tuple[bytes, ...] = ()
    # Operations: pacing per sending number, log lines, the metrics endpoint.
    send_rate_per_s: float = 1.0
    send_burst: int = 10
    # Texts one worker process has at the carrier at once (each waits on its own thread).
    send_concurrency: int = DEFAULT_SEND_CONCURRENCY
    log_format: str = "text"
    metrics_token: str | None = None
    prometheus_multiproc_dir: str | None = None
    # Proxies in front of the app whose X-Forwarded-For we believe (0: none, the address is the
    # peer's own).
    trusted_proxy_hops: int = 0
    # Alert e-mails for coordinators; None: alerts go by text only.
    smtp: SmtpSettings | None = None

    @property
    def embedded(self) -> bool:
        """True when there is no Redis: one process serves web, queue and worker."""
        return self.redis_url is None

    @property
    def production(self) -> bool:
        """True when the line runs for real people."""
        return self.env == "production"

    @property
    def uses_twilio(self) -> bool:
        """True when outbound texts go to Twilio rather than the console."""
        return self.twilio_account_sid is not None

    @property
    def https(self) -> bool:
        """True when people reach the dashboard over https (cookies Secure, HSTS sent)."""
        return self.public_url.startswith("https://")


def load_settings(
    environ: Mapping[str, str] | None = None, *, development_default: bool = False
) -> Settings:
    """Read settings from `environ` (default: the process environment); fail fast and clearly.

    `development_default` is for `warmline run`: an unset WARMLINE_ENV then counts as explicit.
    """
    env_vars = os.environ if environ is None else environ

    def get(name: str) -> str | None:
        value = env_vars.get(name, "").strip()
        return value or None

    explicit_env = get("WARMLINE_ENV")
    env = explicit_env or "development"
    if env not in ("development", "production"):
        raise ConfigError(f"WARMLINE_ENV must be 'development' or 'production', not {env!r}")
    if env == "production":
        _check_production(get)

    instance_path = Path(get("WARMLINE_INSTANCE_PATH") or Path.cwd() / "instance")
    dev_secrets = _DevelopmentSecrets(instance_path) if env == "development" else None

    def secret(name: str) -> str:
        value = get(name)
        if value is not None:
            return value
        assert dev_secrets is not None  # production has checked every required name above
        return dev_secrets.get(name)

    data_keys = tuple(k.strip() for k in secret("WARMLINE_DATA_KEY").split(",") if k.strip())
    for position, key in enumerate(data_keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise ConfigError(
                f"WARMLINE_DATA_KEY key {position} is not a Fernet key "
                "(run `warmline keys generate` for a fresh one)"
            ) from None
    if not data_keys:
        raise ConfigError("WARMLINE_DATA_KEY holds no key")

    hmac_keys = [k.strip().encode() for k in secret("WARMLINE_HMAC_KEY").split(",") if k.strip()]
    if not hmac_keys or any(len(k) < MIN_HMAC_KEY_BYTES for k in hmac_keys):
        raise ConfigError(
            f"WARMLINE_HMAC_KEY must be at least {MIN_HMAC_KEY_BYTES} bytes "
            "(several keys: comma-separated, newest first)"
        )

    operations = _operations(get, env)

    account_sid = get("TWILIO_ACCOUNT_SID")
    if env == "production" and account_sid is not None and not account_sid.startswith("AC"):
        raise ConfigError("TWILIO_ACCOUNT_SID must start with AC")
    if account_sid is not None and get("TWILIO_AUTH_TOKEN") is None:
        raise ConfigError("TWILIO_ACCOUNT_SID is set but TWILIO_AUTH_TOKEN is not: set both")
    # The public development token signs requests only where someone chose development: an
    # unset WARMLINE_ENV (gunicorn started bare, say) gets a random token nobody can sign with.
    chose_development = explicit_env == "development" or development_default
    auth_token = get("TWILIO_AUTH_TOKEN") or (
        DEVELOPMENT_AUTH_TOKEN if chose_development else secrets.token_urlsafe(32)
    )

    return Settings(
        env=env,
        database_url=_driver(get("DATABASE_URL"))
        or f"sqlite:///{instance_path / 'warmline.sqlite3'}",
        redis_url=_redis_tls(get("REDIS_URL"), get("REDIS_TLS_VERIFY")),
        secret_key=secret("SECRET_KEY"),
        twilio_account_sid=account_sid,
        twilio_auth_token=auth_token,
        twilio_api_base_url=(get("TWILIO_API_BASE_URL") or DEFAULT_TWILIO_API_BASE_URL).rstrip("/"),
        public_url=(get("PUBLIC_URL") or "http://127.0.0.1:5000").rstrip("/"),
        data_keys=data_keys,
        hmac_key=hmac_keys[0],
        older_hmac_keys=tuple(hmac_keys[1:]),
        instance_path=instance_path,
        smtp=smtp_settings(get("SMTP_URL"), get("SMTP_FROM"), production=env == "production"),
        **operations,
    )


def _check_production(get: Callable[[str], str | None]) -> None:
    """Refuse, in one line naming the setting, what would make a real line unsafe."""
    missing = [name for name in PRODUCTION_REQUIRED if get(name) is None]
    if missing:
        raise ConfigError("production needs these settings: " + ", ".join(missing))
    if get("REDIS_URL") is None:
        raise ConfigError("production needs REDIS_URL (the embedded queue is for trying out)")
    if len((get("SECRET_KEY") or "").encode()) < MIN_SECRET_KEY_BYTES:
        raise ConfigError(
            f"SECRET_KEY must be at least {MIN_SECRET_KEY_BYTES} bytes in production "
            "(it signs the dashboard's cookies; `warmline keys generate` makes one)"
        )
    public_url = urlsplit(get("PUBLIC_URL") or "")
    if public_url.scheme != "https" and not _loopback(public_url.hostname):
        raise ConfigError(
            "PUBLIC_URL must start with https:// in production (only a loopback address may "
            "use http, for local runs)"
        )


def _loopback(host: str | None) -> bool:
    """True for localhost and loopback addresses, which never leave this machine."""
    if host is None:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _driver(url: str | None) -> str | None:
    """A PostgreSQL URL as platforms hand it out (postgres://...) made to use psycopg 3."""
    if url is None:
        return None
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _redis_tls(url: str | None, verify: str | None) -> str | None:
    """REDIS_URL, told not to check the server's certificate when REDIS_TLS_VERIFY is `none`."""
    # Heroku Redis serves rediss:// with a self-signed certificate that no CA list can verify.
    if verify not in (None, "required", "none"):
        raise ConfigError(f"REDIS_TLS_VERIFY must be 'required' or 'none', not {verify!r}")
    if url is None or verify != "none" or not url.startswith("rediss://"):
        return url
    if "ssl_cert_reqs=" in url:
        return url
    return url + ("&" if "?" in url else "?") + "ssl_cert_reqs=none"


def smtp_settings(url: str | None, sender: str | None, *, production: bool) -> SmtpSettings | None:
    """SMTP_URL and SMTP_FROM checked and taken apart; None when SMTP_URL is unset."""
    if url is None:
        if sender is not None:
            raise ConfigError("SMTP_FROM is set but SMTP_URL is not: set both, or neither")
        return None
    shape = "smtp://user:password@host:port (or smtps:// or smtp+starttls://)"
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in SMTP_SCHEMES:
        raise ConfigError(f"SMTP_URL must look like {shape}, not start with {scheme or url!r}")
    try:
        port = parts.port or SMTP_SCHEMES[scheme]
    except ValueError:
        raise ConfigError(
            f"SMTP_URL has a port that is not a number from 1 to 65535: {shape}"
        ) from None
    if not parts.hostname:
        raise ConfigError(f"SMTP_URL names no host: {shape}")
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    if (username is None) != (password is None):
        raise ConfigError("SMTP_URL has a user without a password (or the other way round)")
    if production and scheme == "smtp" and password is not None and not _loopback(parts.hostname):
        raise ConfigError(
            "SMTP_URL would send its password unencrypted: use smtps:// or smtp+starttls:// "
            "(plain smtp:// only to a relay on this machine)"
        )
    chosen = sender or (username if username and "@" in username else None)
    if chosen is None:
        raise ConfigError("SMTP_FROM must be set (the address alert e-mails come from)")
    _, address = parseaddr(chosen)
    if "@" not in address or any(c in chosen for c in "\r\n"):
        raise ConfigError(f"SMTP_FROM must be an e-mail address, not {chosen!r}")
    return SmtpSettings(scheme, parts.hostname, port, chosen, username, password)


def log_format(environ: Mapping[str, str] | None = None) -> str:
    """LOG_FORMAT alone (for gunicorn's own logs, set up before the app): `text` or `json`."""
    env_vars = os.environ if environ is None else environ
    env = env_vars.get("WARMLINE_ENV", "").strip() or "development"
    value = env_vars.get("LOG_FORMAT", "").strip().lower()
    return value if value in LOG_FORMATS else ("json" if env == "production" else "text")


def _operations(get: Callable[[str], str | None], env: str) -> dict[str, Any]:
    """The settings that tune how the line runs: pacing, logs and metrics."""
    rate_text = get("SEND_RATE_PER_S") or "1"
    burst_text = get("SEND_BURST") or "10"
    try:
        rate = float(rate_text)
        burst = int(burst_text)
    except ValueError:
        raise ConfigError(
            "SEND_RATE_PER_S must be a number (segments a second; 0 = no pacing) "
            "and SEND_BURST a whole number"
        ) from None
    if not (0 <= rate <= 1000) or not (1 <= burst <= 10000):
        raise ConfigError("SEND_RATE_PER_S must be 0 to 1000 and SEND_BURST 1 to 10000")
    concurrency_text = get("SEND_CONCURRENCY") or str(DEFAULT_SEND_CONCURRENCY)
    if (
        not concurrency_text.isascii()
        or not concurrency_text.isdigit()
        or not 1 <= int(concurrency_text) <= MAX_SEND_CONCURRENCY
    ):
        raise ConfigError(
            f"SEND_CONCURRENCY must be a whole number from 1 to {MAX_SEND_CONCURRENCY} "
            "(texts one worker has at the carrier at once)"
        )
    fmt = (get("LOG_FORMAT") or ("json" if env == "production" else "text")).lower()
    if fmt not in LOG_FORMATS:
        raise ConfigError(f"LOG_FORMAT must be 'text' or 'json', not {fmt!r}")
    token = get("METRICS_TOKEN")
    if token is not None and len(token) < MIN_METRICS_TOKEN_CHARS:
        raise ConfigError(f"METRICS_TOKEN must be at least {MIN_METRICS_TOKEN_CHARS} characters")
    hops_text = get("TRUSTED_PROXY_HOPS") or "0"
    if (
        not hops_text.isascii()
        or not hops_text.isdigit()
        or int(hops_text) > MAX_TRUSTED_PROXY_HOPS
    ):
        raise ConfigError(
            f"TRUSTED_PROXY_HOPS must be a whole number from 0 to {MAX_TRUSTED_PROXY_HOPS} "
            "(how many proxies stand in front of the app)"
        )
    multiproc_dir = get("PROMETHEUS_MULTIPROC_DIR")
    if multiproc_dir is not None and not Path(multiproc_dir).is_dir():
        raise ConfigError(
            f"PROMETHEUS_MULTIPROC_DIR {multiproc_dir!r} is not a directory (create it first)"
        )
    return {
        "send_rate_per_s": rate,
        "send_burst": burst,
        "send_concurrency": int(concurrency_text),
        "log_format": fmt,
        "metrics_token": token,
        "prometheus_multiproc_dir": multiproc_dir,
        "trusted_proxy_hops": int(hops_text),
    }


def generate_keys() -> dict[str, str]:
    """Fresh values for the secret settings."""
    return {
        "SECRET_KEY": secrets.token_urlsafe(32),
        "WARMLINE_DATA_KEY": Fernet.generate_key().decode(),
        "WARMLINE_HMAC_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
    }


class _DevelopmentSecrets:
    """Secrets for development, made once and kept in the instance folder so data stays readable."""

    def __init__(self, instance_path: Path) -> None:
        self.path = instance_path / "development-secrets.env"
        self._values: dict[str, str] | None = None

    def get(self, name: str) -> str:
        """The development value of `name`, creating the file on first use."""
        if self._values is None:
            self._values = self._load_or_create()
        return self._values[name]

    def _load_or_create(self) -> dict[str, str]:
        if self.path.exists():
            pairs = (
                line.split("=", 1) for line in self.path.read_text().splitlines() if "=" in line
            )
            values = {k: v for k, v in pairs}
            if all(k in values for k in generate_keys()):
                return values
        values = generate_keys()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Created 0600 by open() itself: there is never a moment others could read the secrets.
        # A stale file is replaced (not rewritten in place) so its old mode cannot carry over.
        fresh = self.path.with_name(self.path.name + f".{os.getpid()}.tmp")
        fd = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write("".join(f"{k}={v}\n" for k, v in values.items()))
        os.replace(fresh, self.path)
        return values
