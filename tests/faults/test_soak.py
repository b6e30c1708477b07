"""The soak under faults: 2,000 texts from 200 texters to 10 peers, on 2 web and 2 worker
processes, while a worker is SIGKILLed mid-relay, Redis restarts and PostgreSQL restarts.

Afterwards every text has reached its peer exactly once and in order (a send cut off after
Twilio took it may repeat once, and is then recorded as interrupted), every webhook got an
answer, and none got a 5xx.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import time
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import Engine, create_engine, text
from twilio.request_validator import RequestValidator

from tests.conftest import _require
from tests.e2e.conftest import (
    _check_prerequisites,
    _prism_validates,
    _start_prism,
    _workers_listening,
)
from tests.e2e.deployment import CLI_BATCH
from tests.e2e.fake_twilio import FakeTwilio
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
from tests.faults.postgres import PrivateCluster, postgres_bin

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1200)]

LINE = "+15550601111"
VOLUNTEERS = [f"+1555060{2000 + n:04d}" for n in range(10)]
TEXTERS = [f"+1555061{1000 + n:04d}" for n in range(200)]
TEXTS_EACH = 10
POSTERS = 16
RELAYED = re.compile(r"^#([A-Z][2-9][A-Z]): soak (\d{3}) (\d)$")
OFFER = re.compile(r"waiting to talk \(#([A-Z][2-9][A-Z])\)")
TAKEN = re.compile(r"^You have #([A-Z][2-9][A-Z])\.")
CAPACITY = 20


@dataclass
class Soak:
    """The platform under test, with handles on every process the faults touch."""

    env: dict[str, str]
    web_url: str
    fake: FakeTwilio
    engine: Engine
    web: Process
    workers: list[Process]
    redis: RedisServer
    postgres: PrivateCluster
    log_dir: Path

    def post(self, sender: str, body: str) -> int:
        """Text the line as Twilio would; the HTTP status of the webhook's answer."""
        form = {
            "MessageSid": "SM" + secrets.token_hex(16),
            "AccountSid": self.env["TWILIO_ACCOUNT_SID"],
            "From": sender,
            "To": LINE,
            "Body": body,
            "NumMedia": "0",
        }
        url = self.env["PUBLIC_URL"] + "/twilio/sms"
        signature = RequestValidator(self.env["TWILIO_AUTH_TOKEN"]).compute_signature(url, form)
        response = requests.post(
            self.web_url + "/twilio/sms",
            data=form,
            headers={"X-Twilio-Signature": signature},
            timeout=15,
        )
        return response.status_code

    def post_all(self, posts: list[tuple[str, str]]) -> list[int]:
        """Post many texts side by side; every answer's status."""
        with ThreadPoolExecutor(POSTERS) as pool:
            return list(pool.map(lambda p: self.post(*p), posts))

    def scalar(self, sql: str) -> int:
        """One number from the database (retrying while PostgreSQL restarts)."""
        for _ in range(30):
            try:
                with self.engine.connect() as conn:
                    return int(conn.execute(text(sql)).scalar() or 0)
            except Exception:
                time.sleep(0.5)
        raise AssertionError(f"the database did not answer: {sql}")

    def restart_worker(self, index: int) -> None:
        """SIGKILL a worker wherever it is, then start a fresh one in its place."""
        worker = self.workers[index]
        os.killpg(worker.popen.pid, signal.SIGKILL)
        worker.popen.wait(10)
        self.workers[index] = start_shell(
            f"worker-{index + 1}-again", procfile_command("worker"), self.env, self.log_dir
        )


