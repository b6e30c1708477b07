"""A PostgreSQL server of the fault suite's own, which it may restart without disturbing others."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.e2e.harness import free_port, wait_for


def postgres_bin() -> Path:
    """Debian's PostgreSQL server binaries (initdb, pg_ctl)."""
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not versions:
        raise FileNotFoundError("no /usr/lib/postgresql/*/bin/pg_ctl")
    return versions[-1].parent


class PrivateCluster:
    """initdb in a temporary folder, run as the postgres user on a free port, trust auth."""

    def __init__(self) -> None:
        # Its own folder under /tmp: pytest's are private to root, and the server runs as postgres.
        self.folder = Path(tempfile.mkdtemp(prefix="warmline-postgres-"))
        self.data = self.folder / "data"
        self.socket_dir = self.folder / "socket"
        self.port = free_port()
        self.bin = postgres_bin()

    @property
    def url(self) -> str:
        """The URL of the `warmline` database on this server."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/warmline"

    def create(self) -> None:
        """Make the cluster, start it and create the database."""
        self.socket_dir.mkdir(exist_ok=True)
        shutil.chown(self.folder, "postgres")
        shutil.chown(self.socket_dir, "postgres")
        self._as_postgres(
            [str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"]
        )
        self.start()
        admin = create_engine(
            self.url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE warmline"))
        admin.dispose()

    def start(self) -> None:
        """Start the server and wait until it answers."""
        options = (
            f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c max_connections=200"
        )
        self._as_postgres(
            [str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options,
             "-l", str(self.folder / "postgres.log"), "-w", "start"]
        )  # fmt: skip
        wait_for("the private PostgreSQL to answer", self._answers, 30)

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (`immediate` is a crash)."""
        if (self.data / "postmaster.pid").exists():
            self._as_postgres(
                [str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"]
            )

    def remove(self) -> None:
        """Stop the server for good and delete its files."""
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    def _answers(self) -> bool:
        engine = create_engine(self.url.rsplit("/", 1)[0] + "/postgres")
        try:
            with engine.connect() as conn:
                return conn.execute(text("SELECT 1")).scalar() == 1
        finally:
            engine.dispose()

    def _as_postgres(self, argv: list[str]) -> None:
        runner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*runner, *argv], check=True, capture_output=True, timeout=120)
