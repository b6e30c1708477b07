"""A texter and peers talking through the line, seen from their phones."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from tests.integration.conftest import Line
from warmline.core import metrics
from warmline.lines.lines import get_line, set_line
from warmline.models import Conversation, InboundMessage, Outbox

TEXTER = "+15550009001"
SAM = "+15550002222"
ALEX = "+15550003333"
JO = "+15550005555"
RILEY = "+15550004444"


def ref_offered(line: Line, volunteer: str) -> str:
    """The reference in the latest offer a volunteer got."""
    offers = [
        b for b in line.sent_to(volunteer) if "waiting to talk" in b or "espera para hablar" in b
    ]
    assert offers, f"no offer reached the volunteer; got {line.sent_to(volunteer)}"
    match = re.search(r"#([A-Z][2-9][A-Z])", offers[-1])
    assert match
    return match.group(1)


def two_on_one_off(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    line.add_volunteer("Alex", ALEX)
    line.add_volunteer("Jo", JO, on_shift=False)


def test_first_text_gets_the_greeting_with_crisis_numbers_and_only_on_shift_peers_are_offered(
    line: Line,
) -> None:
    two_on_one_off(line)
    line.text(TEXTER, "hi, I'm having a hard night")

    greeting = line.sent_to(TEXTER)
    assert len(greeting) == 1
    assert "988" in greeting[0] and "not a crisis line" in greeting[0]
    assert ref_offered(line, SAM) == ref_offered(line, ALEX)
    assert line.sent_to(JO) == []
    for message in line.fake.messages():
        assert message["From"] == line.number


def test_one_claim_wins_and_the_other_peer_is_told_it_was_taken(line: Line) -> None:
    two_on_one_off(line)
    line.text(TEXTER, "hello?")
    ref = ref_offered(line, SAM)

    line.text(SAM, ref.lower())
    line.text(ALEX, f"TAKE #{ref}")

    assert any("You have #" + ref in b for b in line.sent_to(SAM))
    assert any(f"#{ref}: hello?" == b for b in line.sent_to(SAM))
    alex = line.sent_to(ALEX)
    assert any("taken by another peer" in b for b in alex)
    assert any("no longer waiting" in b for b in alex)
    assert not any(b.startswith(f"#{ref}: ") for b in alex)
    assert "A peer is here now" in line.sent_to(TEXTER)[-1]


def test_texts_relay_both_ways_in_order_and_done_closes(line: Line) -> None:
    two_on_one_off(line)
    line.text(TEXTER, "one")
    ref = ref_offered(line, SAM)
    line.text(TEXTER, "two")
    line.text(SAM, ref)
    line.text(TEXTER, "three")
    for reply in ("hi, I'm Sam", "I'm listening", "take your time"):
        line.text(SAM, reply)

    relayed = [b for b in line.sent_to(SAM) if b.startswith(f"#{ref}: ")]
    assert relayed == [f"#{ref}: one", f"#{ref}: two", f"#{ref}: three"]
    assert line.sent_to(TEXTER)[-3:] == ["hi, I'm Sam", "I'm listening", "take your time"]

    line.text(SAM, "DONE")
    closing, question = line.sent_to(TEXTER)[-2:]
    assert "Thank you for texting Test Warmline" in closing and "Reply YES or NO" in question
    assert any(f"#{ref} is closed" in b for b in line.sent_to(SAM)[-2:])
    line.text(SAM, "still there?")
    assert any("no open conversation" in b for b in line.sent_to(SAM)[-3:])
    assert line.sent_to(TEXTER)[-1] == question


def test_no_message_carries_the_other_sides_number_in_any_format(line: Line) -> None:
    two_on_one_off(line)
    line.text(TEXTER, "hi")
    ref = ref_offered(line, SAM)
    line.text(SAM, ref)
    line.text(TEXTER, "my number is private")
    line.text(SAM, "so is mine")
    line.text(SAM, "done")

    def forms(number: str) -> list[str]:
        digits = number[2:]
        return [number, digits, f"({digits[:3]}) {digits[3:6]}-{digits[6:]}", digits[-7:]]

    for body in line.sent_to(TEXTER):
        assert not any(f in body for n in (SAM, ALEX) for f in forms(n))
    for body in line.sent_to(SAM) + line.sent_to(ALEX):
        assert not any(f in body for f in forms(TEXTER))


def test_a_peer_with_two_conversations_must_say_which(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    line.text(TEXTER, "first")
    first = ref_offered(line, SAM)
    line.text(SAM, first)
    line.text("+15550009002", "second")
    second = ref_offered(line, SAM)
    line.text(SAM, second)

    line.text(SAM, "which one gets this?")
    assert "Start with the reference" in line.sent_to(SAM)[-1]
    assert line.sent_to(TEXTER)[-1] != "which one gets this?"

    line.text(SAM, f"#{second} this is for you")
    assert line.sent_to("+15550009002")[-1] == "this is for you"
    line.text(SAM, f"done {first}")
    assert line.sent_to(TEXTER)[-2].startswith("Thank you for texting")
    line.text(SAM, "now only one is left")
    assert line.sent_to("+15550009002")[-1] == "now only one is left"


def test_a_message_starting_with_a_reference_is_relayed_even_if_it_looks_like_a_command(
    line: Line,
) -> None:
    line.add_volunteer("Sam", SAM)
    line.text(TEXTER, "hi")
    ref = ref_offered(line, SAM)
    line.text(SAM, ref)
    line.text(SAM, f"#{ref} done")
    assert line.sent_to(TEXTER)[-1] == "done"
    line.text(SAM, "Done with work today?")
    assert line.sent_to(TEXTER)[-1] == "Done with work today?"


def test_pass_puts_it_back_and_offers_the_others(line: Line) -> None:
    two_on_one_off(line)
    line.text(TEXTER, "hi")
    ref = ref_offered(line, SAM)
    line.text(SAM, ref)
    offers_to_alex = len([b for b in line.sent_to(ALEX) if "waiting to talk" in b])
    line.text(SAM, "PASS")
    assert "back in the queue" in line.sent_to(SAM)[-1]
    assert "finding someone else" in line.sent_to(TEXTER)[-1]
    assert len([b for b in line.sent_to(ALEX) if "waiting to talk" in b]) == offers_to_alex + 1
    line.text(ALEX, ref)
    assert f"You have #{ref}" in line.sent_to(ALEX)[-1]
    line.text(ALEX, "hi, I'm Alex")
    assert line.sent_to(TEXTER)[-1] == "hi, I'm Alex"


def test_off_stops_offers_and_on_restores_them(line: Line) -> None:
    two_on_one_off(line)
    line.text(ALEX, "off")
    assert "You're OFF" in line.sent_to(ALEX)[-1]
    line.text(TEXTER, "hi")
    assert not any("waiting to talk" in b for b in line.sent_to(ALEX))
    line.text(ALEX, "ON")
    line.text("+15550009002", "hello")
    assert any("waiting to talk" in b for b in line.sent_to(ALEX))


def test_escalate_alerts_the_coordinator_on_call(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    line.add_volunteer("Riley", RILEY, role="coordinator")
    line.text(TEXTER, "hi")
    ref = ref_offered(line, SAM)
    assert line.sent_to(RILEY) == []  # coordinators are not offered texts
    line.text(SAM, ref)
    line.text(SAM, "escalate")
    assert line.sent_to(RILEY) == [f"Test Warmline: Sam asks for support with #{ref}."]
    assert "coordinator has been alerted" in line.sent_to(SAM)[-1]


def test_escalate_with_no_coordinator_says_so(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    line.text(TEXTER, "hi")
    line.text(SAM, ref_offered(line, SAM))
    line.text(SAM, "ESCALATE")
    assert "No coordinator is on call" in line.sent_to(SAM)[-1]


def test_status_and_help_answer_the_volunteer(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    line.text(TEXTER, "hi")
    line.text(SAM, "status")
    assert "Waiting in the queue: 1" in line.sent_to(SAM)[-1]
    assert "On shift until" in line.sent_to(SAM)[-1]
    line.text(SAM, "help")
    assert "DONE" in line.sent_to(SAM)[-1]


def test_nobody_available_tells_the_texter_honestly_and_keeps_them_waiting(line: Line) -> None:
    line.add_volunteer("Jo", JO, on_shift=False)
    line.text(TEXTER, "anyone there?")
    assert "busy right now" in line.sent_to(TEXTER)[-1]
    with line.rt.db.session() as session:
        assert session.scalar(select(Conversation.status)) == "waiting"


def test_opt_out_mid_conversation_stops_all_sending_and_tells_the_peer(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    line.text(TEXTER, "hi")
    ref = ref_offered(line, SAM)
    line.text(SAM, ref)
    sent_before = len(line.sent_to(TEXTER))
    line.text(TEXTER, "STOP")
    assert "opted out" in line.sent_to(SAM)[-1]
    line.text(SAM, f"#{ref} are you ok?")
    line.text(SAM, "hello?")
    assert len(line.sent_to(TEXTER)) == sent_before
    line.text(TEXTER, "START")
    line.text(TEXTER, "sorry, I'm back")
    assert "Hi, this is Test Warmline" in line.sent_to(TEXTER)[-2] or "Hi, this is" in " ".join(
        line.sent_to(TEXTER)[sent_before:]
    )


def test_texter_help_gets_info_and_is_still_routed(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    line.text(TEXTER, "HELP")
    assert "988" in line.sent_to(TEXTER)[0] and "peer support" in line.sent_to(TEXTER)[0]
    ref = ref_offered(line, SAM)
    line.text(SAM, ref)
    assert f"#{ref}: HELP" in line.sent_to(SAM)


def test_duplicate_message_sid_is_stored_and_relayed_once(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    for _ in range(5):
        assert line.post_sms(TEXTER, "once", sid="SM" + "d" * 32).status_code == 200
    line.drain()
    with line.rt.db.session() as session:
        assert session.scalar(select(func.count()).select_from(InboundMessage)) == 1
        assert session.scalar(select(func.count()).select_from(Conversation)) == 1
    assert len([b for b in line.sent_to(SAM) if "waiting to talk" in b]) == 1


def test_a_text_signed_for_the_url_with_its_port_is_accepted_like_twilio_signs_some(
    line: Line,
) -> None:
    line.add_volunteer("Sam", SAM)
    form = {"MessageSid": "SM" + "e" * 32, "From": TEXTER, "To": line.number, "Body": "hi"}
    signed = line.validator.compute_signature("https://warmline.example.org:443/twilio/sms", form)
    response = line.client.post("/twilio/sms", data=form, headers={"X-Twilio-Signature": signed})
    assert response.status_code == 200
    line.drain()
    assert any("waiting to talk" in body for body in line.sent_to(SAM))


def test_forged_or_missing_signature_is_refused_and_nothing_is_stored(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    form = {"MessageSid": "SM" + "f" * 32, "From": TEXTER, "To": line.number, "Body": "hi"}
    assert line.client.post("/twilio/sms", data=form).status_code == 403
    forged = {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"}
    assert line.client.post("/twilio/sms", data=form, headers=forged).status_code == 403
    signed = line.validator.compute_signature("https://warmline.example.org/twilio/sms", form)
    tampered = dict(form, Body="changed")
    assert (
        line.client.post(
            "/twilio/sms", data=tampered, headers={"X-Twilio-Signature": signed}
        ).status_code
        == 403
    )
    line.drain()
    with line.rt.db.session() as session:
        assert session.scalar(select(func.count()).select_from(InboundMessage)) == 0
    assert line.fake.requests == []


def test_bad_input_never_gives_a_server_error(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    cases = [
        {"From": "not a phone"},
        {"Body": ""},
        {"Body": "x" * 1601},
        {"Body": "nul\x00byte"},
        {"Body": "🙂 مرحبا שלום"},
        {"To": "+15559999999"},
        {"From": ""},
        {"MessageSid": ""},
        {"Body": "", "NumMedia": "1"},
    ]
    for i, override in enumerate(cases):
        form = {
            "MessageSid": f"SM{i:032d}",
            "From": f"+1555001{i:04d}",
            "To": line.number,
            "Body": "hi",
        } | override
        signature = line.validator.compute_signature(
            "https://warmline.example.org/twilio/sms", form
        )
        response = line.client.post(
            "/twilio/sms", data=form, headers={"X-Twilio-Signature": signature}
        )
        assert response.status_code == 200, override
        assert response.mimetype == "text/xml"
    line.drain()
    offers = [b for b in line.sent_to(SAM) if "waiting to talk" in b]
    # Each usable text opened a conversation; the unroutable three did not, nor did the sender
    # that is not a phone number (nothing could be sent back to it).
    assert len(offers) == 5
    for message in line.fake.messages():
        assert len(message["Body"]) <= 1600 and "\x00" not in message["Body"]


def test_long_texts_reach_the_peer_whole_in_parts_within_twilios_limit(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    line.text(TEXTER, "hi")
    ref = ref_offered(line, SAM)
    line.text(SAM, ref)
    words = " ".join(f"w{i}" for i in range(500))
    line.text(TEXTER, words)
    parts = [b for b in line.sent_to(SAM) if b.startswith(f"#{ref}: w")]
    assert len(parts) == 2
    assert all(len(b) <= 1600 for b in line.sent_to(SAM))
    assert " ".join(p.removeprefix(f"#{ref}: ") for p in parts).split() == words.split()


def test_nothing_in_the_database_holds_a_number_or_words_in_plaintext(
    line: Line, connection
) -> None:  # type: ignore[no-untyped-def]
    line.add_volunteer("Sam", SAM)
    line.text(TEXTER, "a very particular sentence")
    line.text(SAM, ref_offered(line, SAM))
    line.text(SAM, "another particular sentence")
    rows = (
        connection.exec_driver_sql(
            "SELECT row_to_json(t)::text FROM (SELECT * FROM lines) t UNION ALL "
            "SELECT row_to_json(t)::text FROM (SELECT * FROM volunteers) t UNION ALL "
            "SELECT row_to_json(t)::text FROM (SELECT * FROM contacts) t UNION ALL "
            "SELECT row_to_json(t)::text FROM (SELECT * FROM conversations) t UNION ALL "
            "SELECT row_to_json(t)::text FROM (SELECT * FROM inbound_messages) t UNION ALL "
            "SELECT row_to_json(t)::text FROM (SELECT * FROM outbox) t"
        )
        .scalars()
        .all()
    )
    dump = "\n".join(rows)
    for secret in (TEXTER, TEXTER[2:], SAM, SAM[2:], "particular sentence"):
        assert secret not in dump
    with line.rt.db.session() as session:
        assert session.scalar(select(func.count()).where(Outbox.body_sealed.is_not(None))) == 0


def test_a_lines_own_greeting_is_sent_and_always_carries_the_crisis_numbers(line: Line) -> None:

    line.add_volunteer("Sam", SAM)
    with line.rt.db.session() as session:
        target = get_line(session, line.number)
        set_line(session, target, ["greeting=Hello from the Riverside peer line."])
    line.text(TEXTER, "hi")
    first = line.sent_to(TEXTER)[0]
    assert first.startswith("Hello from the Riverside peer line.")
    assert "988" in first and "not a crisis service" in first


def test_a_short_code_or_sender_id_is_offered_to_no_peer_and_counted(line: Line) -> None:
    line.add_volunteer("Sam", SAM)

    def not_routed() -> float:
        return metrics.registry().get_sample_value("warmline_texts_not_routed_total") or 0.0

    before = not_routed()
    for sender in ("73981", "ACMEBANK"):  # a carrier short code, an alphanumeric sender id
        line.text(sender, "Your data allowance is 80% used")
    assert not_routed() == before + 2
    assert line.fake.requests == []  # no greeting it could not get, no offer to Sam
    with line.rt.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Conversation)) == 0
        kept = session.execute(
            select(InboundMessage.processed_at, InboundMessage.body_sealed)
        ).all()
    assert len(kept) == 2 and all(at is not None and words is None for at, words in kept)
