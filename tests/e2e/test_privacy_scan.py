"""A privacy scan of the running platform: after real conversations, a voicemail and the purge,
the texters' numbers and words are nowhere — not in the database, not in Redis, not in the logs.

Before the purge the same scan finds the numbers only encrypted, and the words not at all.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from redis import Redis
from sqlalchemy import LargeBinary, create_engine, select, text
from twilio.rest import Client

from tests.conftest import PG_ADMIN_URL
from tests.e2e.deployment import number_forms
from tests.e2e.voice_harness import VoicePlatform, deploy
from tests.twilio_voice import TwilioPlayer
from warmline.core.crypto import Vault
from warmline.core.db import Database
from warmline.models import Base
from warmline.privacy import retention
from warmline.telephony.caller import TwilioVoiceCarrier
from warmline.telephony.records import TwilioRecords
from warmline.telephony.rest import AccountResources
from warmline.telephony.rest_http import RebasedHttpClient
from warmline.voice import voicemail

pytestmark = pytest.mark.e2e

LINE = "+15550501111"
SAM = "+15550502222"
CONSENTING = "+15550509001"
DECLINING = "+15550509002"
CALLER = "+15550509003"
TEXTERS = (CONSENTING, DECLINING, CALLER)
WORDS = (
    "my sister's wedding keeps me awake at night",
    "the job interview went badly again today",
    "I have not told anyone about the letter",
    "thank you for staying with me tonight",
)
PEER_WORDS = "that sounds like a heavy week to carry"
REF = re.compile(r"#([A-Z][2-9][A-Z])")


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[VoicePlatform, Path]]:
    """The platform with one line and Sam, the only peer, on shift."""
    log_dir = tmp_path_factory.mktemp("privacy-scan")
    for platform in deploy(log_dir):
        platform.cli("line", "add", "--number", LINE, "--name", "Scan Line", "--timezone", "UTC")
        now = datetime.now(UTC)
        platform.cli("volunteer", "add", "--name", "Sam", "--phone", SAM)
        platform.cli(
            "shift", "add", "--line", LINE, "--volunteer", SAM,
            "--start", (now - timedelta(hours=1)).isoformat(timespec="minutes"),
            "--end", (now + timedelta(hours=3)).isoformat(timespec="minutes"),
        )  # fmt: skip
        yield platform, log_dir


def offered_ref(platform: VoicePlatform, seen_before: int) -> str:
    """The reference of the next offer Sam is texted."""

    def offers() -> list[str]:
        return [b for b in platform.fake.texts_to(SAM) if "waiting to talk" in b]

    platform.fake.wait("an offer to Sam", lambda: len(offers()) > seen_before)
    match = REF.search(offers()[-1])
    assert match
    return match.group(1)


def talk(platform: VoicePlatform, texter: str, consent: str, words: tuple[str, str]) -> None:
    """A whole conversation: first words, a claim, replies, DONE, a tag, the consent answer."""
    before = len([b for b in platform.fake.texts_to(SAM) if "waiting to talk" in b])
    platform.text(texter, LINE, words[0])
    ref = offered_ref(platform, before)
    platform.text(SAM, LINE, ref)
    platform.fake.wait(
        "the words to reach Sam", lambda: any(words[0] in b for b in platform.fake.texts_to(SAM))
    )
    platform.text(SAM, LINE, PEER_WORDS)
    platform.fake.wait(
        "Sam's words to reach the texter", lambda: PEER_WORDS in platform.fake.texts_to(texter)
    )
    platform.text(texter, LINE, words[1])
    platform.fake.wait(
        "the reply to reach Sam", lambda: any(words[1] in b for b in platform.fake.texts_to(SAM))
    )
    platform.text(SAM, LINE, "DONE")
    platform.fake.wait(
        "the goodbye",
        lambda: any("Thank you for texting" in b for b in platform.fake.texts_to(texter)),
    )
    platform.text(SAM, LINE, "talked")
    # The goodbye asks about the contact log; the answer comes after it.
    platform.fake.wait(
        "the consent question",
        lambda: any("Reply YES or NO" in b for b in platform.fake.texts_to(texter)),
    )
    platform.text(texter, LINE, consent)
    platform.fake.wait(
        "the answer's reply",
        lambda: any(
            b.startswith(("Thank you. We'll keep", "Okay, we won't keep"))
            for b in platform.fake.texts_to(texter)
        ),
    )


def leave_voicemail(platform: VoicePlatform) -> None:
    """A caller nobody answers leaves a message; it is offered to Sam by text."""
    twilio: TwilioPlayer = platform.twilio()
    call = twilio.call(CALLER, LINE)
    record = call.dial_ends("no-answer")
    assert "Record" in record.verbs()
    recording_sid = "RE" + "cd" * 16
    recording_url = (
        f"https://api.twilio.com/2010-04-01/Accounts/{platform.env['TWILIO_ACCOUNT_SID']}"
        f"/Recordings/{recording_sid}"
    )
    call.leave_message(recording_sid, recording_url, 25)
    call.recording_ready(recording_sid, recording_url, 25)
    call.hang_up()
    platform.fake.wait(
        "the voicemail offer", lambda: any("voicemail" in b for b in platform.fake.texts_to(SAM))
    )


def database_dump(platform: VoicePlatform) -> str:
    """pg_dump of the platform's whole database, as text."""
    url = platform.env["DATABASE_URL"]
    database = url.rsplit("/", 1)[1]
    host = PG_ADMIN_URL.split("@", 1)[1].split("/", 1)[0]
    hostname, _, port = host.partition(":")
    done = subprocess.run(
        ["pg_dump", "-h", hostname, "-p", port or "5432", "-U", "postgres", database],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    return done.stdout


def redis_dump(platform: VoicePlatform) -> str:
    """Every Redis key and value, as text."""
    client = Redis.from_url(platform.env["REDIS_URL"])
    lines = []
    for key in client.scan_iter(count=500):
        kind = client.type(key).decode()
        if kind == "string":
            value: object = client.get(key)
        elif kind == "hash":
            value = client.hgetall(key)
        elif kind == "list":
            value = client.lrange(key, 0, -1)
        elif kind == "set":
            value = client.smembers(key)
        elif kind == "zset":
            value = client.zrange(key, 0, -1)
        else:
            value = kind
        lines.append(f"{key!r} {value!r}")
    return "\n".join(lines)


def logs(log_dir: Path) -> str:
    """What the web and worker processes wrote."""
    return "\n".join(
        p.read_text(errors="replace") for p in log_dir.glob("*.log") if p.stem in ("web", "worker")
    )


def plaintext_findings(haystack: str) -> list[str]:
    """Texters' numbers (every common form) and their words found in `haystack`."""
    needles = [form for number in TEXTERS for form in number_forms(number)] + list(WORDS)
    return [needle for needle in needles if needle in haystack]


def sealed_numbers(platform: VoicePlatform) -> set[str]:
    """Texters' numbers found by decrypting every sealed column in the database."""
    vault = Vault(tuple(platform.env["WARMLINE_DATA_KEY"].split(",")))
    engine = create_engine(platform.env["DATABASE_URL"])
    found: set[str] = set()
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, LargeBinary) and column.name.endswith("_sealed"):
                    for (token,) in conn.execute(select(column).where(column.is_not(None))):
                        opened = vault.open(token)
                        found |= {n for n in TEXTERS if n in opened}
    engine.dispose()
    return found


