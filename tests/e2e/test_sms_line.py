"""The SMS line end to end: real gunicorn, workers, PostgreSQL and Redis; Twilio via Prism.

Each test texts its own line, as Twilio would, and looks at what Twilio was asked to send.
The relay is asynchronous, so tests wait for what a phone would receive, with a deadline.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from functools import partial

import pytest
import requests

from tests.e2e.deployment import (
    RELAY_TIMEOUT,
    Line,
    Platform,
    all_at_once,
    number_forms,
    timed,
)
from tests.e2e.harness import prism_problems, wait_for

pytestmark = pytest.mark.e2e

PEER_JOINED = "A peer is here now"
TAKEN = "taken by another peer"
NO_LONGER_WAITING = "no longer waiting"
# How long an inbound text waits before the sweeper, rather than the queue, takes it up.
SWEEPER_GRACE_S = 5.0
# Texts are read quickly after Redis comes back only if the workers listen to the queue again.
QUEUE_RELAY_S = 4.0
REDIS_OUTAGE_RELAY_S = 30.0


def claim(line: Line, texter: str, volunteer: str, first_words: str) -> str:
    """The texter's first text offered to `volunteer`, who takes it; the reference."""
    line.send(texter, first_words)
    ref = line.offered_ref(volunteer)
    line.send(volunteer, ref)
    line.wait_for(volunteer, f"#{ref}: {first_words}")
    return ref


def relays(line: Line, volunteer: str, ref: str) -> list[str]:
    """The texter's words as relayed to a volunteer, without the `#REF: ` prefix."""
    prefix = f"#{ref}: "
    return [b.removeprefix(prefix) for b in line.bodies_to(volunteer) if b.startswith(prefix)]


def assert_from_the_line(line: Line, *numbers: str) -> None:
    """Every text to these people came from the line number."""
    for number in numbers:
        senders = {t.from_ for t in line.texts_to(number)}
        assert senders <= {line.number}, f"texts to a person came from {senders}"


def assert_no_number_shows(line: Line, recipients: list[str], hidden: list[str]) -> None:
    """No text to `recipients` carries any of the `hidden` numbers, in any common format."""
    for recipient in recipients:
        for body in line.bodies_to(recipient):
            for number in hidden:
                for form in number_forms(number):
                    assert form not in body, f"a text showed a number ({form!r}): {body!r}"


# a. A conversation, from first text to DONE


def test_first_text_gets_the_greeting_with_988_and_only_on_shift_peers_are_offered(
    new_line: Line,
) -> None:
    sam, alex, jo = new_line.add_volunteers(["Sam", "Alex"], off_shift=["Jo"])
    texter = new_line.new_texter()

    new_line.send(texter, "Evening. The pottery kiln cracked my favourite bowl")

    greeting = new_line.wait_for(texter, "988")
    assert len(greeting) == 1
    ref = new_line.offered_ref(sam)
    assert new_line.offered_ref(alex) == ref
    new_line.settle()
    for peer in (sam, alex):
        assert len([b for b in new_line.bodies_to(peer) if "waiting to talk" in b]) == 1
    assert not [b for b in new_line.bodies_to(jo) if "waiting to talk" in b or ref in b]
    offered = new_line.platform.rows(
        "SELECT o.volunteer_id FROM offers o JOIN conversations c ON c.id = o.conversation_id "
        "WHERE c.line_id = :l",
        l=new_line.id,
    )
    volunteer_id = new_line.platform.volunteer_id
    assert sorted(r[0] for r in offered) == sorted([volunteer_id(sam), volunteer_id(alex)])
    assert_from_the_line(new_line, texter, sam, alex)


def test_the_second_peer_is_told_the_conversation_was_taken(new_line: Line) -> None:
    sam, alex = new_line.add_volunteers(["Sam", "Alex"])
    texter = new_line.new_texter()
    new_line.send(texter, "Is anybody around to talk about the allotment feud")
    ref = new_line.offered_ref(sam)
    assert new_line.offered_ref(alex) == ref

    new_line.send(sam, ref.lower())

    new_line.wait_for(sam, f"You have #{ref}")
    new_line.wait_for(alex, TAKEN)
    new_line.wait_for(sam, f"#{ref}: Is anybody around to talk about the allotment feud")
    new_line.wait_for(texter, PEER_JOINED)
    new_line.send(alex, f"TAKE #{ref}")
    new_line.wait_for(alex, NO_LONGER_WAITING)
    new_line.settle()
    assert relays(new_line, alex, ref) == []
    assert len([b for b in new_line.bodies_to(texter) if PEER_JOINED in b]) == 1


