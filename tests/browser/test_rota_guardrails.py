"""The rota refuses a shift of no length and one already over, in words, on desktop and phone."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Screen, Served

pytestmark = pytest.mark.browser

NEW_YORK = ZoneInfo("America/New_York")
PEOPLE = {"desktop": ("Kit", "+15550008501"), "phone": ("Lee", "+15550008601")}


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_shift_of_no_length_or_already_over_is_refused_and_nothing_is_added(
    size: str, request: pytest.FixtureRequest, served: Served
) -> None:
    screen: Screen = request.getfixturevalue(size)
    page = screen.page
    name, phone = PEOPLE[size]
    served.warmline("volunteer", "add", "--name", name, "--phone", phone)
    screen.sign_in()
    tomorrow = (datetime.now(NEW_YORK) + timedelta(days=1)).date()
    page.goto(f"/rota?week={tomorrow.isoformat()}")

    def add(day: str, starts: str, ends: str) -> None:
        form = page.get_by_role("group", name="Add a shift")
        form.get_by_label("Volunteer").select_option(label=name)
        form.get_by_label("Role").select_option("primary")
        form.get_by_label("Date").fill(day)
        form.get_by_label("Starts").fill(starts)
        form.get_by_label("Ends").fill(ends)
        form.get_by_role("button", name="Add shift").click()

    add(tomorrow.isoformat(), "18:00", "18:00")
    ends = page.get_by_role("group", name="Add a shift").get_by_label("Ends")
    expect(page.locator("#end-error")).to_contain_text("The end must differ from the start")
    expect(ends).to_have_attribute("aria-invalid", "true")
    screen.shot(f"rota-no-length-{size}")

    yesterday = (datetime.now(NEW_YORK) - timedelta(days=1)).date()
    add(yesterday.isoformat(), "09:00", "12:00")
    expect(page.get_by_text("That shift is already over.")).to_be_visible()
    screen.shot(f"rota-already-over-{size}")

    page.goto(f"/rota?week={tomorrow.isoformat()}")
    day = page.get_by_role("region", name=tomorrow.strftime("%A %d %B"))
    expect(day).not_to_contain_text(name)
    page.goto("/audit")
    expect(page.locator("table")).not_to_contain_text(f"shift for {name}")
