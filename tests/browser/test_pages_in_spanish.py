"""The rota, volunteers and contact log pages in Spanish on a 390 px phone: every word in Spanish,
and nothing wider than the window although Spanish runs longer."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from playwright.sync_api import Dialog, expect

from tests.browser.conftest import LINE_NUMBER, Screen, Served
from tests.browser.test_languages import sign_in_in_spanish
from tests.browser.test_pages import overflow

pytestmark = pytest.mark.browser

INES = "+15550004141"


def test_the_rota_in_spanish_fits_a_phone_and_asks_in_spanish_before_skipping_a_date(
    phone: Screen, served: Served
) -> None:
    served.warmline("volunteer", "add", "--name", "Inés Villanueva", "--phone", INES)
    # Four days on, for one week only: the other browser tests look at today and the next two days.
    start = (datetime.now(ZoneInfo("America/New_York")) + timedelta(days=4)).replace(
        hour=22, minute=0
    )
    served.warmline(
        "shift", "add", "--line", LINE_NUMBER, "--volunteer", INES, "--role", "backup",
        "--start", start.strftime("%Y-%m-%dT%H:%M"),
        "--end", (start + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"),
        "--weekly", "--until", start.date().isoformat(),
    )  # fmt: skip
    phone.context.set_extra_http_headers({"Accept-Language": "es-US,es;q=0.9"})
    page = phone.page
    page.goto("/signin")
    sign_in_in_spanish(phone)
    expect(page.get_by_role("heading", name="Ahora", exact=True)).to_be_visible()
    page.goto(f"/rota?week={start.date().isoformat()}")
    expect(page.get_by_role("heading", name="Turnos", exact=True)).to_be_visible()
    day = page.get_by_role("region", name=format_date(start.date(), "EEEE dd MMMM", locale="es"))
    shift = day.locator(".shift", has_text="Inés Villanueva")
    expect(shift.locator(".role")).to_have_text("refuerzo · semanal")
    expect(shift.locator(".time")).to_contain_text("(día siguiente)")
    shift.locator("summary").click()
    expect(shift.get_by_role("button", name="Saltar esta fecha")).to_be_visible()
    expect(page.get_by_role("group", name="Añadir un turno")).to_be_attached()
    assert overflow(phone) <= 0
    phone.shot("rota-es")

    asked: list[str] = []

    def answer(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", answer)
    shift.get_by_role("button", name="Saltar esta fecha").click()
    expect(shift.get_by_role("button", name="Saltar esta fecha")).to_be_visible()
    short_day = format_date(start.date(), "EEE dd MMM", locale="es")
    assert asked == [
        f"¿Saltar el turno de Inés Villanueva del {short_day}? Las demás semanas se mantienen."
    ]


@pytest.mark.parametrize("path", ["/volunteers", "/log", "/contacts"])
def test_the_other_spanish_pages_fit_a_phone(phone: Screen, path: str) -> None:
    phone.context.set_extra_http_headers({"Accept-Language": "es-US,es;q=0.9"})
    page = phone.page
    page.goto("/signin")
    sign_in_in_spanish(phone)
    expect(page.get_by_role("heading", name="Ahora", exact=True)).to_be_visible()
    page.goto(path)
    assert page.locator("html").get_attribute("lang") == "es"
    assert overflow(phone) <= 0
    phone.shot(f"{path.strip('/')}-es")
