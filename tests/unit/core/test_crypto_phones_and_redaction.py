"""Numbers and words are kept only sealed, contact keys are stable, and logs carry no numbers."""

from __future__ import annotations

import io
import logging

import pytest
from cryptography.fernet import Fernet

from warmline.core.crypto import Keyring, UnreadableSecret, Vault
from warmline.core.logs import RedactingFormatter, redact
from warmline.core.phones import InvalidNumber, normalise


def test_sealed_values_open_with_any_configured_key_and_new_ones_use_the_newest() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    sealed_before = Vault((old,)).seal("+15550009001")
    rotated = Vault((new, old))
    assert rotated.open(sealed_before) == "+15550009001"
    assert Vault((new,)).open(rotated.seal("words")) == "words"
    with pytest.raises(UnreadableSecret):
        Vault((Fernet.generate_key().decode(),)).open(sealed_before)


def test_contact_keys_are_stable_per_key_and_differ_across_keys() -> None:
    keyring = Keyring(b"k" * 32)
    assert keyring.key_for("+15550009001") == keyring.key_for("+15550009001")
    assert keyring.key_for("+15550009001") != Keyring(b"j" * 32).key_for("+15550009001")
    assert "5550009001" not in keyring.key_for("+15550009001")


@pytest.mark.parametrize(
    "raw", ["(555) 000-2222", "555-000-2222", "+1 555 000 2222", "15550002222"]
)
def test_common_forms_of_a_number_normalise_to_e164(raw: str) -> None:
    assert normalise(raw, "US") == "+15550002222"


@pytest.mark.parametrize("raw", ["", "abc", "12", "+1 555"])
def test_non_numbers_are_refused_without_echoing_them(raw: str) -> None:
    with pytest.raises(InvalidNumber) as error:
        normalise(raw, "US")
    assert not raw or raw not in str(error.value)


@pytest.mark.parametrize(
    "text",
    [
        "+15550009001",
        "(555) 000-9001",
        "555-000-9001",
        "5550009001",
        "000-9001",
        "+44 20 7946 0958",
    ],
)
def test_redaction_removes_phone_numbers_in_any_common_format(text: str) -> None:
    assert redact(f"from {text} now") == "from [redacted] now"


def test_the_log_formatter_redacts_messages_and_tracebacks_but_keeps_the_time() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(RedactingFormatter("%(asctime)s %(message)s"))
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    try:
        try:
            raise ValueError("The 'To' number +15550009001 is not valid")
        except ValueError:
            logger.exception("send to %s failed", "+15550009001")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert "5550009001" not in output and "[redacted]" in output
    assert output[:4].isdigit()  # the timestamp survives


@pytest.mark.parametrize(
    "text",
    ["127.0.0.1", "10.20.30.40", "[26/Nov/2026 04:32:52]", "job 42 took 1.5 s", "2026-11-26"],
)
def test_redaction_leaves_addresses_times_and_small_numbers_readable(text: str) -> None:
    assert redact(text) == text


def test_redaction_hides_calendar_feed_tokens() -> None:
    assert redact("GET /rota/Abc-123_xyz.ics status=200") == "GET /rota/[token].ics status=200"
