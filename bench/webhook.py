"""Inbound-SMS webhook throughput: Warmline against a bare Flask endpoint, both under gunicorn.

Run from the repository root:

    .venv/bin/python bench/webhook.py            # or: make bench

It needs wrk (`apt-get install wrk`; without it the script says so and exits 2), PostgreSQL on
127.0.0.1:5432 (user postgres, trust auth) and Redis on 127.0.0.1:6379.

What it does, in one invocation:

1. Serves bench/bare_app.py (parse Twilio's form, answer an empty `<Response />`; no signature,
   database or queue) with `gunicorn --workers 2` (sync workers) on a free port, warms it up,
   then measures it with `wrk -t2 -c16 -d10s --latency`.
2. Recreates the database `warmline_bench`, runs `warmline db upgrade` and `warmline line add`,
   flushes Redis db 13, and serves `warmline:create_app()` the same way with
   WARMLINE_ENV=production (signature checks on, PostgreSQL, RQ on Redis; no worker runs, so the
   jobs pile up in Redis and nothing is ever sent). Warm-up, then the same measurement.
3. Checks the run: every request of both runs answered (wrk's socket errors and non-2xx/3xx
   count are 0), no request was sent twice (each Warmline request is a distinct, correctly signed
   incoming-SMS webhook with its own MessageSid, From cycling over 500 texters), and
   inbound_messages and the RQ queue each hold exactly one row/job per request wrk sent.
4. Prints both runs (req/s, p50 and p99 from wrk's --latency report; from /proc, the CPU time
   per request of the gunicorn workers, of the PostgreSQL backends on the bench database and of
   redis-server (shared with anything else using Redis), and the share of the CPUs other
   processes used meanwhile: CPU time per request stays telling on a busy machine, req/s not),
   the ratio Warmline req/s / bare req/s and the machine.
5. Does 1-4 --rounds times (3), a bare run and a Warmline run back to back each time, and judges
   the median of the rounds' ratios: on these shared two-core machines one round's ratio moves
   by several hundredths between runs minutes apart.

Both servers run exactly as the Procfile's web line (`gunicorn --workers 2 APP`, sync workers),
without the access log, and with --no-control-socket where gunicorn has one (27+), so that two
servers never fight over ~/.gunicorn/gunicorn.ctl. The figures only mean something on an
otherwise idle machine: a run during which other processes used more than 10% of the CPUs fails
as untrustworthy (whichever way the ratio went) unless --allow-busy.

The requests are signed beforehand (bench/webhook.lua only hands them out), so the load generator
stays cheap: a Python client would compete with the servers for the same two cores.

Exit status: 0 when the ratio is at least --min-ratio (0.30) and every check passed, 1 when not
(or when the machine was too busy to tell), 2 when wrk, PostgreSQL or Redis is missing. Gunicorn logs and wrk's output are kept in bench/out/.
Redis db 13 is flushed before and after; the database is dropped afterwards unless --keep-db.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from urllib.parse import urlencode

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
LUA = BENCH / "webhook.lua"

HOST = "127.0.0.1"
WEBHOOK_PATH = "/twilio/sms"
LINE_NUMBER = "+15550001111"
TEXTERS = 500
BODIES = (
    "hi, it's been a rough night",
    "is anyone there?",
    "work, mostly",
    "can we talk for a bit",
    "thanks for listening",
    "I don't really know where to start",
)
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DB_NAME = "warmline_bench"
DATABASE_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{DB_NAME}"
REDIS_URL = "redis://127.0.0.1:6379/13"
RQ_QUEUE_KEY = "rq:queue:warmline"
INBOUND_CHANNEL = "warmline_inbound"  # what an insert announces on (warmline.core.jobqueue)
BUSY_WARNING = 0.2  # warn when other processes use more than this share of the CPUs
# A measured run during which other processes used more than this share of the CPUs proves
# nothing either way (the kernel's own share of loopback networking stays well below it).
MAX_FOREIGN_CPU = 0.1


class BenchError(Exception):
    """The benchmark could not run (exit 1)."""


class Unavailable(Exception):
    """A tool or service the benchmark needs is missing (exit 2)."""


# --- requests ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Credentials:
    """The Twilio account Warmline is configured with; nothing ever reaches Twilio."""

    account_sid: str
    auth_token: str


def write_requests(path: Path, count: int, url: str, creds: Credentials, batch: int) -> None:
    """Write `count` signed incoming-SMS webhooks for `url`, one "<signature> <body>" a line.

    MessageSids are unique across batches (`batch` is part of each one), so no request of one
    file repeats a request of another.
    """
    from twilio.request_validator import RequestValidator

    validator = RequestValidator(creds.auth_token)
    with path.open("w") as out:
        for i in range(count):
            sid = f"SM{batch:08x}{i:024x}"
            form = {
                "ToCountry": "US",
                "ToState": "NY",
                "SmsMessageSid": sid,
                "NumMedia": "0",
                "ToCity": "",
                "FromZip": "",
                "SmsSid": sid,
                "FromState": "CA",
                "SmsStatus": "received",
                "FromCity": "",
                "Body": BODIES[i % len(BODIES)],
                "FromCountry": "US",
                "To": LINE_NUMBER,
                "ToZip": "",
                "NumSegments": "1",
                "ReferralNumMedia": "0",
                "MessageSid": sid,
                "AccountSid": creds.account_sid,
                "From": f"+1415555{i % TEXTERS:04d}",
                "ApiVersion": "2010-04-01",
            }
            signature = validator.compute_signature(url, form)
            out.write(f"{signature} {urlencode(form)}\n")


# --- wrk --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadSettings:
    """The wrk settings both endpoints get."""

    threads: int
    connections: int
    duration_s: int
    warmup_s: int
    timeout_s: int

    def describe(self) -> str:
        """The wrk options, as typed."""
        return f"wrk -t{self.threads} -c{self.connections} -d{self.duration_s}s --latency"


@dataclass
class WrkResult:
    """One wrk run: the figures from its --latency report and the checks from webhook.lua."""

    requests_per_s: float
    p50_ms: float
    p99_ms: float
    completed: int
    sent: int
    wraps: int
    errors: dict[str, int]
    output: str
    worker_cpu_ms: float = 0.0  # CPU time of the gunicorn workers per completed request
    db_cpu_ms: float = 0.0  # of the PostgreSQL backends serving the bench database, per request
    redis_cpu_ms: float = 0.0  # of redis-server per request (shared: others' use counts too)
    foreign_cpu: float = 0.0  # share of the CPUs used by processes outside the benchmark
    problems: list[str] = field(default_factory=list)

    @property
    def socket_errors(self) -> int:
        """Connect, read, write and timeout errors."""
        return sum(v for k, v in self.errors.items() if k != "status")


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_wrk(output: str) -> WrkResult:
    """Read req/s and the 50%/99% rows of `--latency` from wrk's report, and webhook.lua's line."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    percentiles = {
        p: float(value) * UNITS_MS[unit]
        for p, value, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
    }
    lua_line = re.search(r"^wrk-json (\{.*\})$", output, re.MULTILINE)
    if rps is None or len(percentiles) != 2 or lua_line is None:
        raise BenchError("could not read wrk's report:\n" + output)
    checks = json.loads(lua_line.group(1))
    return WrkResult(
        requests_per_s=float(rps.group(1)),
        p50_ms=percentiles["50"],
        p99_ms=percentiles["99"],
        completed=int(checks["completed"]),
        sent=int(checks["sent"]),
        wraps=int(checks["wraps"]),
        errors={k: int(v) for k, v in checks["errors"].items()},
        output=output,
    )