def test_a_conversation_relays_three_texts_each_way_in_order_and_done_closes_it(
    new_line: Line,
) -> None:
    sam, alex, jo = new_line.add_volunteers(["Sam", "Alex"], off_shift=["Jo"])
    texter = new_line.new_texter()
    words = [
        "My neighbour's parrot learned my ringtone",
        "Now every call feels like a trick question",
        "Honestly it is funny and exhausting",
    ]
    replies = [
        "That sounds like a very talented parrot",
        "How long has the ringtone mimicry gone on",
        "Exhausting and funny can both be true",
    ]

    ref = claim(new_line, texter, sam, words[0])
    new_line.send(sam, replies[0])
    new_line.wait_for(texter, replies[0])
    for said, reply in zip(words[1:], replies[1:], strict=True):
        new_line.send(texter, said)
        new_line.wait_for(sam, f"#{ref}: {said}")
        new_line.send(sam, reply)
        new_line.wait_for(texter, reply)

    assert relays(new_line, sam, ref) == words
    assert [b for b in new_line.bodies_to(texter) if b in replies] == replies

    new_line.send(sam, "DONE")
    closing = new_line.wait_for(texter, f"Thank you for texting {new_line.name}")
    assert len(closing) == 1
    new_line.settle()
    goodbye, question = new_line.bodies_to(texter)[-2:]  # the calm moment to ask about the log
    assert goodbye == closing[0] and "Reply YES or NO" in question
    assert relays(new_line, alex, ref) == []
    assert_from_the_line(new_line, texter, sam, alex, jo)
    assert_no_number_shows(new_line, [texter], hidden=[sam, alex, jo])
    assert_no_number_shows(new_line, [sam, alex, jo], hidden=[texter])


def test_texts_sent_back_to_back_arrive_in_order(new_line: Line) -> None:
    sam = new_line.add_volunteer("Sam")
    texter = new_line.new_texter()
    ref = claim(new_line, texter, sam, "Quick question about the night bus")
    burst = [
        "First: the night bus skipped my stop",
        "Second: the driver waved apologetically",
        "Third: I walked home under the streetlights",
    ]
    answers = [
        "Alpha reply about the night bus",
        "Beta reply about the apologetic wave",
        "Gamma reply about the streetlight walk",
    ]

    for body in burst:  # no waiting in between: the relay must keep the order
        new_line.send(texter, body)
    for body in answers:
        new_line.send(sam, body)

    new_line.wait_until(
        "the three texts", sam, lambda _: len(relays(new_line, sam, ref)) >= 1 + len(burst)
    )
    new_line.wait_until(
        "the three answers",
        texter,
        lambda bodies: len([b for b in bodies if b in answers]) >= len(answers),
    )
    new_line.settle()
    assert relays(new_line, sam, ref) == ["Quick question about the night bus", *burst]
    assert [b for b in new_line.bodies_to(texter) if b in answers] == answers


# b. Many peers claiming at the same moment


def test_twenty_peers_claiming_at_the_same_moment_only_one_gets_the_conversation(
    new_line: Line,
) -> None:
    peers = new_line.add_volunteers([f"Peer {n:02d}" for n in range(1, 21)])
    texter = new_line.new_texter()
    words = "Twenty peers, one conversation about my sourdough starter"
    new_line.send(texter, words)
    refs = {new_line.offered_ref(peer) for peer in peers}
    assert len(refs) == 1, f"peers were offered different references: {refs}"
    ref = refs.pop()

    answers = all_at_once([partial(new_line.text, peer, ref) for peer in peers])

    assert [a.status_code for a in answers] == [200] * len(peers)
    new_line.settle()
    winners = [p for p in peers if any(f"You have #{ref}" in b for b in new_line.bodies_to(p))]
    assert len(winners) == 1, f"{len(winners)} peers were told they have #{ref}"
    winner = winners[0]
    assert relays(new_line, winner, ref) == [words]
    for loser in (p for p in peers if p != winner):
        told = new_line.bodies_to(loser)
        assert any(TAKEN in b or NO_LONGER_WAITING in b for b in told), told
        assert relays(new_line, loser, ref) == [], "a peer who lost got the texter's words"
    assert len([b for b in new_line.bodies_to(texter) if PEER_JOINED in b]) == 1
    assert_no_number_shows(new_line, [texter], hidden=peers)
    assert_no_number_shows(new_line, peers, hidden=[texter])
    conversations = new_line.conversations_of(texter)
    assert len(conversations) == 1
    _, _, status, volunteer_id, claimed_at = conversations[0]
    assert (status, volunteer_id) == ("active", new_line.platform.volunteer_id(winner))
    assert claimed_at is not None


