"""A coordinator's dashboard in headless Chromium, on the real line (gunicorn, worker, Redis)."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
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
    expect(page.get_by_role("status")).to_have_text("Robin is added.")
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


PAGES = {
    "signin": "/signin",
    "now": "/",
    "rota": "/rota",
    "volunteers": "/volunteers",
    "stats": "/stats",
    "settings": "/settings",
    "audit": "/audit",
    "password": "/account/password",
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
