"""A coordinator signed in to the dashboard of the test line, through Flask's test client."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.integration.conftest import Line
from tests.integration.conversations.test_sms_flow import ALEX, SAM, TEXTER, ref_offered
from warmline.core.clock import utcnow
from warmline.lines import coordinators
from warmline.runtime import Runtime

EMAIL = "coord@example.org"
PASSWORD = "a long and calm passphrase"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
WORDS = "my landlord is evicting me tomorrow"


class Dashboard:
    """A browser-like client: keeps the session cookie and sends the page's CSRF token."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.token = ""
        self.followed = ""  # the page a POST redirected to, as the browser then showed it

    def get(self, path: str, **kwargs: Any) -> Any:
        """GET a page and remember its CSRF token."""
        response = self.client.get(path, **kwargs)
        found = CSRF_FIELD.search(response.get_data(as_text=True))
        if found:
            self.token = found.group(1)
        return response

    def post(self, path: str, form: dict[str, str], csrf: bool = True) -> Any:
        """POST a form as the page would, with its CSRF token unless told not to."""
        if csrf and not self.token:
            self.get("/signin")
        data = {**form, **({"csrf_token": self.token} if csrf else {})}
        response = self.client.post(path, data=data)
        if response.status_code in (302, 303):
            # As a browser would: show the next page (with its notice) and pick up a fresh token.
            self.followed = self.get(response.headers["Location"]).get_data(as_text=True)
        return response

    def sign_in(self, email: str = EMAIL, password: str = PASSWORD) -> Any:
        """Sign in through the form."""
        self.get("/signin")
        return self.post("/signin", {"email": email, "password": password})

    def refused(self, path: str, form: dict[str, str]) -> str:
        """Post a form the page refuses (a 400, the form shown again): the page's HTML."""
        response = self.post(path, form)
        assert response.status_code == 400, response.status_code
        return str(response.get_data(as_text=True))

    def text(self, path: str) -> str:
        """The page's HTML."""
        response = self.get(path)
        assert response.status_code == 200, response.status_code
        return str(response.get_data(as_text=True))


@pytest.fixture
def coordinator(rt: Runtime) -> str:
    """A coordinator account; returns its email."""
    with rt.db.session() as session:
        coordinators.add(session, EMAIL, PASSWORD, utcnow())
    return EMAIL


@pytest.fixture
def browser(app: Flask) -> Dashboard:
    """A dashboard client that has not signed in."""
    return Dashboard(app.test_client())


@pytest.fixture
def signed_in(line: Line, coordinator: str, browser: Dashboard) -> Dashboard:
    """A coordinator signed in, on a line that exists."""
    response = browser.sign_in()
    assert response.status_code == 302, response.get_data(as_text=True)
    return browser


def in_spanish(dashboard: Dashboard) -> Dashboard:
    """The header's switch set to Español for the rest of the session."""
    assert dashboard.get("/language/es?next=/").status_code == 302
    return dashboard


def in_english(dashboard: Dashboard) -> Dashboard:
    """The header's switch set to English for the rest of the session."""
    assert dashboard.get("/language/en?next=/").status_code == 302
    return dashboard


@pytest.fixture
def spanish(signed_in: Dashboard) -> Dashboard:
    """The signed-in coordinator, who chose Español in the header's switch."""
    return in_spanish(signed_in)


@pytest.fixture
def offered_ref(line: Line) -> str:
    """Sam and Alex on shift, and a texter's words offered to Sam first: the conversation's ref."""
    line.add_volunteer("Sam", SAM)
    line.add_volunteer("Alex", ALEX)
    line.text(TEXTER, WORDS)
    return ref_offered(line, SAM)