def purge_as_if(platform: VoicePlatform, later: timedelta) -> None:
    """The worker's purge and voice upkeep, as they will run when `later` has passed."""
    env = platform.env
    resources = AccountResources(
        Client(
            env["TWILIO_ACCOUNT_SID"],
            env["TWILIO_AUTH_TOKEN"],
            http_client=RebasedHttpClient(platform.prism_url),
        )
    )
    db = Database(env["DATABASE_URL"])
    vault = Vault(tuple(env["WARMLINE_DATA_KEY"].split(",")))
    when = datetime.now(UTC) + later
    voicemail.sweep(db, vault, TwilioVoiceCarrier(resources, env["PUBLIC_URL"]), when)
    retention.purge(db, TwilioRecords(resources), when)
    db.engine.dispose()


def test_numbers_and_words_are_only_encrypted_and_after_the_purge_nowhere(
    deployment: tuple[VoicePlatform, Path],
) -> None:
    platform, log_dir = deployment
    talk(platform, CONSENTING, "YES", (WORDS[0], WORDS[1]))
    talk(platform, DECLINING, "NO", (WORDS[2], WORDS[3]))
    leave_voicemail(platform)
    with platform.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM contact_log")).scalar() == 1
        assert conn.execute(text("SELECT sum(contacts) FROM contact_counts")).scalar() >= 2

    before = {
        "database": database_dump(platform),
        "redis": redis_dump(platform),
        "logs": logs(log_dir),
    }
    for where, haystack in before.items():
        assert plaintext_findings(haystack) == [], where
    assert {CONSENTING, DECLINING, CALLER} <= sealed_numbers(platform)  # kept, but only encrypted

    purge_as_if(platform, timedelta(days=8))  # past the 24 h and the 7-day recording windows
    purge_as_if(platform, timedelta(days=366))  # and past the contact log's year
    platform.assert_running()

    after = {
        "database": database_dump(platform),
        "redis": redis_dump(platform),
        "logs": logs(log_dir),
    }
    for where, haystack in after.items():
        assert plaintext_findings(haystack) == [], where
    assert sealed_numbers(platform) == set()
    with platform.engine.connect() as conn:
        for table in (
            "contacts",
            "conversations",
            "inbound_messages",
            "outbox",
            "contact_log",
            "consent_records",
        ):
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0, table
        assert conn.execute(text("SELECT sum(contacts) FROM contact_counts")).scalar() >= 2
    deleted = [
        s.path for s in platform.fake.requests(re.compile(r"/(Messages|Recordings)/"), "DELETE")
    ]
    assert any("/Recordings/" in path for path in deleted)
    assert len([p for p in deleted if "/Messages/" in p]) >= 8  # Twilio's copies of the texts