# c. Twilio delivering the same text more than once


def test_a_text_delivered_five_times_at_once_is_handled_once(new_line: Line) -> None:
    sam, alex = new_line.add_volunteers(["Sam", "Alex"])
    texter = new_line.new_texter()
    body = "Retry storm: the kettle whistled five times"
    new_line.platform.remember_words(body)
    form = new_line.form(texter, body)
    signature = new_line.sign(form)

    answers = all_at_once([lambda: new_line.post(form, signature)] * 5)

    assert [a.status_code for a in answers] == [200] * 5
    stored = new_line.platform.scalar(
        "SELECT count(*) FROM inbound_messages WHERE message_sid = :sid", sid=form["MessageSid"]
    )
    assert stored == 1
    ref = new_line.offered_ref(sam)
    new_line.settle()
    assert len(new_line.conversations_of(texter)) == 1
    offers = new_line.platform.rows(
        "SELECT o.volunteer_id, count(*) FROM offers o "
        "JOIN conversations c ON c.id = o.conversation_id WHERE c.line_id = :l "
        "GROUP BY o.volunteer_id",
        l=new_line.id,
    )
    assert sorted(count for _, count in offers) == [1, 1]
    for volunteer in (sam, alex):
        assert len([b for b in new_line.bodies_to(volunteer) if "waiting to talk" in b]) == 1
    assert len([b for b in new_line.bodies_to(texter) if "988" in b]) == 1

    new_line.send(sam, ref)
    new_line.wait_for(sam, f"#{ref}: {body}")
    new_line.settle()
    assert relays(new_line, sam, ref) == [body]
    assert relays(new_line, alex, ref) == []


# d. Requests that are not from Twilio


def test_a_text_with_a_missing_or_forged_signature_is_refused_and_goes_nowhere(
    new_line: Line,
) -> None:
    sam = new_line.add_volunteer("Sam")
    texter = new_line.new_texter()
    sign = new_line.sign
    forgeries: list[tuple[str, str, Callable[[dict[str, str]], str | None], dict[str, str]]] = [
        ("no signature header", "Forged one: the moon is made of brie", lambda f: None, {}),
        ("an empty signature", "Forged two: the tide owes me money", lambda f: "", {}),
        ("a made-up signature", "Forged three: pigeons run the post", lambda f: "Zm9yZ2Vk", {}),
        (
            "the wrong auth token",
            "Forged four: my umbrella is sentient",
            lambda f: sign(f, token="0" * 32),
            {},
        ),
        (
            "a signature for another URL",
            "Forged five: the lighthouse keeper is a cat",
            lambda f: sign(f, url="https://evil.example/twilio/sms"),
            {},
        ),
        (
            "a body changed after signing",
            "Forged six: swapped in after signing",
            lambda f: sign({**f, "Body": "an innocent hello"}),
            {},
        ),
        (
            "a parameter added after signing",
            "Forged seven: with a smuggled field",
            sign,
            {"Smuggled": "yes"},
        ),
    ]

    stored_before = new_line.inbound_count()
    for what, body, signature_of, added in forgeries:
        new_line.platform.remember_words(body)
        form = new_line.form(texter, body)
        answer = new_line.post({**form, **added}, signature_of(form))
        assert answer.status_code == 403, f"{what}: answered {answer.status_code}"
        assert new_line.inbound_count() == stored_before, f"{what}: the text was stored"

    legitimate_since = time.monotonic()
    ref = claim(new_line, texter, sam, "Genuine at last: the garden gnome came home")
    new_line.settle()
    assert all(t.arrived_at > legitimate_since for t in new_line.texts_to(texter))
    assert relays(new_line, sam, ref) == ["Genuine at last: the garden gnome came home"]
    everything = [t.body for t in new_line.platform.fake.texts()]
    for what, body, _, _ in forgeries:
        assert not [b for b in everything if body in b], f"{what}: its words were sent"


