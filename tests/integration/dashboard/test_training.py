"""The training simulator: simulated phones text the line through the real webhook and see what
they were sent; never in production, never a real number."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.integration.conftest import Line
from tests.integration.conversations.test_sms_flow import SAM
from tests.integration.dashboard.conftest import Dashboard
from tests.integration.dashboard.test_now_and_volunteers import digits_forms
from tests.integration.privacy.test_privacy import count
from warmline.conversations import trainer
from warmline.core.clock import utcnow
from warmline.models import Line as LineRow
from warmline.models import TrainingText
from warmline.runtime import Runtime
from warmline.telephony.sender import ConsoleTransport
from warmline.telephony.training import ConsoleRecorder

REAL = "+14155552671"  # a real-looking San Francisco number: never used by the simulator


@pytest.fixture
def console(rt: Runtime) -> io.StringIO:
    """The development transport: texts are printed, and simulated phones' texts kept."""
    printed = io.StringIO()
    rt.transport = ConsoleTransport(printed, remember=ConsoleRecorder(rt.db, rt.keyring, rt.vault))
    return printed


def screens(signed_in: Dashboard) -> dict[str, list[dict[str, str]]]:
    data = signed_in.get("/training.json").get_json()
    return {p["label"]: p["texts"] for p in data["phones"]}


def test_a_texter_and_a_volunteer_text_through_the_webhook_and_see_what_they_were_sent(
    line: Line, signed_in: Dashboard, console: io.StringIO
) -> None:
    line.add_volunteer("Sam", SAM)
    page = signed_in.text("/training")
    assert "Texter 1" in page and ">Sam" in page
    sam_key = re.search(r'<option value="(v\d+)"[^>]*>Sam \(volunteer\)', page).group(1)  # type: ignore[union-attr]

    sent = signed_in.post("/training/text", {"sender": "t1", "body": "hi, rough night"})
    assert sent.status_code == 302
    line.drain()
    phones = screens(signed_in)
    assert [t["direction"] for t in phones["Texter 1"]][:2] == ["sent", "received"]
    assert phones["Texter 1"][0]["body"] == "hi, rough night"
    assert "Hi, this is Test Warmline" in phones["Texter 1"][1]["body"]
    offer = phones["Sam"][-1]["body"]
    ref = re.search(r"Reply ([A-Z][2-9][A-Z]) to take it", offer).group(1)  # type: ignore[union-attr]

    signed_in.post("/training/text", {"sender": sam_key, "body": ref})
    line.drain()
    sam_screen = [t["body"] for t in screens(signed_in)["Sam"]]
    assert ref in sam_screen and f"#{ref}: hi, rough night" in sam_screen
    assert f"#{ref}" in signed_in.text("/")  # the real Now page sees the claim
    assert "with Sam" in signed_in.text("/")
    page = signed_in.text("/training")
    assert f"#{ref}: hi, rough night" in page
    for number in ("+15550009001", SAM):
        for form in digits_forms(number):
            assert form not in page and form not in signed_in.get("/training.json").get_data(
                as_text=True
            )


def test_only_fictional_phones_take_part_and_their_texts_are_kept_sealed(
    line: Line, signed_in: Dashboard, console: io.StringIO
) -> None:
    line.add_volunteer("Sam", SAM)
    line.add_volunteer("Robin", REAL)
    page = signed_in.text("/training")
    assert "Robin" not in page
    line.text(REAL, "STATUS")  # Robin's real phone gets a reply: it is never kept
    with line.rt.db.session() as session:
        robin_key = line.rt.keyring.key_for(REAL)
        rows = session.query(TrainingText).all()
        assert all(r.phone_key != robin_key for r in rows)
    signed_in.post("/training/text", {"sender": "t2", "body": "secret training words"})
    line.drain()
    with line.rt.db.session() as session:
        stored = session.query(TrainingText).all()
        assert stored and all(b"secret training words" not in r.body_sealed for r in stored)
    assert not trainer.is_fictional(REAL) and trainer.is_fictional("+15550009001")


def test_an_unknown_phone_or_an_empty_text_sends_nothing(
    line: Line, signed_in: Dashboard, console: io.StringIO
) -> None:
    signed_in.get("/training")
    for form in ({"sender": "v999", "body": "hello"}, {"sender": "t1", "body": "   "}):
        assert signed_in.post("/training/text", form).status_code == 302
    line.drain()
    assert count(line, TrainingText) == 0 and console.getvalue() == ""


def test_clearing_wipes_the_screens_and_is_audited(
    line: Line, signed_in: Dashboard, console: io.StringIO, coordinator: str
) -> None:
    signed_in.get("/training")
    signed_in.post("/training/text", {"sender": "t1", "body": "hello"})
    line.drain()
    assert count(line, TrainingText) >= 2
    assert signed_in.post("/training/clear", {}).status_code == 302
    assert "Cleared" in signed_in.followed and count(line, TrainingText) == 0
    assert "cleared training phones" in signed_in.text("/audit")


def test_the_simulator_needs_a_csrf_token(
    line: Line, signed_in: Dashboard, console: io.StringIO
) -> None:
    signed_in.get("/training")
    response = signed_in.post("/training/text", {"sender": "t1", "body": "hi"}, csrf=False)
    assert response.status_code == 400
    line.drain()
    assert count(line, TrainingText) == 0


def test_in_production_the_simulator_does_not_exist(
    line: Line, signed_in: Dashboard, rt: Runtime
) -> None:
    assert "Training" in signed_in.text("/")
    rt.settings = dataclasses.replace(rt.settings, env="production")
    for path in ("/training", "/training.json"):
        assert signed_in.get(path).status_code == 404
    signed_in.get("/")
    assert signed_in.post("/training/text", {"sender": "t1", "body": "hi"}).status_code == 404
    assert signed_in.post("/training/clear", {}).status_code == 404


def test_a_simulated_text_is_kept_a_day_at_most(
    line: Line, signed_in: Dashboard, console: io.StringIO
) -> None:
    with line.rt.db.session() as session:
        target = session.scalars(select(LineRow)).one()
        old = utcnow() - timedelta(hours=25)
        trainer.remember(
            session, line.rt.keyring, line.rt.vault, target, "+15550009002", "sent", "old", old
        )
        session.commit()
    assert screens(signed_in)["Texter 2"] == []  # older than a day: off the screen
    signed_in.get("/training")
    signed_in.post("/training/text", {"sender": "t2", "body": "new"})
    line.drain()
    assert screens(signed_in)["Texter 2"][0]["body"] == "new"
    with line.rt.db.session() as session:
        bodies = [line.rt.vault.open(r.body_sealed) for r in session.scalars(select(TrainingText))]
    assert "old" not in bodies  # and gone from the database once anything new is kept


def test_script_in_a_simulated_text_is_shown_as_text(
    line: Line, signed_in: Dashboard, console: io.StringIO
) -> None:
    signed_in.get("/training")
    signed_in.post("/training/text", {"sender": "t1", "body": "<script>alert(1)</script>"})
    line.drain()
    page = signed_in.text("/training")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
