"""The collaborators one process uses: settings, database, queue, transport and keys."""

from __future__ import annotations

from dataclasses import dataclass, field

from warmline.config import Settings, load_settings
from warmline.conversations.incoming import nearby
from warmline.core.clock import utcnow
from warmline.core.crypto import Keyring, Vault
from warmline.core.db import Database
from warmline.core.jobqueue import JobQueue, RedisJobQueue, ThreadJobQueue
from warmline.core.ports import CarrierRecords, Transport, VoiceCarrier
from warmline.lines.cards import LineCards
from warmline.mail.smtp import Mailer, SmtpMailer
from warmline.messaging.pacer import LocalPacer, Pacer, RedisPacer
from warmline.messaging.rules.pacing import Pace
from warmline.messaging.sending import SendPool
from warmline.telephony.caller import carrier_for
from warmline.telephony.records import records_for
from warmline.telephony.sender import ConsoleTransport, TwilioTransport
from warmline.telephony.training import ConsoleRecorder

STATUS_CALLBACK_PATH = "/twilio/sms/status"


@dataclass
class Runtime:
    """Everything a request or a job needs, built once per process."""

    settings: Settings
    db: Database
    queue: JobQueue
    transport: Transport
    vault: Vault
    keyring: Keyring
    pacer: Pacer | None = None
    # Only `warmline worker` sends on threads (`start_sending`); elsewhere a send is a queued job.
    sends: SendPool | None = None
    # Coordinators' alert e-mails; None without SMTP_URL.
    mailer: Mailer | None = None
    line_cards: LineCards = field(default_factory=LineCards)

    @property
    def announces_inbound(self) -> bool:
        """Whether a stored text is announced by PostgreSQL for a worker to queue (RQ on it)."""
        return isinstance(self.queue, RedisJobQueue) and self.db.announces

    @property
    def voice(self) -> VoiceCarrier:
        """Call-backs and recordings, through the same Twilio client as the texts."""
        return carrier_for(self.transport, self.settings.public_url)

    @property
    def records(self) -> CarrierRecords:
        """The carrier's stored copies of messages, for the retention purge."""
        return records_for(self.transport)


_current: Runtime | None = None


def build(settings: Settings) -> Runtime:
    """Wire the collaborators the settings describe."""
    queue: JobQueue = (
        ThreadJobQueue() if settings.redis_url is None else RedisJobQueue(settings.redis_url)
    )
    db = Database(settings.database_url, **_pool_options(settings))
    vault = Vault(settings.data_keys)
    keyring = Keyring(settings.hmac_key, settings.older_hmac_keys)
    transport: Transport
    if settings.uses_twilio:
        assert settings.twilio_account_sid is not None
        transport = TwilioTransport(
            settings.twilio_account_sid,
            settings.twilio_auth_token,
            settings.twilio_api_base_url,
            settings.public_url + STATUS_CALLBACK_PATH,
            connections=settings.send_concurrency,
        )
    else:
        recorder = None if settings.production else ConsoleRecorder(db, keyring, vault)
        transport = ConsoleTransport(remember=recorder)
    return Runtime(
        settings=settings,
        db=db,
        queue=queue,
        transport=transport,
        vault=vault,
        keyring=keyring,
        pacer=_pacer(settings, queue),
        mailer=SmtpMailer(settings.smtp) if settings.smtp is not None else None,
    )


def start_sending(rt: Runtime) -> SendPool:
    """Give this process a pool of SEND_CONCURRENCY threads that its send jobs hand texts to."""
    if isinstance(rt.transport, TwilioTransport):
        # Built here, before any send thread exists: what its imports allocate then stays on this
        # thread's heap rather than in a send thread's own malloc arena, and proxy settings are
        # read at start as before.
        rt.transport.connect()
    rt.sends = SendPool(
        rt.db, rt.vault, rt.transport, rt.queue, utcnow, rt.pacer, rt.settings.send_concurrency
    )
    return rt.sends


def _pool_options(settings: Settings) -> dict[str, int | bool]:
    """Database connections enough for every send in flight, the jobs, the texts processed
    nearby and the sweeper."""
    if settings.database_url.startswith("sqlite"):
        return {}
    # Kept open, not overflow: SQLAlchemy closes an overflow connection as soon as it is returned,
    # so each send beyond the pool would pay for a new PostgreSQL backend. A pool opens its
    # connections only as they are wanted, so a web process still holds the one or two it uses.
    # Last in, first out: the connections in use are the few warm ones, and the rest stay idle
    # rather than each filling its own cache of prepared statements in turn.
    return {
        "pool_size": settings.send_concurrency + nearby.THREADS + 5,
        "max_overflow": 10,
        "pool_use_lifo": True,
    }


def _pacer(settings: Settings, queue: JobQueue) -> Pacer | None:
    """The buckets that pace Twilio texts, at SEND_RATE_PER_S unless a line sets its own."""
    # The console transport has no carrier to be kind to: it is never paced, whatever a line's
    # own rate says, so there is no pacer at all.
    if not settings.uses_twilio:
        return None
    pace = Pace(settings.send_rate_per_s, settings.send_burst)
    return RedisPacer(queue.redis, pace) if isinstance(queue, RedisJobQueue) else LocalPacer(pace)


def install(runtime: Runtime | None) -> None:
    """Make `runtime` the one this process's jobs use."""
    global _current
    _current = runtime


def current() -> Runtime:
    """This process's runtime, built from the environment on first use."""
    global _current
    if _current is None:
        _current = build(load_settings())
    return _current
