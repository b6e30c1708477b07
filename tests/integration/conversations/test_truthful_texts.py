"""What texters are told is true: who is with them, who is busy, and that they are still in line."""

from __future__ import annotations

from tests.integration.conftest import Line
from tests.integration.conversations.test_escalation import BACKUP, count, staffed, sweep_at
from tests.integration.conversations.test_sms_flow import RILEY, SAM, TEXTER, ref_offered
from warmline.lines.lines import get_line, set_line

OFFERED = "waiting to talk"


def test_the_crisis_reply_before_a_claim_says_a_peer_will_be_with_them_not_that_one_is(
    line: Line,
) -> None:
    staffed(line)
    line.text(TEXTER, "I keep thinking I want to die")
    [safety] = [b for b in line.sent_to(TEXTER) if "It sounds like" in b]
    assert "A peer will text you here soon" in safety
    assert "is with you" not in safety


def test_the_crisis_reply_after_a_claim_says_their_peer_is_with_them(line: Line) -> None:
    staffed(line)
    line.text(TEXTER, "rough week")
    line.text(SAM, ref_offered(line, SAM))
    line.text(TEXTER, "honestly I want to die")
    [safety] = [b for b in line.sent_to(TEXTER) if b.startswith("It sounds like")]
    assert "Your peer is with you here too" in safety


def test_with_peers_available_the_waiting_texter_is_still_in_line_not_told_all_are_busy(
    line: Line,
) -> None:
    staffed(line)
    line.text(TEXTER, "is anyone there")
    sweep_at(line, 601)
    assert count(line.sent_to(TEXTER), "nobody has picked up yet, but you are still in line") == 1
    assert count(line.sent_to(TEXTER), "busy") == 0


def test_with_no_peer_available_the_texter_is_told_everyone_is_busy(line: Line) -> None:
    line.add_volunteer("Riley", RILEY, role="coordinator")
    line.text(TEXTER, "is anyone there")
    sweep_at(line, 601)
    assert count(line.sent_to(TEXTER), "every peer is busy") == 1
    assert count(line.sent_to(TEXTER), "still in line") == 0


def test_available_peers_are_offered_again_every_reoffer_interval_until_the_fallback(
    line: Line,
) -> None:
    staffed(line)
    line.text(TEXTER, "hello")
    for seconds in (121, 241, 361, 481):
        sweep_at(line, seconds)
    assert count(line.sent_to(SAM), OFFERED) == 5  # at 0, 2, 4, 6 and 8 minutes
    assert count(line.sent_to(BACKUP), OFFERED) == 4
    for seconds in (601, 721, 841, 1200):
        sweep_at(line, seconds)
    assert count(line.sent_to(SAM), OFFERED) == 5  # the fallback ends the offers


def test_the_reoffer_interval_is_a_line_setting_and_a_claim_ends_the_offers(line: Line) -> None:
    staffed(line)
    with line.rt.db.session() as session:
        set_line(session, get_line(session, line.number), ["reoffer_every_s=60"])
    line.text(TEXTER, "hello")
    for seconds in (121, 181, 241):
        sweep_at(line, seconds)
    assert count(line.sent_to(SAM), OFFERED) == 4
    line.text(SAM, ref_offered(line, SAM))
    for seconds in (301, 361, 421):
        sweep_at(line, seconds)
    assert count(line.sent_to(SAM), OFFERED) == 4
