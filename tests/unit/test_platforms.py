"""Heroku, Docker and Compose run the Procfile's processes, with the secrets they need."""

from __future__ import annotations

import json
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography.fernet import Fernet
from redis import Redis
from rq import Queue, Worker

from warmline.config import PRODUCTION_REQUIRED, ConfigError, load_settings

REPO = Path(__file__).resolve().parents[2]
COMPOSE: dict[str, Any] = yaml.safe_load((REPO / "compose.yaml").read_text())
APP_JSON: dict[str, Any] = json.loads((REPO / "app.json").read_text())
DOCKERFILE = (REPO / "Dockerfile").read_text()


def procfile() -> dict[str, str]:
    """Process type -> command, from the Procfile."""
    lines = (REPO / "Procfile").read_text().splitlines()
    return {k.strip(): v.strip() for k, sep, v in (x.partition(":") for x in lines) if sep}


def shell_command(argv: list[str], compose: bool) -> str:
    """The shell line of a `["/bin/sh", "-c", "exec ..."]` command, as the Procfile spells it."""
    assert argv[:2] == ["/bin/sh", "-c"] and argv[2].startswith("exec "), argv
    line = argv[2].removeprefix("exec ")
    return line.replace("$$", "$") if compose else line  # Compose reads `$$` as a literal `$`


def instruction(name: str) -> str:
    """The argument of the Dockerfile's last `name` instruction, continuation lines joined."""
    joined = DOCKERFILE.replace("\\\n", " ")
    return re.findall(rf"^{name} (.+)$", joined, re.MULTILINE)[-1]


def production_env(**extra: str) -> dict[str, str]:
    """A production environment with every secret in the shape the platforms generate them."""
    return {
        "WARMLINE_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),  # app.json's "generator": "secret": 64 hex digits
        "WARMLINE_HMAC_KEY": secrets.token_hex(32),
        "WARMLINE_DATA_KEY": Fernet.generate_key().decode(),
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
        "TWILIO_AUTH_TOKEN": "token",
        "PUBLIC_URL": "https://warmline.example.org",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "DATABASE_URL": "postgres://u:p@db.example.org:5432/warmline",
        **extra,
    }


def test_the_compose_services_run_exactly_the_procfiles_commands() -> None:
    services = COMPOSE["services"]
    commands = {name: shell_command(services[name]["command"], True) for name in procfile()}
    assert commands == procfile()


def test_the_image_runs_the_procfiles_web_command_by_default() -> None:
    assert shell_command(json.loads(instruction("CMD")), False) == procfile()["web"]


def test_the_image_is_multi_stage_slim_non_root_from_the_lock_with_a_healthcheck() -> None:
    assert DOCKERFILE.count("\nFROM ") == 2 and "slim" in DOCKERFILE
    assert instruction("USER").split(":")[0] not in ("0", "root")
    assert "pip install --require-hashes --no-deps -r /tmp/requirements.txt" in DOCKERFILE
    assert "/healthz" in instruction("HEALTHCHECK")


def test_compose_has_postgres_redis_volumes_healthchecks_and_the_env_file() -> None:
    services = COMPOSE["services"]
    assert set(services) == {"postgres", "redis", "release", "web", "worker"}
    for name in ("postgres", "redis"):
        assert services[name]["volumes"] and services[name]["healthcheck"]["test"]
    assert set(COMPOSE["volumes"]) == {"postgres-data", "redis-data"}
    for name in ("release", "web", "worker"):
        assert services[name]["env_file"][0]["path"] == "${WARMLINE_ENV_FILE:-.env}"
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["release"]["condition"] == (
            "service_completed_successfully"
        )
        assert services[name]["healthcheck"]["test"][0] == "CMD"


def test_the_example_env_file_asks_for_every_secret_compose_does_not_set() -> None:
    example = dict(
        re.findall(r"^([A-Z][A-Z0-9_]+)=(.*)$", (REPO / ".env.example").read_text(), re.M)
    )
    given = set(COMPOSE["x-warmline"]["environment"])
    assert set(PRODUCTION_REQUIRED) - given <= set(example)
    assert all(value == "" for value in example.values())


