"""Statistics: counts from the anonymous daily counts, waits from the consented log, as SVG."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from tests.integration.conftest import Line
from tests.integration.conversations.test_sms_flow import SAM, TEXTER, ref_offered
from tests.integration.dashboard.conftest import Dashboard
from tests.integration.dashboard.test_now_and_volunteers import SECRET_WORDS, assert_private
from tests.integration.privacy.test_privacy import purge_at, talk_and_close
from warmline.core.clock import utcnow
from warmline.models import ContactCount, ContactLogEntry, Conversation
from warmline.models import Line as LineRow
from warmline.ops import stats
from warmline.privacy import contact_log


def line_row(line: Line) -> LineRow:
    with line.rt.db.session() as session:
        row = session.scalar(select(LineRow).where(LineRow.number == line.number))
        assert row is not None
        return row


def local_today(row: LineRow) -> date:
    return utcnow().astimezone(ZoneInfo(row.timezone)).date()


def add_counts(line: Line, day: date, channel: str, contacts: int, answered: int) -> None:
    with line.rt.db.session() as session:
        session.add(
            ContactCount(
                line_id=line_row(line).id,
                day=day,
                channel=channel,
                contacts=contacts,
                answered=answered,
                crisis=1,
            )
        )
        session.commit()


def add_log_rows(line: Line, waits: list[int | None]) -> None:
    """Consented log rows that started an hour ago, answered after `waits` seconds."""
    now = utcnow()
    with line.rt.db.session() as session:
        for i, wait in enumerate(waits):
            session.add(
                ContactLogEntry(
                    line_id=line_row(line).id,
                    channel="sms",
                    started_at=now - timedelta(hours=1),
                    ended_at=now,
                    first_response_wait_s=wait,
                    duration_s=600,
                    outcome="talked",
                    crisis=False,
                    consent_version=1,
                    contact_key=f"{i:064x}",
                )
            )
        session.commit()


def test_counts_and_answer_rate_come_from_the_daily_counts_and_waits_from_the_log(
    line: Line,
) -> None:
    row = line_row(line)
    today = local_today(row)
    add_counts(line, today, "sms", contacts=10, answered=8)
    add_counts(line, today, "voice", contacts=2, answered=2)
    add_counts(line, today - timedelta(days=30), "sms", contacts=50, answered=50)  # too old
    add_log_rows(line, [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, None])
    with line.rt.db.session() as session:
        figures = stats.figures(session, row, today, 7, utcnow())
    assert (figures.texts, figures.calls, figures.answered) == (10, 2, 10)
    assert figures.answer_rate is not None and round(figures.answer_rate, 3) == 0.833
    assert figures.crisis == 2
    assert figures.median_wait_s == 55.0 and figures.p90_wait_s == 91.0
    assert figures.waits_logged == 10
    assert len(figures.days) == 7 and figures.days[-1].day == today
    assert (figures.days[-1].texts, figures.days[-1].calls) == (10, 2)
    assert sum(d.contacts for d in figures.days[:-1]) == 0


def test_the_figures_survive_the_purge_that_deletes_the_conversations(
    line: Line, signed_in: Dashboard
) -> None:
    line.add_volunteer("Sam", SAM)
    talk_and_close(line, answer="YES")
    talk_and_close(line, texter="+15550009002")  # never answered the consent question
    purge_at(line, timedelta(hours=25))
    with line.rt.db.session() as session:
        assert session.scalars(select(Conversation)).all() == []
    page = signed_in.text("/stats?days=7")
    figures = dict(re.findall(r"<li>([^<]+)<strong>([^<]+)</strong></li>", page))
    assert figures["Conversations by text"] == "2"
    assert figures["Contacts a peer answered"] == "100%"
    assert figures["Median wait for a peer"] != "—"  # one consented wait is in the log
    assert "for contacts who agreed to the contact log (1 in this period)" in page


def test_a_late_evening_text_counts_on_the_lines_own_day(line: Line) -> None:
    row = line_row(line)
    # 03:00 UTC on 10 March is 23:00 on 9 March in New York.
    created = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)
    conversation = Conversation(
        line_id=row.id,
        ref="L7T",
        status="closed",
        created_at=created,
        waiting_since=created,
        claimed_at=created + timedelta(seconds=30),
        closed_at=created + timedelta(minutes=20),
        last_activity_at=created + timedelta(minutes=20),
    )
    with line.rt.db.session() as session:
        session.add(conversation)
        session.flush()
        contact_log.record_end(session, row, conversation, created + timedelta(minutes=20))
        session.commit()
        counted = session.scalars(select(ContactCount)).one()
    assert counted.day == date(2026, 3, 9) and (counted.contacts, counted.answered) == (1, 1)
    with line.rt.db.session() as session:
        figures = stats.figures(session, row, date(2026, 3, 9), 1, created)
    assert figures.texts == 1


def test_the_statistics_page_draws_svg_charts_and_shows_no_number_or_words(
    line: Line, signed_in: Dashboard
) -> None:
    line.add_volunteer("Sam", SAM)
    line.text(TEXTER, SECRET_WORDS)
    line.text(SAM, ref_offered(line, SAM))
    line.text(SAM, "DONE")
    page = signed_in.text("/stats?days=7")
    assert page.count("<svg") == 2 and "<rect" in page
    assert "Conversations and calls per day" in page and "83%" not in page
    assert "100%" in page  # the one text was answered
    assert_private(page)


def test_two_primaries_on_shift_since_the_line_opened_cover_all_of_its_open_time(
    line: Line, signed_in: Dashboard
) -> None:
    # The line was created a moment ago; days before it existed are not uncovered open time.
    line.add_volunteer("Sam", SAM)
    line.add_volunteer("Alex", "+15550003333")
    page = signed_in.text("/stats?days=30")
    figures = dict(re.findall(r"<li>([^<]+)<strong>([^<]+)</strong></li>", page))
    assert figures["Open time with a primary on shift"] == "100%"


def test_coverage_counts_the_open_time_since_the_line_began_that_had_no_primary(
    line: Line,
) -> None:
    row = line_row(line)
    now = utcnow()
    with line.rt.db.session() as session:
        session.execute(
            LineRow.__table__.update()
            .where(LineRow.id == row.id)
            .values(created_at=now - timedelta(hours=4))
        )
        session.commit()
    line.add_volunteer("Sam", SAM)  # on shift from an hour ago: 3 of the 4 hours uncovered
    with line.rt.db.session() as session:
        row = session.get(LineRow, row.id)
        assert row is not None
        figures = stats.figures(session, row, local_today(row), 7, now)
    assert figures.coverage is not None and round(figures.coverage, 2) == 0.25


def test_the_charts_scale_to_their_card_instead_of_overflowing_a_phone(
    line: Line, signed_in: Dashboard
) -> None:
    page = signed_in.text("/stats?days=30")
    svgs = re.findall(r"<svg [^>]*>", page)
    assert len(svgs) == 2
    for svg in svgs:
        assert 'viewBox="0 0 360 ' in svg and 'width="100%"' in svg


def test_texts_received_count_every_text_from_texters_and_conversations_count_once(
    line: Line, signed_in: Dashboard
) -> None:
    line.add_volunteer("Sam", SAM)
    line.text(TEXTER, "hi")
    line.text(TEXTER, "is anyone there")
    line.text(SAM, ref_offered(line, SAM))
    line.text(SAM, "I'm here")
    line.text(TEXTER, "thanks")
    line.text(SAM, "DONE")
    page = signed_in.text("/stats?days=7")
    figures = dict(re.findall(r"<li>([^<]+)<strong>([^<]+)</strong></li>", page))
    assert figures["Conversations by text"] == "1"
    assert figures["Texts received"] == "3"  # the peer's texts are not the texter's
    assert_private(page)
