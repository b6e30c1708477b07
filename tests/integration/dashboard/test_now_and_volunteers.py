"""What a coordinator sees on Now and Volunteers: names and references, never numbers or words."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.integration.conftest import Line
from tests.integration.conversations.test_sms_flow import ALEX, SAM, TEXTER, ref_offered
from tests.integration.dashboard.conftest import Dashboard
from warmline.lines.lines import get_line, set_line
from warmline.models import Conversation, Timer

SECRET_WORDS = "my landlord is evicting me tomorrow"


def digits_forms(e164: str) -> list[str]:
    """Ways a number could appear on a page."""
    national = e164[2:]
    return [
        e164,
        national,
        f"{national[:3]}-{national[3:6]}-{national[6:]}",
        f"({national[:3]}) {national[3:6]}-{national[6:]}",
    ]


def assert_private(page: str) -> None:
    for number in (TEXTER, SAM, ALEX):
        for form in digits_forms(number):
            assert form not in page, f"{form} is on the page"
    assert SECRET_WORDS not in page and "evicting" not in page


def test_now_shows_who_is_on_shift_the_queue_and_active_conversations_without_content(
    line: Line, signed_in: Dashboard
) -> None:
    line.add_volunteer("Sam", SAM)
    line.add_volunteer("Alex", ALEX)
    page = signed_in.text("/")
    assert "No one is waiting." in page
    assert "Sam" in page and "Alex" in page and "Available" in page

    line.text(TEXTER, SECRET_WORDS)
    ref = ref_offered(line, SAM)
    page = signed_in.text("/")
    waiting = page.split('data-part="waiting"')[1].split("</ol>")[0]
    assert f"#{ref}" in waiting and "waiting " in waiting
    assert_private(page)

    line.text(SAM, ref)
    page = signed_in.text("/")
    active = page.split('data-part="active"')[1].split("</ul>")[0]
    assert f"#{ref}" in active and "with Sam" in active
    assert f"#{ref}" not in page.split('data-part="waiting"')[1].split("</ol>")[0]
    assert_private(page)

    data = signed_in.get("/now.json").get_json()
    (line_json,) = data["lines"]
    assert line_json["waiting"] == [] and line_json["active"][0]["ref"] == ref
    assert line_json["active"][0]["volunteer"] == "Sam"
    assert {p["name"]: p["state"] for p in line_json["on_shift"]} == {
        "Sam": "available",
        "Alex": "available",
    }
    assert_private(signed_in.get("/now.json").get_data(as_text=True))


def test_now_says_who_is_off_and_who_is_at_capacity(line: Line, signed_in: Dashboard) -> None:
    line.add_volunteer("Sam", SAM)
    line.add_volunteer("Alex", ALEX)
    line.text(ALEX, "OFF")
    with line.rt.db.session() as session:
        target = get_line(session, line.number)
        set_line(session, target, ["max_active_per_volunteer=1"])
    line.text(TEXTER, "hello")
    line.text(SAM, ref_offered(line, SAM))
    states = {
        p["name"]: p["state"] for p in signed_in.get("/now.json").get_json()["lines"][0]["on_shift"]
    }
    assert states == {"Sam": "busy", "Alex": "off"}


def test_a_badly_formatted_number_is_explained_beside_the_field_and_nothing_is_added(
    signed_in: Dashboard,
) -> None:
    response = signed_in.post("/volunteers", {"name": "Robin", "phone": "555-01"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="phone-error"' in page and "not a phone number we can text" in page
    assert 'aria-invalid="true"' in page
    assert 'value="Robin"' in page  # what they typed is kept
    roster = page.split("<tbody>")[1] if "<tbody>" in page else ""
    assert "Robin" not in roster


def test_a_good_number_in_any_common_form_adds_the_volunteer_shown_by_name_only(
    signed_in: Dashboard,
) -> None:
    response = signed_in.post("/volunteers", {"name": "Robin", "phone": "(555) 000-7777"})
    assert response.status_code == 302
    page = signed_in.followed
    assert "Robin is added." in page and '<th scope="row">Robin</th>' in page
    for form in digits_forms("+15550007777"):
        assert form not in page
    again = signed_in.post("/volunteers", {"name": "Robin 2", "phone": "+1 555 000 7777"})
    assert again.status_code == 400 and "already exists" in again.get_data(as_text=True)


def test_deactivating_a_volunteer_returns_their_conversation_to_the_queue_and_reoffers_it(
    line: Line, signed_in: Dashboard
) -> None:
    line.add_volunteer("Sam", SAM)
    line.add_volunteer("Alex", ALEX)
    line.text(TEXTER, "hello?")
    ref = ref_offered(line, SAM)
    line.text(SAM, ref)
    offers_to_alex = len([b for b in line.sent_to(ALEX) if "waiting to talk" in b])

    with line.rt.db.session() as session:
        sam_id = session.scalar(select(Conversation.volunteer_id).where(Conversation.ref == ref))
    signed_in.get("/volunteers")
    response = signed_in.post(f"/volunteers/{sam_id}/deactivate", {})
    assert response.status_code == 302
    line.drain()

    page = signed_in.followed
    assert "1 conversation went back to the queue" in page
    assert re.search(r"Sam</th>\s*<td[^>]*>.*?</td>\s*<td[^>]*>Deactivated</td>", page)
    now = signed_in.get("/now.json").get_json()["lines"][0]
    assert [w["ref"] for w in now["waiting"]] == [ref]
    assert [p["name"] for p in now["on_shift"]] == ["Alex"]
    assert len([b for b in line.sent_to(ALEX) if "waiting to talk" in b]) == offers_to_alex + 1
    assert "step away" in line.sent_to(TEXTER)[-1]


def test_script_and_sql_in_a_name_are_stored_as_typed_and_shown_as_text(
    signed_in: Dashboard,
) -> None:
    for name in ("<script>alert(1)</script>", "' OR 1=1--"):
        assert (
            signed_in.post(
                "/volunteers", {"name": name, "phone": f"+1555000{len(name):04d}"}
            ).status_code
            == 302
        )
    page = signed_in.text("/volunteers")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&#39; OR 1=1--" in page
    audit = signed_in.text("/audit")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in audit and "<script>alert" not in audit


def test_renaming_a_volunteer_is_audited_with_who_did_it(
    signed_in: Dashboard, coordinator: str
) -> None:
    signed_in.post("/volunteers", {"name": "Robin", "phone": "+15550007777"})
    page = signed_in.text("/volunteers")
    volunteer_id = re.search(r"/volunteers/(\d+)/edit", page).group(1)  # type: ignore[union-attr]
    assert (
        signed_in.post(f"/volunteers/{volunteer_id}/name", {"name": "Robin B."}).status_code == 302
    )
    audit = signed_in.text("/audit")
    assert "renamed volunteer" in audit and "Robin → Robin B." in audit and coordinator in audit


def test_now_lists_todays_escalations_by_reference(line: Line, signed_in: Dashboard) -> None:
    line.text(TEXTER, SECRET_WORDS)  # nobody on shift: it waits
    with line.rt.db.session() as session:
        conversation = session.scalar(select(Conversation))
        assert conversation is not None
        now = conversation.created_at
        session.add(
            Timer(
                conversation_id=conversation.id,
                kind="escalate",
                due_at=now,
                done_at=now,
                outcome="alerted",
                created_at=now,
            )
        )
        session.commit()
        ref = conversation.ref
    page = signed_in.text("/")
    escalations = page.split('data-part="escalations"')[1].split("</ul>")[0]
    assert f"#{ref}" in escalations and "coordinator alerted" in escalations
    assert signed_in.get("/now.json").get_json()["lines"][0]["escalations"][0]["ref"] == ref
    assert_private(page)


def test_an_escalation_deadline_cancelled_by_a_claim_is_not_listed(
    line: Line, signed_in: Dashboard
) -> None:
    line.text(TEXTER, "hello")
    with line.rt.db.session() as session:
        conversation = session.scalar(select(Conversation))
        assert conversation is not None
        now = conversation.created_at
        session.add(
            Timer(
                conversation_id=conversation.id,
                kind="escalate",
                due_at=now,
                done_at=now,
                outcome="claimed",
                created_at=now,
            )
        )
        session.commit()
    assert signed_in.get("/now.json").get_json()["lines"][0]["escalations"] == []


def test_now_shows_a_text_from_an_opted_out_texter_as_opted_out_without_content(
    line: Line, signed_in: Dashboard
) -> None:
    line.add_volunteer("Sam", SAM)
    line.text(TEXTER, "hi")
    line.text(TEXTER, "STOP")
    page = signed_in.text("/")
    assert "Opted out" not in page.split('data-part="opted_out"')[1].split("</ul>")[0]

    line.text(TEXTER, SECRET_WORDS)
    page = signed_in.text("/")
    shown = page.split('data-part="opted_out"')[1].split("</ul>")[0]
    assert shown.count("Opted out") == 1 and "offered to no one" in shown
    assert_private(page)
    (line_json,) = signed_in.get("/now.json").get_json()["lines"]
    assert len(line_json["opted_out"]) == 1

    line.text(TEXTER, "START")
    (line_json,) = signed_in.get("/now.json").get_json()["lines"]
    assert line_json["opted_out"] == []
