"""The volunteers page in headless Chromium: edit, import with a preview, export, at two sizes."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Screen, Served

pytestmark = pytest.mark.browser

NEW_YORK = ZoneInfo("America/New_York")
SIZES = ["desktop", "phone"]
# Each size gets numbers of its own: the line's database lives for the whole session.
# Apart from the numbers the Now page tests add to the same served line (+1555000820x there).
PHONES = {"desktop": "+1555000850", "phone": "+1555000860"}


def screen_for(request: pytest.FixtureRequest, size: str) -> Screen:
    screen: Screen = request.getfixturevalue(size)
    return screen


@pytest.mark.parametrize("size", SIZES)
def test_a_coordinator_edits_a_volunteer_and_pauses_them(
    request: pytest.FixtureRequest, served: Served, size: str
) -> None:
    screen = screen_for(request, size)
    base = PHONES[size]
    name = f"Quinn {size}"
    served.warmline("volunteer", "add", "--name", name, "--phone", base + "1")
    page = screen.page
    screen.sign_in()
    page.goto("/volunteers")
    row = page.get_by_role("row", name=re.compile(name))
    expect(row).to_contain_text("ends " + (base + "1")[-2:])
    row.get_by_role("link", name=f"Edit {name}").click()
    expect(page.get_by_role("heading", name=f"Edit {name}")).to_be_visible()

    # A number another volunteer has is refused beside the field, and the page says so first.
    served.warmline("volunteer", "add", "--name", f"Other {size}", "--phone", base + "2")
    page.get_by_label("New mobile number").fill(base + "2")
    page.get_by_label("grief").check()
    page.get_by_role("button", name=f"Save {name}").click()
    expect(page.get_by_role("alert")).to_contain_text("Another volunteer already has")
    phone = page.get_by_label("New mobile number")
    expect(phone).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("grief")).to_be_checked()  # what they chose is kept
    screen.shot("volunteer-edit-refused")

    phone.fill(base + "3")
    page.get_by_label("Español").check()
    page.get_by_role("button", name=f"Save {name}").click()
    expect(page.get_by_role("status")).to_have_text(f"Saved {name}.")
    row = page.get_by_role("row", name=re.compile(name))
    expect(row).to_contain_text("grief")
    expect(row).to_contain_text("en, es")
    expect(row).to_contain_text("ends " + (base + "3")[-2:])

    row.get_by_role("link", name=f"Edit {name}").click()
    until = (datetime.now(NEW_YORK) + timedelta(days=1)).replace(hour=9, minute=30)
    page.get_by_label("No new offers until").fill(until.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name=f"Pause {name}").click()
    expect(page.get_by_role("status")).to_contain_text(f"{name} is paused until")
    expect(page.get_by_role("row", name=re.compile(name))).to_contain_text("Paused until")
    body = page.locator("body").inner_text()
    for number in (base + "1", base + "3"):
        assert number not in body and number[2:] not in body
    screen.shot("volunteers-after-edit")


BAD_FILE = (
    "name,phone,topics,languages\r\n"
    "Avery,555 000 {n}11,grief,en\r\n"
    "Blake,555-01,astrology,en\r\n"
    "=1+2,555 000 {n}11,,\r\n"
)


@pytest.mark.parametrize("size", SIZES)
def test_an_import_with_bad_rows_is_shown_row_by_row_and_adds_nobody(
    request: pytest.FixtureRequest, size: str
) -> None:
    screen = screen_for(request, size)
    page = screen.page
    screen.sign_in()
    page.goto("/volunteers")
    n = "83" if size == "desktop" else "84"
    page.get_by_label("CSV file").set_input_files(
        {"name": "people.csv", "mimeType": "text/csv", "buffer": BAD_FILE.format(n=n).encode()}
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Import volunteers")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text(
        "Nothing was added: 3 problems in 2 of 3 rows"
    )
    blake = page.get_by_role("row", name=re.compile("Row 3"))
    expect(blake).to_contain_text("Phone: This is not a phone number we can text")
    expect(blake).to_contain_text("Topics: Not on this line's topic list: astrology")
    formula = page.get_by_role("row", name=re.compile("Row 4"))
    expect(formula).to_contain_text("=1+2")  # shown as typed, never worked out
    expect(formula).to_contain_text("Phone: Row 2 has the same phone number.")
    expect(page.get_by_role("button", name=re.compile("^Add "))).to_have_count(0)
    screen.shot("volunteers-import-errors")
    page.get_by_role("link", name="← Volunteers").click()
    expect(page.get_by_role("row", name=re.compile("Avery"))).to_have_count(0)


@pytest.mark.parametrize("size", SIZES)
def test_a_good_import_is_confirmed_and_the_list_exports_with_phones_masked(
    request: pytest.FixtureRequest, size: str
) -> None:
    screen = screen_for(request, size)
    page = screen.page
    screen.sign_in()
    page.goto("/volunteers")
    n = "85" if size == "desktop" else "86"
    good = f"name,phone,topics\r\nCasey {size},555 000 {n}11,anxiety\r\n=SUM(1;2) {size},555 000 {n}12,\r\n"
    page.get_by_label("CSV file").set_input_files(
        {"name": "people.csv", "mimeType": "text/csv", "buffer": good.encode()}
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("status")).to_contain_text("All 2 rows can be added")
    screen.shot("volunteers-import-preview")
    page.get_by_role("button", name="Add 2 volunteers").click()
    expect(page.get_by_role("status")).to_have_text(
        "Imported 2 volunteers; Peer Line texted each a welcome."
    )
    expect(page.get_by_role("rowheader", name=f"=SUM(1;2) {size}")).to_be_visible()
    screen.shot("volunteers-imported")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download volunteers.csv").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert [f"Casey {size}", "ending 11", "anxiety", "en", "yes", ""] in rows
    assert [f"'=SUM(1;2) {size}", "ending 12", "", "en", "yes", ""] in rows
    assert f"000{n}1" not in text and f"{n}11" not in text

    page.get_by_label("Month").fill(datetime.now(NEW_YORK).strftime("%Y-%m"))
    with page.expect_download() as report:
        page.get_by_role("button", name="Download the report").click()
    header = report.value.path().read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == "month,volunteer,hours_on_shift,conversations_taken"
    screen.shot("volunteers-files")
