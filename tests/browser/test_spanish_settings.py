"""Settings, the line's texts and the other coordinator pages in Spanish on a 390 px phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, Screen
from tests.browser.test_languages import sign_in_in_spanish
from tests.browser.test_pages import overflow

pytestmark = pytest.mark.browser


def test_the_lines_texts_are_changed_refused_and_reset_in_spanish_on_a_phone(
    phone: Screen,
) -> None:
    phone.context.set_extra_http_headers({"Accept-Language": "es-ES,es;q=0.9"})
    page = phone.page
    page.goto("/signin")
    sign_in_in_spanish(phone)
    page.goto("/settings")
    expect(page.get_by_role("heading", name="Ajustes", exact=True)).to_be_visible()
    expect(page.get_by_label("Volver a ofrecer tras (segundos)")).to_be_visible()
    phone.shot("settings-es")
    assert overflow(phone) <= 0

    page.get_by_role("link", name="Los textos de la línea").click()
    expect(page.get_by_role("heading", name="Los textos de la línea")).to_be_visible()
    greeting = page.locator("#text-greeting-es")
    greeting.fill("Hola, somos {line_name}.")
    page.locator("#t-greeting form").nth(1).get_by_role("button", name="Guardar").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Hay un problema")
    expect(summary).to_be_focused()
    # The refusal's sentence (its words are the use case's) names the placeholder left out.
    expect(page.locator("#text-greeting-es")).to_have_accessible_description(
        re.compile(r"\{crisis\}")
    )
    phone.shot("line-texts-refused-es")
    page.screenshot(path=str(SCREENSHOTS / "line-texts-refused-top-es-390.png"))
    page.locator("#t-greeting").screenshot(path=str(SCREENSHOTS / "line-texts-greeting-es-390.png"))
    assert overflow(phone) <= 0

    own = page.locator("#text-consent_no-es")
    own.fill("Vale, no guardaremos nada de este contacto.")
    page.locator("#t-consent_no form").nth(1).get_by_role("button", name="Guardar").click()
    expect(page.get_by_text("Se guardó el texto propio de la línea «consent_no»")).to_be_visible()
    card = page.locator("#t-consent_no")
    expect(card).to_contain_text("Se usa el texto propio de la línea. El predeterminado:")
    phone.shot("line-texts-es")
    card.screenshot(path=str(SCREENSHOTS / "line-texts-own-es-390.png"))
    assert overflow(phone) <= 0
    card.get_by_role("button", name="Volver al predeterminado").click()
    expect(
        page.get_by_text("«consent_no» en Español vuelve al texto predeterminado.")
    ).to_be_visible()

    for path, heading in (
        ("/stats", "Estadísticas"),
        ("/audit", "Registro de auditoría"),
        ("/resources", "Recursos"),
        ("/coordinators", "Coordinación"),
        ("/account/password", "Cambia tu contraseña"),
        ("/training", "Simulador de práctica"),
    ):
        page.goto(path)
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        phone.shot(path.strip("/").replace("/", "-") + "-es")
        assert overflow(phone) <= 0, path
