"""Alembic, driven from Warmline's own settings."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(database_url: str) -> Config:
    """An Alembic config for our migrations folder and this database."""
    # Alembic (about 10 MB) is imported when used: the worker loads this module, never migrates.
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database to `revision`."""
    from alembic import command

    command.upgrade(alembic_config(database_url), revision)


def heads(database_url: str) -> list[str]:
    """The migration heads (there should be exactly one)."""
    from alembic.script import ScriptDirectory

    return list(ScriptDirectory.from_config(alembic_config(database_url)).get_heads())