def run_wrk(
    wrk: str,
    server: subprocess.Popen[bytes],
    port: int,
    requests_file: Path,
    load: LoadSettings,
    seconds: int,
    log: Path,
) -> WrkResult:
    """Run wrk against the webhook for `seconds`; its output is also kept in `log`."""
    command = [
        wrk,
        f"-t{load.threads}",
        f"-c{load.connections}",
        f"-d{seconds}s",
        f"--timeout={load.timeout_s}s",
        "--latency",
        "-s",
        str(LUA),
        f"http://{HOST}:{port}{WEBHOOK_PATH}",
        "--",
        str(requests_file),
        str(load.threads),
    ]
    before = cpu_snapshot(server.pid)
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    after = cpu_snapshot(server.pid)
    log.write_text(" ".join(command) + "\n\n" + done.stdout + done.stderr)
    if done.returncode != 0:
        raise BenchError(f"wrk failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    result = parse_wrk(done.stdout)
    if result.completed:
        result.worker_cpu_ms = 1000 * (after.workers_s - before.workers_s) / result.completed
        result.db_cpu_ms = 1000 * (after.db_s - before.db_s) / result.completed
        result.redis_cpu_ms = 1000 * (after.redis_s - before.redis_s) / result.completed
    result.foreign_cpu = foreign_share(before, after)
    return result


# --- CPU accounting ---------------------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# Processes that serve the benchmark besides gunicorn and wrk (PostgreSQL's shared background
# processes count as ours; its backends only when they serve the bench database).
PG_BACKGROUND = ("checkpointer", "background writer", "walwriter", "autovacuum", "logical")


@dataclass(frozen=True)
class CpuSnapshot:
    """CPU time so far: the whole machine, the server's workers, and everything of the run."""

    busy_s: float  # every CPU's non-idle time, exited processes and the kernel included
    workers_s: float  # gunicorn's workers
    db_s: float  # PostgreSQL's backends connected to the bench database
    redis_s: float  # redis-server
    ours_s: float  # gunicorn (master and workers), PostgreSQL for the bench, Redis, waited wrk
    at: float


def cpu_snapshot(server: int) -> CpuSnapshot:
    """Read /proc/stat and every process's CPU time; `server` is gunicorn's master."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    busy = sum(values) - values[3] - values[4]  # minus idle and iowait
    workers = ours = db = redis = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        ticks = int(fields[11]) + int(fields[12])
        if int(fields[1]) == server:
            workers += ticks
            ours += ticks
        elif comm.startswith("postgres") and f" {DB_NAME} " in cmdline:
            db += ticks
            ours += ticks
        elif comm.startswith("redis-server"):
            redis += ticks
            ours += ticks
        elif (
            int(entry.name) == server
            or comm.startswith("redis-server")
            or (comm.startswith("postgres") and (f" {DB_NAME} " in cmdline or ":" not in cmdline))
            or (comm.startswith("postgres") and any(p in cmdline for p in PG_BACKGROUND))
        ):
            ours += ticks
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # wrk, once it has been waited for
    return CpuSnapshot(
        busy_s=busy / CLOCK_TICKS,
        workers_s=workers / CLOCK_TICKS,
        db_s=db / CLOCK_TICKS,
        redis_s=redis / CLOCK_TICKS,
        ours_s=ours / CLOCK_TICKS + children.ru_utime + children.ru_stime,
        at=time.monotonic(),
    )


def foreign_share(before: CpuSnapshot, after: CpuSnapshot) -> float:
    """The share of all CPUs that something other than the benchmark used between snapshots."""
    elapsed = after.at - before.at
    foreign = (after.busy_s - before.busy_s) - (after.ours_s - before.ours_s)
    return max(foreign, 0.0) / (elapsed * len(os.sched_getaffinity(0))) if elapsed > 0 else 0.0


def machine_busy(seconds: float = 1.0) -> float:
    """The share of all CPUs in use over `seconds` (before the benchmark starts anything)."""
    before = cpu_snapshot(server=-1)
    time.sleep(seconds)
    after = cpu_snapshot(server=-1)
    return (after.busy_s - before.busy_s) / (seconds * len(os.sched_getaffinity(0)))


# --- servers ----------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


def tail(path: Path, lines: int = 30) -> str:
    """The end of a log file."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


@contextmanager
def gunicorn(
    app: str, port: int, workers: int, env: Mapping[str, str], log: Path, ready_path: str
) -> Iterator[subprocess.Popen[bytes]]:
    """Serve `app` with sync gunicorn workers until the block ends; wait until it answers."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--bind",
        f"{HOST}:{port}",
        "--pythonpath",
        str(BENCH),
        *no_control_socket(),
        app,
    ]
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=dict(env),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_ready(process, f"http://{HOST}:{port}{ready_path}", log)
        yield process
    finally:
        stop(process)


def no_control_socket() -> list[str]:
    """Gunicorn 27+ opens ~/.gunicorn/gunicorn.ctl by default: keep out of other servers' way."""
    help_text = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--help"], capture_output=True, text=True, check=False
    ).stdout
    return ["--no-control-socket"] if "--no-control-socket" in help_text else []


