"""The dashboard in the coordinator's language: the browser's preference, or the header's switch."""

from __future__ import annotations

from tests.integration.conftest import Line
from tests.integration.conversations.test_sms_flow import ALEX, SAM, TEXTER, ref_offered
from tests.integration.dashboard.conftest import Dashboard

SPANISH_BROWSER = {"Accept-Language": "es-US,es;q=0.9,en;q=0.5"}


def test_a_spanish_browser_gets_the_sign_in_page_in_spanish(browser: Dashboard) -> None:
    page = browser.get("/signin", headers=SPANISH_BROWSER).get_data(as_text=True)
    assert '<html lang="es">' in page
    assert "<title>Iniciar sesión · Warmline</title>" in page
    assert "Para la coordinación de la línea." in page and ">Contraseña</label>" in page
    english = browser.get("/signin", headers={"Accept-Language": "en-US,en"}).get_data(as_text=True)
    assert '<html lang="en">' in english and "<h1>Sign in</h1>" in english


def test_a_wrong_password_is_refused_in_the_page_language(
    browser: Dashboard, coordinator: str
) -> None:
    browser.get("/signin")
    response = browser.client.post(
        "/signin",
        data={"email": coordinator, "password": "not it", "csrf_token": browser.token},
        headers=SPANISH_BROWSER,
    )
    assert response.status_code == 401
    assert "Ese correo y esa contraseña no corresponden a ninguna cuenta." in response.get_data(
        as_text=True
    )


def test_the_switch_keeps_spanish_for_the_session_through_sign_in_and_the_now_page(
    line: Line, browser: Dashboard, coordinator: str
) -> None:
    line.add_volunteer("Sam", SAM)
    line.add_volunteer("Alex", ALEX)
    line.text(TEXTER, "hi")
    line.text(SAM, ref_offered(line, SAM))
    line.text("+15550009002", "hello?")  # waits: Alex is offered it

    switched = browser.get("/language/es?next=/signin")
    assert switched.status_code == 302 and switched.headers["Location"] == "/signin"
    assert "<h1>Iniciar sesión</h1>" in browser.text("/signin")  # an English browser, but chosen
    browser.sign_in()
    page = browser.text("/")
    assert '<html lang="es">' in page and "<h1>Ahora</h1>" in page
    for words in ("Conversaciones activas", "En espera", "De turno ahora", "Próximos turnos"):
        assert words in page
    assert ">Turnos</a>" in page and ">Cerrar sesión</button>" in page
    assert "con Sam" in page and "hasta las " in page and "Disponible" in page
    assert '<span class="load">1 de 2 conversaciones</span>' in page and "desde hace " in page
    assert '"with": "con {name}"' in page  # the words the page's script redraws with

    back = browser.get("/language/en?next=/")
    assert back.headers["Location"] == "/"
    assert "<h1>Now</h1>" in browser.text("/")


def test_the_switch_never_sends_anyone_to_another_site(browser: Dashboard) -> None:
    for elsewhere in ("//evil.example/", "https://evil.example/", "evil.example", ""):
        response = browser.get(f"/language/es?next={elsewhere}")
        assert response.status_code == 302 and response.headers["Location"] == "/", elsewhere
    assert browser.get("/language/fr?next=/signin").headers["Location"] == "/signin"
    assert '<html lang="es">' in browser.text("/signin")  # an unknown code changes nothing
