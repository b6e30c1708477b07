"""Settings, statistics, the audit log and the resources page in headless Chromium, on a desktop
and a 390 px phone."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Screen

pytestmark = pytest.mark.browser

SIZES = ["desktop", "phone"]


def overflow(screen: Screen) -> int:
    """How many pixels the page is wider than the window (0: it fits)."""
    return int(screen.page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


@pytest.mark.parametrize("size", SIZES)
def test_a_failed_settings_save_is_summarised_at_the_top_and_focus_moves_there(
    size: str, request: pytest.FixtureRequest
) -> None:
    screen: Screen = request.getfixturevalue(size)
    page = screen.page
    screen.sign_in()
    page.get_by_role("link", name="Settings").click()
    expect(page.get_by_label("Greeting")).to_have_value(
        re.compile(r"^Hi, this is Peer Line, peer support")
    )
    expect(page.get_by_label("English crisis words")).to_have_value(re.compile(r"^suicide, "))
    page.get_by_label("Texts per volunteer at once").fill("ninety")
    page.get_by_label("Keep the contact log for (days)").fill("0")
    page.get_by_role("button", name="Save settings").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    links = summary.get_by_role("link")
    expect(links).to_have_count(2)
    assert page.evaluate("window.scrollY") < 50  # the summary is what the coordinator sees
    screen.shot("settings-error-summary")
    links.nth(1).click()
    field = page.get_by_label("Keep the contact log for (days)")
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile("whole number from 1 to 3650"))
    screen.shot("settings-error-field")
    assert overflow(screen) <= 0


@pytest.mark.parametrize("size", SIZES)
def test_statistics_say_what_they_count_and_the_charts_fit_their_cards(
    size: str, request: pytest.FixtureRequest
) -> None:
    screen: Screen = request.getfixturevalue(size)
    page = screen.page
    screen.sign_in()
    page.goto("/stats?days=30")
    figures = page.locator(".figures")
    for label in ("Conversations by text", "Open time with a primary on shift"):
        expect(figures).to_contain_text(label)
    charts = page.locator(".chart")
    expect(charts).to_have_count(2)
    for i in range(2):
        card = charts.nth(i).bounding_box()
        svg = charts.nth(i).locator("svg").bounding_box()
        assert card is not None and svg is not None
        assert svg["width"] <= card["width"] and svg["x"] >= card["x"]
    screen.shot("stats-charts")
    assert overflow(screen) <= 0


@pytest.mark.parametrize("size", SIZES)
def test_the_audit_log_is_filtered_by_what_and_by_day(
    size: str, request: pytest.FixtureRequest
) -> None:
    screen: Screen = request.getfixturevalue(size)
    page = screen.page
    screen.sign_in()
    page.get_by_role("link", name="Audit log").click()
    page.get_by_label("What").select_option("signed in")
    # The line's own day: the filter reads days in the line's zone, as the times are shown.
    today = datetime.now(ZoneInfo("America/New_York")).date().isoformat()
    page.get_by_label("From (day)").fill(today)
    page.get_by_label("Until (day)").fill(today)
    page.get_by_role("button", name="Show", exact=True).click()
    table = page.locator("table.audit tbody")
    expect(table).to_contain_text("signed in")
    actions = table.locator("td[data-label='What']").all_inner_texts()
    assert actions and set(actions) == {"signed in"}
    screen.shot("audit-filtered")
    assert overflow(screen) <= 0
    page.get_by_label("From (day)").fill("2099-01-02")
    page.get_by_label("Until (day)").fill("2099-01-01")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.get_by_label("Until (day)")).to_have_attribute("aria-invalid", "true")
    screen.shot("audit-error")


@pytest.mark.parametrize("size", SIZES)
def test_a_coordinator_keeps_the_topics_and_resources_from_the_dashboard(
    size: str, request: pytest.FixtureRequest
) -> None:
    screen: Screen = request.getfixturevalue(size)
    page = screen.page
    title = f"Grief group ({size})"
    screen.sign_in()
    page.get_by_role("link", name="Resources").click()
    adding = page.get_by_role("group", name="Add a topic")
    adding.get_by_label("Topic").fill("stress")
    adding.get_by_label("Other words for it (optional)").fill("pressure, worry")
    adding.get_by_role("button", name="Add topic").click()
    expect(page.locator("#error-summary")).to_contain_text("“worry” already stands for")
    screen.shot("resources-topic-error")
    page.get_by_role("group", name="Add a topic").get_by_label(
        "Other words for it (optional)"
    ).fill("pressure, stressed")
    page.get_by_role("group", name="Add a topic").get_by_role("button", name="Add topic").click()
    expect(page.get_by_role("status")).to_contain_text("Topic added: stress.")

    resource = page.get_by_role("group", name="Add a resource")
    resource.get_by_label("Title").fill(title)
    resource.get_by_label("Text", exact=True).fill("Tuesdays at 7pm, for anyone who lost someone.")
    resource.get_by_label("Link or number (optional)").fill("https://example.org/grief")
    resource.get_by_label("Topics (optional)").fill("loss, pressure")
    resource.get_by_role("button", name="Add resource").click()
    expect(page.get_by_role("status")).to_contain_text(f"Resource added: {title}.")
    card = page.get_by_role("listitem").filter(has_text=title)
    expect(card).to_contain_text("Topics: grief, stress")
    screen.shot("resources-added")
    assert overflow(screen) <= 0

    card.get_by_role("link", name=re.compile("Change")).click()
    page.get_by_label("Link or number (optional)").fill("javascript:alert(1)")
    page.get_by_role("button", name="Save resource").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.get_by_label("Link or number (optional)")).to_have_attribute("aria-invalid", "true")
    screen.shot("resource-edit-error")
    page.get_by_label("Link or number (optional)").fill("+1 555 010 7777")
    page.get_by_role("button", name="Save resource").click()
    expect(page.get_by_role("status")).to_contain_text(f"Resource saved: {title}.")
    card = page.get_by_role("listitem").filter(has_text=title)
    card.get_by_role("button", name=re.compile("Remove")).click()
    expect(page.get_by_role("status")).to_contain_text(f"Resource removed: {title}.")
    page.get_by_role("list", name="Topics").get_by_role(
        "button", name="Remove the topic stress"
    ).click()
    expect(page.get_by_role("status")).to_contain_text("Topic removed: stress.")
