"""Text the line from a terminal as a texter and as volunteers, through the real webhook."""

from __future__ import annotations

import dataclasses
import io
import logging
import select
import time
from collections.abc import Callable
from datetime import datetime
from typing import TextIO

from flask.testing import FlaskClient
from sqlalchemy import func
from sqlalchemy import select as select_rows

from warmline import create_app, runtime
from warmline.cli import demo
from warmline.config import Settings
from warmline.conversations import trainer
from warmline.core import migrate
from warmline.core.clock import utcnow
from warmline.core.crypto import UnreadableSecret
from warmline.core.jobqueue import ThreadJobQueue
from warmline.models import Line, TrainingText
from warmline.ops.sweeper import ROTA_INTERVAL_S, sweep
from warmline.runtime import Runtime
from warmline.telephony import training
from warmline.telephony.sender import ConsoleTransport

INTRO = """Warmline simulator: {line} ({number}).
Type `who: message`. who is texter, texter2, texter3, or a volunteer: {volunteers}.
Example: `texter: hi, rough night`, then `sam: <the ref offered>`. `quit` leaves.
Every text the line sends to these phones shows here (`→`), from this process or `warmline run`.
"""
TEXTERS = {"texter": "+15550009001", "texter2": "+15550009002", "texter3": "+15550009003"}
# While nobody types, the simulator sweeps (deadlines, re-offers, alerts) and shows new texts.
TICK_S = 1.0

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


class _Silent(io.StringIO):
    """A stream that drops what it is given (the screen shows kept texts instead)."""

    def write(self, text: str) -> int:
        """Drop `text`."""
        return len(text)


class Simulator:
    """Posts signed texts to the webhook in-process and runs the jobs and deadlines they cause."""

    def __init__(self, settings: Settings, out: TextIO) -> None:
        # Never Redis, never Twilio: the simulator runs its own queue and shows every text.
        settings = dataclasses.replace(settings, redis_url=None)
        migrate.upgrade(settings.database_url)
        self.app = create_app(settings)
        rt: Runtime = self.app.extensions["warmline"]
        rt.queue = ThreadJobQueue()
        remember = getattr(rt.transport, "remember", None)
        # Texts to simulated phones are printed from what was kept (so `warmline run`'s show
        # too, once each); the console itself prints only texts to real numbers.
        loud = ConsoleTransport(out)
        # With nothing keeping texts (a Twilio setup), every text is printed as it goes.
        quiet = ConsoleTransport(_Silent(), remember=remember) if remember is not None else loud
        rt.transport = _ScreenTransport(out, quiet, loud)
        runtime.install(rt)  # the jobs it runs find their collaborators here
        self.rt = rt
        self.out = out
        self.client: FlaskClient = self.app.test_client()
        self.last_rota = float("-inf")
        with rt.db.session() as session:
            demo.seed_if_empty(session, rt.keyring, rt.vault, utcnow())
            demo.keep_demo_on_shift(session, rt.keyring, utcnow())
            line = session.scalar(select_rows(Line).where(Line.number == demo.DEMO_LINE))
            self.line_number = line.number if line else demo.DEMO_LINE
            self.line_name = line.name if line else "Demo Warmline"
            self.line_id = line.id if line else None
            # Only texts from now on: the screen is not a replay of earlier sessions.
            self.seen = session.scalar(select_rows(func.max(TrainingText.id))) or 0

    def people(self) -> dict[str, str]:
        """Who may text, read afresh: the texters, then each active volunteer on a simulated
        phone by lower-case name (volunteers added on the dashboard meanwhile included)."""
        found = dict(TEXTERS)
        with self.rt.db.session() as session:
            for phone in trainer.phones(session, self.rt.vault):
                if phone.is_volunteer:
                    found.setdefault(phone.label.strip().lower(), phone.number)
        return found

    def text(self, who: str, body: str) -> int:
        """Send `body` from `who` to the line; returns the webhook's HTTP status."""
        with self.rt.db.session() as session:
            line = session.scalar(select_rows(Line).where(Line.number == self.line_number))
            assert line is not None
            status = training.post_text(self.app, self.rt.settings, line, self.people()[who], body)
        self.drain()
        self.show_new()
        return status

    def drain(self) -> None:
        """Run queued jobs until none are left."""
        assert isinstance(self.rt.queue, ThreadJobQueue)
        while self.rt.queue.run_pending():
            pass

    def tick(self, clock: Clock = utcnow) -> int:
        """Act on what is due (re-offers, alerts, closing) as the worker would, then show texts;
        how many texts it showed."""
        with_rota = time.monotonic() - self.last_rota >= ROTA_INTERVAL_S
        try:
            sweep(self.rt, with_rota=with_rota, clock=clock)
        except Exception:
            # `warmline run` may hold the database this moment: its sweeper does the work, or
            # the next tick does.
            log.exception("sweep failed; trying again on the next tick")
        else:
            if with_rota:
                self.last_rota = time.monotonic()
        self.drain()
        return self.show_new()

    def show_new(self) -> int:
        """Print every text the line sent to a simulated phone since the last look; how many."""
        if self.line_id is None:
            return 0
        shown = 0
        labels = self._labels()
        with self.rt.db.session() as session:
            rows = session.scalars(
                select_rows(TrainingText)
                .where(
                    TrainingText.line_id == self.line_id,
                    TrainingText.id > self.seen,
                    TrainingText.direction == "received",
                )
                .order_by(TrainingText.id)
            ).all()
            for row in rows:
                self.seen = row.id
                try:
                    body = self.rt.vault.open(row.body_sealed)
                except UnreadableSecret:
                    continue
                label = labels.get(row.phone_key, f"texter {row.phone_key[:6]}")
                self.out.write(f"  → {label}: {body}\n")
                shown += 1
        self.out.flush()
        return shown

    def _labels(self) -> dict[str, str]:
        """How the console names each simulated phone, by its key."""
        labels: dict[str, str] = {}
        with self.rt.db.session() as session:
            for phone in trainer.phones(session, self.rt.vault):
                key = self.rt.keyring.key_for(phone.number)
                labels[key] = (
                    f"{phone.label} (volunteer)" if phone.is_volunteer else f"texter {key[:6]}"
                )
        return labels


