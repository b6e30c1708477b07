"""The resource library: coordinators keep it, peers send from it with RES."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from tests.integration.conftest import Line
from tests.integration.conversations.test_sms_flow import SAM, TEXTER, ref_offered
from warmline import runtime
from warmline.cli import main
from warmline.conversations.support import resources
from warmline.core.clock import utcnow
from warmline.lines.lines import get_line
from warmline.models import ResourceShare

BREATHING = "Calm breathing: Breathe in for 4, hold for 4, out for 6. https://example.org/breathe"


def library(line: Line) -> None:
    with line.rt.db.session() as session:
        target = get_line(session, line.number)
        for title, text, link, topics, language in (
            (
                "Calm breathing",
                "Breathe in for 4, hold for 4, out for 6.",
                "https://example.org/breathe",
                "panic",
                "en",
            ),
            (
                "Grief circle",
                "A weekly group for people who lost someone.",
                "+1 555 010 7777",
                "grief",
                "en",
            ),
            ("Respiración tranquila", "Inhala 4, sostén 4, exhala 6.", "", "ansiedad", "es"),
        ):
            resources.add(
                session,
                target,
                title=title,
                text=text,
                link=link,
                topics=topics,
                language=language,
                now=utcnow(),
            )


def in_conversation(line: Line) -> str:
    line.add_volunteer("Sam", SAM)
    library(line)
    line.text(TEXTER, "hi")
    ref = ref_offered(line, SAM)
    line.text(SAM, ref)
    return ref


def shares(line: Line) -> list[tuple[int, int]]:
    with line.rt.db.session() as session:
        rows = session.execute(select(ResourceShare.resource_id, ResourceShare.count))
        return sorted((int(r), int(c)) for r, c in rows)


def test_res_anxiety_sends_the_right_resource_from_the_line_number(line: Line) -> None:
    ref = in_conversation(line)
    line.text(SAM, "RES anxiety")
    assert line.sent_to(TEXTER)[-1] == BREATHING
    assert line.sent_to(SAM)[-1] == f"Sent to #{ref}: Calm breathing."
    line.text(SAM, "res panic attacks")  # a synonym of the topic finds it too
    assert line.sent_to(TEXTER)[-1] == BREATHING
    line.text(SAM, "RES anxiety es")  # the Spanish one when asked for
    assert line.sent_to(TEXTER)[-1] == "Respiración tranquila: Inhala 4, sostén 4, exhala 6."
    line.text(SAM, "RES grief")
    assert line.sent_to(TEXTER)[-1].startswith("Grief circle:")
    assert all(m["From"] == line.number for m in line.fake.messages())
    assert [count for _, count in shares(line)] == [2, 1, 1]  # counted, never to whom


def test_a_topic_without_a_resource_gets_the_peer_a_list_and_the_texter_nothing(
    line: Line,
) -> None:
    in_conversation(line)
    before = list(line.sent_to(TEXTER))
    line.text(SAM, "RES loneliness")
    reply = line.sent_to(SAM)[-1]
    assert reply.startswith('No resource matches "loneliness". Try: RES anxiety (Calm breathing)')
    assert "RES grief (Grief circle)" in reply
    line.text(SAM, "RES")
    assert line.sent_to(SAM)[-1].startswith("Resources: RES anxiety (Calm breathing)")
    assert line.sent_to(TEXTER) == before
    assert shares(line) == []


def test_res_without_a_conversation_sends_nothing(line: Line) -> None:
    line.add_volunteer("Sam", SAM)
    library(line)
    line.text(SAM, "RES anxiety")
    assert "no active conversation" in line.sent_to(SAM)[-1]
    assert line.sent_to(TEXTER) == []


def test_relay_text_that_merely_starts_like_res_is_relayed(line: Line) -> None:
    in_conversation(line)
    line.text(SAM, "Rest is important tonight")
    assert line.sent_to(TEXTER)[-1] == "Rest is important tonight"


@pytest.fixture
def warmline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """The CLI on a fresh SQLite database of its own, migrated, with a line."""
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("WARMLINE_ENV", raising=False)
    monkeypatch.setenv("WARMLINE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    added = runner.invoke(
        main,
        ["line", "add", "--number", "+15550001111", "--name", "L", "--timezone", "UTC"],
    )
    assert added.exit_code == 0, added.output
    yield runner
    runtime.install(None)


def test_coordinators_add_and_list_resources_with_the_cli(warmline: CliRunner) -> None:
    added = warmline.invoke(
        main,
        [
            "resource", "add", "--line", "+15550001111", "--title", "Calm breathing",
            "--text", "Breathe in for 4.", "--link", "https://example.org/b",
            "--topics", "Panic, grief", "--language", "en",
        ],
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    listed = warmline.invoke(main, ["resource", "list", "--line", "+15550001111"])
    assert "[en] Calm breathing  (anxiety, grief)" in listed.output
    refused = warmline.invoke(
        main,
        ["resource", "add", "--line", "+15550001111", "--title", "x", "--text", "y",
         "--language", "fr"],
    )  # fmt: skip
    assert refused.exit_code == 1 and "--language must be one of en, es" in refused.output
    changed = warmline.invoke(
        main,
        ["resource", "change", "--line", "+15550001111", "1", "--title", "Box breathing",
         "--topics", "anxiety"],
    )  # fmt: skip
    assert changed.exit_code == 0 and "changed resource 1 (Box breathing)" in changed.output
    listed = warmline.invoke(main, ["resource", "list", "--line", "+15550001111"])
    assert "[en] Box breathing  (anxiety)" in listed.output
    refused = warmline.invoke(
        main, ["resource", "change", "--line", "+15550001111", "1", "--topics", "juggling"]
    )
    assert refused.exit_code == 1 and "not on the line's topic list: juggling" in refused.output
    removed = warmline.invoke(main, ["resource", "remove", "--line", "+15550001111", "1"])
    assert removed.exit_code == 0
    listed = warmline.invoke(main, ["resource", "list", "--line", "+15550001111"])
    assert "no resources" in listed.output


def test_coordinators_set_a_volunteers_topics_with_the_cli(warmline: CliRunner) -> None:
    assert (
        warmline.invoke(main, ["volunteer", "add", "--name", "Sam", "--phone", SAM]).exit_code == 0
    )
    done = warmline.invoke(
        main,
        ["volunteer", "topics", "--line", "+15550001111", "--phone", SAM, "panic, duelo"],
    )
    assert done.exit_code == 0 and "topics of Sam: anxiety, grief" in done.output
    refused = warmline.invoke(
        main, ["volunteer", "topics", "--line", "+15550001111", "--phone", SAM, "juggling"]
    )
    assert refused.exit_code == 1 and "not on the line's topic list: juggling" in refused.output
