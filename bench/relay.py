"""End-to-end relay latency at a sustained rate, and the memory of web and worker afterwards.

Starts the platform as deployed (gunicorn from the Procfile with 2 workers, `--workers` `warmline
worker` processes (default 1), its own Redis, a fresh PostgreSQL database) with Twilio played by
the recording fake in a process of its own (no Prism: this measures the platform, not the mock;
and a fake sharing the load generator's interpreter would answer late and be measured instead).
Ten peers hold `--conversations` conversations (default 50, at most 100); then texters send at a
steady rate (default 20 texts/s for 30 s) and each text's latency is the time from posting the
signed webhook to the relayed "#REF: ..." request arriving at the fake. The baseline, measured in
the same run, is a GET of the same gunicorn's /healthz (the loopback floor); the workers' CPU
time per relayed text is printed too, since a busy machine stretches latency far more than CPU.
Then the load continues to the fault suite's soak, 2,000 texts in all (150 more texters, new,
left waiting and re-offered), and once all are processed the RSS of each process is read.

    .venv/bin/python bench/relay.py [--rate 20] [--seconds 30] [--carrier-ms 150] [--no-soak]
        [--conversations 20] [--workers 2]

`--carrier-ms` makes the fake take that long to accept each text, as Twilio's API does
(100-300 ms); `--no-soak` stops after the relay figures. The fake speaks HTTPS, as Twilio does,
and the platform trusts it beside the usual CA bundle (`--plain-http` for plain HTTP).
SEND_CONCURRENCY in the environment reaches the workers. RELAY_DUMP=FILE writes every text's send
and arrival times there, and RELAY_SMAPS=FILE the first worker's /proc/PID/smaps as it stood when
its RSS was read (and FILE.before, before any text).

Prints p50/p95/p99, the baseline, and the RSS of every web and worker process; exits 1 when p95
is 100 ms plus the carrier's time or more, p50 is 25 ms or more with an instant carrier, or a
process uses 100 MB or more after the soak; 2 when PostgreSQL or Redis is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from tempfile import mkdtemp

import requests
from requests.utils import DEFAULT_CA_BUNDLE_PATH
from sqlalchemy import Engine, create_engine, text
from twilio.request_validator import RequestValidator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.e2e.deployment import CLI_BATCH
from tests.e2e.fake_twilio import SentText
from tests.e2e.harness import (
    VENV_BIN,
    Process,
    RedisServer,
    free_port,
    platform_env,
    procfile_command,
    run_command,
    start_shell,
    wait_for,
)
from tests.fake_http import loopback_certificate

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
# Per process, so two runs on one machine never drop each other's database.
DATABASE = f"warmline_bench_relay_{os.getpid()}"
LINE = "+15550701111"
PEERS = [f"+1555070{2000 + n:04d}" for n in range(10)]
TEXTERS = [f"+1555071{1000 + n:04d}" for n in range(100)]
SOAK_TEXTERS = [f"+1555072{1000 + n:04d}" for n in range(150)]
SOAK_TEXTS = 2000
# The platform's own share of a relay's p95: whatever the carrier takes comes on top.
P95_LIMIT_MS = 100.0
# With a carrier that answers at once, half of all relays arrive within this.
P50_LIMIT_MS = 25.0
RSS_LIMIT_MB = 100.0
OFFER = re.compile(r"waiting to talk \(#([A-Z][2-9][A-Z])\)")
TAKEN = re.compile(r"^You have #([A-Z][2-9][A-Z])\.")


class FakeTwilioProcess:
    """The recording fake Twilio served by a child process; its recording read over HTTP."""

    def __init__(
        self, account_sid: str, auth_token: str, latency_s: float, tls_dir: Path | None
    ) -> None:
        tls: tuple[Path, Path] | None = None
        self.ca_bundle: Path | None = None
        if tls_dir is not None:
            # Over HTTPS as Twilio's API is: the platform trusts the fake's certificate beside
            # the usual CA bundle, so its worker holds as many certificates as a deployed one.
            tls = loopback_certificate(tls_dir)
            self.ca_bundle = tls_dir / "ca-bundle.pem"
            self.ca_bundle.write_text(Path(DEFAULT_CA_BUNDLE_PATH).read_text() + tls[0].read_text())
        program = (
            "import sys; from pathlib import Path; from tests.e2e.fake_twilio import FakeTwilio; "
            f"tls = {[str(path) for path in tls] if tls else None!r}; "
            f"fake = FakeTwilio({account_sid!r}, {auth_token!r}, {latency_s!r}, "
            "(Path(tls[0]), Path(tls[1])) if tls else None); fake.start(); "
            "print(fake.url, flush=True); sys.stdin.read()"
        )
        root = Path(__file__).resolve().parent.parent
        self.popen = subprocess.Popen(
            [sys.executable, "-c", program],
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.popen.stdout is not None
        self.url = self.popen.stdout.readline().strip()
        self.http = requests.Session()
        self.http.verify = str(self.ca_bundle) if self.ca_bundle else True
        self.http.trust_env = False  # a REQUESTS_CA_BUNDLE here would replace the one above

    def texts(self) -> list[SentText]:
        """Every text recorded so far; arrival times are on this machine's monotonic clock."""
        recorded = self.http.get(self.url + "/_recorded", timeout=10).json()
        return [SentText(**text) for text in recorded]

    def stop(self) -> None:
        """End the child (closing its stdin ends it)."""
        assert self.popen.stdin is not None
        self.popen.stdin.close()
        self.popen.wait(timeout=10)


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the sorted values fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def rss_mb(pid: int) -> float:
    """Resident memory of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_s(pid: int) -> float:
    """CPU time a process has used (user + system), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    """Direct children of a process (gunicorn's workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def main() -> int:
    """Deploy, set up, measure, print, judge."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument(
        "--carrier-ms", type=float, default=0.0, help="how long the fake Twilio takes per text"
    )
    parser.add_argument(
        "--no-soak", action="store_true", help="stop after the relay figures (no soak, no RSS)"
    )
    parser.add_argument(
        "--conversations", type=int, default=50, help=f"texters relaying (at most {len(TEXTERS)})"
    )
    parser.add_argument("--workers", type=int, default=1, help="`warmline worker` processes")
    parser.add_argument(
        "--plain-http", action="store_true", help="the fake Twilio over HTTP rather than HTTPS"
    )
    args = parser.parse_args()
    texters = TEXTERS[: max(1, min(args.conversations, len(TEXTERS)))]
    try:
        admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    except Exception as exc:
        print(f"PostgreSQL is needed on 127.0.0.1:5432: {type(exc).__name__}")
        return 2
    log_dir = Path(mkdtemp(prefix="warmline-relay-"))
    account_sid, token, port = "AC" + secrets.token_hex(16), secrets.token_hex(16), free_port()
    with ExitStack() as cleanup:
        cleanup.callback(lambda: _drop(admin))
        fake = FakeTwilioProcess(
            account_sid, token, args.carrier_ms / 1000, None if args.plain_http else log_dir
        )
        cleanup.callback(fake.stop)
        redis = RedisServer(log_dir)
        cleanup.callback(redis.stop)
        redis.start()
        env = platform_env(
            database_url=ADMIN_URL.rsplit("/", 1)[0] + "/" + DATABASE,
            redis_url=redis.url,
            account_sid=account_sid,
            auth_token=token,
            api_base_url=fake.url,
            web_port=port,
            instance_dir=log_dir / "instance",
            SEND_RATE_PER_S="0",
            **({"REQUESTS_CA_BUNDLE": str(fake.ca_bundle)} if fake.ca_bundle else {}),
        )
        run_command([str(VENV_BIN / "warmline"), "db", "upgrade"], env)
        web = start_shell("web", procfile_command("web"), env, log_dir)
        cleanup.callback(web.stop)
        workers = []
        for number in range(args.workers):
            worker = start_shell(f"worker-{number}", procfile_command("worker"), env, log_dir)
            cleanup.callback(worker.stop)
            workers.append(worker)
        web_url = f"http://127.0.0.1:{port}"
        wait_for("web", lambda: requests.get(web_url + "/readyz", timeout=2).ok, 40, watch=[web])
        _set_up(env)
        # Before any text: what the imports and start-up cost, apart from what the load adds.
        args.start_rss = [rss_mb(pid) for pid in children(web.popen.pid)] + [
            rss_mb(worker.popen.pid) for worker in workers
        ]
        if smaps := os.environ.get("RELAY_SMAPS"):
            Path(smaps + ".before").write_text(
                Path(f"/proc/{workers[0].popen.pid}/smaps").read_text()
            )
        session = requests.Session()
        validator = RequestValidator(token)
        answered: list[float] = []

        def post(sender: str, body: str) -> float:
            form = {"MessageSid": "SM" + secrets.token_hex(16), "AccountSid": account_sid,
                    "From": sender, "To": LINE, "Body": body, "NumMedia": "0"}  # fmt: skip
            signature = validator.compute_signature(env["PUBLIC_URL"] + "/twilio/sms", form)
            started = time.monotonic()
            response = requests.post(
                web_url + "/twilio/sms",
                data=form,
                headers={"X-Twilio-Signature": signature},
                timeout=10,
            )
            assert response.status_code == 200, response.status_code
            answered.append((time.monotonic() - started) * 1000)
            return started

        refs = _claim_all(fake, post, texters)
        baseline = []
        for _ in range(200):
            began = time.monotonic()
            session.get(web_url + "/healthz", timeout=5)
            baseline.append((time.monotonic() - began) * 1000)

        answered.clear()
        # CPU per relayed text, which a busy machine slows but does not inflate like latency.
        cpu_before = sum(cpu_s(worker.popen.pid) for worker in workers)
        total = int(args.rate * args.seconds)
        relays = [(texters[n % len(texters)], f"relay {n:05d}") for n in range(total)]
        sent_at = _at_rate(post, relays, args.rate)
        wait_for(
            "every relay",
            lambda: sum(1 for t in fake.texts() if t.body[6:].startswith("relay ")) >= total,
            120 + total * args.carrier_ms / 1000,  # a slow carrier with serial sends backs up
        )
        args.worker_cpu_ms = (
            (sum(cpu_s(worker.popen.pid) for worker in workers) - cpu_before) * 1000 / total
        )
        latencies = []
        for sent in fake.texts():
            if sent.body[6:].startswith("relay ") and sent.body[6:] in sent_at:
                latencies.append((sent.arrived_at - sent_at[sent.body[6:]]) * 1000)
        if dump := os.environ.get("RELAY_DUMP"):
            Path(dump).write_text(
                json.dumps({"sent": sent_at, "texts": [t.as_json() for t in fake.texts()]})
            )
        if args.no_soak:
            # Figures only: the memory targets are for after the soak.
            web_rss, worker_rss = _rss(web, workers)
            return _report(
                refs, latencies, baseline, answered, args, web_rss, worker_rss, soaked=False
            )
        # Then the rest of the fault suite's soak (2,000 texts from 200 texters, the newcomers
        # left waiting and escalated), so memory is measured after the same load.
        everyone = texters + SOAK_TEXTERS
        rest = SOAK_TEXTS - len(texters) - total
        _at_rate(post, [(everyone[n % len(everyone)], f"soak {n}") for n in range(rest)], args.rate)
        platform_db = create_engine(env["DATABASE_URL"])
        cleanup.callback(platform_db.dispose)
        wait_for("every soak text processed", lambda: _all_processed(platform_db), 180)
        web_rss, worker_rss = _rss(web, workers)
        if smaps := os.environ.get("RELAY_SMAPS"):  # where the memory is, mapping by mapping
            Path(smaps).write_text(Path(f"/proc/{workers[0].popen.pid}/smaps").read_text())

    return _report(refs, latencies, baseline, answered, args, web_rss, worker_rss)


