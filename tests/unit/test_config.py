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


@pytest.mark.parametrize("short", ["x", "s" * 31, "é" * 15])
def test_production_refuses_a_short_secret_key_naming_it(short: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_settings(production_env(SECRET_KEY=short))
    message = str(error.value)
    assert message.startswith("SECRET_KEY must be at least 32 bytes") and "\n" not in message


@pytest.mark.parametrize(
    "url",
    ["http://line.example.org", "ftp://line.example.org", "line.example.org", "http://0.0.0.0"],
)
def test_production_refuses_a_public_url_that_is_not_https(url: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_settings(production_env(PUBLIC_URL=url))
    message = str(error.value)
    assert message.startswith("PUBLIC_URL must start with https://") and "\n" not in message


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000", "http://localhost:5000", "http://[::1]:5000"]
)
def test_production_allows_http_on_a_loopback_address_for_local_runs(url: str) -> None:
    settings = load_settings(production_env(PUBLIC_URL=url))
    assert not settings.https


def test_production_sends_secure_cookies_over_its_https_address() -> None:
    assert load_settings(production_env()).https


@pytest.mark.parametrize("env", ["production", "development"])
def test_a_twilio_sid_without_its_token_is_refused_naming_the_token(env: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_settings({**production_env(TWILIO_AUTH_TOKEN=""), "WARMLINE_ENV": env})
    assert "TWILIO_AUTH_TOKEN" in str(error.value) and "\n" not in str(error.value)


def test_the_public_development_token_needs_development_chosen_explicitly(tmp_path: Path) -> None:
    from warmline.config import DEVELOPMENT_AUTH_TOKEN

    unset = {"WARMLINE_INSTANCE_PATH": str(tmp_path)}
    # Under gunicorn with WARMLINE_ENV forgotten, nobody can sign a webhook with a public value.
    assert load_settings(unset).twilio_auth_token != DEVELOPMENT_AUTH_TOKEN
    assert load_settings(unset).twilio_auth_token != load_settings(unset).twilio_auth_token
    chosen = {**unset, "WARMLINE_ENV": "development"}
    assert load_settings(chosen).twilio_auth_token == DEVELOPMENT_AUTH_TOKEN
    # `warmline run` is the embedded development default.
    assert load_settings(unset, development_default=True).twilio_auth_token == (
        DEVELOPMENT_AUTH_TOKEN
    )


def test_trusted_proxy_hops_default_to_none_and_are_bounded() -> None:
    assert load_settings(production_env()).trusted_proxy_hops == 0
    assert load_settings(production_env(TRUSTED_PROXY_HOPS="1")).trusted_proxy_hops == 1
    for bad in ("-1", "two", "99", "²"):
        with pytest.raises(ConfigError, match="TRUSTED_PROXY_HOPS"):
            load_settings(production_env(TRUSTED_PROXY_HOPS=bad))


def test_the_development_secrets_file_is_never_readable_by_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    created: list[tuple[str, int]] = []
    real_open = os.open

    def watching_open(path: str, flags: int, mode: int = 0o777, **kwargs: object) -> int:
        created.append((str(path), mode))
        return real_open(path, flags, mode)

    monkeypatch.setattr(os, "open", watching_open)
    # With a permissive umask, a file written then chmod-ed would start out world-readable.
    old_umask = os.umask(0)
    try:
        load_settings({"WARMLINE_INSTANCE_PATH": str(tmp_path)})
    finally:
        os.umask(old_umask)
    assert created and all(mode == 0o600 for _, mode in created)
    assert (tmp_path / "development-secrets.env").stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["development-secrets.env"]
