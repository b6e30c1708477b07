"""Alembic environment: the database comes from Warmline's settings or the caller."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

from warmline.config import load_settings
from warmline.models import Base

config = context.config
target_metadata = Base.metadata


def database_url() -> str:
    """The URL given by the caller, or the one the environment configures."""
    return config.get_main_option("sqlalchemy.url") or load_settings().database_url


def run_offline() -> None:
    """Write SQL instead of running it."""
    context.configure(url=database_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Run the migrations against the database."""
    connectable = engine_from_config(
        {"sqlalchemy.url": database_url()}, prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