def _rss(web: Process, workers: list[Process]) -> tuple[list[float], list[float]]:
    """RSS in MB of the web's workers then its master, and of each worker."""
    web_rss = [rss_mb(pid) for pid in children(web.popen.pid)] + [rss_mb(web.popen.pid)]
    return web_rss, [rss_mb(worker.popen.pid) for worker in workers]


def _report(
    refs: dict[str, str],
    latencies: list[float],
    baseline: list[float],
    answered: list[float],
    args: argparse.Namespace,
    web_rss: list[float],
    worker_rss: list[float],
    soaked: bool = True,
) -> int:
    """Print the figures; 1 when a target is missed (memory only when the soak ran)."""
    p50, p95, p99 = (percentile(latencies, q) for q in (0.5, 0.95, 0.99))
    floor = statistics.median(baseline)
    print(
        json.dumps(
            {
                "conversations": len(refs),
                "texts": len(latencies),
                "rate_per_s": args.rate,
                "carrier_ms": args.carrier_ms,
                "carrier_over": "http" if args.plain_http else "https",
                "workers": args.workers,
                "send_concurrency": int(os.environ.get("SEND_CONCURRENCY") or 16),
            }
        )
    )
    print(f"{'relay latency':<28} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   p99 {p99:7.1f} ms")
    print(f"{'baseline (GET /healthz)':<28} p50 {floor:7.1f} ms")
    print(f"{'worker CPU per relayed text':<28} {args.worker_cpu_ms:7.1f} ms (all workers)")
    hook50, hook95 = (percentile(answered, q) for q in (0.5, 0.95))
    print(f"{'webhook answered':<28} p50 {hook50:7.1f} ms   p95 {hook95:7.1f} ms")
    if soaked:
        texters = len(refs) + len(SOAK_TEXTERS)
        print(f"{'after the soak':<28} {SOAK_TEXTS} texts from {texters} texters")
        print(f"{'RSS web (master, workers)':<28} " + ", ".join(f"{r:.1f} MB" for r in web_rss))
        print(f"{'RSS worker':<28} " + ", ".join(f"{r:.1f} MB" for r in worker_rss))
        started = ", ".join(f"{r:.1f} MB" for r in args.start_rss)
        print(f"{'RSS before any text':<28} {started} (web workers, then workers)")
    else:
        print(
            f"{'RSS after the relays':<28} web "
            + ", ".join(f"{r:.1f}" for r in web_rss)
            + " MB; workers "
            + ", ".join(f"{r:.1f}" for r in worker_rss)
            + " MB (no soak: not judged)"
        )
    p95_limit = P95_LIMIT_MS + args.carrier_ms
    failed = p95 >= p95_limit
    if soaked:
        failed = failed or max([*web_rss, *worker_rss]) >= RSS_LIMIT_MB
    targets = f"p95 < {p95_limit:.0f} ms"
    if args.carrier_ms == 0:
        failed = failed or p50 >= P50_LIMIT_MS
        targets = f"p50 < {P50_LIMIT_MS:.0f} ms, " + targets
    if soaked:
        targets += f", each process < {RSS_LIMIT_MB:.0f} MB"
    print(f"targets: {targets} -> {'FAIL' if failed else 'ok'}")
    return 1 if failed else 0


