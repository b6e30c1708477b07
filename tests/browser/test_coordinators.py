"""An administrator adds a coordinator of one line, in headless Chromium on the real line."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, Screen, Served

pytestmark = pytest.mark.browser

NEW_EMAIL = "ana@example.org"


def test_an_administrator_adds_a_coordinator_who_then_chooses_a_password(
    desktop: Screen, chromium: Any, served: Served
) -> None:
    page = desktop.page
    desktop.sign_in()
    page.get_by_role("link", name="Coordinators").click()
    expect(page.get_by_role("heading", name="Coordinators", exact=True)).to_be_visible()
    form = page.get_by_role("group", name="Add a coordinator")
    form.get_by_label("Email").fill(NEW_EMAIL)
    form.get_by_label("Only these lines:").check()
    form.get_by_label("Peer Line (+15550001111)").check()
    form.get_by_role("button", name="Add coordinator").click()
    issued = page.get_by_role("status")
    expect(issued).to_contain_text(f"One-time password for {NEW_EMAIL}")
    one_time = page.locator("code.secret").inner_text()
    expect(page.get_by_role("rowheader", name=NEW_EMAIL)).to_be_visible()
    expect(page.get_by_role("row", name=NEW_EMAIL)).to_contain_text("Peer Line")
    desktop.shot("coordinators")

    newcomer = Screen(chromium, served.base, PHONE)
    try:
        newcomer.sign_in(NEW_EMAIL, one_time)
        expect(
            newcomer.page.get_by_role("heading", name="Choose your own password")
        ).to_be_visible()
        newcomer.shot("choose-password")
        newcomer.page.get_by_label("The password you were given").fill(one_time)
        newcomer.page.get_by_label("New password", exact=True).fill("ana's own calm passphrase")
        newcomer.page.get_by_label("New password again").fill("ana's own calm passphrase")
        newcomer.page.get_by_role("button", name="Change password").click()
        expect(newcomer.page.get_by_role("heading", name="Peer Line")).to_be_visible()
        expect(newcomer.page.get_by_role("link", name="Coordinators")).to_have_count(0)
        assert newcomer.problems == []
    finally:
        newcomer.close()
