"""What a worker carries in memory: the modules it loads to start and to send a text, nothing more.

Each process has the memory it was sized for (README, Sizing), and every module a worker loads
stays in it for good: the dashboard's web stack, and twilio-python's classes for every resource of
an account, are kept out. Run in a fresh interpreter, since this test process has loaded them all.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ACCOUNT_SID, AUTH_TOKEN
from tests.e2e.fake_twilio import FakeTwilio

REPO = Path(__file__).resolve().parents[3]
# Started and sent a text, a worker has loaded none of these (nor anything inside them).
NEVER_IN_A_WORKER = [
    "flask",
    "flask_wtf",
    "flask_babel",
    "jinja2",
    "argon2",
    "alembic",
    "icalendar",
    "gunicorn",
    "twilio.rest.api.v2010.account.call",
    "twilio.rest.api.v2010.account.message",
    "twilio.rest.api.v2010.account.recording",
]
WORKER_SENDS_A_TEXT = """
import json, sys
import warmline.cli, workers.jobs, workers.main
from warmline.telephony.sender import TwilioTransport

base_url, account_sid, auth_token = sys.argv[1:4]
transport = TwilioTransport(account_sid, auth_token, base_url, "https://w.example.org/s")
sid = transport.send(from_number="+15550601111", to_number="+15550602222", body="hi", label="t")
print(json.dumps({"sid": sid, "modules": sorted(sys.modules)}))
"""


@pytest.fixture
def carrier() -> Iterator[FakeTwilio]:
    fake = FakeTwilio(ACCOUNT_SID, AUTH_TOKEN)
    fake.start()
    yield fake
    fake.stop()


def test_a_worker_that_sends_a_text_loads_neither_the_web_nor_twilio_s_other_resources(
    carrier: FakeTwilio,
) -> None:
    ran = subprocess.run(
        [sys.executable, "-c", WORKER_SENDS_A_TEXT, carrier.url, ACCOUNT_SID, AUTH_TOKEN],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    answer = json.loads(ran.stdout.splitlines()[-1])

    # The text reached the carrier, and the sid it gave is the one kept.
    assert [(t.to, t.body) for t in carrier.texts()] == [("+15550602222", "hi")]
    assert answer["sid"].startswith("SM")
    loaded = set(answer["modules"])
    assert "workers.main" in loaded
    assert [
        name
        for name in NEVER_IN_A_WORKER
        if name in loaded or any(m.startswith(name + ".") for m in loaded)
    ] == []