# e. Redis going away


def test_texts_are_answered_at_once_while_redis_is_down_and_relayed_when_it_returns(
    new_line: Line,
) -> None:
    platform = new_line.platform
    sam = new_line.add_volunteer("Sam")
    texter = new_line.new_texter()
    ref = claim(new_line, texter, sam, "Before the outage: all quiet on the canal")
    new_line.settle()
    during = [
        "During the outage one: the canal froze over",
        "During the outage two: ducks skating now",
        "During the outage three: a heron judges them",
    ]
    reply = "Reply during the outage: heron judges are strict"

    platform.redis.stop()
    try:
        for body in during:
            answer, took = timed(partial(new_line.text, texter, body))
            assert answer.status_code == 200
            assert took < 1.0, f"the webhook took {took:.2f} s with Redis down"
        answer, took = timed(lambda: new_line.text(sam, reply))
        assert answer.status_code == 200 and took < 1.0
        ready = requests.get(platform.web_url + "/readyz", timeout=5)
        assert ready.status_code == 503, "readiness did not notice Redis was down"
    finally:
        platform.redis.start()

    new_line.wait_until(
        "the texts sent while Redis was down",
        sam,
        lambda _: relays(new_line, sam, ref)[1:] == during,
        timeout=REDIS_OUTAGE_RELAY_S,
    )
    new_line.wait_for(texter, reply, timeout=REDIS_OUTAGE_RELAY_S)

    # Once the workers listen again, a text goes through the queue, well before the sweeper.
    def workers_listening() -> bool:
        with platform.redis.client() as client:
            return int(client.info("clients")["blocked_clients"]) >= len(platform.workers)

    wait_for(
        "the workers to wait on the restarted Redis for jobs again",
        workers_listening,
        REDIS_OUTAGE_RELAY_S,
        watch=platform.services,
    )
    wait_for(
        "the web process to be ready again",
        lambda: requests.get(platform.web_url + "/readyz", timeout=2).status_code == 200,
        10,
    )
    after = "After the outage: the canal thawed"
    sent_at = time.monotonic()
    new_line.send(texter, after)
    new_line.wait_for(sam, f"#{ref}: {after}", timeout=RELAY_TIMEOUT)
    arrived = next(t for t in new_line.texts_to(sam) if t.body == f"#{ref}: {after}")
    assert arrived.arrived_at - sent_at < QUEUE_RELAY_S, (
        f"relayed after {arrived.arrived_at - sent_at:.1f} s: the queue is not being worked "
        f"(the sweeper takes over only after {SWEEPER_GRACE_S:.0f} s)"
    )
    new_line.settle()
    assert relays(new_line, sam, ref)[1:] == [*during, after]


# f. Whatever arrives, Twilio gets an answer, never a server error


