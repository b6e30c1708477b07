"""Statistics: counts and waits aggregated in SQL, drawn as SVG, with no personal data."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from tests.integration.conftest import Line
from tests.integration.dashboard.conftest import Dashboard
from tests.integration.dashboard.test_now_and_volunteers import SECRET_WORDS, assert_private
from tests.integration.test_sms_flow import SAM, TEXTER, ref_offered
from warmline.models import Conversation
from warmline.models import Line as LineRow
from warmline.services import stats
from warmline.timeutil import utcnow


def add_conversations(line: Line, waits: list[int | None]) -> None:
    """Conversations created an hour ago, claimed after `waits` seconds (None: never)."""
    now = utcnow()
    with line.rt.db.session() as session:
        line_id = session.scalar(select(LineRow.id).where(LineRow.number == line.number))
        assert line_id is not None
        for i, wait in enumerate(waits):
            created = now - timedelta(hours=1)
            session.add(
                Conversation(
                    line_id=line_id,
                    ref=f"S{i:02d}"[:4],
                    status="closed",
                    created_at=created,
                    waiting_since=created,
                    claimed_at=None if wait is None else created + timedelta(seconds=wait),
                    closed_at=now,
                    last_activity_at=now,
                )
            )
        session.commit()


def test_answer_rate_median_and_90th_percentile_wait_are_computed_in_sql(line: Line) -> None:
    add_conversations(line, [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, None, None])
    with line.rt.db.session() as session:
        row = session.scalar(select(LineRow).where(LineRow.number == line.number))
        assert row is not None
        today = utcnow().astimezone(ZoneInfo(row.timezone)).date()
        figures = stats.figures(session, row, today, 7, utcnow())
    assert (figures.contacts, figures.answered) == (12, 10)
    assert figures.answer_rate is not None and round(figures.answer_rate, 3) == 0.833
    assert figures.median_wait_s == 55.0 and figures.p90_wait_s == 91.0
    assert sum(d.contacts for d in figures.days) == 12 and len(figures.days) == 7


def test_the_statistics_page_draws_svg_charts_and_shows_no_number_or_words(
    line: Line, signed_in: Dashboard
) -> None:
    line.add_volunteer("Sam", SAM)
    line.text(TEXTER, SECRET_WORDS)
    line.text(SAM, ref_offered(line, SAM))
    page = signed_in.text("/stats?days=7")
    assert page.count("<svg") == 2 and "<rect" in page
    assert "Texts per day" in page and "83%" not in page
    assert "100%" in page  # the one text was answered
    assert_private(page)
