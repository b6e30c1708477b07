"""The dashboard in Spanish in headless Chromium: from the browser's language, or the switch."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import EMAIL, PASSWORD, Screen, Served

pytestmark = pytest.mark.browser

ROSA = "+15550006161"
TEXTER = "+15550009061"


def sign_in_in_spanish(screen: Screen) -> None:
    page = screen.page
    page.get_by_label("Correo electrónico").fill(EMAIL)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()


def test_the_switch_shows_sign_in_and_now_in_spanish_and_the_page_redraws_in_it(
    desktop: Screen, served: Served
) -> None:
    served.warmline("volunteer", "add", "--name", "Rosa", "--phone", ROSA)
    start = datetime.now(ZoneInfo("America/New_York")) - timedelta(minutes=30)
    served.warmline(
        "shift", "add", "--line", "+15550001111", "--volunteer", ROSA,
        "--start", start.strftime("%Y-%m-%dT%H:%M"),
        "--end", (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
    )  # fmt: skip
    page = desktop.page
    page.goto("/signin")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_role("link", name="ES", exact=True).click()
    expect(page.get_by_role("heading", name="Iniciar sesión")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "es"
    desktop.shot("signin-es")
    sign_in_in_spanish(desktop)
    expect(page.get_by_role("heading", name="Ahora", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Turnos")).to_be_visible()

    served.text_line(TEXTER, "hola, ¿hay alguien?")
    waiting = page.locator('[data-part="waiting"] li')
    expect(waiting).to_have_count(1, timeout=5_000)  # drawn by the page's script
    expect(waiting.locator(".wait")).to_contain_text("esperando")
    ref = waiting.locator(".ref").inner_text()
    served.text_line(ROSA, ref[1:])
    active = page.locator('[data-part="active"] li', has_text=ref)
    expect(active).to_contain_text("con Rosa", timeout=5_000)
    expect(active.locator(".wait")).to_contain_text("desde hace")
    expect(page.locator("#updated")).to_contain_text("Actualizado a las", timeout=5_000)
    expect(page.locator('[data-part="on_shift"]')).to_contain_text("hasta las")
    desktop.shot("now-es")

    page.get_by_role("link", name="EN", exact=True).click()
    expect(page.get_by_role("heading", name="Now", exact=True)).to_be_visible()


def test_a_spanish_phone_gets_spanish_without_choosing(phone: Screen) -> None:
    phone.context.set_extra_http_headers({"Accept-Language": "es-US,es;q=0.9"})
    page = phone.page
    page.goto("/signin")
    expect(page.get_by_role("heading", name="Iniciar sesión")).to_be_visible()
    phone.shot("signin-es")
    sign_in_in_spanish(phone)
    expect(page.get_by_role("heading", name="Ahora", exact=True)).to_be_visible()
    expect(page.get_by_text("Se actualiza sola cada pocos segundos.")).to_be_visible()
    phone.shot("now-es")