def _at_rate(
    post: Callable[[str, str], float], texts: list[tuple[str, str]], rate: float
) -> dict[str, float]:
    """Post each (texter, body) at a steady `rate` a second; returns when each body was posted."""
    sent_at: dict[str, float] = {}
    lock = threading.Lock()
    began = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        for n, (texter, body) in enumerate(texts):
            time.sleep(max(0.0, began + n / rate - time.monotonic()))

            def send(texter: str = texter, body: str = body) -> None:
                started = post(texter, body)
                with lock:
                    sent_at[body] = started

            pool.submit(send)
    return sent_at


def _all_processed(engine: Engine) -> bool:
    """Every text stored has been processed and nothing waits to be sent."""
    with engine.connect() as conn:
        return not conn.scalar(
            text(
                "SELECT (SELECT count(*) FROM inbound_messages WHERE processed_at IS NULL)"
                " + (SELECT count(*) FROM outbox WHERE status IN ('queued', 'sending'))"
            )
        )


def _set_up(env: dict[str, str]) -> None:
    now = datetime.now(UTC)
    start = (now - timedelta(hours=1)).isoformat(timespec="minutes")
    end = (now + timedelta(hours=3)).isoformat(timespec="minutes")
    commands = [
        ["line", "add", "--number", LINE, "--name", "Relay Bench", "--timezone", "UTC"],
        [
            "line",
            "set",
            LINE,
            "max_active_per_volunteer=20",
            "offer_strategy=longest_idle",
            "offer_timeout_s=10",
        ],
    ]
    for n, phone in enumerate(PEERS):
        commands.append(["volunteer", "add", "--name", f"Peer{n}", "--phone", phone])
        commands.append(
            ["shift", "add", "--line", LINE, "--volunteer", phone, "--start", start, "--end", end]
        )
    run_command([str(VENV_BIN / "python"), "-c", CLI_BATCH], env, json.dumps(commands))


def _claim_all(
    fake: FakeTwilioProcess, send: Callable[[str, str], float], texters: list[str]
) -> dict[str, str]:
    """Each texter opens a conversation and the peer offered it claims it."""
    for texter in texters:
        send(texter, "hello")
    claimed: dict[str, str] = {}
    tried: set[tuple[str, str]] = set()
    deadline = time.monotonic() + 120
    while len(claimed) < len(texters):
        if time.monotonic() > deadline:
            raise SystemExit(f"only {len(claimed)} conversations were claimed")
        for sent in fake.texts():
            if (match := TAKEN.search(sent.body)) and sent.to in PEERS:
                claimed[match.group(1)] = sent.to
            elif (match := OFFER.search(sent.body)) and (match.group(1), sent.to) not in tried:
                tried.add((match.group(1), sent.to))
                send(sent.to, match.group(1))
        time.sleep(0.3)
    return claimed


def _drop(admin: Engine) -> None:
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))


if __name__ == "__main__":
    sys.exit(main())
