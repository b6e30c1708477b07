"""Sessions end on the server; administrators add, reset and deactivate coordinators."""

from __future__ import annotations

import re
import time

from flask import Flask
from sqlalchemy import select

from tests.integration.conftest import Line
from tests.integration.dashboard.conftest import EMAIL, PASSWORD, Dashboard
from warmline.core.clock import utcnow
from warmline.dashboard.accounts.security import SIGNED_IN_AT
from warmline.lines import coordinators
from warmline.models import AuditEntry, Coordinator
from warmline.models import Line as LineRow
from warmline.runtime import Runtime

ONE_TIME = re.compile(r'<code class="secret">([^<]+)</code>')


def replay(app: Flask, cookie: str) -> Dashboard:
    """A second browser holding a copy of a session cookie."""
    thief = Dashboard(app.test_client())
    thief.client.set_cookie("warmline_session", cookie)
    return thief


def cookie_of(browser: Dashboard) -> str:
    found = browser.client.get_cookie("warmline_session")
    assert found is not None
    return found.value


def test_a_cookie_copied_before_sign_out_opens_nothing_after_it(
    app: Flask, signed_in: Dashboard
) -> None:
    copied = cookie_of(signed_in)
    assert replay(app, copied).get("/").status_code == 200  # the copy works while signed in
    assert signed_in.post("/signout", {}).status_code == 302
    thief = replay(app, copied)
    for path in ("/", "/log.csv", "/settings", "/contacts"):
        response = thief.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/signin")
    assert thief.get("/now.json").status_code == 401


def test_a_session_ends_twelve_hours_after_sign_in_however_often_it_is_used(
    signed_in: Dashboard,
) -> None:
    assert signed_in.get("/").status_code == 200
    with signed_in.client.session_transaction() as session:
        session[SIGNED_IN_AT] = int(time.time()) - 12 * 3600 - 60
    assert signed_in.get("/").status_code == 302


def administrator(rt: Runtime, browser: Dashboard) -> Dashboard:
    """Sign `browser` in as an administrator (the fixture's coordinator is one)."""
    with rt.db.session() as session:
        found = session.scalars(select(Coordinator).where(Coordinator.email == EMAIL)).one()
        assert found.is_administrator
    assert browser.sign_in().status_code == 302
    return browser


def test_an_administrator_adds_a_coordinator_who_must_choose_a_password_at_first_sign_in(
    app: Flask, line: Line, coordinator: str, browser: Dashboard, rt: Runtime
) -> None:
    boss = administrator(rt, browser)
    boss.get("/coordinators")
    with rt.db.session() as session:
        line_id = session.scalars(select(LineRow.id)).one()
    response = boss.post(
        "/coordinators", {"email": "Ana@Example.org", "access": "lines", "lines": str(line_id)}
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    one_time = ONE_TIME.search(page)
    assert one_time and "One-time password for ana@example.org" in page
    password = one_time.group(1)
    assert password not in boss.text("/coordinators")  # shown that once only
    with rt.db.session() as session:
        ana = coordinators.get(session, "ana@example.org")
        assert coordinators.line_ids(session, ana) == {line_id} and ana.must_change_password
        entries = session.scalars(select(AuditEntry.action)).all()
        assert "added coordinator" in entries
        assert all(password not in e.subject for e in session.scalars(select(AuditEntry)))

    ana_browser = Dashboard(app.test_client())
    signed = ana_browser.sign_in("ana@example.org", password)
    assert signed.headers["Location"] == "/account/password"
    assert ana_browser.get("/").headers["Location"] == "/account/password"
    assert ana_browser.get("/now.json").status_code == 403
    ana_browser.get("/account/password")
    mine = "ana's own long passphrase"
    changed = ana_browser.post(
        "/account/password",
        {"current_password": password, "new_password": mine, "confirm_password": mine},
    )
    assert changed.status_code == 302
    assert ana_browser.get("/").status_code == 200
    assert "Coordinators" not in ana_browser.text("/")
    assert ana_browser.get("/coordinators").status_code == 404
    again = Dashboard(app.test_client())
    assert again.sign_in("ana@example.org", password).status_code == 401


def test_deactivating_a_coordinator_ends_their_session_at_once(
    app: Flask, line: Line, coordinator: str, browser: Dashboard, rt: Runtime
) -> None:
    with rt.db.session() as session:
        ana = coordinators.add(session, "ana@example.org", PASSWORD, utcnow())
        ana_id = ana.id
    ana_browser = Dashboard(app.test_client())
    assert ana_browser.sign_in("ana@example.org", PASSWORD).status_code == 302
    assert ana_browser.get("/").status_code == 200

    boss = administrator(rt, browser)
    boss.get("/coordinators")
    assert boss.post(f"/coordinators/{ana_id}/deactivate", {}).status_code == 302
    assert "ana@example.org is deactivated" in boss.followed
    assert ana_browser.get("/").status_code == 302
    assert Dashboard(app.test_client()).sign_in("ana@example.org", PASSWORD).status_code == 401
    # An administrator cannot lock themselves out.
    with rt.db.session() as session:
        own = coordinators.get(session, EMAIL).id
    boss.post(f"/coordinators/{own}/deactivate", {})
    assert "cannot deactivate your own account" in boss.followed
    assert boss.get("/").status_code == 200


def test_a_reset_password_signs_them_out_and_must_be_changed(
    app: Flask, line: Line, coordinator: str, browser: Dashboard, rt: Runtime
) -> None:
    with rt.db.session() as session:
        ana_id = coordinators.add(session, "ana@example.org", PASSWORD, utcnow()).id
    ana_browser = Dashboard(app.test_client())
    assert ana_browser.sign_in("ana@example.org", PASSWORD).status_code == 302

    boss = administrator(rt, browser)
    boss.get("/coordinators")
    response = boss.post(f"/coordinators/{ana_id}/reset", {})
    one_time = ONE_TIME.search(response.get_data(as_text=True))
    assert one_time
    assert ana_browser.get("/").status_code == 302
    assert ana_browser.sign_in("ana@example.org", PASSWORD).status_code == 401
    fresh = Dashboard(app.test_client())
    assert fresh.sign_in("ana@example.org", one_time.group(1)).headers["Location"] == (
        "/account/password"
    )


def test_an_administrator_chooses_which_lines_a_coordinator_sees(
    app: Flask, line: Line, coordinator: str, browser: Dashboard, rt: Runtime
) -> None:
    with rt.db.session() as session:
        ana_id = coordinators.add(session, "ana@example.org", PASSWORD, utcnow()).id
    boss = administrator(rt, browser)
    boss.get("/coordinators")
    assert boss.post(f"/coordinators/{ana_id}/lines", {"access": "lines"}).status_code == 302
    with rt.db.session() as session:
        ana = session.get(Coordinator, ana_id)
        assert ana is not None and coordinators.line_ids(session, ana) == set()
    ana_browser = Dashboard(app.test_client())
    assert ana_browser.sign_in("ana@example.org", PASSWORD).status_code == 302
    assert ana_browser.get("/settings").status_code == 404  # no line of theirs yet
    assert "Test Warmline" not in ana_browser.text("/")