def wait_until_ready(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    """Poll `url` until it answers 200, or fail with the log (the warm-up boots the rest)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"gunicorn exited ({process.returncode}):\n{tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise BenchError(f"gunicorn did not answer {url} within 30 s:\n{tail(log)}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn gracefully (workers finish their request), then forcibly if it lingers."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=35)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


# --- PostgreSQL and Redis ---------------------------------------------------------------------


def check_services() -> None:
    """Fail with exit 2 unless PostgreSQL and Redis answer."""
    import psycopg
    import redis

    try:
        psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
    except psycopg.Error as exc:
        raise Unavailable(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {exc}") from None
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        raise Unavailable(f"Redis is not reachable at {REDIS_URL}: {exc}") from None


def recreate_database() -> None:
    """Drop and create the bench database."""
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def drop_database() -> None:
    """Drop the bench database."""
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


def flush_redis() -> None:
    """Empty the bench's Redis database."""
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def inbound_rows() -> int:
    """Rows in inbound_messages."""
    import psycopg

    url = DATABASE_URL.replace("+psycopg", "")
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM inbound_messages").fetchone()
    assert row is not None
    return int(row[0])


def line_count() -> int:
    """Rows in lines."""
    import psycopg

    with psycopg.connect(DATABASE_URL.replace("+psycopg", "")) as conn:
        row = conn.execute("SELECT count(*) FROM lines").fetchone()
    assert row is not None
    return int(row[0])


class Ear:
    """Hears what Warmline's inserts announce for a worker to queue, as a worker's listener would.

    It reads nothing while Warmline is measured (a Python loop reading some 600 announcements a
    second took 7-9% of the CPUs from the servers): PostgreSQL keeps them for it until `heard`.
    """

    def __init__(self) -> None:
        import psycopg

        self._connection = psycopg.connect(DATABASE_URL.replace("+psycopg", ""), autocommit=True)
        self._connection.execute(f"LISTEN {INBOUND_CHANNEL}")

    def heard(self, quiet_s: float = 2.0) -> list[int]:
        """Every id announced since, in order, once none has arrived for `quiet_s`; then close."""
        ids: list[int] = []
        while True:
            batch = [int(n.payload) for n in self._connection.notifies(timeout=quiet_s)]
            if not batch:
                break
            ids.extend(batch)
        self._connection.close()
        return ids


def row_ids() -> set[int]:
    """Every inbound_messages row's id."""
    import psycopg

    with psycopg.connect(DATABASE_URL.replace("+psycopg", "")) as conn:
        return {row[0] for row in conn.execute("SELECT id FROM inbound_messages")}


def queued_jobs() -> int:
    """Jobs waiting in Warmline's RQ queue."""
    import redis

    return int(redis.Redis.from_url(REDIS_URL).llen(RQ_QUEUE_KEY))


def wait_for_rows(expected: int, timeout_s: float = 10.0) -> int:
    """inbound_messages' count once it reaches `expected` (in-flight requests finish), or stops."""
    deadline = time.monotonic() + timeout_s
    rows = inbound_rows()
    while rows < expected and time.monotonic() < deadline:
        time.sleep(0.1)
        rows = inbound_rows()
    return rows


def warmline_env(port: int, creds: Credentials, instance: Path) -> dict[str, str]:
    """A production environment for Warmline on `port`."""
    from cryptography.fernet import Fernet

    env = dict(os.environ)
    env.update(
        WARMLINE_ENV="production",
        DATABASE_URL=DATABASE_URL,
        REDIS_URL=REDIS_URL,
        SECRET_KEY=secrets.token_urlsafe(32),
        TWILIO_ACCOUNT_SID=creds.account_sid,
        TWILIO_AUTH_TOKEN=creds.auth_token,
        PUBLIC_URL=f"http://{HOST}:{port}",
        TWILIO_API_BASE_URL="http://127.0.0.1:9",
        WARMLINE_DATA_KEY=Fernet.generate_key().decode(),
        WARMLINE_HMAC_KEY=secrets.token_urlsafe(32),
        WARMLINE_INSTANCE_PATH=str(instance),
    )
    return env


def warmline_cli(env: Mapping[str, str], *args: str) -> None:
    """Run `warmline ARGS` (the venv's console script) in `env`; fail with its output."""
    script = Path(sys.executable).parent / "warmline"
    if not script.exists():
        raise BenchError(f"no {script}: run this with the project's venv (.venv/bin/python)")
    done = subprocess.run(
        [str(script), *args],
        cwd=ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"warmline {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


# --- the benchmark ----------------------------------------------------------------------------


def machine() -> str:
    """One line about the machine."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    nproc = len(os.sched_getaffinity(0))
    return f"nproc {nproc}, {model}, Linux {platform.release()}, Python {platform.python_version()}"


def bench_bare(wrk: str, load: LoadSettings, workers: int, scratch: Path) -> WrkResult:
    """Measure bench/bare_app.py."""
    port = free_port()
    requests_file = scratch / "bare.txt"
    # The bare endpoint keeps nothing, so its requests may repeat: a fixed set, cycled.
    creds = Credentials("AC" + secrets.token_hex(16), secrets.token_hex(16))
    write_requests(requests_file, 20_000, f"http://{HOST}:{port}{WEBHOOK_PATH}", creds, batch=0)
    env = dict(os.environ)
    log = OUT / "bare-gunicorn.log"
    with gunicorn("bare_app:create_app()", port, workers, env, log, "/healthz") as server:
        run_wrk(wrk, server, port, requests_file, load, load.warmup_s, OUT / "bare-warmup.txt")
        result = run_wrk(
            wrk, server, port, requests_file, load, load.duration_s, OUT / "bare-wrk.txt"
        )
    check_answers(result)
    return result


def bench_warmline(
    wrk: str, load: LoadSettings, workers: int, scratch: Path, expected_max_rps: float
) -> WrkResult:
    """Measure Warmline's webhook, configured for production, and check what it stored."""
    port = free_port()
    creds = Credentials("AC" + secrets.token_hex(16), secrets.token_hex(16))
    env = warmline_env(port, creds, scratch / "instance")

    recreate_database()
    flush_redis()
    warmline_cli(env, "db", "upgrade")
    warmline_cli(
        env, "line", "add", "--number", LINE_NUMBER, "--name", "Bench",
        "--timezone", "America/New_York",
    )  # fmt: skip
    if line_count() != 1:
        raise BenchError(f"`warmline line add` did not add the line to {DB_NAME}")

    # Enough distinct requests that wrk never repeats one: Warmline will not outrun the bare
    # endpoint, so the bare rate (with room to spare) bounds what a run can send.
    url = f"http://{HOST}:{port}{WEBHOOK_PATH}"
    rate = max(expected_max_rps, 1000.0) * 1.5
    warmup_file, main_file = scratch / "warmline-warmup.txt", scratch / "warmline.txt"
    write_requests(warmup_file, int(rate * load.warmup_s) + 1000, url, creds, batch=1)
    write_requests(main_file, int(rate * load.duration_s) + 1000, url, creds, batch=2)

    log = OUT / "warmline-gunicorn.log"
    ear = Ear()
    with gunicorn("warmline:create_app()", port, workers, env, log, "/readyz") as server:
        warmup = run_wrk(
            wrk, server, port, warmup_file, load, load.warmup_s, OUT / "warmline-warmup.txt"
        )
        rows_after_warmup = wait_for_rows(warmup.sent)
        result = run_wrk(
            wrk, server, port, main_file, load, load.duration_s, OUT / "warmline-wrk.txt"
        )
        # wrk stops with requests in flight, most of them still in gunicorn's accept queue:
        # let the workers take and store them before gunicorn stops (and drops that queue).
        wait_for_rows(rows_after_warmup + result.sent)
    rows = inbound_rows()
    jobs = queued_jobs()
    heard = ear.heard()
    ids = row_ids()

    check_answers(warmup)
    check_answers(result)
    for run in (warmup, result):
        if run.wraps:
            run.problems.append(
                f"wrk ran out of pre-signed requests ({run.wraps} wraps): duplicates are cheap"
            )
    if rows_after_warmup != warmup.sent:
        result.problems.append(
            f"warm-up: {rows_after_warmup} inbound_messages rows for {warmup.sent} requests sent"
        )
    stored = rows - rows_after_warmup
    if stored != result.sent:
        result.problems.append(f"{stored} inbound_messages rows for {result.sent} requests sent")
    # Each stored text handed on once: announced for a worker to queue, or queued by the web.
    if len(set(heard)) != len(heard) or not set(heard) <= ids or len(heard) + jobs != rows:
        result.problems.append(
            f"{len(heard)} texts announced ({len(set(heard))} distinct, "
            f"{len(set(heard) - ids)} not stored) and {jobs} jobs queued in Redis "
            f"for {rows} inbound_messages rows"
        )
    result.problems.extend(f"warm-up: {p}" for p in warmup.problems)
    if "warning" in log.read_text(errors="replace").lower():
        result.problems.append(f"Warmline logged warnings: see {log}")
    return result


def check_answers(result: WrkResult) -> None:
    """Note any request that was not answered with a success."""
    if result.errors.get("status"):
        result.problems.append(f"{result.errors['status']} non-2xx/3xx answers")
    if result.socket_errors:
        result.problems.append(f"socket errors: {result.errors}")
    if result.completed == 0:
        result.problems.append("no request completed")


def report(bare: WrkResult, warm: WrkResult, load: LoadSettings, workers: int) -> float:
    """Print the table; return the ratio."""
    ratio = warm.requests_per_s / bare.requests_per_s if bare.requests_per_s else 0.0
    print()
    print(
        f"{'endpoint':<10} {'requests':>9} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'failed':>7} {'worker CPU ms/req':>18} {'db ms/req':>10} {'redis ms/req':>13} "
        f"{'other CPU':>10}"
    )
    for name, r in (("bare", bare), ("warmline", warm)):
        failed = r.errors.get("status", 0) + r.socket_errors
        print(
            f"{name:<10} {r.completed:>9} {r.requests_per_s:>9.1f} "
            f"{r.p50_ms:>8.2f} {r.p99_ms:>8.2f} {failed:>7} {r.worker_cpu_ms:>18.2f} "
            f"{r.db_cpu_ms:>10.2f} {r.redis_cpu_ms:>13.2f} {r.foreign_cpu:>10.0%}"
        )
    print(f"ratio warmline/bare req/s: {ratio:.3f}")
    print(f"load: {load.describe()} after a {load.warmup_s}s warm-up; gunicorn {workers} sync")
    print(f"machine: {machine()}")
    return ratio


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--duration", type=int, default=10, help="seconds per run (10)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up (2)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (16)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--min-ratio", type=float, default=0.30, help="target ratio (0.30)")
    parser.add_argument(
        "--rounds", type=int, default=3, help="bare and Warmline runs, alternated (3)"
    )
    parser.add_argument("--keep-db", action="store_true", help=f"keep {DB_NAME} afterwards")
    parser.add_argument(
        "--allow-busy",
        action="store_true",
        help="judge the ratio even when other processes competed for the CPUs during a run",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print wrk's reports")
    return parser.parse_args(argv)


def _terminate(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    """Run both benchmarks; 0 when the target is met, 1 when not, 2 when something is missing."""
    args = parse_args(argv)
    load = LoadSettings(args.threads, args.connections, args.duration, args.warmup, timeout_s=10)
    wrk = shutil.which("wrk")
    if wrk is None:
        print("bench/webhook.py needs wrk: apt-get install wrk", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _terminate)
    OUT.mkdir(exist_ok=True)
    try:
        check_services()
    except Unavailable as exc:
        print(exc, file=sys.stderr)
        return 2
    busy = machine_busy()
    busy_note = (
        f"warning: before the runs something else was using {busy:.0%} of the CPUs; "
        "both figures will be low and the ratio noisy"
    )
    if busy > BUSY_WARNING:
        print(busy_note, flush=True)

    with ExitStack() as cleanup:
        scratch = Path(
            cleanup.enter_context(tempfile.TemporaryDirectory(prefix="warmline-bench-webhook-"))
        )
        cleanup.callback(flush_redis)
        if not args.keep_db:
            cleanup.callback(drop_database)
        rounds: list[tuple[WrkResult, WrkResult]] = []
        try:
            for number in range(1, args.rounds + 1):
                print(f"round {number}: bare Flask endpoint: {load.describe()} ...", flush=True)
                bare = bench_bare(wrk, load, args.workers, scratch)
                print(f"round {number}: warmline webhook: {load.describe()} ...", flush=True)
                warm = bench_warmline(wrk, load, args.workers, scratch, bare.requests_per_s)
                rounds.append((bare, warm))
        except BenchError as exc:
            print(f"benchmark failed: {exc}", file=sys.stderr)
            return 1
    problems: list[str] = []
    ratios: list[float] = []
    for number, (bare, warm) in enumerate(rounds, start=1):
        if args.verbose:
            for name, r in (("bare", bare), ("warmline", warm)):
                print(f"\n--- round {number}: {name} ---\n{r.output.rstrip()}")
        print(f"\nround {number} of {len(rounds)}")
        ratios.append(report(bare, warm, load, args.workers))
        problems += [f"round {number}: bare: {p}" for p in bare.problems]
        problems += [f"round {number}: warmline: {p}" for p in warm.problems]
        for name, r in (("bare", bare), ("warmline", warm)):
            if r.foreign_cpu > MAX_FOREIGN_CPU:
                note = (
                    f"round {number}: other processes used {r.foreign_cpu:.0%} of the CPUs "
                    f"during the {name} run, so the figures are not trustworthy: rerun on an "
                    "idle machine"
                )
                if args.allow_busy:
                    print(f"warning: {note}")
                else:
                    problems.append(note + " (or pass --allow-busy)")
    # One run's ratio moves by several hundredths on a shared machine: the median of the rounds,
    # each a bare run and a Warmline run back to back, is the figure judged.
    ratio = statistics.median(ratios)
    print()
    print(
        f"ratio warmline/bare req/s, median of {len(ratios)} rounds: {ratio:.3f} "
        f"(rounds: {', '.join(f'{r:.3f}' for r in ratios)})"
    )
    if busy > BUSY_WARNING:
        print(busy_note)
    if ratio < args.min_ratio:
        problems.append(f"ratio {ratio:.3f} is below the target {args.min_ratio}")
    for problem in problems:
        print(f"FAIL {problem}")
    if not problems:
        print(f"OK: ratio {ratio:.3f} >= {args.min_ratio}, every request answered and stored")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
