"""The running line as the end-to-end tests see it: phones that text it, and what Twilio sends.

`Platform` is the whole deployment (web, workers, Redis, PostgreSQL, Prism and the fake Twilio);
`Line` is one line on it, set up with the operator CLI, that tests text as Twilio would.
Every test gets its own line, volunteers and texters, so tests never see each other's texts.
"""

from __future__ import annotations

import itertools
import json
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from sqlalchemy import Engine, text
from twilio.request_validator import RequestValidator

from tests.e2e.fake_twilio import FakeTwilio, SentText
from tests.e2e.harness import (
    VENV_BIN,
    DeadlineExceeded,
    Process,
    RedisServer,
    procfile_command,
    run_command,
    start_shell,
    wait_for,
)
from warmline.core.crypto import Keyring

# The relay is asynchronous: webhook → queue → worker → outbox → Prism → fake Twilio.
RELAY_TIMEOUT = 15.0
SETTLE_TIMEOUT = 20.0
REF = re.compile(r"#([A-Z][2-9][A-Z])")
CLI_PARALLELISM = 4
CLI_PROCESSES_AT_MOST = 4
# The `warmline` console script is `sys.exit(warmline.cli.main())`; this calls it per command.
CLI_BATCH = """
import gc, json, sys
import click
from warmline.cli import main
for args in json.load(sys.stdin):
    try:
        main(args, prog_name="warmline", standalone_mode=False)
    except click.ClickException as exc:
        sys.exit("warmline " + " ".join(args) + ": " + exc.format_message())
    gc.collect()  # each command builds its own runtime: let its database pool go
"""


def number_forms(e164: str) -> list[str]:
    """A NANP number as people and logs write it: E.164, 10 digits, (555) 000-2222, 7 digits."""
    digits = e164.removeprefix("+1")
    return [
        e164,
        digits,
        f"({digits[:3]}) {digits[3:6]}-{digits[6:]}",
        f"{digits[:3]}-{digits[3:6]}-{digits[6:]}",
        digits[-7:],
    ]


