"""Settings from the environment, read and validated in one place."""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
LOG_FORMATS = ("text", "json")
MIN_METRICS_TOKEN_CHARS = 16


class ConfigError(Exception):
    """The environment does not describe a line that can start safely."""


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
    # Operations (issue 7): pacing per sending number, log lines, the metrics endpoint.
    send_rate_per_s: float = 1.0
    send_burst: int = 10
    log_format: str = "text"
    metrics_token: str | None = None
    prometheus_multiproc_dir: str | None = None

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


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read settings from `environ` (default: the process environment); fail fast and clearly."""
    env_vars = os.environ if environ is None else environ

    def get(name: str) -> str | None:
        value = env_vars.get(name, "").strip()
        return value or None

    env = get("WARMLINE_ENV") or "development"
    if env not in ("development", "production"):
        raise ConfigError(f"WARMLINE_ENV must be 'development' or 'production', not {env!r}")
    if env == "production":
        missing = [name for name in PRODUCTION_REQUIRED if get(name) is None]
        if missing:
            raise ConfigError("production needs these settings: " + ", ".join(missing))
        if get("REDIS_URL") is None:
            raise ConfigError("production needs REDIS_URL (the embedded queue is for trying out)")

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

    return Settings(
        env=env,
        database_url=_driver(get("DATABASE_URL"))
        or f"sqlite:///{instance_path / 'warmline.sqlite3'}",
        redis_url=_redis_tls(get("REDIS_URL"), get("REDIS_TLS_VERIFY")),
        secret_key=secret("SECRET_KEY"),
        twilio_account_sid=account_sid,
        twilio_auth_token=get("TWILIO_AUTH_TOKEN") or DEVELOPMENT_AUTH_TOKEN,
        twilio_api_base_url=(get("TWILIO_API_BASE_URL") or DEFAULT_TWILIO_API_BASE_URL).rstrip("/"),
        public_url=(get("PUBLIC_URL") or "http://127.0.0.1:5000").rstrip("/"),
        data_keys=data_keys,
        hmac_key=hmac_keys[0],
        older_hmac_keys=tuple(hmac_keys[1:]),
        instance_path=instance_path,
        **operations,
    )


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
    fmt = (get("LOG_FORMAT") or ("json" if env == "production" else "text")).lower()
    if fmt not in LOG_FORMATS:
        raise ConfigError(f"LOG_FORMAT must be 'text' or 'json', not {fmt!r}")
    token = get("METRICS_TOKEN")
    if token is not None and len(token) < MIN_METRICS_TOKEN_CHARS:
        raise ConfigError(f"METRICS_TOKEN must be at least {MIN_METRICS_TOKEN_CHARS} characters")
    multiproc_dir = get("PROMETHEUS_MULTIPROC_DIR")
    if multiproc_dir is not None and not Path(multiproc_dir).is_dir():
        raise ConfigError(
            f"PROMETHEUS_MULTIPROC_DIR {multiproc_dir!r} is not a directory (create it first)"
        )
    return {
        "send_rate_per_s": rate,
        "send_burst": burst,
        "log_format": fmt,
        "metrics_token": token,
        "prometheus_multiproc_dir": multiproc_dir,
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
        self.path.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
        self.path.chmod(0o600)
        return values
