"""Each line's data is kept to its own coordinators: another line is "not found" everywhere."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask, url_for
from sqlalchemy import select

from tests.integration.conftest import Line
from tests.integration.dashboard.conftest import PASSWORD, Dashboard
from warmline.conversations.support import resources
from warmline.core.clock import utcnow
from warmline.lines import audit, coordinators
from warmline.lines.lines import add_line
from warmline.lines.volunteers import add_volunteer
from warmline.models import Closure, Coordinator, Resource, Shift, Volunteer
from warmline.models import Line as LineRow
from warmline.rota import service, shifts
from warmline.runtime import Runtime

OTHER_NUMBER = "+15550001199"
OTHER_NAME = "Other Warmline"
TEXTER = "+15550009001"
VOLUNTEER = "+15550002222"
LINE_CHIEF = "north@example.org"
ADMIN = "admin@example.org"
# Pages about your own account rather than a line.
ACCOUNT_ENDPOINTS = {
    "dashboard.signin",
    "dashboard.signout",
    "dashboard.password",
    "dashboard.static",
    "dashboard.switch_language",  # the EN/ES switch: no line in it
}
# What a form may send: enough for each form to act if it were let through.
FORM = {
    "number": TEXTER,
    "hours": "always",
    "name": "Renamed",
    "phone": "+15550003333",
    "email": "new@example.org",
    "access": "administrator",
    "date": "2026-12-24",
    "volunteer": "1",
    "consent_wording": "May we keep a note? Reply YES.",
    "sender": "t1",
    "body": "hello",
    "token": "x",
    "title": "Taken over",
    "text": "Nothing",
    "topics": "",
    "language": "en",
    "old_name": "anxiety",
    "synonyms": "worry",
}


@pytest.fixture
def two_lines(line: Line, rt: Runtime) -> dict[str, Any]:
    """The test line and another with a texter, a shift, a closure and an audit entry."""
    now = utcnow()
    with rt.db.session() as session:
        other = add_line(session, number_raw=OTHER_NUMBER, name=OTHER_NAME, timezone="UTC", now=now)
        mine = session.scalars(select(LineRow).where(LineRow.id != other.id)).one()
        add_volunteer(session, rt.keyring, rt.vault, name="Sam", phone_raw=VOLUNTEER, now=now)
        service.add_shift(
            session,
            shifts.read_shift(
                session,
                rt.keyring,
                line_raw=OTHER_NUMBER,
                volunteer_raw=VOLUNTEER,
                start=(now + timedelta(days=1)).isoformat(),
                end=(now + timedelta(days=1, hours=3)).isoformat(),
                role="primary",
            ),
            now,
        )
        session.add(
            Closure(
                line_id=other.id,
                starts_at=now + timedelta(days=3),
                ends_at=now + timedelta(days=4),
                reason="holiday",
                created_at=now,
            )
        )
        audit.record(session, None, "erased contact", "other line", now, other.id, actor="cli")
        theirs = resources.add(
            session,
            other,
            title="Their resource",
            text="Kept by the other line.",
            link="",
            topics="grief",
            language="en",
            now=now,
        )
        chief = coordinators.add(session, LINE_CHIEF, PASSWORD, now, lines=[mine])
        boss = coordinators.add(session, ADMIN, PASSWORD, now)
        session.commit()
        ids = {
            "line": other.id,
            "mine": mine.id,
            "shift_id": session.scalars(select(Shift.id).where(Shift.line_id == other.id)).one(),
            "closure_id": session.scalars(
                select(Closure.id).where(Closure.line_id == other.id)
            ).one(),
            "volunteer_id": session.scalars(select(Volunteer.id)).one(),
            "coordinator_id": boss.id,
            "chief": chief.id,
            "resource_id": theirs.id,
            "ref": "K4P",  # a conversation reference; the line is what makes it another's
        }
    other_phone = Line(line.client, rt, line.fake, line.redis)
    other_phone.number = OTHER_NUMBER
    assert other_phone.post_sms(TEXTER, "hello").status_code == 200
    return ids


def requests_for_another_line(app: Flask, ids: dict[str, Any]) -> list[tuple[str, str]]:
    """(method, URL) of every dashboard route, naming the other line and its rows.

    Read from the app's url_map, so a route added later is covered without editing this test.
    A route with a path argument this test does not know fails here, to be added above.
    """
    found: list[tuple[str, str]] = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("dashboard.") or rule.endpoint in ACCOUNT_ENDPOINTS:
                continue
            values = {name: ids[name] for name in rule.arguments}
            path = url_for(rule.endpoint, line=ids["line"], **values)
            for method in sorted((rule.methods or set()) & {"GET", "POST"}):
                found.append((method, path))
    assert len(found) > 30  # every page, JSON, CSV, export, erase and setting form
    return found


def test_a_coordinator_of_one_line_gets_not_found_for_every_route_of_another(
    app: Flask, two_lines: dict[str, Any], browser: Dashboard, rt: Runtime
) -> None:
    assert browser.sign_in(LINE_CHIEF, PASSWORD).status_code == 302
    answered = {}
    for method, path in requests_for_another_line(app, two_lines):
        if method == "GET":
            response = browser.get(path)
        else:
            browser.get("/")  # a fresh CSRF token, as the page the form is on would give
            response = browser.post(path, FORM)
        answered[f"{method} {path}"] = response.status_code
    assert {k: v for k, v in answered.items() if v != 404} == {}
    # Nothing of the other line changed: its shift, closure and texter are all still there.
    with rt.db.session() as session:
        shift = session.get(Shift, two_lines["shift_id"])
        assert shift is not None and shift.cancelled_at is None
        assert session.get(Closure, two_lines["closure_id"]) is not None
        other = session.get(LineRow, two_lines["line"])
        assert other is not None and other.name == OTHER_NAME
        boss = session.get(Coordinator, two_lines["coordinator_id"])
        assert boss is not None and boss.is_active
        kept = session.get(Resource, two_lines["resource_id"])
        assert kept is not None and kept.title == "Their resource" and kept.retired_at is None
        assert other.topics == ""


def test_an_administrator_opens_every_page_of_either_line(
    app: Flask, two_lines: dict[str, Any], browser: Dashboard
) -> None:
    assert browser.sign_in(ADMIN, PASSWORD).status_code == 302
    for method, path in requests_for_another_line(app, two_lines):
        if method == "GET":
            assert browser.get(path).status_code == 200, path


def test_a_line_coordinator_sees_only_their_line_on_shared_pages(
    two_lines: dict[str, Any], browser: Dashboard
) -> None:
    assert browser.sign_in(LINE_CHIEF, PASSWORD).status_code == 302
    for path in ("/", "/rota", "/log", "/stats", "/settings", "/contacts", "/audit"):
        html = browser.text(path)
        assert OTHER_NAME not in html, path
        assert "Test Warmline" in html or path == "/audit", path
    now = browser.get("/now.json").get_json()
    assert [entry["name"] for entry in now["lines"]] == ["Test Warmline"]
    assert "other line" not in browser.text("/audit")
    assert "Coordinators" not in browser.text("/")  # administrators only
    mine = two_lines["mine"]
    assert browser.get(f"/settings?line={mine}").status_code == 200
    # A line that does not exist and one that is not theirs look the same.
    for wanted in ("999999", "x", "", str(two_lines["line"])):
        assert browser.get(f"/log.csv?line={wanted}").status_code == 404


def test_an_administrator_sees_every_line_and_the_coordinators(
    two_lines: dict[str, Any], browser: Dashboard
) -> None:
    assert browser.sign_in(ADMIN, PASSWORD).status_code == 302
    now = browser.get("/now.json").get_json()
    assert sorted(entry["name"] for entry in now["lines"]) == [OTHER_NAME, "Test Warmline"]
    assert "other line" in browser.text("/audit")
    page = browser.text("/coordinators")
    assert LINE_CHIEF in page and ADMIN in page


def test_a_volunteer_only_on_another_lines_rota_is_not_theirs_to_see_or_change(
    two_lines: dict[str, Any], browser: Dashboard, rt: Runtime
) -> None:
    assert browser.sign_in(LINE_CHIEF, PASSWORD).status_code == 302
    assert "Sam" not in browser.text("/volunteers")  # Sam's only shift is on the other line
    sam = two_lines["volunteer_id"]
    for action in ("name", "deactivate", "reactivate"):
        browser.get("/volunteers")
        assert browser.post(f"/volunteers/{sam}/{action}", {"name": "Renamed"}).status_code == 404
    with rt.db.session() as session:
        found = session.get(Volunteer, sam)
        assert found is not None and found.is_active and found.name == "Sam"
    # A volunteer they add themselves (no shift anywhere yet) is theirs to change.
    browser.get("/volunteers")
    assert (
        browser.post("/volunteers", {"name": "Robin", "phone": "+15550004444"}).status_code == 302
    )
    with rt.db.session() as session:
        robin = session.scalars(select(Volunteer.id).where(Volunteer.name == "Robin")).one()
    assert browser.post(f"/volunteers/{robin}/name", {"name": "Robin B"}).status_code == 302
    assert "Robin B" in browser.text("/volunteers")