@pytest.fixture
def healthz_server() -> Iterator[int]:
    """A stand-in web process answering 200 on /healthz only."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/healthz" else 404)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


def test_the_images_healthcheck_asks_healthz_on_port(healthz_server: int) -> None:
    argv = json.loads(instruction("HEALTHCHECK").split(" CMD ", 1)[1])
    assert argv[0] == "python"
    ok = subprocess.run([sys.executable, *argv[1:]], env={"PORT": str(healthz_server)}, timeout=30)
    assert ok.returncode == 0
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    down = subprocess.run(
        [sys.executable, *argv[1:]], env={"PORT": str(closed)}, capture_output=True, timeout=30
    )
    assert down.returncode != 0


def test_the_workers_healthcheck_sees_this_hosts_rq_worker(redis_url: str) -> None:
    argv = COMPOSE["services"]["worker"]["healthcheck"]["test"]
    assert argv[:2] == ["CMD", "python"]
    redis = Redis.from_url(redis_url)
    worker = Worker([Queue("healthcheck-probe", connection=redis)], connection=redis)

    def probe() -> int:
        env = {"REDIS_URL": redis_url}
        return subprocess.run([sys.executable, *argv[2:]], env=env, timeout=30).returncode

    worker.register_birth()
    try:
        assert worker.hostname == socket.gethostname() and probe() == 0
    finally:
        worker.register_death()
    assert probe() != 0


def test_app_json_deploys_the_procfiles_processes_with_postgres_and_redis() -> None:
    assert set(APP_JSON["formation"]) == set(procfile()) - {"release"}
    plans = [addon["plan"].split(":")[0] for addon in APP_JSON["addons"]]
    assert sorted(plans) == ["heroku-postgresql", "heroku-redis"]
    assert APP_JSON["buildpacks"] == [{"url": "heroku/python"}]
    env = APP_JSON["env"]
    # The add-ons set DATABASE_URL and REDIS_URL; every other production setting is in the form.
    assert set(PRODUCTION_REQUIRED) <= set(env)
    assert env["SECRET_KEY"]["generator"] == env["WARMLINE_HMAC_KEY"]["generator"] == "secret"
    assert env["WARMLINE_DATA_KEY"]["required"] is True


def test_app_jsons_generated_secrets_and_its_fernet_recipe_start_production() -> None:
    recipe = APP_JSON["env"]["WARMLINE_DATA_KEY"]["description"].split("output of: ", 1)[1]
    if shutil.which("openssl") is None:
        pytest.fail("openssl is needed to check app.json's recipe for WARMLINE_DATA_KEY")
    key = subprocess.run(
        ["sh", "-c", recipe], capture_output=True, text=True, check=True, timeout=30
    ).stdout.strip()
    settings = load_settings(production_env(WARMLINE_DATA_KEY=key))
    assert settings.production and settings.data_keys == (key,)
    assert settings.database_url.startswith("postgresql+psycopg://")


def test_heroku_redis_self_signed_certificate_is_accepted_only_when_asked() -> None:
    url = "rediss://:pw@ec2.example.com:6380"
    asked = load_settings(production_env(REDIS_URL=url, REDIS_TLS_VERIFY="none"))
    assert asked.redis_url == url + "?ssl_cert_reqs=none"
    assert load_settings(production_env(REDIS_URL=url)).redis_url == url
    plain = load_settings(production_env(REDIS_TLS_VERIFY="none"))
    assert plain.redis_url == "redis://127.0.0.1:6379/0"
    with pytest.raises(ConfigError, match="REDIS_TLS_VERIFY"):
        load_settings(production_env(REDIS_TLS_VERIFY="off"))
    assert APP_JSON["env"]["REDIS_TLS_VERIFY"]["value"] == "none"


def test_heroku_python_docker_and_the_lock_use_one_python() -> None:
    version = (REPO / ".python-version").read_text().strip()
    assert version == "3.11"
    assert f"python:{version}-slim" in DOCKERFILE
    assert "--python-version 3.11" in (REPO / "Makefile").read_text()
    assert (REPO / "requirements.txt").exists()  # Heroku's Python buildpack looks for it
    assert "$HOME/bin" in (REPO / ".profile").read_text()
