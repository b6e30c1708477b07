"""`warmline simulate` shows every text the line sends, and knows volunteers added meanwhile."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from warmline import runtime
from warmline.cli.simulator import Simulator
from warmline.config import Settings, load_settings
from warmline.core.clock import utcnow
from warmline.lines.volunteers import add_volunteer
from warmline.ops.sweeper import sweep
from warmline.rota import service, shifts
from warmline.telephony.sender import ConsoleTransport


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """A development instance in its own folder, on SQLite, as `make run` has it."""
    return load_settings(
        {
            "WARMLINE_ENV": "development",
            "WARMLINE_INSTANCE_PATH": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'warmline.sqlite3'}",
        }
    )


@pytest.fixture
def screen() -> io.StringIO:
    return io.StringIO()


@pytest.fixture
def sim(settings: Settings, screen: io.StringIO) -> Iterator[Simulator]:
    simulator = Simulator(settings, screen)
    yield simulator
    runtime.install(None)


def offered_ref(screen: io.StringIO) -> str:
    match = re.search(
        r"→ Sam \(volunteer\): .*Reply ([A-Z][2-9][A-Z]) to take it", screen.getvalue()
    )
    assert match, screen.getvalue()
    return match.group(1)


def test_the_automatic_texts_show_re_offers_the_coordinators_alert_and_the_texters_wait(
    sim: Simulator, screen: io.StringIO
) -> None:
    sim.text("texter", "is anyone there")
    ref = offered_ref(screen)
    start = utcnow()
    for minutes in (3, 6, 11):
        sim.tick(clock=lambda m=minutes: start + timedelta(minutes=m))
    shown = screen.getvalue()
    offers_to_alex = re.findall(rf"→ Alex \(volunteer\): .*\(#{ref}\)\. Reply {ref}", shown)
    assert len(offers_to_alex) >= 2  # the first offer and at least one re-offer
    assert re.search(rf"→ Riley \(volunteer\): Demo Warmline: #{ref} has waited \d+ min", shown)
    # The fallback text: Sam and Alex are on shift, so the texter is told they are still in line.
    assert re.search(r"→ texter [0-9a-f]{6}: We're sorry for the wait: .* still in line", shown)


def test_texts_another_process_sends_show_here_once(
    sim: Simulator, screen: io.StringIO, settings: Settings
) -> None:
    sim.text("texter", "hello?")
    ref = offered_ref(screen)
    # `warmline run` in another terminal: its own runtime and console, the same database.
    other = runtime.build(settings)
    other_console = io.StringIO()
    other.transport = ConsoleTransport(other_console, remember=other.transport.remember)  # type: ignore[attr-defined]
    sweep(other, clock=lambda: utcnow() + timedelta(minutes=6))
    assert f"#{ref} has waited" in other_console.getvalue()  # sent by the other process
    sim.show_new()
    sim.show_new()
    alerts = re.findall(
        rf"→ Riley \(volunteer\): Demo Warmline: #{ref} has waited", screen.getvalue()
    )
    assert len(alerts) == 1


def test_a_volunteer_added_while_it_runs_can_text_at_once(
    sim: Simulator, screen: io.StringIO
) -> None:
    assert "jo" not in sim.people()
    now = utcnow()
    with sim.rt.db.session() as session:
        add_volunteer(
            session, sim.rt.keyring, sim.rt.vault, name="Jo", phone_raw="+15550005555", now=now
        )
        service.add_shift(
            session,
            shifts.read_shift(
                session,
                sim.rt.keyring,
                line_raw="+15550001111",
                volunteer_raw="+15550005555",
                start=(now + timedelta(minutes=1)).isoformat(),
                end=(now + timedelta(hours=2)).isoformat(),
                role="primary",
            ),
            now,
        )
        session.commit()
    assert sim.people()["jo"] == "+15550005555"
    sim.text("jo", "STATUS")
    assert re.search(r"→ Jo \(volunteer\): ", screen.getvalue()), screen.getvalue()
