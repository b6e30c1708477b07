"""The operator command finds every command in the module that defines it, and loads no other."""

from __future__ import annotations

import click
from click.testing import CliRunner

from tests.fresh_interpreter import last_json
from warmline.cli.base import COMMAND_MODULES, main


def test_every_command_is_found_in_the_module_that_defines_it() -> None:
    # Listing loads every module the map names; a command missing from the map shows up here.
    with click.Context(main) as ctx:
        listed = main.list_commands(ctx)
    defined = {name: getattr(main.commands[name].callback, "__module__", None) for name in listed}
    assert defined == {name: f"warmline.cli.{module}" for name, module in COMMAND_MODULES.items()}


NAMES_ONE_COMMAND = """
import json, sys
import click
from warmline.cli import main
with click.Context(main) as ctx:
    found = main.get_command(ctx, sys.argv[1])
print(json.dumps({"found": found is not None and found.name,
                  "cli": sorted(m for m in sys.modules if m.startswith("warmline.cli."))}))
"""


def _name(command: str) -> dict[str, object]:
    return last_json(NAMES_ONE_COMMAND, command)


def test_a_worker_loads_only_its_own_commands_module() -> None:
    assert _name("worker") == {
        "found": "worker",
        "cli": ["warmline.cli.base", "warmline.cli.operations"],
    }
    assert _name("shift") == {"found": "shift", "cli": ["warmline.cli.base", "warmline.cli.rota"]}


def test_help_lists_every_command_and_a_mistyped_one_is_refused() -> None:
    runner = CliRunner()
    listed = runner.invoke(main, ["--help"])
    assert listed.exit_code == 0
    for name in COMMAND_MODULES:
        assert f"  {name} " in listed.output
    mistyped = runner.invoke(main, ["wroker"])
    assert mistyped.exit_code == 2
    assert "No such command 'wroker'" in mistyped.output
