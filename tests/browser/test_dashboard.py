"""A coordinator's dashboard in headless Chromium, on the real line (gunicorn, worker, Redis)."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SAM, Screen, Served

pytestmark = pytest.mark.browser

NEW_YORK = ZoneInfo("America/New_York")
TEXTER = "+15550009001"
WORDS = "I can't sleep and my chest feels tight"


def seconds(label: str) -> int:
    """'waiting 1 min 05 s' as 65."""
    found = re.search(r"(?:(\d+) min )?(\d+) s", label)
    assert found, label
    return int(found.group(1) or 0) * 60 + int(found.group(2))


def test_a_coordinator_signs_in_and_a_wrong_password_is_refused(desktop: Screen) -> None:
    desktop.sign_in(password="not the password")
    expect(desktop.page.get_by_role("alert")).to_contain_text("do not match an account")
    desktop.shot("signin-refused")
    desktop.sign_in()
    expect(desktop.page.get_by_role("heading", name="Now", exact=True)).to_be_visible()
    expect(desktop.page.get_by_role("heading", name="Peer Line")).to_be_visible()


def test_a_bad_number_is_explained_then_a_good_one_adds_the_volunteer(desktop: Screen) -> None:
    page = desktop.page
    desktop.sign_in()
    page.get_by_role("link", name="Volunteers").click()
    page.get_by_label("Name").fill("Robin")
    page.get_by_label("Mobile number").fill("555-01")
    page.get_by_role("button", name="Add volunteer").click()
    phone = page.get_by_label("Mobile number")
    expect(page.locator("#phone-error")).to_contain_text("not a phone number we can text")
    expect(phone).to_have_attribute("aria-invalid", "true")
    expect(phone).to_have_accessible_description(re.compile("not a phone number we can text"))
    desktop.shot("volunteers-bad-number")

    phone.fill("(555) 010-4477")
    page.get_by_role("button", name="Add volunteer").click()
    expect(page.get_by_role("status")).to_have_text(
        "Robin is added. Peer Line texted them a welcome."
    )
    expect(page.get_by_role("rowheader", name="Robin")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("4477")


def test_a_weekly_shift_shows_in_the_week_and_on_now_while_it_runs(
    desktop: Screen, served: Served
) -> None:
    served.warmline("volunteer", "add", "--name", "Jordan", "--phone", "+15550006666")
    page = desktop.page
    desktop.sign_in()
    start = (datetime.now(NEW_YORK) - timedelta(hours=1)).replace(second=0, microsecond=0)
    end = start + timedelta(hours=3)
    page.goto(f"/rota?week={start.date().isoformat()}")
    form = page.get_by_role("group", name="Add a shift")
    form.get_by_label("Volunteer").select_option(label="Jordan")
    form.get_by_label("Role").select_option("primary")
    form.get_by_label("Date").fill(start.date().isoformat())
    form.get_by_label("Starts").fill(start.strftime("%H:%M"))
    form.get_by_label("Ends").fill(end.strftime("%H:%M"))
    form.get_by_label("Repeat every week").check()
    form.get_by_role("button", name="Add shift").click()
    expect(page.get_by_role("status")).to_contain_text("Shift added.")

    day = page.get_by_role("region", name=start.strftime("%A %d %B"))
    expect(day).to_contain_text(f"{start:%H:%M}–{end:%H:%M}")
    expect(day).to_contain_text("Jordan")
    desktop.shot("rota")
    page.get_by_role("link", name="Next week →").click()
    expect(
        page.get_by_role("region", name=(start + timedelta(days=7)).strftime("%A %d %B"))
    ).to_contain_text("Jordan")

    page.get_by_role("link", name="Now", exact=True).click()
    on_shift = page.locator('[data-part="on_shift"]')
    expect(on_shift).to_contain_text("Jordan")
    expect(on_shift).to_contain_text("Available")


def test_a_text_appears_in_the_queue_by_itself_its_wait_grows_and_a_claim_moves_it(
    desktop: Screen, served: Served
) -> None:
    served.warmline("volunteer", "add", "--name", "Sam", "--phone", SAM)
    start = datetime.now(NEW_YORK) - timedelta(minutes=30)
    served.warmline(
        "shift",
        "add",
        "--line",
        "+15550001111",
        "--volunteer",
        SAM,
        "--start",
        start.strftime("%Y-%m-%dT%H:%M"),
        "--end",
        (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
    )
    page = desktop.page
    desktop.sign_in()
    page.evaluate("window.__notReloaded = true")
    waiting = page.locator('[data-part="waiting"] li')
    expect(waiting).to_have_count(0)

    served.text_line(TEXTER, WORDS)
    posted = time.monotonic()
    expect(waiting).to_have_count(1, timeout=5_000)
    assert time.monotonic() - posted < 5
    ref = waiting.locator(".ref").inner_text()
    assert re.fullmatch(r"#[A-Z][2-9][A-Z]", ref)
    first = seconds(waiting.locator(".wait").inner_text())
    time.sleep(3.2)  # the label ticks every second, so it may lag by up to one
    later = seconds(waiting.locator(".wait").inner_text())
    assert later >= first + 2, (first, later)
    desktop.shot("now-waiting")

    served.text_line(SAM, ref[1:])
    active = page.locator('[data-part="active"] li', has_text=ref)
    expect(active).to_contain_text("with Sam", timeout=5_000)
    expect(waiting).to_have_count(0)
    assert page.evaluate("window.__notReloaded") is True  # it all happened without a reload
    body = page.locator("body").inner_text()
    assert WORDS not in body and "9001" not in body and "2222" not in body
    desktop.shot("now-active")


JESS = "+15550007070"
TEXTER_3 = "+15550009003"


def test_the_training_simulator_shows_a_texters_greeting_and_a_volunteers_claim(
    desktop: Screen, served: Served
) -> None:
    served.warmline("volunteer", "add", "--name", "Jess", "--phone", JESS)
    start = datetime.now(NEW_YORK) - timedelta(minutes=30)
    served.warmline(
        "shift",
        "add",
        "--line",
        "+15550001111",
        "--volunteer",
        JESS,
        "--start",
        start.strftime("%Y-%m-%dT%H:%M"),
        "--end",
        (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
    )
    page = desktop.page
    desktop.sign_in()
    page.get_by_role("link", name="Training").click()
    expect(page.get_by_role("heading", name="Training simulator")).to_be_visible()
    page.get_by_label("Text as").select_option(label="Texter 3")
    page.get_by_label("Message").fill("is anyone there tonight?")
    page.get_by_role("button", name="Send", exact=True).click()

    texter = page.get_by_role("region", name="Texter 3")
    expect(texter.locator(".bubble.sent")).to_contain_text("is anyone there tonight?")
    # The greeting comes back through the worker and the console transport, without a reload.
    expect(texter.locator(".bubble.received").first).to_contain_text(
        "Hi, this is Peer Line", timeout=10_000
    )
    jess = page.get_by_role("region", name="Jess")
    offer = jess.locator(".bubble.received", has_text="someone is waiting to talk")
    expect(offer).to_have_count(1, timeout=10_000)
    ref = re.search(r"Reply ([A-Z][2-9][A-Z]) to take it", offer.inner_text()).group(1)  # type: ignore[union-attr]

    page.get_by_label("Text as").select_option(label="Jess (volunteer)")
    page.get_by_label("Message").fill(ref)
    page.get_by_role("button", name="Send", exact=True).click()
    expect(
        jess.locator(".bubble.received", has_text=f"#{ref}: is anyone there tonight?")
    ).to_be_visible(timeout=10_000)
    expect(jess.locator(".bubble.received", has_text=f"You have #{ref}")).to_be_visible()
    body = page.locator("body").inner_text()
    for digits in ("9003", "7070", "555-000", "+1555"):
        assert digits not in body, digits
    desktop.shot("training-claim")
    page.get_by_role("link", name="Now", exact=True).click()
    expect(page.locator('[data-part="active"] li', has_text=f"#{ref}")).to_contain_text("with Jess")


def seed_contact_log(served: Served) -> None:
    """A month of consented log rows and daily counts, as the line would have kept them."""
    from sqlalchemy import create_engine, text

    engine = create_engine(served.env["DATABASE_URL"])
    with engine.begin() as conn:
        line_id, volunteer_id = conn.execute(
            text("SELECT l.id, v.id FROM lines l, volunteers v WHERE v.name = 'Jess'")
        ).one()
        conn.execute(
            text(
                """
                INSERT INTO contact_log (line_id, channel, started_at, ended_at,
                    first_response_wait_s, duration_s, volunteer_id, outcome, crisis,
                    consent_version, contact_key)
                SELECT :line_id, CASE WHEN g % 7 = 0 THEN 'voice' ELSE 'sms' END,
                       now() - g * interval '7 hours',
                       now() - g * interval '7 hours' + interval '25 minutes',
                       20 + (g * 37) % 240, 900 + (g * 53) % 1800,
                       CASE WHEN g % 5 = 0 THEN NULL ELSE :volunteer_id END,
                       (ARRAY['talked', 'resources', 'referred', '=cmd|calc'])[1 + g % 4],
                       g % 9 = 0, 1, lpad(to_hex(g % 11), 64, '0')
                FROM generate_series(1, 90) AS g
                """
            ),
            {"line_id": line_id, "volunteer_id": volunteer_id},
        )
        conn.execute(
            text(
                """
                INSERT INTO contact_counts (line_id, day, channel, contacts, answered, crisis)
                SELECT :line_id, CAST(timezone('America/New_York', now()) AS date) - g, 'sms',
                       6 + g % 5, 5 + g % 4, g % 3
                FROM generate_series(1, 29) AS g
                """
            ),
            {"line_id": line_id},
        )
    engine.dispose()


def test_the_contact_log_filters_downloads_safe_csv_and_never_shows_a_number(
    desktop: Screen, served: Served
) -> None:
    seed_contact_log(served)
    page = desktop.page
    desktop.sign_in()
    page.get_by_role("link", name="Contact log").click()
    rows = page.locator("table.log tbody tr")
    expect(rows).to_have_count(50)
    page.get_by_label("Crisis words").select_option("yes")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(10)
    expect(rows.first.locator('[data-label="Crisis words"]')).to_have_text("Yes")
    desktop.shot("log-crisis")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download these rows (CSV)").click()
    downloaded = download_info.value.path()
    lines = Path(downloaded).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 11 and lines[0].startswith("Started (America/New_York)")
    assert not any(
        cell.startswith(("=", "+", "-", "@")) for line in lines for cell in line.split(",")
    )
    assert any("'=cmd|calc" in line for line in lines)
    body = page.locator("body").inner_text()
    assert "0000000000" not in body  # no contact key
    page.get_by_role("link", name="Export or erase one person’s data").click()
    expect(page.get_by_role("heading", name="One person’s data")).to_be_visible()
    page.get_by_label("Their phone number").nth(1).fill(TEXTER_3)
    page.get_by_role("button", name="Continue to erase").click()
    expect(page.get_by_role("heading", name="Erase this person’s data?")).to_be_visible()
    assert "9003" not in page.locator("body").inner_text()
    desktop.shot("erase-confirm")
    page.get_by_role("button", name="Erase everything").click()
    expect(page.get_by_role("status")).to_contain_text("Erased.")


def test_settings_save_consent_wording_hours_and_a_closure(desktop: Screen) -> None:
    page = desktop.page
    desktop.sign_in()
    page.get_by_role("link", name="Settings").click()
    consent = page.get_by_role("group", name=re.compile(r"^Version \d+$"))
    consent.get_by_label("What texters are asked").fill(
        "May we keep the times of this chat, never your words or number? Reply YES or NO."
    )
    consent.get_by_role("button", name="Save consent question").click()
    expect(page.get_by_role("status")).to_contain_text("saved as version 2")
    page.get_by_label(re.compile("Weekly hours in")).fill(
        "mon-fri 18:00-23:00; sat,sun 12:00-02:00"
    )
    page.get_by_role("button", name="Save opening hours").click()
    expect(page.get_by_role("status")).to_contain_text("Opening hours saved: Mon 18:00-23:00")
    next_year = datetime.now(NEW_YORK).year + 1
    closure = page.get_by_role("group", name="Close the line")
    closure.get_by_label("From (date)").fill(f"{next_year}-12-24")
    closure.get_by_label("From (time)").fill("18:00")
    closure.get_by_label("Until (date)").fill(f"{next_year}-12-26")
    closure.get_by_label("Until (time)").fill("09:00")
    closure.get_by_label("Reason (optional)").fill("Winter holidays")
    closure.get_by_role("button", name="Add closure").click()
    expect(page.get_by_role("status")).to_contain_text("Closure added.")
    upcoming = page.get_by_role("list", name="Upcoming closures")
    expect(upcoming).to_contain_text("Winter holidays")
    expect(upcoming).to_contain_text(f"24 Dec {next_year} 18:00")
    page.get_by_role("link", name="Audit log").click()
    for action in ("changed consent wording", "changed hours", "added closure"):
        expect(page.locator("table")).to_contain_text(action)


PAGES = {
    "signin": "/signin",
    "now": "/",
    "rota": "/rota",
    "volunteers": "/volunteers",
    "stats": "/stats",
    "settings": "/settings",
    "audit": "/audit",
    "resources": "/resources",
    "password": "/account/password",
    "log": "/log",
    "contacts": "/contacts",
    "training": "/training",
}


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_every_page_fits_labels_its_fields_and_shows_keyboard_focus(
    size: str, request: pytest.FixtureRequest
) -> None:
    screen: Screen = request.getfixturevalue(size)
    page = screen.page
    screen.page.goto("/signin")
    screen.shot("signin")
    screen.sign_in()
    expect(page.get_by_role("heading", name="Now", exact=True)).to_be_visible()
    for name, path in PAGES.items():
        if name == "signin":
            continue
        page.goto(path)
        page.wait_for_load_state("networkidle")
        screen.shot(name)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than a {screen.width}px window"
        unlabelled = page.evaluate(
            """[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
                 .filter(el => el.labels.length === 0 && !el.getAttribute('aria-label'))
                 .map(el => el.name)"""
        )
        assert unlabelled == [], f"{path}: fields without a label: {unlabelled}"
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to content"
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none"), "the focused link shows no focus ring"
