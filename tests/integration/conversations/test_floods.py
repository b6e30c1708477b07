"""A texter who floods the line: their texts are gathered for their peer, nobody else waits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest

from tests.conftest import TwilioRequest
from tests.integration.conftest import Line
from tests.integration.conversations.test_sms_flow import ALEX, RILEY, SAM, TEXTER, ref_offered
from warmline.core import metrics
from warmline.core.clock import utcnow
from warmline.ops.sweeper import sweep
from warmline.telephony import webhooks
from workers import jobs

OTHER = "+15550009002"
CARRIER = timedelta(milliseconds=150)  # how long the carrier takes to accept each text


@dataclass
class Carrier:
    """Time in the test's hand: it moves only when the carrier takes a text (or the test says)."""

    start: datetime = field(default_factory=lambda: utcnow().replace(microsecond=0))
    now: datetime = field(init=False)
    sent: list[tuple[datetime, str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.now = self.start

    def __call__(self) -> datetime:
        return self.now

    def at(self, seconds: float) -> None:
        self.now = self.start + timedelta(seconds=seconds)

    def seconds(self, when: datetime) -> float:
        return (when - self.start).total_seconds()

    def take(self, request: TwilioRequest) -> None:
        if request.url.endswith("/Messages.json"):
            self.sent.append((self.now, request.data["To"], request.data["Body"]))
            self.now += CARRIER

    def when_sent(self, to: str, body: str) -> float:
        return next(
            self.seconds(at) for at, number, text in self.sent if (number, text) == (to, body)
        )


@pytest.fixture
def carrier(line: Line, monkeypatch: pytest.MonkeyPatch) -> Carrier:
    """Sam talking with the texter, Alex with another texter, Riley on call; a 150 ms carrier."""
    carrier = Carrier()
    monkeypatch.setattr(jobs, "utcnow", carrier)
    monkeypatch.setattr(webhooks, "utcnow", carrier)
    line.fake.on_request = carrier.take
    line.add_volunteer("Sam", SAM)
    line.add_volunteer("Riley", RILEY, role="coordinator")
    line.text(TEXTER, "hi")
    line.text(SAM, ref_offered(line, SAM))
    line.add_volunteer("Alex", ALEX)
    line.text(OTHER, "hello")
    line.text(ALEX, ref_offered(line, ALEX))
    return carrier


def ref_of(line: Line, peer: str) -> str:
    """The reference of the conversation `peer` took."""
    taken = [b for b in line.sent_to(peer) if b.startswith("You have #")]
    return taken[-1].removeprefix("You have #")[:3]


def flood(line: Line, carrier: Carrier, start: float, texts: list[str]) -> None:
    """The texter sends `texts` 50 ms apart from `start` seconds on; nothing is processed yet."""
    for n, words in enumerate(texts):
        carrier.at(start + n * 0.05)
        assert line.post_sms(TEXTER, words).status_code == 200


def relayed_lines(line: Line, ref: str) -> list[str]:
    """The texter's words as their peer read them, one text per line, in order."""
    prefix = f"#{ref}: "
    words = "\n".join(b.removeprefix(prefix) for b in line.sent_to(SAM) if b.startswith(prefix))
    return [w for w in words.split("\n") if w.startswith("line ")]


def gathered_count() -> float:
    return metrics.registry().get_sample_value("warmline_texts_gathered_total") or 0.0


def test_a_flooding_texter_does_not_delay_another_texters_relay(
    line: Line, carrier: Carrier
) -> None:
    other_ref = ref_of(line, ALEX)
    flood(line, carrier, 10, [f"line {n:02d}" for n in range(60)])
    carrier.at(13)
    assert line.post_sms(OTHER, "are you still there?").status_code == 200
    line.drain()  # the flooder's 60 jobs are queued before the other texter's one

    # Sent one by one, the flood alone would keep the carrier busy for 9 s.
    assert carrier.when_sent(ALEX, f"#{other_ref}: are you still there?") - 13 <= 2


def test_every_flooded_text_reaches_the_peer_in_order_gathered_every_few_seconds(
    line: Line, carrier: Carrier
) -> None:
    ref = ref_of(line, SAM)
    before_sends, before_count = len(line.sent_to(SAM)), gathered_count()
    texts = [f"line {n:02d}" for n in range(60)]
    flood(line, carrier, 10, texts[:30])
    line.drain()
    assert len(line.sent_to(SAM)) == before_sends  # gathered, not one send per text
    carrier.at(12)
    assert line.post_sms(TEXTER, texts[30]).status_code == 200
    line.drain()
    for seconds in (14, 16, 18):
        carrier.at(seconds)
        sweep(line.rt, clock=carrier)
        line.drain()
    after_first = len(line.sent_to(SAM))
    assert after_first == before_sends + 1  # one relay carrying the 31 so far
    flood(line, carrier, 20, texts[31:])
    line.drain()
    for seconds in (22, 24, 26, 28):
        carrier.at(seconds)
        sweep(line.rt, clock=carrier)
        line.drain()

    assert relayed_lines(line, ref) == texts
    assert len(line.sent_to(SAM)) == after_first + 1
    assert gathered_count() == before_count + 60


def test_crisis_words_inside_a_flood_act_at_once(line: Line, carrier: Carrier) -> None:
    ref = ref_of(line, SAM)
    texts = [f"line {n:02d}" for n in range(30)]
    flood(line, carrier, 10, texts)
    carrier.at(12)
    assert line.post_sms(TEXTER, "line 30 I want to kill myself").status_code == 200
    line.drain()  # no sweep: nothing waits for the gathering timer

    assert line.sent_to(RILEY) == [
        f"Test Warmline: crisis words in #{ref}. Please check in with the peer or the queue."
    ]
    assert any("988" in body for body in line.sent_to(TEXTER)[-2:])
    assert relayed_lines(line, ref) == [*texts, "line 30 I want to kill myself"]


def test_texts_gathered_when_the_peer_ends_the_conversation_still_reach_them(
    line: Line, carrier: Carrier
) -> None:
    ref = ref_of(line, SAM)
    texts = [f"line {n:02d}" for n in range(25)]
    flood(line, carrier, 10, texts)
    line.drain()
    carrier.at(12)
    line.text(SAM, "DONE")

    assert relayed_lines(line, ref) == texts
    closed = [i for i, b in enumerate(line.sent_to(SAM)) if f"#{ref}" in b and "closed" in b]
    gathered = [i for i, b in enumerate(line.sent_to(SAM)) if b.startswith(f"#{ref}: line")]
    assert closed and gathered and max(gathered) < min(closed)


def test_a_peer_who_takes_a_flooded_conversation_gets_the_waiting_texts_in_one_relay(
    line: Line, carrier: Carrier
) -> None:
    waiting = "+15550009003"
    texts = [f"line {n:02d}" for n in range(30)]
    for n, words in enumerate(texts):
        carrier.at(10 + n * 0.05)
        assert line.post_sms(waiting, words).status_code == 200
    line.drain()
    ref = ref_offered(line, SAM)
    line.text(SAM, ref)

    relays = [b for b in line.sent_to(SAM) if b.startswith(f"#{ref}: ")]
    assert relays == [f"#{ref}: " + "\n".join(texts)]
