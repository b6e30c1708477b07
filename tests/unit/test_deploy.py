"""What an operator deploys with: the systemd units, the example environment, gunicorn's config."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from cryptography.fernet import Fernet

from tests.conftest import _require
from warmline import config, gunicorn_conf
from warmline.config import load_settings

REPO = Path(__file__).resolve().parents[2]
UNITS = sorted((REPO / "deploy" / "systemd").glob("*.service"))
EXAMPLE = REPO / "deploy" / "warmline.env.example"
SECRETS = (
    "SECRET_KEY",
    "WARMLINE_DATA_KEY",
    "WARMLINE_HMAC_KEY",
    "TWILIO_AUTH_TOKEN",
    "METRICS_TOKEN",
)


def _missing(package: str) -> None:
    raise FileNotFoundError(f"not on PATH (Debian package {package})")


def variables_config_reads() -> set[str]:
    source = (REPO / "warmline" / "config.py").read_text()
    return set(re.findall(r'(?:get|secret)\("([A-Z][A-Z0-9_]+)"\)', source))


def example_values(commented: bool = True) -> dict[str, str]:
    """NAME=value lines of the example (with the commented-out ones, unless told not to)."""
    shape = r"^#? ?([A-Z][A-Z0-9_]+)=(.*)$" if commented else r"^([A-Z][A-Z0-9_]+)=(.*)$"
    return dict(re.findall(shape, EXAMPLE.read_text(), re.MULTILINE))


def test_the_units_are_web_worker_and_the_release_step() -> None:
    assert [u.name for u in UNITS] == [
        "warmline-release.service",
        "warmline-web.service",
        "warmline-worker.service",
    ]
    web = (REPO / "deploy" / "systemd" / "warmline-web.service").read_text()
    assert "-c python:warmline.gunicorn_conf" in web and "Requires=warmline-release.service" in web


def test_the_systemd_units_verify(tmp_path: Path) -> None:
    _require("systemd-analyze", lambda: shutil.which("systemd-analyze") or _missing("systemd"))
    # The units name /opt/warmline; verify them against this checkout, whose venv has the commands.
    for unit in UNITS:
        text = unit.read_text().replace("/opt/warmline", str(REPO))
        (tmp_path / unit.name).write_text(text)
    done = subprocess.run(
        ["systemd-analyze", "verify", *(str(tmp_path / u.name) for u in UNITS)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    complaints = [
        line
        for line in (done.stdout + done.stderr).splitlines()
        if "warmline" in line or "Unknown" in line or "ignoring" in line
    ]
    assert done.returncode == 0 and complaints == [], done.stdout + done.stderr


def test_the_example_environment_names_every_setting_and_holds_no_secret() -> None:
    values = example_values()
    assert variables_config_reads() <= set(values)
    assert all(values[name] == "" for name in SECRETS)


def test_the_example_environment_with_secrets_filled_in_starts_in_production() -> None:
    env = {k: v for k, v in example_values(commented=False).items() if v}
    env.update(
        SECRET_KEY="s" * 32,
        WARMLINE_DATA_KEY=Fernet.generate_key().decode(),
        WARMLINE_HMAC_KEY="h" * 32,
        TWILIO_ACCOUNT_SID="AC" + "0" * 32,
        TWILIO_AUTH_TOKEN="token",
    )
    settings = load_settings(env)
    assert settings.production and settings.log_format == "json"
    assert (settings.send_rate_per_s, settings.send_burst) == (1.0, 10)


def test_gunicorn_accepts_every_setting_of_its_config_module() -> None:
    from gunicorn.config import Config  # type: ignore[import-untyped]

    cfg = Config()
    names = [n for n in vars(gunicorn_conf) if n in cfg.settings]
    assert sorted(names) == ["access_log_format", "accesslog", "logger_class"]
    for name in names:
        cfg.set(name, getattr(gunicorn_conf, name))
    assert cfg.logger_class is gunicorn_conf.RedactingLogger


def test_the_procfile_web_line_uses_the_gunicorn_config() -> None:
    web = next(
        line for line in (REPO / "Procfile").read_text().splitlines() if line.startswith("web:")
    )
    assert "-c python:warmline.gunicorn_conf" in web
    assert config.log_format({"WARMLINE_ENV": "production"}) == "json"
