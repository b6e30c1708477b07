"""A coordinator edits a volunteer, pauses them and adds one; the volunteer notices by text."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from tests.integration.conftest import Line
from tests.integration.conversations.test_sms_flow import ALEX, SAM, TEXTER, ref_offered
from tests.integration.dashboard.conftest import Dashboard
from tests.integration.dashboard.test_now_and_volunteers import digits_forms
from warmline.core.clock import utcnow
from warmline.models import Volunteer

NEW_PHONE = "+15550004477"
NEW_YORK = ZoneInfo("America/New_York")


def volunteer_id(line: Line, name: str) -> int:
    with line.rt.db.session() as session:
        return int(session.scalars(select(Volunteer.id).where(Volunteer.name == name)).one())


def test_a_volunteers_phone_topics_and_languages_change_and_the_new_phone_is_theirs(
    line: Line, signed_in: Dashboard, coordinator: str
) -> None:
    line.add_volunteer("Sam", SAM)
    sam = volunteer_id(line, "Sam")
    page = signed_in.text(f"/volunteers/{sam}/edit")
    assert "Now a number ending 22." in page
    assert all(form not in page for form in digits_forms(SAM))

    response = signed_in.post(
        f"/volunteers/{sam}",
        {
            "name": "Sam",
            "phone": "(555) 000-4477",
            "topics": ["grief", "anxiety"],
            "languages": ["en", "es"],
        },  # type: ignore[dict-item]
    )
    assert response.status_code == 302
    assert "Saved Sam." in signed_in.followed
    assert all(form not in signed_in.followed for form in digits_forms(NEW_PHONE))

    line.text(NEW_PHONE, "TOPICS")  # the new number is Sam's now
    assert "Your topics: anxiety, grief." in line.sent_to(NEW_PHONE)[-1]
    line.text(SAM, "TOPICS")  # the old one is a stranger's
    assert not any("Your topics" in body for body in line.sent_to(SAM))
    with line.rt.db.session() as session:
        assert session.get_one(Volunteer, sam).languages == "en,es"
    audit = signed_in.text("/audit")
    assert "edited volunteer" in audit and "Sam: phone, topics, languages en,es" in audit
    assert coordinator in audit and all(form not in audit for form in digits_forms(NEW_PHONE))


def test_a_phone_another_volunteer_has_is_refused_beside_the_field_and_nothing_changes(
    line: Line, signed_in: Dashboard
) -> None:
    line.add_volunteer("Sam", SAM)
    line.add_volunteer("Alex", ALEX)
    sam = volunteer_id(line, "Sam")
    signed_in.get(f"/volunteers/{sam}/edit")
    response = signed_in.post(
        f"/volunteers/{sam}", {"name": "Samuel", "phone": ALEX, "languages": "en"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(
        r'id="edit-phone"[^>]*aria-describedby="edit-phone-error[^>]*aria-invalid="true"', page
    )
    assert '<p class="field-error" id="edit-phone-error">Another volunteer already has' in page
    assert all(form not in page for form in digits_forms(ALEX))
    with line.rt.db.session() as session:
        assert session.get_one(Volunteer, sam).name == "Sam"  # the whole form waits for a fix


def test_a_topic_the_line_does_not_list_and_no_language_are_refused(
    line: Line, signed_in: Dashboard
) -> None:
    line.add_volunteer("Sam", SAM)
    sam = volunteer_id(line, "Sam")
    signed_in.get(f"/volunteers/{sam}/edit")
    bad_topic = signed_in.post(
        f"/volunteers/{sam}", {"name": "Sam", "topics": "astrology", "languages": "en"}
    )
    assert bad_topic.status_code == 400
    # Shown as a sentence (`InvalidInput.sentence`), so it starts with a capital.
    assert "Astrology is not on this line&#39;s topic list" in bad_topic.get_data(as_text=True)
    no_language = signed_in.post(f"/volunteers/{sam}", {"name": "Sam"})
    assert no_language.status_code == 400
    assert "Give at least one language" in no_language.get_data(as_text=True)


def test_a_paused_volunteer_is_not_offered_conversations_until_resumed(
    line: Line, signed_in: Dashboard
) -> None:
    line.add_volunteer("Sam", SAM)
    line.add_volunteer("Alex", ALEX)
    sam = volunteer_id(line, "Sam")
    signed_in.get(f"/volunteers/{sam}/edit")
    past = (utcnow() - timedelta(minutes=5)).astimezone(NEW_YORK).strftime("%Y-%m-%dT%H:%M")
    refused = signed_in.post(f"/volunteers/{sam}/pause", {"until": past})
    assert refused.status_code == 400
    assert "Choose a time in the future" in refused.get_data(as_text=True)

    until = (utcnow() + timedelta(hours=2)).astimezone(NEW_YORK)
    response = signed_in.post(
        f"/volunteers/{sam}/pause", {"until": until.strftime("%Y-%m-%dT%H:%M")}
    )
    assert response.status_code == 302
    assert f"Sam is paused until {until:%a %d %b %H:%M}." in signed_in.followed
    assert "Paused until" in signed_in.text("/volunteers")

    line.text(TEXTER, "hello")
    ref_offered(line, ALEX)
    assert not any("waiting to talk" in body for body in line.sent_to(SAM))

    signed_in.get(f"/volunteers/{sam}/edit")
    assert signed_in.post(f"/volunteers/{sam}/resume", {}).status_code == 302
    assert "Sam can be offered conversations again." in signed_in.followed
    line.text("+15550009002", "hi")
    assert any("waiting to talk" in body for body in line.sent_to(SAM))
    audit = signed_in.text("/audit")
    assert "paused volunteer" in audit and "resumed volunteer" in audit


def test_a_volunteer_added_on_the_dashboard_is_texted_the_commands_they_need(
    line: Line, signed_in: Dashboard
) -> None:
    response = signed_in.post("/volunteers", {"name": "Robin", "phone": "(555) 000-7777"})
    assert response.status_code == 302
    assert "Robin is added. Test Warmline texted them a welcome." in signed_in.followed
    line.drain()
    (welcome,) = line.sent_to("+15550007777")
    assert welcome.startswith("Welcome to Test Warmline, Robin!")
    for command in ("reply K4P to take", "DONE", "PAUSE", "HELP"):
        assert command in welcome


def test_deactivating_and_reactivating_from_the_edit_page(line: Line, signed_in: Dashboard) -> None:
    line.add_volunteer("Sam", SAM)
    sam = volunteer_id(line, "Sam")
    assert "Deactivate Sam" in signed_in.text(f"/volunteers/{sam}/edit")
    signed_in.post(f"/volunteers/{sam}/deactivate", {})
    assert "Reactivate Sam" in signed_in.text(f"/volunteers/{sam}/edit")
    signed_in.post(f"/volunteers/{sam}/reactivate", {})
    with line.rt.db.session() as session:
        assert session.get_one(Volunteer, sam).is_active