class _ScreenTransport:
    """Texts to simulated phones are kept (and shown by `Simulator.show_new`); others printed."""

    def __init__(self, out: TextIO, quiet: ConsoleTransport, loud: ConsoleTransport) -> None:
        self.out = out
        self.quiet = quiet
        self.loud = loud

    def send(self, *, from_number: str, to_number: str, body: str, label: str) -> str:
        """Keep or print the text; return a made-up message id."""
        transport = self.quiet if trainer.is_fictional(to_number) else self.loud
        return transport.send(from_number=from_number, to_number=to_number, body=body, label=label)


def _read_line(stdin: TextIO, sim: Simulator) -> str:
    """The next line typed; while waiting, tick once a second so deadlines and texts show."""
    try:
        stdin.fileno()
    except (AttributeError, OSError, ValueError):
        return stdin.readline()  # not a terminal or pipe (a test's StringIO): no waiting
    while True:
        ready, _, _ = select.select([stdin], [], [], TICK_S)
        if ready:
            return stdin.readline()
        if sim.tick():
            # Texts arrived while the prompt stood: show it again below them.
            sim.out.write("> ")
            sim.out.flush()


def repl(settings: Settings, stdin: TextIO, out: TextIO) -> None:
    """Read `who: message` lines until end of input or `quit`."""
    sim = Simulator(settings, out)
    # Its sweeps' counts would crowd the texts on screen; `warmline run` logs them.
    logging.getLogger("warmline.ops.sweeper").setLevel(logging.WARNING)
    volunteers = ", ".join(name for name in sim.people() if name not in TEXTERS)
    out.write(INTRO.format(line=sim.line_name, number=sim.line_number, volunteers=volunteers))
    sim.tick()
    while True:
        out.write("> ")
        out.flush()
        line = _read_line(stdin, sim)
        if not line or line.strip().lower() in ("quit", "exit"):
            return
        who, sep, body = line.partition(":")
        who = who.strip().lower()
        people = sim.people()
        if not sep or who not in people:
            out.write(f"  (write `who: message`; who is one of {', '.join(people)})\n")
            continue
        sim.text(who, body.strip())
        sim.tick()
