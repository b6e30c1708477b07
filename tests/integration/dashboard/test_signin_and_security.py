"""Only coordinators get in; forms need their token; guessing is slowed; pages are locked down."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from tests.integration.dashboard.conftest import EMAIL, PASSWORD, Dashboard
from warmline.lines import coordinators
from warmline.runtime import Runtime

PAGES = [
    "/",
    "/now.json",
    "/rota",
    "/volunteers",
    "/stats",
    "/settings",
    "/audit",
    "/account/password",
    "/log",
    "/log.csv",
    "/contacts",
    "/training",
    "/training.json",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_but_signin_sends_a_stranger_to_sign_in(
    browser: Dashboard, coordinator: str, path: str
) -> None:
    response = browser.get(path)
    if path.endswith(".json"):
        assert response.status_code == 401
    else:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/signin")
    assert browser.get("/signin").status_code == 200


def test_posts_are_refused_without_a_session(browser: Dashboard, coordinator: str) -> None:
    browser.get("/signin")
    response = browser.post("/volunteers", {"name": "Sam", "phone": "+15550002222"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/signin")


@pytest.mark.parametrize(
    "path",
    [
        "/settings/consent",
        "/settings/hours",
        "/settings/closures",
        "/contacts/export",
        "/contacts/erase",
        "/contacts/erase/confirm",
        "/training/text",
        "/training/clear",
    ],
)
def test_the_new_forms_send_a_stranger_to_sign_in(
    browser: Dashboard, coordinator: str, path: str
) -> None:
    browser.get("/signin")
    response = browser.post(path, {"number": "+15550009001", "hours": "always"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/signin")


def test_a_coordinator_signs_in_sees_now_and_signs_out(
    browser: Dashboard, line: object, coordinator: str
) -> None:
    response = browser.sign_in()
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Test Warmline" in browser.text("/")

    assert browser.post("/signout", {}).status_code == 302
    assert browser.get("/").status_code == 302


def test_a_wrong_password_or_unknown_email_gets_the_same_refusal(
    browser: Dashboard, coordinator: str
) -> None:
    wrong_password = browser.sign_in(EMAIL, "not the password at all")
    unknown_email = browser.sign_in("nobody@example.org", PASSWORD)
    for response in (wrong_password, unknown_email):
        assert response.status_code == 401
        assert "do not match an account" in response.get_data(as_text=True)
    assert browser.get("/").status_code == 302


def test_a_signin_may_only_send_you_on_to_a_page_of_this_site(
    browser: Dashboard, line: object, coordinator: str
) -> None:
    browser.get("/signin")
    response = browser.post(
        "/signin", {"email": EMAIL, "password": PASSWORD, "next": "//evil.example/x"}
    )
    assert response.headers["Location"] == "/"


def test_a_post_without_a_csrf_token_is_refused_and_changes_nothing(signed_in: Dashboard) -> None:
    response = signed_in.post("/volunteers", {"name": "Sam", "phone": "+15550002222"}, csrf=False)
    assert response.status_code == 400
    assert "form has expired" in response.get_data(as_text=True)
    assert "Sam" not in signed_in.text("/volunteers")


def test_a_post_with_a_forged_csrf_token_is_refused(signed_in: Dashboard) -> None:
    signed_in.token = "forged-token"
    response = signed_in.post("/volunteers", {"name": "Sam", "phone": "+15550002222"})
    assert response.status_code == 400


def test_signin_itself_needs_the_csrf_token(browser: Dashboard, coordinator: str) -> None:
    response = browser.post("/signin", {"email": EMAIL, "password": PASSWORD}, csrf=False)
    assert response.status_code == 400
    assert browser.get("/").status_code == 302


def test_the_eleventh_rapid_failed_signin_is_rate_limited_even_with_the_right_password(
    browser: Dashboard, coordinator: str
) -> None:
    for _ in range(10):
        assert browser.sign_in(EMAIL, "wrong guess").status_code == 401
    eleventh = browser.sign_in(EMAIL, PASSWORD)
    assert eleventh.status_code == 429
    assert "Too many attempts" in eleventh.get_data(as_text=True)
    assert browser.get("/").status_code == 302


def test_successful_signins_do_not_count_towards_the_limit(
    browser: Dashboard, line: object, coordinator: str
) -> None:
    for _ in range(12):
        assert browser.sign_in().status_code == 302
        browser.post("/signout", {})


def test_pages_forbid_framing_inline_script_and_caching(signed_in: Dashboard) -> None:
    for path in ("/", "/signin", "/volunteers", "/now.json"):
        response = signed_in.get(path)
        policy = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "style-src 'self'" in policy
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_no_page_has_an_inline_script_or_style(signed_in: Dashboard) -> None:
    for path in (
        "/",
        "/volunteers",
        "/rota",
        "/settings",
        "/stats",
        "/audit",
        "/account/password",
        "/log",
        "/contacts",
        "/training",
    ):
        html = signed_in.text(path)
        assert "<script>" not in html and "style=" not in html and "<style" not in html
        assert " on" + "click=" not in html


def test_the_session_cookie_is_secure_httponly_and_samesite(
    browser: Dashboard, line: object, coordinator: str
) -> None:
    response = browser.sign_in()
    cookie = next(
        h for h in response.headers.getlist("Set-Cookie") if h.startswith("warmline_session=")
    )
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_changing_the_password_signs_out_other_devices(
    app: object, signed_in: Dashboard, rt: Runtime
) -> None:
    other = Dashboard(signed_in.client.application.test_client())
    assert other.sign_in().status_code == 302
    signed_in.get("/account/password")
    new = "another long passphrase"
    response = signed_in.post(
        "/account/password",
        {"current_password": PASSWORD, "new_password": new, "confirm_password": new},
    )
    assert response.status_code == 302
    assert signed_in.get("/").status_code == 200  # this device carries on
    assert other.get("/").status_code == 302  # the other one must sign in again
    assert other.sign_in(EMAIL, PASSWORD).status_code == 401
    assert other.sign_in(EMAIL, new).status_code == 302


def test_a_password_change_needs_the_current_password_and_a_long_new_one(
    signed_in: Dashboard,
) -> None:
    signed_in.get("/account/password")
    wrong = signed_in.post(
        "/account/password",
        {"current_password": "nope", "new_password": "x" * 20, "confirm_password": "x" * 20},
    )
    assert wrong.status_code == 400 and "current password is not right" in wrong.get_data(
        as_text=True
    )
    short = signed_in.post(
        "/account/password",
        {"current_password": PASSWORD, "new_password": "short", "confirm_password": "short"},
    )
    assert short.status_code == 400 and "at least 12 characters" in short.get_data(as_text=True)


def test_passwords_are_stored_only_as_argon2id(rt: Runtime, coordinator: str) -> None:
    with rt.db.session() as session:
        found = coordinators.authenticate(session, EMAIL, PASSWORD)
        assert found is not None
        assert found.password_hash.startswith("$argon2id$")
        assert PASSWORD not in found.password_hash


def test_coordinator_add_reads_the_password_from_stdin(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from warmline import runtime
    from warmline.cli import main

    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("WARMLINE_ENV", raising=False)
    monkeypatch.setenv("WARMLINE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/cli.sqlite3")
    runner = CliRunner()
    try:
        assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
        added = runner.invoke(
            main, ["coordinator", "add", "--email", "Ana@Example.org"], input=PASSWORD + "\n"
        )
        assert added.exit_code == 0, added.output
        assert "added coordinator ana@example.org" in added.output
        assert PASSWORD not in added.output
        short = runner.invoke(
            main, ["coordinator", "add", "--email", "b@example.org"], input="short\n"
        )
        assert short.exit_code == 1 and "at least 12 characters" in short.output
        again = runner.invoke(
            main, ["coordinator", "add", "--email", "ana@example.org"], input=PASSWORD + "\n"
        )
        assert again.exit_code == 1 and "already exists" in again.output
        with runtime.current().db.session() as session:
            assert coordinators.authenticate(session, "ana@example.org", PASSWORD) is not None
    finally:
        runtime.install(None)


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/x",
        "/%09/evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "/\\evil.example",
        "/%5Cevil.example",
        "/%5C%5Cevil.example",
        "%2F%2Fevil.example",
        "/%2F/evil.example",
        "https:evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        " //evil.example",
        "\x00//evil.example",
        "evil.example",
    ],
)
def test_a_signin_never_sends_you_to_another_site(
    browser: Dashboard, line: object, coordinator: str, target: str
) -> None:
    # As the link someone was sent would do it: the query string carries `next` to the form.
    page = browser.get("/signin", query_string={"next": target})
    assert page.status_code == 200
    response = browser.post("/signin", {"email": EMAIL, "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_a_signin_sends_you_on_to_the_page_of_this_site_you_asked_for(
    browser: Dashboard, line: object, coordinator: str
) -> None:
    response = browser.get("/log?from=2026-12-01")
    assert response.status_code == 302
    next_page = response.headers["Location"].split("next=", 1)[1]
    from urllib.parse import unquote

    signed = browser.post(
        "/signin", {"email": EMAIL, "password": PASSWORD, "next": unquote(next_page)}
    )
    assert signed.headers["Location"] == "/log?from=2026-12-01"


def test_over_https_every_page_tells_browsers_to_keep_to_https(signed_in: Dashboard) -> None:
    for path in ("/signin", "/", "/now.json"):
        assert signed_in.get(path).headers["Strict-Transport-Security"] == "max-age=31536000"
