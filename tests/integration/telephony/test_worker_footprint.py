"""What each process carries in memory: the modules it loads to do its work, nothing more.

Each process has the memory it was sized for (README, Sizing), and every module a process loads
stays in it for good. A worker keeps out the dashboard's web stack and twilio-python's classes
for every resource of an account; a web process keeps out what only a worker uses (the language
detector, the jobs, Twilio's REST client) and the library only a sign-in uses. Run in a fresh
interpreter, since this test process has loaded them all.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue
from rq.serializers import JSONSerializer

from tests.conftest import ACCOUNT_SID, AUTH_TOKEN
from tests.e2e.fake_twilio import FakeTwilio
from tests.fresh_interpreter import last_json
from warmline.core import migrate
from warmline.core.clock import utcnow
from warmline.core.db import Database
from warmline.core.jobqueue import PROCESS_INBOUND, QUEUE_NAME
from warmline.lines.lines import add_line

# Started and sent a text, a worker has loaded none of these (nor anything inside them).
NEVER_IN_A_WORKER = [
    "flask",
    "flask_wtf",
    "flask_babel",
    "jinja2",
    "argon2",
    "alembic",
    # requests' encoding guesser: Twilio answers JSON, read as UTF-8 without guessing.
    "charset_normalizer",
    "icalendar",
    "gunicorn",
    # Only the development tools install greenlet; the worker runs no greenlets either way.
    "greenlet",
    # Catalogues are read with the standard library's gettext: Babel's dates, numbers and
    # time zones stay out (the texts' few CLDR words come from a file of their own).
    "babel.support",
    "babel.dates",
    "pytz",
    # TwiML is the web's to write; a worker placing a call back needs only the callback URLs.
    "twilio.twiml",
    "twilio.rest.api.v2010.account.call",
    "twilio.rest.api.v2010.account.message",
    "twilio.rest.api.v2010.account.recording",
    # The other operator commands: `warmline worker` loads only the module that defines it.
    "warmline.cli.access",
    "warmline.cli.coordinator",
    "warmline.cli.lines",
    "warmline.cli.rota",
]
WORKER_SENDS_A_TEXT = """
import json, sys
import click
from warmline.cli import main
with click.Context(main) as ctx:  # as `warmline worker` finds its command
    main.get_command(ctx, "worker")
import workers.jobs, workers.main
workers.main._without_greenlet()
import rq, rq.serializers  # as workers.main.run imports them
from warmline.telephony.sender import TwilioTransport

base_url, account_sid, auth_token = sys.argv[1:4]
transport = TwilioTransport(account_sid, auth_token, base_url, "https://w.example.org/s")
sid = transport.send(from_number="+15550601111", to_number="+15550602222", body="hi", label="t")
from warmline.core import refusals
refused = refusals.translate("give the text in quotes, or --reset", "es")
# A name kept out of the process stays in sys.modules as None: not loaded.
loaded = sorted(name for name, module in sys.modules.items() if module is not None)
print(json.dumps({"sid": sid, "refused": refused, "modules": loaded}))
"""


# Started and answered a text, a web process has loaded none of these (nor anything inside them).
NEVER_IN_A_WEB_PROCESS = [
    "workers",
    "lingua",
    "twilio.rest",
    "twilio.http",
    "requests",
    "urllib3",
    "limits",
]
LINE = "+15550601111"
WEB_TAKES_A_TEXT = """
import json, sys
from twilio.request_validator import RequestValidator
from warmline import create_app

public_url, auth_token = sys.argv[1:3]
app = create_app()
form = {"MessageSid": "SM" + "0" * 32, "From": "+15550602222", "To": "+15550601111",
        "Body": "hi", "NumMedia": "0"}
signature = RequestValidator(auth_token).compute_signature(public_url + "/twilio/sms", form)
answer = app.test_client().post("/twilio/sms", data=form, headers={"X-Twilio-Signature": signature})
print(json.dumps({"status": answer.status_code, "modules": sorted(sys.modules)}))
"""


@pytest.fixture
def carrier() -> Iterator[FakeTwilio]:
    fake = FakeTwilio(ACCOUNT_SID, AUTH_TOKEN)
    fake.start()
    yield fake
    fake.stop()


def among(packages: Iterable[str], loaded: set[str]) -> list[str]:
    """Those of `packages` that were loaded, whole or any module of theirs."""
    return [
        name for name in packages if name in loaded or any(m.startswith(name + ".") for m in loaded)
    ]


def test_a_worker_that_sends_a_text_loads_neither_the_web_nor_twilio_s_other_resources(
    carrier: FakeTwilio,
) -> None:
    answer = last_json(WORKER_SENDS_A_TEXT, carrier.url, ACCOUNT_SID, AUTH_TOKEN)

    # The text reached the carrier, and the sid it gave is the one kept.
    assert [(t.to, t.body) for t in carrier.texts()] == [("+15550602222", "hi")]
    assert answer["sid"].startswith("SM")
    # A refusal is still read in Spanish from its catalogue, without Babel's reader.
    assert answer["refused"].startswith("da el texto")
    loaded = set(answer["modules"])
    assert "workers.main" in loaded and "rq" in loaded
    assert among(NEVER_IN_A_WORKER, loaded) == []


@pytest.fixture
def queue(redis_url: str) -> Iterator[Queue]:
    redis = Redis.from_url(redis_url)
    redis.flushdb()
    yield Queue(QUEUE_NAME, connection=redis, serializer=JSONSerializer)
    redis.flushdb()


def test_a_web_process_that_takes_a_text_loads_neither_the_worker_nor_twilio_s_rest_client(
    tmp_path: Path, redis_url: str, queue: Queue
) -> None:
    database_url = f"sqlite:///{tmp_path / 'warmline.sqlite3'}"
    migrate.upgrade(database_url)
    db = Database(database_url)
    with db.session() as session:
        add_line(session, number_raw=LINE, name="Footprint", timezone="UTC", now=utcnow())
        session.commit()
    db.engine.dispose()
    public_url = "https://w.example.org"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "WARMLINE_"))},
        "WARMLINE_ENV": "development",
        "WARMLINE_INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "PUBLIC_URL": public_url,
    }
    answer = last_json(WEB_TAKES_A_TEXT, public_url, AUTH_TOKEN, env=env)

    # Twilio was answered, and the text waits for a worker to process it.
    assert answer["status"] == 200
    assert [job.func_name for job in queue.get_jobs()] == [PROCESS_INBOUND]
    loaded = set(answer["modules"])
    assert "warmline.telephony.webhooks" in loaded
    assert among(NEVER_IN_A_WEB_PROCESS, loaded) == []
