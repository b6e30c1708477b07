"""Operations settings (pacing, log format, metrics) and log lines that never carry a number."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import pytest

from tests.unit.test_config import production_env
from warmline import config
from warmline.config import ConfigError, load_settings
from warmline.core.logs import REQUEST_ID, RedactingJsonFormatter, formatter_for


def development_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    return {"WARMLINE_INSTANCE_PATH": str(tmp_path), **overrides}


def test_pacing_defaults_to_one_segment_a_second_and_zero_switches_it_off(tmp_path: Path) -> None:
    settings = load_settings(development_env(tmp_path))
    assert (settings.send_rate_per_s, settings.send_burst) == (1.0, 10)
    settings = load_settings(development_env(tmp_path, SEND_RATE_PER_S="0", SEND_BURST="3"))
    assert (settings.send_rate_per_s, settings.send_burst) == (0.0, 3)


def test_a_worker_sends_sixteen_texts_at_once_unless_told_otherwise(tmp_path: Path) -> None:
    assert load_settings(development_env(tmp_path)).send_concurrency == 16
    settings = load_settings(development_env(tmp_path, SEND_CONCURRENCY="4"))
    assert settings.send_concurrency == 4


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SEND_RATE_PER_S", "fast"),
        ("SEND_RATE_PER_S", "-1"),
        ("SEND_RATE_PER_S", "nan"),
        ("SEND_BURST", "0"),
        ("SEND_BURST", "2.5"),
        ("SEND_CONCURRENCY", "0"),
        ("SEND_CONCURRENCY", "many"),
        ("SEND_CONCURRENCY", "65"),
        ("LOG_FORMAT", "xml"),
        ("METRICS_TOKEN", "short"),
        ("PROMETHEUS_MULTIPROC_DIR", "/nonexistent/warmline-metrics"),
    ],
)
def test_a_bad_operations_setting_is_refused_by_name(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        load_settings(development_env(tmp_path, **{name: value}))


def test_logs_are_text_in_development_and_json_in_production(tmp_path: Path) -> None:
    assert load_settings(development_env(tmp_path)).log_format == "text"
    assert load_settings(production_env()).log_format == "json"
    assert load_settings(production_env(LOG_FORMAT="text")).log_format == "text"
    assert config.log_format({"WARMLINE_ENV": "production"}) == "json"
    assert config.log_format({"LOG_FORMAT": "JSON"}) == "json"
    assert config.log_format({}) == "text"


def test_metrics_stay_hidden_until_a_long_enough_token_is_set(tmp_path: Path) -> None:
    assert load_settings(development_env(tmp_path)).metrics_token is None
    token = "t" * 24
    assert load_settings(development_env(tmp_path, METRICS_TOKEN=token)).metrics_token == token


def record(message: str, *args: object, exc: bool = False) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise ValueError("could not reach +1 (555) 000-9001")
        except ValueError:
            exc_info = sys.exc_info()
    return logging.LogRecord("warmline.test", logging.WARNING, __file__, 1, message, args, exc_info)


def test_a_json_log_line_is_one_object_with_time_level_logger_message_and_request_id() -> None:
    token = REQUEST_ID.set("req-12345678")
    try:
        line = RedactingJsonFormatter().format(record("outbox %s failed", 42))
    finally:
        REQUEST_ID.reset(token)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "WARNING" and entry["logger"] == "warmline.test"
    assert entry["message"] == "outbox 42 failed"
    assert entry["request_id"] == "req-12345678"
    assert entry["time"].endswith("+00:00")


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_no_phone_number_survives_either_format(fmt: str) -> None:
    formatter = formatter_for(fmt)
    outside_a_request = REQUEST_ID.set(None)  # earlier tests' requests ran in this thread
    try:
        line = formatter.format(record("texter %s said hi", "+1 555-000-9001", exc=True))
    finally:
        REQUEST_ID.reset(outside_a_request)
    for shape in ("555-000-9001", "5550009001", "000-9001", "(555) 000-9001"):
        assert shape not in line
    assert "[redacted]" in line
    if fmt == "json":
        entry = json.loads(line)
        assert "ValueError" in entry["exception"] and "request_id" not in entry


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://u:p@db.example:5432/w", "postgresql+psycopg://u:p@db.example:5432/w"),
        ("postgresql://u@db/w", "postgresql+psycopg://u@db/w"),
        ("postgresql+psycopg://u@db/w", "postgresql+psycopg://u@db/w"),
        ("sqlite:///x.sqlite3", "sqlite:///x.sqlite3"),
    ],
)
def test_a_platforms_postgres_url_is_used_with_psycopg(
    tmp_path: Path, given: str, used: str
) -> None:
    assert load_settings(development_env(tmp_path, DATABASE_URL=given)).database_url == used
