"""The operator CLI: clear one-line errors, exit code 1, and nothing half-written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, func, select, text

from warmline import runtime
from warmline.cli import main
from warmline.models import Line, Outbox, Shift, Volunteer


@pytest.fixture
def warmline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """The CLI on a fresh SQLite database of its own, migrated."""
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("WARMLINE_ENV", raising=False)
    monkeypatch.setenv("WARMLINE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    yield runner
    runtime.install(None)


def run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(main, list(args))


def count(model: type, tmp_path: Path) -> int:
    engine = create_engine(f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(model)).scalar_one())


def test_a_line_volunteer_and_shift_can_be_added(warmline: CliRunner, tmp_path: Path) -> None:
    assert (
        run(
            warmline,
            "line",
            "add",
            "--number",
            "(555) 000-1111",
            "--name",
            "Peer Line",
            "--timezone",
            "America/New_York",
        ).exit_code
        == 0
    )
    result = run(warmline, "volunteer", "add", "--name", "Sam", "--phone", "555.000.2222")
    assert result.exit_code == 0, result.output
    result = run(
        warmline,
        "shift",
        "add",
        "--line",
        "+15550001111",
        "--volunteer",
        "(555) 000-2222",
        "--start",
        "2027-11-30T18:00",
        "--end",
        "2027-11-30T22:00",
    )
    assert result.exit_code == 0, result.output
    engine = create_engine(f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    with engine.connect() as conn:
        starts, ends = conn.execute(text("SELECT starts_at, ends_at FROM shifts")).one()
    assert str(starts).startswith("2027-11-30 23:00") and str(ends).startswith("2027-12-01 03:00")


def test_line_set_changes_named_settings(warmline: CliRunner, tmp_path: Path) -> None:
    run(warmline, "line", "add", "--number", "+15550001111", "--name", "L", "--timezone", "UTC")
    result = run(
        warmline, "line", "set", "+15550001111", "offer_timeout_s=60", "escalate_timeout_s=180"
    )
    assert result.exit_code == 0 and "offer_timeout_s=60" in result.output


def test_line_set_gives_the_reopen_window_and_refuses_a_bad_one(
    warmline: CliRunner, tmp_path: Path
) -> None:
    run(warmline, "line", "add", "--number", "+15550001111", "--name", "L", "--timezone", "UTC")
    engine = create_engine(f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT reopen_window_s FROM lines")).scalar_one() == 600
    result = run(warmline, "line", "set", "+15550001111", "reopen_window_s=0")
    assert result.exit_code == 0 and "reopen_window_s=0" in result.output
    with engine.connect() as conn:
        assert conn.execute(text("SELECT reopen_window_s FROM lines")).scalar_one() == 0
    engine.dispose()
    assert run(warmline, "line", "set", "+15550001111", "reopen_window_s=-5").exit_code == 1


def send_rate(tmp_path: Path) -> float | None:
    """The test line's own send rate as stored (None: SEND_RATE_PER_S)."""
    engine = create_engine(f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    with engine.connect() as conn:
        rate: float | None = conn.execute(text("SELECT send_rate_per_s FROM lines")).scalar_one()
    engine.dispose()
    return rate


def test_line_set_gives_a_line_its_own_send_rate_and_default_clears_it(
    warmline: CliRunner, tmp_path: Path
) -> None:
    run(warmline, "line", "add", "--number", "+15550001111", "--name", "L", "--timezone", "UTC")
    assert send_rate(tmp_path) is None
    for given, said, stored in (
        ("3", "3", 3.0),
        ("0.5", "0.5", 0.5),
        ("1000", "1000", 1000.0),
        ("0", "0", 0.0),  # unpaced: not the same as the default
        ("default", "default", None),
        ("3", "3", 3.0),
        ("", "default", None),
    ):
        result = run(warmline, "line", "set", "+15550001111", f"send_rate_per_s={given}")
        assert result.exit_code == 0, result.output
        assert result.output.strip() == f"set send_rate_per_s={said}"
        assert send_rate(tmp_path) == stored, given


RATE = "send_rate_per_s must be a number from 0 to 1000"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("line", "add", "--number", "12", "--name", "L", "--timezone", "UTC"),
            "is not a phone number",
        ),
        (
            ("line", "add", "--number", "+15550007777", "--name", "L", "--timezone", "Mars/Base"),
            "unknown time zone",
        ),
        (
            ("line", "add", "--number", "+15550001111", "--name", "Dup", "--timezone", "UTC"),
            "already exists",
        ),
        (("line", "set", "+15550009999", "offer_timeout_s=60"), "no line with number"),
        (("line", "set", "+15550001111", "offer_timeout_s=soon"), "whole number"),
        (("line", "set", "+15550001111", "offer_timeout_s=60", "colour=blue"), "unknown setting"),
        (("line", "set", "+15550001111", "offer_timeout_s=900"), "timeouts must grow"),
        (("line", "set", "+15550001111", "offer_timeout_s=60", "send_rate_per_s=-1"), RATE),
        (("line", "set", "+15550001111", "send_rate_per_s=fast"), RATE),
        (("line", "set", "+15550001111", "send_rate_per_s=nan"), RATE),
        (("line", "set", "+15550001111", "send_rate_per_s=inf"), RATE),
        (("line", "set", "+15550001111", "send_rate_per_s=1001"), RATE),
        (("line", "set", "+15550001111", "send_rate_per_s=1e3"), RATE),
        (("volunteer", "add", "--name", "Jo", "--phone", "not-a-number"), "is not a phone number"),
        (("volunteer", "add", "--name", "Again", "--phone", "+15550002222"), "already exists"),
        (
            (
                "shift",
                "add",
                "--line",
                "+15550001111",
                "--volunteer",
                "+15550003333",
                "--start",
                "2027-11-30T18:00",
                "--end",
                "2027-11-30T22:00",
            ),
            "no volunteer",
        ),
        (
            (
                "shift",
                "add",
                "--line",
                "+15550001111",
                "--volunteer",
                "+15550002222",
                "--start",
                "2027-11-30T22:00",
                "--end",
                "2027-11-30T18:00",
            ),
            "--end must be after --start",
        ),
        (
            (
                "shift",
                "add",
                "--line",
                "+15550001111",
                "--volunteer",
                "+15550002222",
                "--start",
                "2027-11-30T18:00",
                "--end",
                "2027-11-30T18:00",
            ),
            "--end must be after --start",
        ),
        (
            (
                "shift",
                "add",
                "--line",
                "+15550001111",
                "--volunteer",
                "+15550002222",
                "--start",
                "tomorrow",
                "--end",
                "2027-11-30T18:00",
            ),
            "is not a date and time",
        ),
        (
            (
                "shift",
                "add",
                "--line",
                "+15550001111",
                "--volunteer",
                "+15550002222",
                "--start",
                "2026-03-08T02:30",
                "--end",
                "2026-03-08T05:00",
            ),
            "does not exist",
        ),
        (
            (
                "shift",
                "add",
                "--line",
                "+15550001111",
                "--volunteer",
                "+15550002222",
                "--start",
                "2027-11-30T19:00",
                "--end",
                "2027-11-30T23:00",
            ),
            "overlaps",
        ),
        (
            (
                "shift",
                "add",
                "--line",
                "+15550001111",
                "--volunteer",
                "+15550002222",
                "--start",
                "2027-12-01T19:00",
                "--end",
                "2027-12-01T23:00",
                "--role",
                "boss",
            ),
            "--role must be one of",
        ),
        (
            (
                "shift",
                "add",
                "--line",
                "+15550001111",
                "--volunteer",
                "+15550002222",
                "--start",
                "2027-12-01T19:00",
                "--end",
                "2027-12-01T23:00",
                "--until",
                "2027-01-01",
            ),
            "--until goes with --weekly",
        ),
        (
            (
                "shift",
                "add",
                "--line",
                "+15550001111",
                "--volunteer",
                "+15550002222",
                "--start",
                "2027-12-01T19:00",
                "--end",
                "2027-12-01T23:00",
                "--weekly",
                "--until",
                "soon",
            ),
            "is not a date",
        ),
        (
            (
                "shift",
                "add",
                "--line",
                "+15550001111",
                "--volunteer",
                "+15550002222",
                "--start",
                "2026-02-22T02:30",
                "--end",
                "2026-02-22T05:00",
                "--weekly",
            ),
            "does not exist",
        ),
        (
            (
                "shift",
                "add",
                "--line",
                "+15550001111",
                "--volunteer",
                "+15550002222",
                "--start",
                "2027-11-23T19:00",
                "--end",
                "2027-11-23T23:00",
                "--weekly",
            ),
            "overlaps",
        ),
        (
            (
                "shift",
                "add",
                "--line",
                "+15550001111",
                "--volunteer",
                "+15550002222",
                "--start",
                "2027-12-02T08:00",
                "--end",
                "2027-12-03T09:00",
            ),
            "at most 24 hours",
        ),
        (("shift", "cancel", "999"), "no shift 999"),
        (("line", "set", "+15550001111", "offer_strategy=random"), "offer_strategy must be"),
        (("line", "set", "+15550001111", "timezone=Europe/London"), "upcoming shifts"),
        (("shift", "skip", "1", "2027-12-01"), "does not happen"),
        (("shift", "skip", "1", "tomorrow"), "is not a date"),
        (("shift", "hand", "1", "2027-11-30", "--to", "+15550009999"), "no volunteer"),
        (("line", "hours", "+15550001111", "weekdays 9-5"), "days are written"),
        (
            (
                "line",
                "closure",
                "add",
                "+15550001111",
                "--start",
                "2027-12-24T00:00",
                "--end",
                "2027-12-23T00:00",
            ),
            "must end after",
        ),
        (
            (
                "shift",
                "open",
                "--line",
                "+15550001111",
                "--start",
                "2020-01-01T10:00",
                "--end",
                "2020-01-01T12:00",
            ),
            "already over",
        ),
    ],
)
def test_bad_input_gets_one_line_exit_1_and_writes_nothing(
    warmline: CliRunner, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    run(
        warmline,
        "line",
        "add",
        "--number",
        "+15550001111",
        "--name",
        "Peer Line",
        "--timezone",
        "America/New_York",
    )
    run(warmline, "volunteer", "add", "--name", "Sam", "--phone", "+15550002222")
    run(
        warmline,
        "shift",
        "add",
        "--line",
        "+15550001111",
        "--volunteer",
        "+15550002222",
        "--start",
        "2027-11-30T18:00",
        "--end",
        "2027-11-30T22:00",
    )
    before = (count(Line, tmp_path), count(Volunteer, tmp_path), count(Shift, tmp_path))
    engine = create_engine(f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    with engine.connect() as conn:
        settings_before = conn.execute(
            text("SELECT offer_timeout_s, escalate_timeout_s, send_rate_per_s FROM lines")
        ).all()
        counts_before = {
            t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in (
                "shift_occurrences",
                "shift_exceptions",
                "line_hours",
                "closures",
                "open_shifts",
            )
        }

    result = run(warmline, *args)

    assert result.exit_code == 1
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert (count(Line, tmp_path), count(Volunteer, tmp_path), count(Shift, tmp_path)) == before
    for table in ("shift_occurrences", "shift_exceptions", "line_hours", "closures", "open_shifts"):
        with engine.connect() as conn:
            assert (
                conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                == counts_before[table]
            )
    with engine.connect() as conn:
        assert (
            conn.execute(
                text("SELECT offer_timeout_s, escalate_timeout_s, send_rate_per_s FROM lines")
            ).all()
            == settings_before
        )


def test_an_ambiguous_local_time_is_resolved_and_said(warmline: CliRunner) -> None:
    run(
        warmline,
        "line",
        "add",
        "--number",
        "+15550001111",
        "--name",
        "L",
        "--timezone",
        "America/New_York",
    )
    run(warmline, "volunteer", "add", "--name", "Sam", "--phone", "+15550002222")
    result = run(
        warmline,
        "shift",
        "add",
        "--line",
        "+15550001111",
        "--volunteer",
        "+15550002222",
        "--start",
        "2027-11-07T01:30",
        "--end",
        "2027-11-07T05:00",
    )
    assert result.exit_code == 0 and "happens twice" in result.output


def test_keys_generate_prints_usable_values(warmline: CliRunner) -> None:
    result = run(warmline, "keys", "generate")
    names = [line.split("=", 1)[0] for line in result.output.splitlines()]
    assert names == ["SECRET_KEY", "WARMLINE_DATA_KEY", "WARMLINE_HMAC_KEY"]


def test_production_without_settings_refuses_in_one_line(
    warmline: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WARMLINE_ENV", "production")
    result = run(warmline, "volunteer", "add", "--name", "Sam", "--phone", "+15550002222")
    assert result.exit_code == 1
    assert "production needs these settings" in result.output and "SECRET_KEY" in result.output


def test_the_rota_can_be_kept_from_the_command_line(warmline: CliRunner) -> None:
    run(
        warmline,
        "line",
        "add",
        "--number",
        "+15550001111",
        "--name",
        "L",
        "--timezone",
        "America/New_York",
    )
    run(warmline, "volunteer", "add", "--name", "Sam", "--phone", "+15550002222")
    run(warmline, "volunteer", "add", "--name", "Alex", "--phone", "+15550003333")
    result = run(
        warmline,
        "shift",
        "add",
        "--line",
        "+15550001111",
        "--volunteer",
        "+15550002222",
        "--start",
        "2030-01-07T22:00",
        "--end",
        "2030-01-08T06:00",
        "--weekly",
        "--until",
        "2030-03-31",
    )
    assert result.exit_code == 0 and "added weekly primary shift 1" in result.output
    assert run(warmline, "shift", "skip", "1", "2030-01-14").exit_code == 0
    assert run(warmline, "shift", "hand", "1", "2030-01-21", "--to", "+15550003333").exit_code == 0
    assert run(warmline, "line", "hours", "+15550001111", "mon-fri 18:00-08:00").exit_code == 0
    assert (
        run(
            warmline,
            "line",
            "closure",
            "add",
            "+15550001111",
            "--start",
            "2030-01-01T00:00",
            "--end",
            "2030-01-02T00:00",
            "--reason",
            "New Year",
        ).exit_code
        == 0
    )
    listed = run(warmline, "shift", "list", "--line", "+15550001111", "--days", "90").output
    assert "no shifts in that time" in listed  # the list starts now; these shifts are in 2030
    result = run(warmline, "shift", "cancel", "1")
    assert result.exit_code == 0 and "cancelled shift 1" in result.output


def coordinator_state(tmp_path: Path, email: str) -> tuple[bool, bool, bool, list[str]]:
    """(active, administrator, must change password, line numbers) of an account."""
    engine = create_engine(f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    with engine.connect() as conn:
        ident, active, admin_, must = conn.execute(
            text(
                "SELECT id, is_active, is_administrator, must_change_password FROM coordinators "
                "WHERE email = :e"
            ),
            {"e": email},
        ).one()
        numbers = conn.execute(
            text(
                "SELECT l.number FROM coordinator_lines c JOIN lines l ON l.id = c.line_id "
                "WHERE c.coordinator_id = :i ORDER BY l.number"
            ),
            {"i": ident},
        ).scalars()
        return bool(active), bool(admin_), bool(must), list(numbers)


PASSPHRASE = "a long and calm passphrase\n"


def two_lines(runner: CliRunner) -> None:
    for number, name in (("+15550001111", "North"), ("+15550001112", "South")):
        added = run(runner, "line", "add", "--number", number, "--name", name, "--timezone", "UTC")
        assert added.exit_code == 0, added.output


def test_a_coordinator_added_with_lines_has_only_those_and_without_is_an_administrator(
    warmline: CliRunner, tmp_path: Path
) -> None:
    two_lines(warmline)
    args = ["coordinator", "add", "--email", "ana@example.org", "--line", "(555) 000-1111"]
    added = warmline.invoke(main, args, input=PASSPHRASE)
    assert added.exit_code == 0, added.output
    assert "added coordinator ana@example.org (lines +15550001111)" in added.output
    assert coordinator_state(tmp_path, "ana@example.org") == (True, False, False, ["+15550001111"])
    boss = warmline.invoke(
        main, ["coordinator", "add", "--email", "b@example.org"], input=PASSPHRASE
    )
    assert "(administrator of every line)" in boss.output
    assert coordinator_state(tmp_path, "b@example.org") == (True, True, False, [])
    unknown = warmline.invoke(
        main,
        ["coordinator", "add", "--email", "c@example.org", "--line", "+15559999999"],
        input=PASSPHRASE,
    )
    assert unknown.exit_code == 1 and unknown.output.count("\n") == 1
    assert count_coordinators(tmp_path) == 2


def count_coordinators(tmp_path: Path) -> int:
    engine = create_engine(f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM coordinators")).scalar_one())


def test_coordinator_lines_gives_and_takes_lines(warmline: CliRunner, tmp_path: Path) -> None:
    two_lines(warmline)
    warmline.invoke(
        main,
        ["coordinator", "add", "--email", "ana@example.org", "--line", "+15550001111"],
        input=PASSPHRASE,
    )
    warmline.invoke(main, ["coordinator", "add", "--email", "boss@example.org"], input=PASSPHRASE)
    moved = run(
        warmline,
        "coordinator",
        "lines",
        "ana@example.org",
        "--add",
        "+15550001112",
        "--remove",
        "+15550001111",
    )
    assert moved.exit_code == 0, moved.output
    assert moved.output == "ana@example.org: lines +15550001112\n"
    assert coordinator_state(tmp_path, "ana@example.org")[3] == ["+15550001112"]
    shown = run(warmline, "coordinator", "lines", "ana@example.org")
    assert shown.output == "ana@example.org: lines +15550001112\n"
    # An administrator named with --add keeps only those lines; the last one stays administrator.
    assert (
        run(
            warmline, "coordinator", "lines", "boss@example.org", "--remove", "+15550001111"
        ).exit_code
        == 1
    )
    demoted = run(warmline, "coordinator", "lines", "boss@example.org", "--add", "+15550001111")
    assert "last active administrator" in demoted.output and demoted.exit_code == 1
    nobody = run(warmline, "coordinator", "lines", "who@example.org", "--add", "+15550001111")
    assert nobody.exit_code == 1 and "no coordinator has the email who@example.org" in nobody.output


def test_coordinator_deactivate_and_reset(warmline: CliRunner, tmp_path: Path) -> None:
    from warmline.lines import coordinators

    two_lines(warmline)
    warmline.invoke(main, ["coordinator", "add", "--email", "boss@example.org"], input=PASSPHRASE)
    warmline.invoke(
        main,
        ["coordinator", "add", "--email", "ana@example.org", "--line", "+15550001111"],
        input=PASSPHRASE,
    )
    reset = warmline.invoke(
        main, ["coordinator", "reset", "ana@example.org"], input="another calm passphrase\n"
    )
    assert reset.exit_code == 0, reset.output
    assert "another calm passphrase" not in reset.output
    assert coordinator_state(tmp_path, "ana@example.org")[2] is True  # must change it
    with runtime.current().db.session() as session:
        assert coordinators.authenticate(session, "ana@example.org", PASSPHRASE.strip()) is None
        assert coordinators.authenticate(session, "ana@example.org", "another calm passphrase")
    short = warmline.invoke(main, ["coordinator", "reset", "ana@example.org"], input="short\n")
    assert short.exit_code == 1 and "at least 12 characters" in short.output

    gone = run(warmline, "coordinator", "deactivate", "ana@example.org")
    assert gone.exit_code == 0 and "deactivated ana@example.org" in gone.output
    assert coordinator_state(tmp_path, "ana@example.org")[0] is False
    with runtime.current().db.session() as session:
        assert (
            coordinators.authenticate(session, "ana@example.org", "another calm passphrase") is None
        )
    last = run(warmline, "coordinator", "deactivate", "boss@example.org")
    assert last.exit_code == 1 and "last active administrator" in last.output


def test_a_number_is_blocked_and_unblocked_from_the_command_line(warmline: CliRunner) -> None:
    run(
        warmline,
        "line",
        "add",
        "--number",
        "+15550001111",
        "--name",
        "L",
        "--timezone",
        "America/New_York",
    )
    block = ("contact", "block", "--line", "+15550001111", "--phone", "(555) 000-9001")
    assert run(warmline, *block).output.strip() == "blocked"
    assert "already blocked" in run(warmline, *block).output
    assert run(warmline, *block, "--undo").output.strip() == "unblocked"
    assert "was not blocked" in run(warmline, *block, "--undo").output
    refused = run(warmline, "contact", "block", "--line", "+15550001111", "--phone", "nope")
    assert refused.exit_code == 1 and "not a phone number" in refused.output


def test_a_volunteer_added_with_a_line_is_texted_the_welcome(
    warmline: CliRunner, tmp_path: Path
) -> None:
    run(
        warmline,
        "line",
        "add",
        "--number",
        "+15550001111",
        "--name",
        "Peer Line",
        "--timezone",
        "America/New_York",
    )
    welcomed = run(
        warmline,
        "volunteer",
        "add",
        "--name",
        "Sam",
        "--phone",
        "555 000 2222",
        "--line",
        "+15550001111",
    )
    assert welcomed.exit_code == 0, welcomed.output
    assert "added volunteer Sam (id 1); welcome text queued" in welcomed.output
    assert count(Outbox, tmp_path) == 1
    quiet = run(warmline, "volunteer", "add", "--name", "Jo", "--phone", "555 000 3333")
    assert "no welcome text: give --line to send one" in quiet.output
    assert count(Outbox, tmp_path) == 1
