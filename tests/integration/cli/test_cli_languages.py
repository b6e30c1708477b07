"""Languages from the command line: a line's languages and default, and a volunteer's."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import create_engine, text

from tests.integration.cli.test_cli import run, warmline  # noqa: F401 (the fixture)

LINE = "+15550001111"


def stored(tmp_path: Path, query: str) -> tuple[object, ...]:
    """One row of the CLI's database."""
    engine = create_engine(f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    with engine.connect() as conn:
        row = tuple(conn.execute(text(query)).one())
    engine.dispose()
    return row


def a_line(runner: CliRunner) -> None:
    run(runner, "line", "add", "--number", LINE, "--name", "L", "--timezone", "UTC")


def test_a_line_can_serve_spanish_first(warmline: CliRunner, tmp_path: Path) -> None:  # noqa: F811
    a_line(warmline)
    assert stored(tmp_path, "SELECT languages, default_language FROM lines") == ("en,es", "en")

    result = run(warmline, "line", "set", LINE, "languages=ES, en", "default_language=es")

    assert result.exit_code == 0, result.output
    assert stored(tmp_path, "SELECT languages, default_language FROM lines") == ("es,en", "es")


def test_line_languages_are_refused_with_a_clear_sentence(
    warmline: CliRunner,  # noqa: F811
    tmp_path: Path,
) -> None:
    a_line(warmline)
    for setting, said in (
        ("languages=en,fr", "'fr' is not a language this line knows (use en, es)"),
        ("languages=", "Give at least one language"),
        ("default_language=fr", "default_language must be one language code: en, es"),
        ("languages=es", "default_language 'en' is not one of the line's languages (es)"),
    ):
        result = run(warmline, "line", "set", LINE, setting)
        assert result.exit_code == 1, setting
        assert said in result.output, result.output
        assert len(result.output.strip().splitlines()) == 1
    assert stored(tmp_path, "SELECT languages, default_language FROM lines") == ("en,es", "en")


def test_a_volunteer_languages_are_set_easiest_first(
    warmline: CliRunner,  # noqa: F811
    tmp_path: Path,
) -> None:
    run(warmline, "volunteer", "add", "--name", "Sam", "--phone", "555.000.2222")
    assert stored(tmp_path, "SELECT languages FROM volunteers") == ("en",)

    result = run(warmline, "volunteer", "languages", "--phone", "(555) 000-2222", "es,en")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "languages of Sam: es, en"
    assert stored(tmp_path, "SELECT languages FROM volunteers") == ("es,en",)

    refused = run(warmline, "volunteer", "languages", "--phone", "555.000.2222", "klingon")
    assert refused.exit_code == 1 and "'klingon' is not a language" in refused.output
    assert stored(tmp_path, "SELECT languages FROM volunteers") == ("es,en",)