def test_bad_input_never_gets_a_server_error_and_odd_texts_still_reach_the_peer(
    new_line: Line,
) -> None:
    sam = new_line.add_volunteer("Sam")
    texter = new_line.new_texter()
    long_body = ("A long story about the ferry timetable and the gulls " * 40)[:1600] + "!"
    emoji_rtl = "Emoji and scripts: 💙🌊🫶 שלום עולם مرحبا بالعالم"
    form = new_line.form
    unknown_line = new_line.platform.numbers.new("line")
    cases: list[tuple[str, dict[str, str]]] = [
        ("a From that is not a phone number", form("not a phone number", "Odd sender speaking")),
        ("no From", form("", "Nobody sent this")),
        ("an empty Body", form(texter, "")),
        ("a 1,601-character Body", form(texter, long_body)),
        ("a NUL byte in the Body", form(texter, "Nul\x00byte inside")),
        ("emoji and right-to-left text", form(texter, emoji_rtl)),
        ("a picture with no words", form(texter, "", NumMedia="1")),
        ("an unknown To", {**form(texter, "Wrong number entirely"), "To": unknown_line}),
        ("a To that is not a number", {**form(texter, "To nowhere at all"), "To": "hello"}),
        ("an overlong MessageSid", form(texter, "Overlong sid here", sid="SM" + "f" * 200)),
        ("parameters Twilio added later", form(texter, "Extra fields", FromCity="SPRINGFIELD")),
    ]
    no_sid = form(texter, "Missing sid altogether")
    del no_sid["MessageSid"]
    cases.append(("no MessageSid", no_sid))
    for _, fields in cases:
        new_line.platform.remember_words(fields.get("Body", ""))

    for what, fields in cases:
        answer = new_line.post(fields, new_line.sign(fields))
        assert answer.status_code == 200, f"{what}: answered {answer.status_code}"

    new_line.settle()
    platform = new_line.platform
    platform.assert_services_running()
    conversation = new_line.conversations_of(texter)
    assert len(conversation) == 1
    ref = conversation[0][1]
    new_line.send(sam, ref)
    new_line.wait_for(sam, f"#{ref}: {emoji_rtl}")
    new_line.settle()
    relayed = relays(new_line, sam, ref)
    assert emoji_rtl in relayed
    assert "Nulbyte inside" in relayed
    assert all(len(b) <= 1600 for b in new_line.bodies_to(sam))
    long_parts = [r for r in relayed if r and r in long_body]
    assert len(long_parts) == 2 and " ".join(long_parts) == long_body
    assert "Wrong number entirely" not in " ".join(relayed)


# g. What the platform leaves behind


def test_the_logs_never_show_a_phone_number_or_what_anyone_wrote(
    platform: Platform, new_line: Line
) -> None:
    sam = new_line.add_volunteer("Sam")
    texter = new_line.new_texter()
    ref = claim(new_line, texter, sam, "Log probe: the marmalade incident of Tuesday")
    new_line.send(sam, "Log probe reply: tell me about the marmalade")
    new_line.wait_for(texter, "Log probe reply: tell me about the marmalade")
    new_line.send(sam, "DONE")
    new_line.wait_for(texter, "Thank you for texting")
    new_line.settle()
    assert relays(new_line, sam, ref)

    logs = {process.name: process.output() for process in platform.services}
    assert "POST /twilio/sms" in logs["web"], "the web log was not captured"
    people, words = platform.numbers.people(), platform.words

    def shown(log: str) -> list[str]:
        found = [f for number in people for f in number_forms(number) if f in log]
        return found + [w for w in words if w in log]

    everything_sent = json.dumps([t.as_json() for t in platform.fake.texts()], ensure_ascii=False)
    assert shown(everything_sent), "the check would not notice numbers or words in a log"
    for name, log in logs.items():
        assert shown(log) == [], f"the {name} log shows numbers or what someone wrote"


def test_no_request_or_job_failed_while_people_used_the_line(platform: Platform) -> None:
    for process in platform.services:
        lines = process.output().splitlines()
        at = next((n for n, line in enumerate(lines) if "Traceback" in line), None)
        if at is not None:
            pytest.fail(
                f"{process.name} hit an error:\n{readable(lines[max(0, at - 1) : at + 60])}"
            )


def readable(lines: list[str]) -> str:
    """Log lines as text, a JSON log record shown as its message."""
    shown = []
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            shown.append(line)
        else:
            shown.append(str(record.get("message", line)) if isinstance(record, dict) else line)
    return "\n".join(shown)


def test_twilio_accepted_every_text_the_platform_sent(platform: Platform) -> None:
    recorded = len(platform.fake.texts())
    assert recorded > 0
    received = re.compile(r"post /2010-04-01/Accounts/\w+/Messages\.json .*Request received")

    def prism_saw_them_all() -> bool:
        log = platform.prism.output()[platform.prism_log_start :]
        return len(received.findall(log)) >= recorded

    wait_for("Prism to log every text", prism_saw_them_all, 10)
    log = platform.prism.output()[platform.prism_log_start :]
    assert prism_problems(log) == []
    assert len(received.findall(log)) == recorded, "Prism took texts that never reached Twilio"
    assert platform.fake.problems() == []
    refused = platform.rows(
        "SELECT id, status, error_code FROM outbox WHERE status = 'failed' OR error_code IS NOT NULL"
    )
    assert refused == []
