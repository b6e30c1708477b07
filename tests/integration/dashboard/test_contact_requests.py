"""One person's data on request, from the dashboard and the CLI: exported or erased, and audited
without the number."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import create_engine, func, select

from tests.integration.cli.test_cli import run
from tests.integration.cli.test_cli import warmline as warmline  # the CLI on its own SQLite file
from tests.integration.conftest import Line
from tests.integration.conversations.test_sms_flow import SAM, TEXTER
from tests.integration.dashboard.conftest import Dashboard
from tests.integration.dashboard.test_now_and_volunteers import assert_private, digits_forms
from tests.integration.privacy.test_privacy import count, talk_and_close
from warmline import runtime
from warmline.models import AuditEntry, ConsentRecord, Contact, ContactLogEntry, Conversation

TOKEN = re.compile(r'name="token" value="([^"]+)"')


def audit_page(signed_in: Dashboard) -> str:
    return signed_in.text("/audit")


def assert_no_number(text: str) -> None:
    for form in digits_forms(TEXTER):
        assert form not in text, f"{form} is in the text"


def test_export_downloads_what_is_held_as_json_and_the_audit_log_keeps_no_number(
    line: Line, signed_in: Dashboard, coordinator: str
) -> None:
    line.add_volunteer("Sam", SAM)
    talk_and_close(line, answer="YES")
    signed_in.get("/contacts")
    response = signed_in.post("/contacts/export", {"number": "(555) 000-9001"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert 'attachment; filename="contact-export-' in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    data = json.loads(text)
    assert len(data["contact_log"]) == 1 and data["contact_log"][0]["outcome"] == "talked"
    assert any(c["answer"] == "yes" for c in data["consent"])
    assert_no_number(text)
    audit = audit_page(signed_in)
    assert "exported contact" in audit and coordinator in audit
    assert_no_number(audit)


def test_erase_asks_to_confirm_showing_what_is_held_then_erases_and_tells_the_texter(
    line: Line, signed_in: Dashboard, coordinator: str
) -> None:
    line.add_volunteer("Sam", SAM)
    talk_and_close(line, answer="YES")
    signed_in.get("/contacts")
    check = signed_in.post("/contacts/erase", {"number": "+1 555 000 9001"})
    assert check.status_code == 200
    page = check.get_data(as_text=True)
    assert "Erase this person’s data?" in page
    assert "1 conversation<" in page and "1 contact log row<" in page
    assert "texts them that it is done" in page
    assert_private(page)
    assert count(line, ContactLogEntry) == 1  # nothing erased yet

    token = TOKEN.search(page).group(1)  # type: ignore[union-attr]
    assert "9001" not in token
    erased = signed_in.post("/contacts/erase/confirm", {"token": token})
    assert erased.status_code == 302
    assert "Erased." in signed_in.followed
    line.drain()
    assert count(line, ContactLogEntry) == 0 and count(line, ConsentRecord) == 0
    assert count(line, Conversation) == 0
    assert line.sent_to(TEXTER)[-1].startswith("We've erased what we kept about you")
    audit = audit_page(signed_in)
    assert "looked up contact" in audit and "erased contact" in audit and "data erased" in audit
    assert_no_number(audit)


def test_an_expired_or_forged_confirmation_erases_nothing(line: Line, signed_in: Dashboard) -> None:
    line.add_volunteer("Sam", SAM)
    talk_and_close(line, answer="YES")
    signed_in.get("/contacts")
    forged = line.rt.vault.seal(f"999|1|{int(datetime.now(UTC).timestamp())}|{TEXTER}").decode()
    stale = line.rt.vault.seal(f"1|1|{int(datetime.now(UTC).timestamp()) - 3600}|{TEXTER}")
    for token in (forged, stale.decode(), "not-a-token"):
        response = signed_in.post("/contacts/erase/confirm", {"token": token})
        assert response.status_code == 302
        assert "confirmation has expired; nothing was erased" in signed_in.followed
    assert count(line, ContactLogEntry) == 1


def test_a_bad_number_is_explained_and_a_number_with_nothing_held_erases_nothing(
    line: Line, signed_in: Dashboard
) -> None:
    signed_in.get("/contacts")
    bad = signed_in.post("/contacts/erase", {"number": "555-01"})
    assert bad.status_code == 400
    page = bad.get_data(as_text=True)
    assert 'id="erase_number-error"' in page and "not a phone number" in page
    assert 'value="555-01"' not in page  # a typed number is never echoed back
    nobody = signed_in.post("/contacts/erase", {"number": "+15550009009"})
    assert nobody.status_code == 302
    assert "Nothing is held about that number on this line" in signed_in.followed


def test_a_coordinator_blocks_a_number_and_its_next_text_reaches_nobody(
    line: Line, signed_in: Dashboard
) -> None:
    line.add_volunteer("Sam", SAM)
    signed_in.get("/contacts")
    assert signed_in.post("/contacts/block", {"number": "(555) 000-9001"}).status_code == 302
    assert "Blocked: texts from that number now reach nobody." in signed_in.followed
    line.text(TEXTER, "hello?")
    assert line.fake.requests == []  # no greeting, no offer to Sam
    audit = audit_page(signed_in)
    assert "blocked number" in audit
    assert_no_number(audit)

    signed_in.post("/contacts/block", {"number": TEXTER, "undo": "yes"})
    assert "Unblocked: that number can text the line again." in signed_in.followed
    line.text(TEXTER, "hello again")
    assert line.sent_to(SAM)
    bad = signed_in.post("/contacts/block", {"number": "555-01"})
    assert bad.status_code == 400 and 'id="block_number-error"' in bad.get_data(as_text=True)


def test_export_and_erase_need_a_csrf_token(line: Line, signed_in: Dashboard) -> None:
    line.add_volunteer("Sam", SAM)
    talk_and_close(line, answer="YES")
    for path in ("/contacts/export", "/contacts/erase"):
        assert signed_in.post(path, {"number": TEXTER}, csrf=False).status_code == 400
    assert count(line, ContactLogEntry) == 1
    assert "exported contact" not in audit_page(signed_in)


def test_the_cli_notes_contact_export_and_erase_in_the_audit_log_as_cli(
    warmline: CliRunner, tmp_path: Path
) -> None:
    assert (
        run(
            warmline, "line", "add", "--number", "+15550001111", "--name", "L", "--timezone", "UTC"
        ).exit_code
        == 0
    )
    rt = runtime.current()
    now = datetime.now(UTC)
    key = rt.keyring.key_for(TEXTER)
    with rt.db.session() as session:
        contact = Contact(
            line_id=1, contact_key=key, number_sealed=rt.vault.seal(TEXTER), created_at=now
        )
        session.add(contact)
        session.add(
            ContactLogEntry(
                line_id=1,
                channel="sms",
                started_at=now,
                ended_at=now,
                consent_version=1,
                contact_key=key,
                crisis=False,
            )
        )
        session.commit()
    exported = run(warmline, "contact", "export", "--line", "+15550001111", "--phone", TEXTER)
    assert exported.exit_code == 0 and json.loads(exported.output)["contact_log"]
    erased = run(warmline, "contact", "erase", "--line", "+15550001111", "--phone", TEXTER)
    assert erased.exit_code == 0 and "erased" in erased.output
    engine = create_engine(f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    with engine.connect() as conn:
        entries = conn.execute(
            select(AuditEntry.actor, AuditEntry.action, AuditEntry.subject).order_by(AuditEntry.id)
        ).all()
        logged = conn.execute(select(func.count()).select_from(ContactLogEntry)).scalar_one()
    engine.dispose()
    assert [tuple(e) for e in entries] == [
        ("cli", "exported contact", ""),
        ("cli", "erased contact", "data erased"),
    ]
    assert logged == 0
    assert not any("9001" in str(value) for entry in entries for value in entry)