@pytest.fixture(scope="module")
def soak(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Soak]:
    """Everything running: fake Twilio behind Prism, own Redis, own PostgreSQL, web, 2 workers."""
    _check_prerequisites()
    _require("PostgreSQL server binaries", postgres_bin)
    _require(
        "runuser",
        lambda: shutil.which("runuser") or (_ for _ in ()).throw(FileNotFoundError("runuser")),
    )
    log_dir = tmp_path_factory.mktemp("soak")
    account_sid, auth_token, web_port = (
        "AC" + secrets.token_hex(16),
        secrets.token_hex(16),
        free_port(),
    )
    with ExitStack() as cleanup:
        fake = FakeTwilio(account_sid, auth_token)
        fake.start()
        cleanup.callback(fake.stop)
        prism, prism_url = _start_prism(fake, log_dir)
        cleanup.callback(prism.stop)
        redis = RedisServer(log_dir)
        cleanup.callback(redis.stop)
        redis.start()
        postgres = PrivateCluster()
        cleanup.callback(postgres.remove)
        postgres.create()
        env = platform_env(
            database_url=postgres.url,
            redis_url=redis.url,
            account_sid=account_sid,
            auth_token=auth_token,
            api_base_url=prism_url,
            web_port=web_port,
            instance_dir=log_dir / "instance",
            # One fake number for 2,000 texts: pacing is measured elsewhere.
            SEND_RATE_PER_S="0",
        )
        run_command([str(VENV_BIN / "warmline"), "db", "upgrade"], env)
        web = start_shell("web", procfile_command("web"), env, log_dir)
        cleanup.callback(web.stop)
        workers = [
            start_shell(f"worker-{n}", procfile_command("worker"), env, log_dir) for n in (1, 2)
        ]
        _prism_validates(prism, prism_url, fake, account_sid)
        web_url = f"http://127.0.0.1:{web_port}"
        wait_for(
            "web ready",
            lambda: requests.get(web_url + "/readyz", timeout=2).status_code == 200,
            40,
            watch=[web],
        )
        wait_for("2 workers listening", lambda: _workers_listening(redis, 2), 40, watch=workers)
        engine = create_engine(postgres.url, pool_pre_ping=True)
        cleanup.callback(engine.dispose)
        platform = Soak(env, web_url, fake, engine, web, workers, redis, postgres, log_dir)
        cleanup.callback(lambda: [w.stop() for w in platform.workers])
        yield platform


def set_up_line(soak: Soak) -> None:
    """The line and ten peers on shift, each able to hold twenty conversations."""
    now = datetime.now(UTC)
    start = (now - timedelta(hours=1)).isoformat(timespec="minutes")
    end = (now + timedelta(hours=6)).isoformat(timespec="minutes")
    commands = [
        ["line", "add", "--number", LINE, "--name", "Soak Line", "--timezone", "UTC"],
        ["line", "set", LINE, f"max_active_per_volunteer={CAPACITY}", "offer_strategy=longest_idle",
         "offer_timeout_s=10", "escalate_timeout_s=1800", "fallback_timeout_s=3600"],
    ]  # fmt: skip
    for n, phone in enumerate(VOLUNTEERS):
        commands.append(["volunteer", "add", "--name", f"Peer{n}", "--phone", phone])
        commands.append(
            ["shift", "add", "--line", LINE, "--volunteer", phone, "--start", start, "--end", end]
        )
    run_command([str(VENV_BIN / "python"), "-c", CLI_BATCH], soak.env, json.dumps(commands))


def claim_everything(soak: Soak, deadline_s: float = 240) -> dict[str, str]:
    """Peers claim what they are offered, as people would: only while they have room.

    An offer can reach a peer who fills up before claiming it; the line's re-offer then goes
    to everyone available, and someone with room takes it.
    """
    claimed: dict[str, str] = {}
    tried: set[tuple[str, str]] = set()
    deadline = time.monotonic() + deadline_s
    while len(claimed) < len(TEXTERS):
        assert time.monotonic() < deadline, f"only {len(claimed)} conversations were claimed"
        offered: dict[str, list[str]] = defaultdict(list)
        for sent in soak.fake.texts():
            if sent.to not in VOLUNTEERS:
                continue
            if match := TAKEN.search(sent.body):
                claimed[match.group(1)] = sent.to
            elif match := OFFER.search(sent.body):
                offered[match.group(1)].append(sent.to)
        load = defaultdict(int)
        for peer in claimed.values():
            load[peer] += 1
        claims = []
        for ref, peers in offered.items():
            if ref in claimed:
                continue
            for peer in peers:
                if load[peer] < CAPACITY and (ref, peer) not in tried:
                    tried.add((ref, peer))
                    load[peer] += 1
                    claims.append((peer, ref))
                    break
        assert all(status == 200 for status in soak.post_all(claims))
        time.sleep(0.5)
    return claimed


