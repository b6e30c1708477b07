"""SMTP_URL and SMTP_FROM: the forms we take, and one clear sentence for anything else."""

from __future__ import annotations

import pytest

from tests.unit.test_config import production_env
from warmline.config import ConfigError, load_settings


def test_no_smtp_url_means_no_email() -> None:
    assert load_settings(production_env()).smtp is None


@pytest.mark.parametrize(
    ("url", "scheme", "host", "port", "user", "password"),
    [
        ("smtps://alerts%40line.org:p%40ss@mail.example.org", "smtps", "mail.example.org", 465,
         "alerts@line.org", "p@ss"),
        ("smtp+starttls://u:p@mail.example.org:2525", "smtp+starttls", "mail.example.org", 2525,
         "u", "p"),
        ("smtp://127.0.0.1", "smtp", "127.0.0.1", 25, None, None),
        ("smtp://u:p@localhost:1025", "smtp", "localhost", 1025, "u", "p"),
    ],
)  # fmt: skip
def test_each_form_of_smtp_url_is_taken_apart(
    url: str, scheme: str, host: str, port: int, user: str | None, password: str | None
) -> None:
    smtp = load_settings(production_env(SMTP_URL=url, SMTP_FROM="Line <alerts@line.org>")).smtp
    assert smtp is not None
    assert (smtp.scheme, smtp.host, smtp.port) == (scheme, host, port)
    assert (smtp.username, smtp.password) == (user, password)
    assert smtp.sender == "Line <alerts@line.org>"
    assert "p@ss" not in repr(smtp)  # the password never shows in a traceback


def test_the_sender_defaults_to_a_user_that_is_an_address() -> None:
    smtp = load_settings(production_env(SMTP_URL="smtps://alerts@line.org:pw@mail.org")).smtp
    assert smtp is not None and smtp.sender == "alerts@line.org"


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"SMTP_URL": "http://mail.example.org"}, "SMTP_URL must look like smtp://user:password@host:port"),
        ({"SMTP_URL": "mail.example.org:25"}, "SMTP_URL must look like"),
        ({"SMTP_URL": "smtps://u:p@mail.example.org:99999", "SMTP_FROM": "a@b.org"}, "port that is not a number"),
        ({"SMTP_URL": "smtps://u:p@mail.example.org:abc", "SMTP_FROM": "a@b.org"}, "port that is not a number"),
        ({"SMTP_URL": "smtps://:p@/", "SMTP_FROM": "a@b.org"}, "SMTP_URL names no host"),
        ({"SMTP_URL": "smtps://user@mail.example.org", "SMTP_FROM": "a@b.org"}, "a user without a password"),
        ({"SMTP_URL": "smtps://u:p@mail.example.org"}, "SMTP_FROM must be set"),
        ({"SMTP_URL": "smtps://u:p@mail.example.org", "SMTP_FROM": "nobody"}, "SMTP_FROM must be an e-mail address"),
        ({"SMTP_FROM": "a@b.org"}, "SMTP_FROM is set but SMTP_URL is not"),
        ({"SMTP_URL": "smtp://u:p@mail.example.org", "SMTP_FROM": "a@b.org"}, "would send its password unencrypted"),
    ],
)  # fmt: skip
def test_a_bad_smtp_setting_is_refused_in_one_sentence(env: dict[str, str], says: str) -> None:
    with pytest.raises(ConfigError, match=None) as refused:
        load_settings(production_env(**env))
    assert says in str(refused.value)
    assert "\n" not in str(refused.value)
