"""A coordinator turns their own alert e-mails off and on from the Account page."""

from __future__ import annotations

from sqlalchemy import select

from tests.integration.dashboard.conftest import EMAIL, PASSWORD, Dashboard
from warmline.lines import coordinators
from warmline.models import AuditEntry
from warmline.runtime import Runtime


def wants_email(rt: Runtime) -> bool:
    with rt.db.session() as session:
        return coordinators.get(session, EMAIL).email_alerts


def test_a_coordinator_turns_alert_emails_off_and_on_again(
    signed_in: Dashboard, rt: Runtime
) -> None:
    page = signed_in.text("/account/password")
    assert "Turn alert e-mails off" in page
    assert "its operator has not set SMTP_URL" in page  # this test line has no mail server

    signed_in.post("/account/email-alerts", {"alerts": "off"})
    assert not wants_email(rt)
    assert "Alert e-mails are off. Alerts still show on the Now page." in signed_in.followed
    assert "Turn alert e-mails on" in signed_in.followed

    signed_in.post("/account/email-alerts", {"alerts": "on"})
    assert wants_email(rt)
    assert "Alert e-mails are on." in signed_in.followed
    with rt.db.session() as session:
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["turned alert e-mails off", "turned alert e-mails on"]


def test_a_forged_setting_or_a_missing_token_changes_nothing(
    signed_in: Dashboard, rt: Runtime
) -> None:
    signed_in.get("/account/password")

    page = signed_in.refused("/account/email-alerts", {"alerts": "sometimes"})
    assert "Choose on or off for alert e-mails." in page
    assert signed_in.post("/account/email-alerts", {"alerts": "off"}, csrf=False).status_code == 400
    assert wants_email(rt)


def test_signed_out_nobody_can_change_them(
    browser: Dashboard, coordinator: str, rt: Runtime
) -> None:
    response = browser.post("/account/email-alerts", {"alerts": "off"})

    assert response.status_code == 302 and "/signin" in response.headers["Location"]
    assert wants_email(rt)


def test_in_spanish_the_setting_and_its_audit_entry_read_in_spanish(
    spanish: Dashboard, rt: Runtime
) -> None:
    page = spanish.text("/account/password")
    assert "Avisos por correo" in page and "Desactivar los avisos por correo" in page

    spanish.post("/account/email-alerts", {"alerts": "off"})
    assert "Los avisos por correo están desactivados." in spanish.followed
    assert "desactivó sus avisos por correo" in spanish.text("/audit")


SPANISH_BROWSER = {"Accept-Language": "es-US,es;q=0.9,en;q=0.5"}
ENGLISH_BROWSER = {"Accept-Language": "en-US,en;q=0.9"}


def email_language(rt: Runtime) -> str | None:
    with rt.db.session() as session:
        return coordinators.get(session, EMAIL).language


def sign_in_from(browser: Dashboard, headers: dict[str, str]) -> None:
    browser.get("/signin", headers=headers)
    response = browser.client.post(
        "/signin",
        data={"email": EMAIL, "password": PASSWORD, "csrf_token": browser.token},
        headers=headers,
    )
    assert response.status_code == 302, response.status_code
    browser.get("/")  # as a browser would: the next page, with its form token


def test_the_language_switch_sets_the_language_of_their_alert_emails(
    signed_in: Dashboard, rt: Runtime
) -> None:
    assert email_language(rt) == "en"  # the browser's at the first sign-in
    assert "They are written in English, the language you chose" in signed_in.text(
        "/account/password"
    )

    signed_in.get("/language/es?next=/account/password")
    assert email_language(rt) == "es"
    assert "Te llegan en español, el idioma que elegiste" in signed_in.text("/account/password")

    signed_in.get("/language/en?next=/")
    assert email_language(rt) == "en"


def test_a_first_sign_in_keeps_the_browsers_language_and_later_ones_keep_a_choice(
    browser: Dashboard, coordinator: str, rt: Runtime
) -> None:
    sign_in_from(browser, SPANISH_BROWSER)
    assert email_language(rt) == "es"
    browser.post("/signout", {})

    sign_in_from(browser, ENGLISH_BROWSER)  # another device: the account keeps Spanish
    assert email_language(rt) == "es"
    browser.post("/signout", {})

    browser.get("/language/en?next=/signin")  # chosen on the sign-in page, signed out
    assert email_language(rt) == "es"  # nobody is signed in to choose for
    sign_in_from(browser, SPANISH_BROWSER)
    assert email_language(rt) == "en"


def test_an_account_that_never_chose_is_told_its_alert_emails_are_in_english(
    signed_in: Dashboard, rt: Runtime
) -> None:
    with rt.db.session() as session:
        coordinators.get(session, EMAIL).language = None  # as every account was before
        session.commit()
    page = signed_in.text("/account/password")
    assert "They are written in English until you choose a language (EN, ES)" in page