def test_two_thousand_texts_survive_a_killed_worker_and_restarted_redis_and_postgres(
    soak: Soak,
) -> None:
    set_up_line(soak)
    statuses = soak.post_all([(t, f"soak {n:03d} 0") for n, t in enumerate(TEXTERS)])
    refs = claim_everything(soak)
    print(f"soak: {len(refs)} conversations claimed", flush=True)

    for i in range(1, TEXTS_EACH):
        if i == 3:
            soak.restart_worker(0)  # mid-relay: round 2 is still being processed and sent
        if i == 5:
            soak.redis.stop()
        if i == 7:
            soak.postgres.stop("fast")
        statuses += soak.post_all([(t, f"soak {n:03d} {i}") for n, t in enumerate(TEXTERS)])
        if i == 5:
            soak.redis.start()
        if i == 7:
            soak.postgres.start()

    assert len(statuses) == len(TEXTERS) * TEXTS_EACH
    assert set(statuses) == {200}, "every webhook answered, none with a 5xx"

    def everything_relayed() -> bool:
        relayed = sum(1 for s in soak.fake.texts() if RELAYED.match(s.body))
        pending = soak.scalar(
            "SELECT (SELECT count(*) FROM inbound_messages WHERE processed_at IS NULL) * 100000"
            " + (SELECT count(*) FROM outbox WHERE status IN ('queued', 'sending'))"
        )
        stored = soak.scalar("SELECT count(*) FROM inbound_messages")
        print(
            f"soak progress: {relayed} relayed, {stored} stored, "
            f"{pending // 100000} unprocessed, {pending % 100000} unsent",
            flush=True,
        )
        return relayed >= len(TEXTERS) * TEXTS_EACH

    # Interrupted sends are retried after a minute: allow for that, and for the recoveries.
    wait_for(
        "every text to reach its peer",
        everything_relayed,
        600,
        watch=[soak.web, *soak.workers],
        interval=10,
    )
    wait_for(
        "nothing left to process or send",
        lambda: (
            soak.scalar(
                "SELECT (SELECT count(*) FROM inbound_messages WHERE processed_at IS NULL)"
                " + (SELECT count(*) FROM outbox WHERE status IN ('queued', 'sending'))"
            )
            == 0
        ),
        120,
        interval=1,
    )

    peer_of_texter: dict[int, str] = {}
    seen: dict[int, list[int]] = defaultdict(list)
    for sent in soak.fake.texts():
        match = RELAYED.match(sent.body)
        if match:
            assert sent.from_ == LINE
            texter = int(match.group(2))
            peer_of_texter.setdefault(texter, sent.to)
            assert sent.to == peer_of_texter[texter] == refs[match.group(1)], (
                "a text reached the wrong peer"
            )
            seen[texter].append(int(match.group(3)))
    # Each send cut off (by the killed worker, or by the database going down between the
    # carrier's answer and the commit) may repeat once. A text can be cut off twice, by the kill
    # and then by the restart while it was sent again, so its tries after the first are counted,
    # not its row.
    interrupted = soak.scalar("SELECT coalesce(sum(attempts - 1), 0) FROM outbox WHERE interrupted")
    repeats = 0
    for texter in range(len(TEXTERS)):
        order = seen[texter]
        distinct = list(dict.fromkeys(order))
        # Every text, first delivered in order; a copy resent after a crash may follow later.
        assert distinct == list(range(TEXTS_EACH)), f"texter {texter}: {order}"
        repeats += len(order) - len(distinct)
    assert repeats <= interrupted, (
        f"{repeats} repeated texts but only {interrupted} tries after a cut-off send"
    )
    assert soak.fake.problems() == []
    access = (soak.log_dir / "web.log").read_text(errors="replace")
    assert not re.search(r"status=5\d\d", access), "a request got a 5xx"
    print(f"soak: {len(statuses)} texts, {repeats} repeated after {interrupted} interrupted sends")
