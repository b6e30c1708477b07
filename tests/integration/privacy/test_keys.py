"""Key rotation without downtime, and a refusal to start with the wrong key."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from tests.integration.conftest import Line
from tests.integration.conversations.test_sms_flow import SAM, TEXTER, ref_offered
from warmline.config import ConfigError
from warmline.core.crypto import Keyring, UnreadableSecret, Vault
from warmline.lines.lines import get_line
from warmline.models import Contact, InboundMessage, Volunteer
from warmline.privacy import keys, subject_access
from warmline.privacy.keycheck import check_data_keys


def test_rotation_keeps_old_data_readable_and_reencrypts_it_under_the_new_key(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    line.text(TEXTER, "hi")
    line.text(TEXTER, "still waiting")  # held, sealed, until a peer claims
    old_key = line.rt.settings.data_keys[0]
    new_key = Fernet.generate_key().decode()
    line.rt.vault = Vault((new_key, old_key))  # deployed with both, newest first
    line.text(SAM, ref_offered(line, SAM))  # old data still opens
    assert any(b.endswith(": still waiting") for b in line.sent_to(SAM))

    line.text("+15550009002", "a new texter under the new key")
    with line.rt.db.session() as session:
        done = keys.rotate(session, line.rt.vault, line.rt.keyring)
    assert done.sealed >= 3
    only_new = Vault((new_key,))
    with line.rt.db.session() as session:
        for sealed in session.scalars(select(Volunteer.phone_sealed)):
            only_new.open(sealed)
        for number in session.scalars(
            select(Contact.number_sealed).where(Contact.number_sealed.is_not(None))
        ):
            only_new.open(number)
        for body in session.scalars(
            select(InboundMessage.body_sealed).where(InboundMessage.body_sealed.is_not(None))
        ):
            only_new.open(body)
        with pytest.raises(UnreadableSecret):
            Vault((old_key,)).open(session.scalars(select(Volunteer.phone_sealed)).first() or b"")


def test_a_new_hmac_key_still_recognises_known_numbers_and_moves_them_over(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    line.text(TEXTER, "hi")
    line.text(SAM, ref_offered(line, SAM))
    line.text(SAM, "DONE")
    line.text(TEXTER, "YES")  # to the question the goodbye asked
    old = line.rt.keyring
    line.rt.keyring = Keyring(b"n" * 32, (line.rt.settings.hmac_key,))
    with line.rt.db.session() as session:
        done = keys.rotate(session, line.rt.vault, line.rt.keyring)
        assert done.rekeyed == 2  # the volunteer and the texter
        key = session.scalars(select(Contact.contact_key)).one()
        assert key == line.rt.keyring.key_for(TEXTER) != old.key_for(TEXTER)
        export = subject_access.export(
            session, line.rt.keyring, get_line(session, line.number), TEXTER
        )
        assert [c["answer"] for c in export["consent"]] == ["asked", "yes"]


def test_a_wrong_data_key_is_caught_before_anything_is_served(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    check_data_keys(line.rt)  # the right key: fine
    wrong = dataclasses.replace(line.rt, vault=Vault((Fernet.generate_key().decode(),)))
    with pytest.raises(ConfigError, match="WARMLINE_DATA_KEY cannot open the stored data"):
        check_data_keys(wrong)


def test_a_production_worker_with_the_wrong_key_refuses_to_start(tmp_path: Path) -> None:
    right, wrong = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WARMLINE_", "TWILIO_"))}
    env |= {
        "WARMLINE_INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'w.sqlite3'}",
        "WARMLINE_DATA_KEY": right,
        "WARMLINE_HMAC_KEY": "h" * 32,
    }
    warmline = str(Path(sys.executable).parent / "warmline")
    subprocess.run([warmline, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run(
        [warmline, "volunteer", "add", "--name", "Sam", "--phone", SAM],
        env=env,
        check=True,
        capture_output=True,
    )
    env |= {
        "WARMLINE_ENV": "production",
        "WARMLINE_DATA_KEY": wrong,
        "SECRET_KEY": "s" * 32,
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
        "TWILIO_AUTH_TOKEN": "t",
        "PUBLIC_URL": "https://line.example.org",
        "REDIS_URL": "redis://127.0.0.1:1/0",
    }
    result = subprocess.run(
        [warmline, "worker"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "WARMLINE_DATA_KEY cannot open the stored data" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
