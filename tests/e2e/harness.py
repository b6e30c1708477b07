"""Real processes for the end-to-end tests: how to start them, watch them and stop them."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TypeVar

from cryptography.fernet import Fernet
from redis import Redis

from tests import twilio_mock

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
PRISM = twilio_mock.PRISM
TWILIO_SPEC = str(twilio_mock.SPEC)

T = TypeVar("T")


class DeadlineExceeded(AssertionError):
    """Something the test waited for did not happen in time."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def procfile_command(kind: str) -> str:
    """The command of a process type in the repository's Procfile (`web`, `worker`, ...)."""
    for line in (REPO / "Procfile").read_text().splitlines():
        name, sep, command = line.partition(":")
        if sep and name.strip() == kind:
            return command.strip()
    raise AssertionError(f"the Procfile has no {kind!r} process")


class Process:
    """A process the tests started, in its own process group, its output kept in a file."""

    def __init__(self, name: str, argv: Sequence[str], env: dict[str, str], log_path: Path) -> None:
        self.name = name
        self.argv = list(argv)
        self.log_path = log_path
        self._log: IO[bytes] = log_path.open("ab")
        self.popen = subprocess.Popen(
            self.argv,
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def running(self) -> bool:
        """True while the process has not exited."""
        return self.popen.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM the process group, SIGKILL it if it has not exited after `timeout`."""
        try:
            if self.running:
                self._signal_group(signal.SIGTERM)
                try:
                    self.popen.wait(timeout)
                except subprocess.TimeoutExpired:
                    self._signal_group(signal.SIGKILL)
                    self.popen.wait(5)
            # Children that outlived their parent (a gunicorn worker, say) go too.
            self._signal_group(signal.SIGKILL)
        finally:
            self._log.close()

    def _signal_group(self, sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, sig)

    def output(self) -> str:
        """Everything the process wrote so far."""
        return self.log_path.read_text(errors="replace")

    def tail(self, lines: int = 40) -> str:
        """The last lines the process wrote, for failure messages."""
        return "\n".join(self.output().splitlines()[-lines:])


def platform_env(
    *,
    database_url: str,
    redis_url: str,
    account_sid: str,
    auth_token: str,
    api_base_url: str,
    web_port: int,
    instance_dir: Path,
    **overrides: str,
) -> dict[str, str]:
    """The environment a deployed platform runs with: production, fresh keys, this machine's ports."""
    return {
        **os.environ,
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONUNBUFFERED": "1",
        "WARMLINE_ENV": "production",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": secrets.token_urlsafe(32),
        "TWILIO_ACCOUNT_SID": account_sid,
        "TWILIO_AUTH_TOKEN": auth_token,
        "TWILIO_API_BASE_URL": api_base_url,
        "PUBLIC_URL": f"http://127.0.0.1:{web_port}",
        "WARMLINE_DATA_KEY": Fernet.generate_key().decode(),
        "WARMLINE_HMAC_KEY": secrets.token_urlsafe(48),
        "WARMLINE_INSTANCE_PATH": str(instance_dir),
        "PORT": str(web_port),
        "WEB_CONCURRENCY": "2",
        **overrides,
    }


def start_shell(name: str, command: str, env: dict[str, str], log_dir: Path) -> Process:
    """Run a Procfile-style command through the shell (so $PORT and friends expand), exec'd."""
    return Process(name, ["/bin/sh", "-c", "exec " + command], env, log_dir / f"{name}.log")


def wait_for(
    what: str,
    probe: Callable[[], T | None],
    timeout: float,
    watch: Sequence[Process] = (),
    interval: float = 0.1,
) -> T:
    """Poll `probe` until it returns something other than None (or False).

    Fails when `timeout` seconds pass, or at once when a watched process has exited, with the
    tail of that process's output in the message.
    """
    deadline = time.monotonic() + timeout
    last_error = ""
    while True:
        for process in watch:
            if not process.running:
                raise AssertionError(
                    f"{process.name} exited (code {process.popen.returncode}) while waiting for "
                    f"{what}:\n{process.tail()}"
                )
        try:
            result = probe()
        except Exception as exc:
            result = None
            last_error = f" (last error: {type(exc).__name__}: {exc})"
        if result is not None and result is not False:
            return result
        if time.monotonic() >= deadline:
            raise DeadlineExceeded(f"{what}: not within {timeout:.0f} s{last_error}")
        time.sleep(interval)


def run_command(
    argv: Sequence[str], env: dict[str, str], stdin: str | None = None, timeout: float = 90.0
) -> str:
    """Run a command to completion (with `stdin` as its input); its stdout, or a failure."""
    done = subprocess.run(
        list(argv),
        cwd=REPO,
        env=env,
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(
            f"`{shlex.join(argv)}` exited with {done.returncode}:\n{done.stderr.strip()}"
        )
    return done.stdout


PRISM_PROBLEM = re.compile(r"✖|⚠|violation|UNPROCESSABLE|UNAUTHORIZED", re.IGNORECASE)


def prism_problems(log: str) -> list[str]:
    """Lines of Prism's log about a request or response it found invalid."""
    return [line for line in log.splitlines() if PRISM_PROBLEM.search(line)]


class RedisServer:
    """A redis-server of the tests' own, which a test may stop and start again on its port."""

    def __init__(self, log_dir: Path) -> None:
        self.port = free_port()
        self.log_dir = log_dir
        self.process: Process | None = None

    @property
    def url(self) -> str:
        """The URL the platform uses."""
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> Redis:
        """A client with short timeouts."""
        return Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=5)

    def start(self) -> None:
        """Start (or restart) the server on its port, with nothing saved to disk; wait for it."""
        argv = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        argv += ["--save", "", "--appendonly", "no", "--dir", str(self.log_dir)]
        self.process = Process("redis", argv, dict(os.environ), self.log_dir / "redis.log")
        process = self.process
        wait_for("redis-server to answer", self._pong, 10, watch=[process])

    def stop(self) -> None:
        """Stop the server; its data goes with it."""
        if self.process is not None:
            self.process.stop()
            self.process = None

    def _pong(self) -> bool:
        with self.client() as client:
            return bool(client.ping())
