"""Acting from the dashboard in headless Chromium: offers on Now, crisis alerts, the rota grid."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LINE_NUMBER, Screen, Served

pytestmark = pytest.mark.browser

NEW_YORK = ZoneInfo("America/New_York")
SIZES = ["desktop", "phone"]
# Each size has its own people and texters: the line and its database last the whole session.
PEOPLE = {
    "desktop": {"first": ("Casey", "+15550008101"), "second": ("Drew", "+15550008102")},
    "phone": {"first": ("Emery", "+15550008201"), "second": ("Finley", "+15550008202")},
}
TEXTERS = {"desktop": "+15550009101", "phone": "+15550009201"}
CRISIS_TEXTERS = {"desktop": "+15550009102", "phone": "+15550009202"}
RECORD_ALERTS = """
(() => {
  const Real = window.Notification;
  window.__notified = [];
  window.__beeps = 0;
  if (Real) {
    window.Notification = class extends Real {
      constructor(title, options) {
        window.__notified.push({ title: title, body: options && options.body });
        super(title, options);
      }
    };
  }
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function () { window.__beeps += 1; return start.apply(this, arguments); };
})();
"""


def on_shift(served: Served, phone: str, hours: int = 2) -> None:
    """A shift for the volunteer that started half an hour ago."""
    start = datetime.now(NEW_YORK) - timedelta(minutes=30)
    served.warmline(
        "shift",
        "add",
        "--line",
        LINE_NUMBER,
        "--volunteer",
        phone,
        "--start",
        start.strftime("%Y-%m-%dT%H:%M"),
        "--end",
        (start + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M"),
    )


def waiting_refs(page: Page) -> set[str]:
    """References in the queue as the page shows them now."""
    return set(
        page.locator('[data-part="waiting"] li').evaluate_all(
            "items => items.map(li => li.getAttribute('data-ref'))"
        )
    )


def new_waiting_ref(page: Page, before: set[str]) -> str:
    """The reference that joined the queue after `before` was read."""
    found: list[str] = []

    def appeared() -> bool:
        found[:] = sorted(waiting_refs(page) - before)
        return bool(found)

    page.wait_for_function(
        "n => document.querySelectorAll('[data-part=\"waiting\"] li').length > n", arg=len(before)
    )
    assert appeared(), "no new conversation in the queue"
    return found[0]


@pytest.mark.parametrize("size", SIZES)
def test_a_coordinator_offers_a_waiting_text_to_a_named_peer_then_re_offers_it(
    size: str, request: pytest.FixtureRequest, served: Served
) -> None:
    screen: Screen = request.getfixturevalue(size)
    page = screen.page
    (first, first_phone), (second, second_phone) = PEOPLE[size].values()
    for name, phone in ((first, first_phone), (second, second_phone)):
        served.warmline("volunteer", "add", "--name", name, "--phone", phone)
    on_shift(served, first_phone)
    screen.sign_in()
    expect(page.get_by_role("heading", name="Now", exact=True)).to_be_visible()
    before = waiting_refs(page)
    served.text_line(TEXTERS[size], "is anyone around tonight")
    ref = new_waiting_ref(page, before)
    row = page.locator(f'[data-part="waiting"] li[data-ref="{ref}"]')
    expect(row.locator(".offered")).to_contain_text(first, timeout=10_000)
    expect(row.locator(".offered")).to_contain_text(re.compile(r"at \d\d:\d\d"))
    expect(row.locator(".offered")).not_to_contain_text(second)
    # The second peer comes on shift after the text: the live update adds them to the picker.
    on_shift(served, second_phone)
    picker = row.get_by_label(f"Offer #{ref} to")
    expect(picker.locator("option", has_text=second)).to_have_count(1, timeout=10_000)
    expect(picker.locator("option", has_text=first)).to_have_count(1)
    screen.shot("now-offer-actions")

    picker.select_option(label=second)
    row.get_by_role("button", name=f"Offer #{ref}", exact=True).click()
    notice = page.get_by_role("status").first
    expect(notice).to_contain_text(re.compile(rf"#{ref} offered to {second} at \d\d:\d\d E[SD]T"))
    expect(notice).to_contain_text(f"they take it by replying {ref}")
    row = page.locator(f'[data-part="waiting"] li[data-ref="{ref}"]')
    expect(row.locator(".offered")).to_contain_text(second)
    screen.shot("now-offered-to-peer")

    row.get_by_role("button", name=f"Re-offer #{ref} now").click()
    expect(page.get_by_role("status").first).to_contain_text(
        re.compile(rf"#{ref} offered again to .*{first}.* at \d\d:\d\d E[SD]T\.")
    )
    screen.shot("now-reoffered")

    served.text_line(second_phone, ref)  # the named peer takes it by text, as anyone would
    expect(page.locator('[data-part="active"] li', has_text=f"#{ref}")).to_contain_text(
        f"with {second}", timeout=10_000
    )
    expect(page.locator(f'[data-part="waiting"] li[data-ref="{ref}"]')).to_have_count(0)
    body = page.locator("body").inner_text()
    for digits in (TEXTERS[size][-4:], first_phone[-4:], second_phone[-4:]):
        assert digits not in body
    load = page.locator('[data-part="on_shift"] li', has_text=second).locator(".load")
    expect(load).to_have_text("1 of 2 conversations")

    page.goto("/audit")
    table = page.locator("table")
    expect(table).to_contain_text(f"#{ref} to {second}")
    expect(table).to_contain_text("re-offered conversation")
    expect(table.locator("td.when").first).to_have_text(
        re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d E[SD]T")
    )
    screen.shot("audit-local-time")


@pytest.mark.parametrize("size", SIZES)
def test_opting_in_to_crisis_alerts_notifies_and_sounds_when_crisis_words_come_in(
    size: str, request: pytest.FixtureRequest, served: Served
) -> None:
    screen: Screen = request.getfixturevalue(size)
    page = screen.page
    screen.context.grant_permissions(["notifications"], origin=served.base)
    screen.context.add_init_script(RECORD_ALERTS)
    screen.sign_in()
    toggle = page.get_by_role("button", name="Turn on crisis alerts")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.click()
    on = page.get_by_role("button", name="Crisis alerts are on (turn off)")
    expect(on).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("localStorage.getItem('warmline.crisisAlerts')") == "on"
    page.reload()  # remembered in this browser
    expect(page.get_by_role("button", name="Crisis alerts are on (turn off)")).to_be_visible()
    page.locator("h1").click()  # a click on the page lets the tone play after a reload
    expect(page.locator("#updated")).to_have_text(re.compile(r"Updated \d\d:\d\d:\d\d E[SD]T\."))
    screen.shot("now-crisis-alerts-on")

    crisis = page.locator('[data-part="escalations"] li[data-outcome="crisis"]')
    known = set(crisis.evaluate_all("items => items.map(li => li.getAttribute('data-ref'))"))
    served.text_line(CRISIS_TEXTERS[size], "I want to die tonight")
    expect(crisis).to_have_count(len(known) + 1, timeout=10_000)
    (ref,) = (
        set(crisis.evaluate_all("items => items.map(li => li.getAttribute('data-ref'))")) - known
    )
    fresh = page.locator(f'[data-part="escalations"] li[data-outcome="crisis"][data-ref="{ref}"]')
    expect(fresh).to_contain_text("crisis words")
    expect(fresh).to_contain_text(re.compile(r"at \d\d:\d\d"))
    page.wait_for_function("() => window.__notified.length > 0")
    notified: list[dict[str, Any]] = page.evaluate("window.__notified")
    assert notified == [
        {"title": "Crisis words on Peer Line", "body": f"Conversation #{ref} used crisis words."}
    ]
    assert page.evaluate("window.__beeps") >= 1
    assert "want to die" not in page.locator("body").inner_text()
    screen.shot("now-crisis-alert")

    page.get_by_role("button", name="Crisis alerts are on (turn off)").click()
    expect(page.get_by_role("button", name="Turn on crisis alerts")).to_be_visible()
    assert page.evaluate("localStorage.getItem('warmline.crisisAlerts')") is None


ROTA_PEOPLE = {
    "desktop": (("Gale", "+15550008301"), ("Harper", "+15550008302")),
    "phone": (("Indy", "+15550008401"), ("Jules", "+15550008402")),
}


@pytest.mark.parametrize("size", SIZES)
def test_the_rota_grid_skips_hands_over_and_cancels_after_asking(
    size: str, request: pytest.FixtureRequest, served: Served
) -> None:
    screen: Screen = request.getfixturevalue(size)
    page = screen.page
    (owner, owner_phone), (other, other_phone) = ROTA_PEOPLE[size]
    served.warmline("volunteer", "add", "--name", owner, "--phone", owner_phone)
    served.warmline("volunteer", "add", "--name", other, "--phone", other_phone)
    first = (datetime.now(NEW_YORK) + timedelta(days=2)).replace(hour=21, minute=0)
    served.warmline(
        "shift",
        "add",
        "--line",
        LINE_NUMBER,
        "--volunteer",
        owner_phone,
        "--start",
        first.strftime("%Y-%m-%dT%H:%M"),
        "--end",
        (first + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"),
        "--weekly",
    )
    screen.sign_in()

    def shift_on(day: datetime) -> Any:
        page.goto(f"/rota?week={day.date().isoformat()}")
        region = page.get_by_role("region", name=day.strftime("%A %d %B"))
        return region.locator(".shift", has_text=owner)

    slot = shift_on(first)
    expect(slot.locator(".time")).to_have_text("21:00–01:00 (next day)")
    slot.get_by_text("Change").click()
    screen.shot("rota-change-open")
    page.once("dialog", lambda dialog: dialog.dismiss())
    slot.get_by_role("button", name="Skip this date").click()
    expect(slot).to_be_visible()  # said no: nothing changed
    asked: list[str] = []

    def accept(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    slot.get_by_role("button", name="Skip this date").click()
    expect(page.get_by_role("status")).to_have_text("That date is cancelled.")
    expect(shift_on(first)).to_have_count(0)
    assert asked[-1] == f"Skip {owner}'s shift on {first:%a %d %b}? The other weeks stay."

    week_two = first + timedelta(days=7)
    slot = shift_on(week_two)
    slot.get_by_text("Change").click()
    slot.get_by_label("Hand this date to").select_option(label=other)
    slot.get_by_role("button", name="Hand over").click()
    expect(page.get_by_role("status")).to_have_text("That date is handed over.")
    region = page.get_by_role("region", name=week_two.strftime("%A %d %B"))
    expect(region.locator(".shift", has_text=other)).to_have_count(1)
    screen.shot("rota-handed-over")

    week_three = first + timedelta(days=14)
    slot = shift_on(week_three)
    slot.get_by_text("Change").click()
    slot.get_by_role("button", name="Cancel the whole shift").click()
    expect(page.get_by_role("status")).to_contain_text("The shift is cancelled:")
    assert asked[-1] == f"Cancel {owner}'s weekly shift in every week from now on?"
    expect(shift_on(week_three)).to_have_count(0)
    expect(shift_on(first + timedelta(days=21))).to_have_count(0)
    screen.shot("rota-cancelled")

    page.goto("/audit")
    table = page.locator("table")
    for action in ("cancelled shift date", "handed over shift date", "cancelled shift"):
        expect(table).to_contain_text(action)
