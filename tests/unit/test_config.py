"""Settings: production refuses to start without what it needs, and says what is missing."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from warmline.config import ConfigError, generate_keys, load_settings


def production_env(**overrides: str) -> dict[str, str]:
    env = {
        "WARMLINE_ENV": "production",
        "SECRET_KEY": "s" * 32,
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
        "TWILIO_AUTH_TOKEN": "token",
        "PUBLIC_URL": "https://line.example.org/",
        "WARMLINE_DATA_KEY": Fernet.generate_key().decode(),
        "WARMLINE_HMAC_KEY": "h" * 32,
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1/warmline",
    }
    env.update(overrides)
    return env


def test_a_complete_production_environment_loads() -> None:
    settings = load_settings(production_env())
    assert settings.production and not settings.embedded and settings.uses_twilio
    assert settings.public_url == "https://line.example.org"


@pytest.mark.parametrize(
    "missing",
    [
        "SECRET_KEY",
        "TWILIO_ACCOUNT_SID",
        "TWILIO_AUTH_TOKEN",
        "PUBLIC_URL",
        "WARMLINE_DATA_KEY",
        "WARMLINE_HMAC_KEY",
    ],
)
def test_production_names_each_missing_setting(missing: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_settings(production_env(**{missing: ""}))
    assert missing in str(error.value) and "\n" not in str(error.value)


def test_production_names_all_missing_settings_in_one_line() -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY, TWILIO_ACCOUNT_SID"):
        load_settings({"WARMLINE_ENV": "production"})


def test_a_wrong_data_key_is_refused_clearly() -> None:
    with pytest.raises(ConfigError, match="WARMLINE_DATA_KEY key 1 is not a Fernet key"):
        load_settings(production_env(WARMLINE_DATA_KEY="not-a-key"))


def test_a_short_hmac_key_is_refused() -> None:
    with pytest.raises(ConfigError, match="at least 32 bytes"):
        load_settings(production_env(WARMLINE_HMAC_KEY="short"))


def test_several_data_keys_are_accepted_newest_first() -> None:
    keys = [Fernet.generate_key().decode() for _ in range(2)]
    settings = load_settings(production_env(WARMLINE_DATA_KEY=",".join(keys)))
    assert settings.data_keys == tuple(keys)


def test_development_makes_its_secrets_once_and_keeps_them(tmp_path: Path) -> None:
    env = {"WARMLINE_INSTANCE_PATH": str(tmp_path)}
    first = load_settings(env)
    second = load_settings(env)
    assert first.embedded and not first.uses_twilio
    assert first.data_keys == second.data_keys and first.hmac_key == second.hmac_key
    assert first.database_url == f"sqlite:///{tmp_path / 'warmline.sqlite3'}"
    assert (tmp_path / "development-secrets.env").stat().st_mode & 0o077 == 0


def test_an_unknown_environment_name_is_refused() -> None:
    with pytest.raises(ConfigError, match="WARMLINE_ENV"):
        load_settings({"WARMLINE_ENV": "staging"})


def test_generated_keys_are_accepted_by_production() -> None:
    assert load_settings(production_env(**generate_keys())).secret_key
