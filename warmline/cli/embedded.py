"""The embedded default: one process with web, an in-process queue and worker, and the sweeper."""

from __future__ import annotations

import logging
import threading

from warmline import create_app
from warmline.cli import demo
from warmline.config import Settings
from warmline.core import migrate
from warmline.core.clock import utcnow
from warmline.core.jobqueue import ThreadJobQueue
from warmline.ops.sweeper import sweep_forever

log = logging.getLogger(__name__)


def serve(settings: Settings, host: str, port: int) -> None:
    """Migrate, seed the demo line if the database is empty, and serve until interrupted."""
    if settings.production:
        raise SystemExit("`warmline run` is the embedded default; production uses the Procfile")
    settings.instance_path.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(settings.database_url)
    app = create_app(settings)
    rt = app.extensions["warmline"]
    with rt.db.session() as session:
        if demo.seed_if_empty(session, rt.keyring, rt.vault, utcnow()):
            log.info("seeded the demo line (try `warmline simulate` in another terminal)")
        demo.keep_demo_on_shift(session, rt.keyring, utcnow())
        password = demo.seed_coordinator_if_none(session, utcnow())

    stop = threading.Event()
    if isinstance(rt.queue, ThreadJobQueue):
        rt.queue.start()
        threading.Thread(target=sweep_forever, args=(rt, stop), name="sweeper", daemon=True).start()
    else:
        log.warning("REDIS_URL is set: run `warmline worker` beside this process")
    transport = "console" if not settings.uses_twilio else "Twilio"
    print(
        f"Warmline on http://{host}:{port} (database {settings.database_url.split(':')[0]}, "
        f"{'embedded queue' if settings.embedded else 'Redis queue'}, {transport} transport)"
    )
    if password is not None:
        # Shown this once: the database keeps only its hash.
        print(
            f"Sign in at http://{host}:{port}/signin as {demo.DEMO_COORDINATOR} with the password "
            f"{password} (shown once; `warmline coordinator reset {demo.DEMO_COORDINATOR}` "
            "sets another)"
        )
    try:
        app.run(host=host, port=port, use_reloader=False, threaded=True)
    finally:
        stop.set()
