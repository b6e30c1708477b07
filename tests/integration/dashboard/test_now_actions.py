"""A coordinator acts on Now: re-offer, offer to one peer, the escalations panel and its labels."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.integration.conftest import Line
from tests.integration.conversations.test_sms_flow import ALEX, JO, SAM, TEXTER, ref_offered
from tests.integration.dashboard.conftest import WORDS, Dashboard
from tests.integration.dashboard.test_now_and_volunteers import assert_private
from warmline.models import Conversation, Volunteer

CRISIS = "I want to die tonight"


def waiting_part(page: str) -> str:
    """The queue's list on the Now page."""
    return page.split('data-part="waiting"')[1].split("</ol>")[0]


def peer_ids(page: str) -> dict[str, str]:
    """The peers offered in the first waiting conversation's picker, by name."""
    picker = waiting_part(page).split('name="volunteer"')[1].split("</select>")[0]
    return {
        name: vid for vid, name in re.findall(r'<option value="(\d+)">([^<]+)</option>', picker)
    }


def test_re_offer_now_texts_every_available_peer_again_and_is_audited(
    line: Line, signed_in: Dashboard, offered_ref: str
) -> None:
    before = {n: len(line.sent_to(n)) for n in (SAM, ALEX)}
    page = signed_in.text("/")
    assert re.search(r"offered to Alex at \d\d:\d\d, Sam at \d\d:\d\d", waiting_part(page))

    signed_in.post(f"/now/conversations/{offered_ref}/reoffer?line={line_id(line)}", {})
    line.drain()
    assert re.search(
        rf"#{offered_ref} offered again to Alex and Sam at \d\d:\d\d E[SD]T\.", signed_in.followed
    )
    for number in (SAM, ALEX):
        again = line.sent_to(number)[before[number] :]
        assert any(f"#{offered_ref}" in body and "waiting to talk" in body for body in again), again
    audit = signed_in.text("/audit")
    assert "re-offered conversation" in audit and f"#{offered_ref} to Alex, Sam" in audit
    assert_private(signed_in.followed)


def line_id(line: Line) -> int:
    """The test line's id."""
    from warmline.lines.lines import get_line

    with line.rt.db.session() as session:
        return get_line(session, line.number).id


def test_offer_to_a_peer_lists_only_available_peers_and_they_take_it_by_the_usual_claim(
    line: Line, signed_in: Dashboard
) -> None:
    line.add_volunteer("Sam", SAM)
    line.add_volunteer("Alex", ALEX)
    line.text(ALEX, "OFF")
    line.text(TEXTER, WORDS)
    ref = ref_offered(line, SAM)
    line.add_volunteer("Jo", JO)  # came on shift after the text: nobody offered it to Jo
    page = signed_in.text("/")
    peers = peer_ids(page)
    assert sorted(peers) == ["Jo", "Sam"]  # Alex is OFF

    signed_in.post(
        f"/now/conversations/{ref}/offer?line={line_id(line)}", {"volunteer": peers["Jo"]}
    )
    line.drain()
    assert f"#{ref} offered to Jo at" in signed_in.followed
    assert f"they take it by replying {ref}" in signed_in.followed
    assert any(f"Reply {ref} to take it" in body for body in line.sent_to(JO))
    assert re.search(r"offered to [^<]*Jo at \d\d:\d\d", waiting_part(signed_in.text("/")))
    assert "offered conversation" in signed_in.text("/audit")

    line.text(JO, ref)
    assert any(f"You have #{ref}" in body for body in line.sent_to(JO))
    line.text(SAM, ref)
    assert f"#{ref} was taken by another peer. Thank you." in line.sent_to(SAM)
    assert line.sent_to(SAM)[-1] == f"#{ref} is no longer waiting. Thank you for offering."
    with line.rt.db.session() as session:
        taken = session.scalar(select(Conversation).where(Conversation.ref == ref))
        jo = session.scalar(select(Volunteer).where(Volunteer.name == "Jo"))
        assert taken is not None and jo is not None and taken.volunteer_id == jo.id


def test_an_offer_after_a_peer_took_it_or_to_a_peer_gone_off_says_so_plainly(
    line: Line, signed_in: Dashboard, offered_ref: str
) -> None:
    peers = peer_ids(signed_in.text("/"))

    line.text(ALEX, "OFF")
    sent = len(line.sent_to(ALEX))
    signed_in.post(
        f"/now/conversations/{offered_ref}/offer?line={line_id(line)}", {"volunteer": peers["Alex"]}
    )
    assert "Alex is no longer available" in signed_in.followed
    line.drain()
    assert len(line.sent_to(ALEX)) == sent

    line.text(SAM, offered_ref)
    signed_in.post(
        f"/now/conversations/{offered_ref}/offer?line={line_id(line)}", {"volunteer": peers["Sam"]}
    )
    assert f"#{offered_ref} was taken meanwhile: a peer has it now." in signed_in.followed
    signed_in.post(f"/now/conversations/{offered_ref}/reoffer?line={line_id(line)}", {})
    assert f"#{offered_ref} was taken meanwhile" in signed_in.followed
    assert "offered conversation" not in signed_in.text("/audit")


def test_the_escalations_panel_lists_escalate_and_crisis_words_by_reference_only(
    line: Line, signed_in: Dashboard
) -> None:
    line.add_volunteer("Sam", SAM)
    line.text(TEXTER, CRISIS)
    ref = ref_offered(line, SAM)
    line.text(SAM, ref)
    line.text(SAM, "ESCALATE")
    page = signed_in.text("/")
    panel = page.split('data-part="escalations"')[1].split("</ul>")[0]
    assert "crisis words" in panel and "a peer asked for help (ESCALATE)" in panel
    assert panel.count(f"#{ref}") == 2
    assert re.search(r"at \d\d:\d\d", panel)
    assert CRISIS not in page and "want to die" not in page
    kinds = [e["outcome"] for e in signed_in.get("/now.json").get_json()["lines"][0]["escalations"]]
    assert sorted(kinds) == ["crisis", "escalated"]


def test_the_load_figure_says_what_it_counts_and_times_name_the_lines_zone(
    line: Line, signed_in: Dashboard
) -> None:
    line.add_volunteer("Sam", SAM)
    page = signed_in.text("/")
    assert re.search(r'<span class="load">0 of 2 conversations</span>', page)
    assert "Times in America/New_York (E" in page
    data = signed_in.get("/now.json").get_json()
    assert data["lines"][0]["on_shift"][0]["active"] == 0
    assert re.fullmatch(r"\d\d:\d\d:\d\d E[SD]T", data["updated"])  # the line's clock, named