@dataclass
class NumberBook:
    """Fresh phone numbers, one range per kind, remembered for the log check.

    The seven-digit tails all start with 0 so that they cannot be a process id in a log line.
    """

    issued: list[str] = field(default_factory=list)
    _counters: dict[str, itertools.count[int]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    PREFIXES = {"line": "+1555010", "volunteer": "+1555020", "texter": "+1555030"}

    def new(self, kind: str) -> str:
        """A number of `kind` (line, volunteer or texter) never issued before in this run."""
        with self._lock:
            counter = self._counters.setdefault(kind, itertools.count(1))
            number = f"{self.PREFIXES[kind]}{next(counter):04d}"
            self.issued.append(number)
            return number

    def people(self) -> list[str]:
        """The texters' and volunteers' numbers issued so far (lines are public)."""
        with self._lock:
            return [n for n in self.issued if not n.startswith(self.PREFIXES["line"])]


@dataclass
class Platform:
    """The deployed platform and the handles the tests need on it."""

    env: dict[str, str]
    web_url: str
    fake: FakeTwilio
    engine: Engine
    keyring: Keyring
    web: Process
    workers: list[Process]
    prism: Process
    prism_log_start: int
    redis: RedisServer
    numbers: NumberBook = field(default_factory=NumberBook)
    words: list[str] = field(default_factory=list)
    _words_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def public_url(self) -> str:
        """The URL the platform believes Twilio calls; signatures are computed on it."""
        return self.env["PUBLIC_URL"]

    @property
    def auth_token(self) -> str:
        """The Twilio auth token the platform checks signatures with."""
        return self.env["TWILIO_AUTH_TOKEN"]

    @property
    def services(self) -> list[Process]:
        """The platform's own processes: web and workers."""
        return [self.web, *self.workers]

    def restart_worker(self, index: int) -> Process:
        """Start a worker, as the Procfile does, in place of worker `index` (one killed)."""
        dead = self.workers[index]
        self.workers[index] = start_shell(
            f"{dead.name}-restarted", procfile_command("worker"), self.env, dead.log_path.parent
        )
        return self.workers[index]

    def remember_words(self, body: str) -> None:
        """A message text a person sent, which must never appear in the platform's logs."""
        if len(body.strip()) >= 8:
            with self._words_lock:
                self.words.append(body)

    def cli(self, *args: str) -> str:
        """Run `warmline <args>` as an operator would; its output."""
        return run_command([str(VENV_BIN / "warmline"), *args], self.env)

    def cli_steps(self, steps: Sequence[Sequence[Sequence[str]]]) -> None:
        """Run CLI commands step by step, the commands of one step independent of each other.

        A few commands run as `warmline` processes side by side. More run in one Python process
        that calls the same `warmline` entry point for each command: on a small machine each
        process start costs a second or two, and the twenty peers need forty commands.
        """
        if sum(len(step) for step in steps) > CLI_PROCESSES_AT_MOST:
            commands = [list(command) for step in steps for command in step]
            run_command([str(VENV_BIN / "python"), "-c", CLI_BATCH], self.env, json.dumps(commands))
            return
        for step in steps:
            with ThreadPoolExecutor(CLI_PARALLELISM) as pool:
                list(pool.map(lambda args: self.cli(*args), step))

    def scalar(self, sql: str, **params: object) -> Any:
        """One value from the platform's database."""
        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()

    def rows(self, sql: str, **params: object) -> list[Any]:
        """Rows from the platform's database."""
        with self.engine.connect() as conn:
            return list(conn.execute(text(sql), params))

    def new_line(self, name: str) -> Line:
        """A new line, added with the CLI, with no volunteers yet."""
        number = self.numbers.new("line")
        self.cli(
            "line", "add", "--number", number, "--name", name, "--timezone", "America/New_York"
        )
        line_id = self.scalar("SELECT id FROM lines WHERE number = :n", n=number)
        assert line_id is not None, f"`warmline line add` did not create line {number}"
        return Line(self, number, name, int(line_id))

    def contact_key(self, e164: str) -> str:
        """The key the platform knows a number by."""
        return self.keyring.key_for(e164)

    def volunteer_id(self, e164: str) -> int:
        """The id of the volunteer with this phone."""
        found = self.scalar(
            "SELECT id FROM volunteers WHERE phone_key = :k", k=self.contact_key(e164)
        )
        assert found is not None, "no such volunteer"
        return int(found)

    def assert_services_running(self) -> None:
        """Web and workers are still up (a crash would otherwise look like a slow relay)."""
        for process in self.services:
            assert process.running, f"{process.name} exited:\n{process.tail()}"


def _shift_time(moment: datetime) -> str:
    """A time as the CLI takes it, with an explicit UTC offset: 2026-11-26T01:00+00:00."""
    return moment.astimezone(UTC).isoformat(timespec="minutes")


@dataclass
class Line:
    """One line on the platform, and the phones that text it."""

    platform: Platform
    number: str
    name: str
    id: int

    # Setting up, with the operator CLI

    def add_volunteers(self, on_shift: Iterable[str], off_shift: Iterable[str] = ()) -> list[str]:
        """Volunteers with fresh numbers, in the order named.

        Those `on_shift` have a primary shift now; those `off_shift` are on the rota only in two
        days' time, so they have no current shift.
        """
        now = datetime.now(UTC)
        windows = {
            True: (now - timedelta(hours=1), now + timedelta(hours=3)),
            False: (now + timedelta(days=2), now + timedelta(days=2, hours=4)),
        }
        people = [(name, True) for name in on_shift] + [(name, False) for name in off_shift]
        phones = [self.platform.numbers.new("volunteer") for _ in people]
        shifts = []
        for (_, current), phone in zip(people, phones, strict=True):
            start, end = (_shift_time(t) for t in windows[current])
            shift = ["shift", "add", "--line", self.number, "--volunteer", phone, "--role"]
            shifts.append([*shift, "primary", "--start", start, "--end", end])
        volunteers = [
            ["volunteer", "add", "--name", name, "--phone", phone]
            for (name, _), phone in zip(people, phones, strict=True)
        ]
        self.platform.cli_steps([volunteers, shifts])
        return phones

    def add_volunteer(self, name: str) -> str:
        """One volunteer on shift now."""
        return self.add_volunteers([name])[0]

    def new_texter(self) -> str:
        """A number nobody has texted from yet."""
        return self.platform.numbers.new("texter")

    # Texting the line, as Twilio delivers texts

    def form(self, sender: str, body: str, sid: str | None = None, **extra: str) -> dict[str, str]:
        """The form Twilio posts for an incoming text."""
        return {
            "MessageSid": sid or "SM" + secrets.token_hex(16),
            "AccountSid": self.platform.env["TWILIO_ACCOUNT_SID"],
            "From": sender,
            "To": self.number,
            "Body": body,
            "NumMedia": "0",
            **extra,
        }

    def sign(self, form: dict[str, str], url: str | None = None, token: str | None = None) -> str:
        """X-Twilio-Signature for `form` posted to `url` (default: the public webhook URL)."""
        validator = RequestValidator(token or self.platform.auth_token)
        signature: str = validator.compute_signature(
            url or self.platform.public_url + "/twilio/sms", form
        )
        return signature

    def post(self, form: dict[str, str], signature: str | None) -> requests.Response:
        """Post `form` to the running web process with this signature header (None: no header)."""
        headers = {} if signature is None else {"X-Twilio-Signature": signature}
        return requests.post(
            self.platform.web_url + "/twilio/sms", data=form, headers=headers, timeout=10
        )

    def text(self, sender: str, body: str, **form_fields: str) -> requests.Response:
        """Text the line from `sender`, signed as Twilio signs; the webhook's answer."""
        self.platform.remember_words(body)
        form = self.form(sender, body, **form_fields)
        return self.post(form, self.sign(form))

    def send(self, sender: str, body: str) -> None:
        """Text the line and insist that the webhook took it."""
        response = self.text(sender, body)
        assert response.status_code == 200, f"webhook answered {response.status_code}"

    # What the line sent, as Twilio saw it

    def texts_to(self, number: str) -> list[SentText]:
        """Texts Twilio was asked to send to `number`, in arrival order."""
        return [t for t in self.platform.fake.texts() if t.to == number]

    def bodies_to(self, number: str) -> list[str]:
        """Bodies of the texts to `number`, in arrival order."""
        return [t.body for t in self.texts_to(number)]

    def wait_for(
        self, number: str, contains: str, count: int = 1, timeout: float = RELAY_TIMEOUT
    ) -> list[str]:
        """Wait until `count` texts to `number` contain `contains`; those bodies."""
        bodies = self.wait_until(
            f"{count} text(s) containing {contains!r}",
            number,
            lambda bodies: len([b for b in bodies if contains in b]) >= count,
            timeout,
        )
        return [b for b in bodies if contains in b]

    def wait_until(
        self,
        what: str,
        number: str,
        condition: Callable[[list[str]], bool],
        timeout: float = RELAY_TIMEOUT,
    ) -> list[str]:
        """Wait until the bodies sent to `number` satisfy `condition`; all those bodies."""

        def holds(texts: list[SentText]) -> bool:
            return condition([t.body for t in texts if t.to == number])

        if not self.platform.fake.wait_until(holds, timeout):
            self.platform.assert_services_running()
            raise DeadlineExceeded(
                f"{what} for {number}: not within {timeout:.0f} s; "
                f"it got {self.bodies_to(number)!r}{self._stuck()}"
            )
        return self.bodies_to(number)

    def offered_ref(self, volunteer: str, timeout: float = RELAY_TIMEOUT) -> str:
        """The reference in the offer a volunteer was texted (waiting for it if need be)."""
        offers = self.wait_for(volunteer, "waiting to talk", timeout=timeout)
        match = REF.search(offers[-1])
        assert match, f"no reference like #K4P in the offer {offers[-1]!r}"
        return match.group(1)

    # The database's view

    def settle(self, timeout: float = SETTLE_TIMEOUT) -> None:
        """Wait until the line has processed every text it took and sent every text it wrote.

        Outbound texts are written in the same transaction that processes the inbound one, so
        once both counts are zero nothing more is on its way: what Twilio got is final.
        """
        try:
            wait_for(
                f"line {self.number} to process and send everything",
                lambda: self._pending() == (0, 0),
                timeout,
                watch=self.platform.services,
                interval=0.2,
            )
        except DeadlineExceeded as exc:
            raise DeadlineExceeded(f"{exc}{self._stuck()}") from None
        failed = self.platform.rows(
            "SELECT id, status, error_code, attempts FROM outbox WHERE line_id = :l "
            "AND (status = 'failed' OR error_code IS NOT NULL)",
            l=self.id,
        )
        assert not failed, f"Twilio (Prism) refused texts: (id, status, error, attempts) {failed}"

    def _pending(self) -> tuple[int, int]:
        row = self.platform.rows(
            "SELECT (SELECT count(*) FROM inbound_messages WHERE line_id = :l "
            "        AND processed_at IS NULL),"
            "       (SELECT count(*) FROM outbox WHERE line_id = :l "
            "        AND status IN ('queued', 'sending'))",
            l=self.id,
        )[0]
        return int(row[0]), int(row[1])

    def _stuck(self) -> str:
        inbound, outbound = self._pending()
        if inbound or outbound:
            return f" ({inbound} inbound text(s) unprocessed, {outbound} outbound unsent)"
        return ""

    def inbound_count(self) -> int:
        """How many incoming texts the line has stored."""
        return int(
            self.platform.scalar(
                "SELECT count(*) FROM inbound_messages WHERE line_id = :l", l=self.id
            )
        )

    def conversations_of(self, texter: str) -> list[Any]:
        """The texter's conversations on this line: (id, ref, status, volunteer_id, claimed_at)."""
        return self.platform.rows(
            "SELECT c.id, c.ref, c.status, c.volunteer_id, c.claimed_at FROM conversations c "
            "JOIN contacts k ON k.id = c.contact_id "
            "WHERE c.line_id = :l AND k.contact_key = :key ORDER BY c.id",
            l=self.id,
            key=self.platform.contact_key(texter),
        )


def timed(action: Callable[[], requests.Response]) -> tuple[requests.Response, float]:
    """Run `action`; its response and how many seconds it took."""
    started = time.monotonic()
    response = action()
    return response, time.monotonic() - started


def all_at_once(actions: Sequence[Callable[[], requests.Response]]) -> list[requests.Response]:
    """Run the actions in threads released together, as a burst of webhooks would arrive."""
    barrier = threading.Barrier(len(actions))

    def run(action: Callable[[], requests.Response]) -> requests.Response:
        barrier.wait(timeout=30)
        return action()

    with ThreadPoolExecutor(len(actions)) as pool:
        return list(pool.map(run, actions))
