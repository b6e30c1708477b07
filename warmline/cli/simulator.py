"""Text the line from a terminal as a texter and as volunteers, through the real webhook."""

from __future__ import annotations

import dataclasses
from typing import TextIO

from flask.testing import FlaskClient
from sqlalchemy import select

from warmline import create_app, runtime
from warmline.cli import demo
from warmline.config import Settings
from warmline.core import migrate
from warmline.core.clock import utcnow
from warmline.core.jobqueue import ThreadJobQueue
from warmline.models import Line
from warmline.runtime import Runtime
from warmline.telephony import training
from warmline.telephony.sender import ConsoleTransport

INTRO = """Warmline simulator: {line} ({number}).
Type `who: message`. who is texter, texter2, or a demo volunteer: {volunteers}.
Example: `texter: hi, rough night`, then `sam: <the ref offered>`. `quit` leaves.
"""


class Simulator:
    """Posts signed texts to the webhook in-process and runs the jobs they cause."""

    def __init__(self, settings: Settings, out: TextIO) -> None:
        # Never Redis, never Twilio: the simulator runs its own queue and prints every text.
        settings = dataclasses.replace(settings, redis_url=None)
        migrate.upgrade(settings.database_url)
        self.app = create_app(settings)
        rt: Runtime = self.app.extensions["warmline"]
        rt.queue = ThreadJobQueue()
        rt.transport = ConsoleTransport(out, remember=getattr(rt.transport, "remember", None))
        runtime.install(rt)  # the jobs it runs find their collaborators here
        self.rt = rt
        self.client: FlaskClient = self.app.test_client()
        with rt.db.session() as session:
            demo.seed_if_empty(session, rt.keyring, rt.vault, utcnow())
            demo.keep_demo_on_shift(session, rt.keyring, utcnow())
            line = session.scalar(select(Line).where(Line.number == demo.DEMO_LINE))
            self.line_number = line.number if line else demo.DEMO_LINE
            self.line_name = line.name if line else "Demo Warmline"
        self.people = {p.name.lower(): p.phone for p in demo.DEMO_VOLUNTEERS} | demo.DEMO_TEXTERS

    def text(self, who: str, body: str) -> int:
        """Send `body` from `who` to the line; returns the webhook's HTTP status."""
        with self.rt.db.session() as session:
            line = session.scalar(select(Line).where(Line.number == self.line_number))
            assert line is not None
            status = training.post_text(self.app, self.rt.settings, line, self.people[who], body)
        self.drain()
        return status

    def drain(self) -> None:
        """Run queued jobs until none are left."""
        assert isinstance(self.rt.queue, ThreadJobQueue)
        while self.rt.queue.run_pending():
            pass


def repl(settings: Settings, stdin: TextIO, out: TextIO) -> None:
    """Read `who: message` lines until end of input or `quit`."""
    sim = Simulator(settings, out)
    volunteers = ", ".join(p.name.lower() for p in demo.DEMO_VOLUNTEERS)
    out.write(INTRO.format(line=sim.line_name, number=sim.line_number, volunteers=volunteers))
    out.flush()
    while True:
        out.write("> ")
        out.flush()
        line = stdin.readline()
        if not line or line.strip().lower() in ("quit", "exit"):
            return
        who, sep, body = line.partition(":")
        who = who.strip().lower()
        if not sep or who not in sim.people:
            out.write(f"  (write `who: message`; who is one of {', '.join(sim.people)})\n")
            continue
        sim.text(who, body.strip())
