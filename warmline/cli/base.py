"""The `warmline` command group and what every subcommand shares: settings, runtime, errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from warmline import config, runtime
from warmline.config import ConfigError, Settings
from warmline.core.errors import InvalidInput
from warmline.runtime import Runtime


def load_settings(development_default: bool = False) -> Settings:
    """The settings from the environment, or one line on stderr and exit code 1."""
    try:
        return config.load_settings(development_default=development_default)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


@contextmanager
def opened_runtime() -> Iterator[Runtime]:
    """This process's collaborators, installed for the jobs it runs."""
    rt = runtime.build(load_settings())
    runtime.install(rt)
    yield rt


@contextmanager
def operator_errors() -> Iterator[None]:
    """Turn refused input into one line on stderr and exit code 1."""
    try:
        yield
    except InvalidInput as exc:
        raise click.ClickException(str(exc)) from None


@click.group()
def main() -> None:
    """Warmline: a peer-run SMS and voice line."""
