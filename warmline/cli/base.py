"""The `warmline` command group and what every subcommand shares: settings, runtime, errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module

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


# The module that defines each command: a process loads only the one its command needs, so a
# worker started as `warmline worker` carries none of the other commands' code (0.3 MB).
COMMAND_MODULES: dict[str, str] = {
    "keys": "access",
    "contact": "access",
    "coordinator": "coordinator",
    "line": "lines",
    "volunteer": "lines",
    "resource": "lines",
    "shift": "rota",
    "db": "operations",
    "run": "operations",
    "worker": "operations",
    "simulate": "operations",
    "doctor": "operations",
    "twilio": "operations",
}


class CommandsByModule(click.Group):
    """A group that loads a command's module when the command is named (all of them for help)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        for module in sorted(set(COMMAND_MODULES.values())):
            import_module(f"warmline.cli.{module}")
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if module := COMMAND_MODULES.get(cmd_name):
            import_module(f"warmline.cli.{module}")
        return super().get_command(ctx, cmd_name)


@click.group(cls=CommandsByModule)
def main() -> None:
    """Warmline: a peer-run SMS and voice line."""
