"""The contact log page and its CSV: consented rows only, filtered, paged, never a number or words."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from tests.integration.conftest import Line
from tests.integration.conversations.test_sms_flow import SAM
from tests.integration.dashboard.conftest import Dashboard
from tests.integration.dashboard.test_now_and_volunteers import assert_private
from tests.integration.privacy.test_privacy import talk_and_close
from warmline.lines import volunteers
from warmline.models import ContactLogEntry, Volunteer
from warmline.models import Line as LineRow

KEY_A = "a" * 64
KEY_B = "b" * 64


def ids(line: Line) -> tuple[int, dict[str, int]]:
    """The line's id and its volunteers' ids by name."""
    with line.rt.db.session() as session:
        line_id = session.scalar(select(LineRow.id).where(LineRow.number == line.number))
        assert line_id is not None
        people = {v.name: v.id for v in session.scalars(select(Volunteer))}
    return line_id, people


def add_volunteer(line: Line, name: str, phone: str) -> int:
    with line.rt.db.session() as session:
        return volunteers.add_volunteer(
            session,
            line.rt.keyring,
            line.rt.vault,
            name=name,
            phone_raw=phone,
            now=datetime.now(UTC),
        ).id


def add_rows(line: Line, rows: list[dict[str, object]]) -> None:
    """Log rows; each dict overrides the defaults (a text, answered by nobody, no crisis)."""
    line_id, _ = ids(line)
    with line.rt.db.session() as session:
        for row in rows:
            values: dict[str, object] = {
                "line_id": line_id,
                "channel": "sms",
                "started_at": datetime(2026, 3, 10, 16, 0, tzinfo=UTC),
                "first_response_wait_s": 45,
                "duration_s": 600,
                "volunteer_id": None,
                "outcome": "talked",
                "crisis": False,
                "consent_version": 1,
                "contact_key": KEY_A,
            } | row
            started = values["started_at"]
            assert isinstance(started, datetime)
            values.setdefault("ended_at", started + timedelta(minutes=20))
            session.add(ContactLogEntry(**values))
        session.commit()


def body_rows(page: str) -> list[str]:
    """The table's rows, as HTML."""
    if "<tbody>" not in page:
        return []
    return re.findall(r"<tr[^>]*>.*?</tr>", page.split("<tbody>")[1].split("</tbody>")[0], re.S)


def test_a_consented_conversation_is_listed_with_its_times_peer_and_outcome_but_no_contact(
    line: Line, signed_in: Dashboard
) -> None:
    line.add_volunteer("Sam", SAM)
    talk_and_close(line, answer="YES")
    talk_and_close(line, texter="+15550009002", answer="NO")  # only counted
    page = signed_in.text("/log")
    (row,) = body_rows(page)
    assert "Sam" in row and "talked" in row and ">Text<" in row
    assert "once" in row and re.search(r'class="tag"[^>]*>[0-9a-f]{4}<', row)
    assert_private(page)
    with line.rt.db.session() as session:
        entry = session.scalars(select(ContactLogEntry)).one()
    assert entry.contact_key not in page and entry.contact_key[:6] not in page


def test_rows_are_newest_first_in_the_lines_time_zone_with_repeat_counts(
    line: Line, signed_in: Dashboard
) -> None:
    add_rows(
        line,
        [
            {"started_at": datetime(2026, 3, 10, 16, 0, tzinfo=UTC), "contact_key": KEY_A},
            {"started_at": datetime(2026, 3, 11, 2, 30, tzinfo=UTC), "contact_key": KEY_B},
            {"started_at": datetime(2026, 3, 12, 15, 5, tzinfo=UTC), "contact_key": KEY_A},
        ],
    )
    rows = body_rows(signed_in.text("/log"))
    assert len(rows) == 3
    # 02:30 UTC on the 11th is 22:30 on the 10th in New York (EDT from 8 March).
    assert "Thu 12 Mar 2026 11:05" in rows[0] and "2 times" in rows[0]
    assert "Tue 10 Mar 2026 22:30" in rows[1] and "once" in rows[1]
    assert "Tue 10 Mar 2026 12:00" in rows[2] and "2 times" in rows[2]
    tag = re.compile(r'class="tag"[^>]*>([0-9a-f]{4})<')
    tags = [tag.search(r).group(1) for r in rows]  # type: ignore[union-attr]
    assert tags[0] == tags[2] != tags[1]


def test_filters_narrow_the_rows_by_date_channel_outcome_crisis_and_volunteer(
    line: Line, signed_in: Dashboard
) -> None:
    sam = add_volunteer(line, "Sam", SAM)
    alex = add_volunteer(line, "Alex", "+15550003333")
    day = datetime(2026, 3, 10, 16, 0, tzinfo=UTC)
    add_rows(
        line,
        [
            {"started_at": day, "volunteer_id": sam, "outcome": "talked"},
            {"started_at": day + timedelta(days=1), "volunteer_id": alex, "crisis": True},
            {"started_at": day + timedelta(days=2), "channel": "voice", "outcome": "referred"},
            {"started_at": day + timedelta(days=3), "volunteer_id": sam, "outcome": "idle"},
        ],
    )

    def count(query: str) -> int:
        return len(body_rows(signed_in.text("/log?" + query)))

    assert count("") == 4
    assert count("from=2026-03-11&to=2026-03-12") == 2
    assert count("channel=voice") == 1
    assert count("outcome=referred") == 1
    assert count("crisis=yes") == 1 and count("crisis=no") == 3
    assert count(f"volunteer={sam}") == 2
    assert count(f"volunteer={sam}&outcome=idle") == 1
    crisis_row = body_rows(signed_in.text("/log?crisis=yes"))[0]
    assert "Alex" in crisis_row and 'class="flag"' in crisis_row
    assert "No logged contact matches these filters." in signed_in.text("/log?from=2027-01-01")


def test_a_bad_date_is_explained_and_sql_in_a_filter_is_inert(
    line: Line, signed_in: Dashboard
) -> None:
    add_rows(line, [{}])
    response = signed_in.get("/log", query_string={"from": "' OR 1=1--", "outcome": "' OR 1=1--"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="from-error"' in page and "Enter a date like" in page
    assert "&#39; OR 1=1--" in page  # shown back as text in the field
    assert len(body_rows(page)) == 1  # the unknown outcome is no filter at all
    assert signed_in.get("/log", query_string={"volunteer": "1 OR 1=1"}).status_code == 200


def test_pages_of_fifty_follow_on_without_repeating_a_row(line: Line, signed_in: Dashboard) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    # Pairs share a start time, so the order must break ties by row.
    add_rows(
        line,
        [
            {"started_at": start + timedelta(hours=i // 2), "duration_s": 1000 + i}
            for i in range(120)
        ],
    )
    seen: list[str] = []
    lengths: set[str] = set()
    path = "/log"
    pages = 0
    while path:
        page = signed_in.text(path)
        pages += 1
        for row in body_rows(page):
            seen.append(re.search(r'data-label="Started">([^<]+)<', row).group(1))  # type: ignore[union-attr]
            lengths.add(re.search(r'data-label="Duration"[^>]*>([^<]+)<', row).group(1))  # type: ignore[union-attr]
        older = re.search(r'href="([^"]+)">Older</a>', page)
        path = older.group(1).replace("&amp;", "&") if older else ""
    assert pages == 3 and len(seen) == 120 and len(lengths) == 120
    assert seen[0] == "Sat 03 Jan 2026 06:00" and seen[-1] == "Wed 31 Dec 2025 19:00"


def test_the_csv_has_the_filtered_rows_with_the_same_columns_and_no_contact(
    line: Line, signed_in: Dashboard
) -> None:
    sam = add_volunteer(line, "Sam", SAM)
    add_rows(
        line,
        [
            {"volunteer_id": sam, "crisis": True},
            {"started_at": datetime(2026, 3, 12, 1, 0, tzinfo=UTC), "contact_key": KEY_B},
            {"channel": "voice", "started_at": datetime(2026, 3, 9, 12, 0, tzinfo=UTC)},
        ],
    )
    response = signed_in.get("/log.csv?channel=sms")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "Started (America/New_York)",
        "Ended (America/New_York)",
        "Channel",
        "Wait (s)",
        "Duration (s)",
        "Volunteer",
        "Outcome",
        "Crisis words",
        "Consent version",
        "Contacts from this person",
        "Repeat tag",
    ]
    assert len(rows) == 3  # the call is filtered out
    assert rows[1][:9] == [
        "2026-03-11 21:00:00",
        "2026-03-11 21:20:00",
        "Text",
        "45",
        "600",
        "",
        "talked",
        "no",
        "1",
    ]
    assert rows[2][5:8] == ["Sam", "talked", "yes"] and rows[2][9] == "2"
    assert KEY_A not in text and KEY_B not in text and KEY_A[:8] not in text
    assert_private(text)


def test_csv_cells_that_look_like_formulas_are_kept_as_text(
    line: Line, signed_in: Dashboard
) -> None:
    tricky = add_volunteer(line, '=HYPERLINK("http://evil.example","x")', SAM)
    plus = add_volunteer(line, "+1+cmd|' /C calc'!A0", "+15550003333")
    add_rows(
        line,
        [
            {"volunteer_id": tricky, "outcome": "-2+3"},
            {"volunteer_id": plus, "outcome": "@SUM(1)"},
        ],
    )
    rows = list(csv.reader(io.StringIO(signed_in.get("/log.csv").get_data(as_text=True))))[1:]
    cells = [cell for row in rows for cell in row]
    assert '\'=HYPERLINK("http://evil.example","x")' in cells
    assert "'+1+cmd|' /C calc'!A0" in cells and "'-2+3" in cells and "'@SUM(1)" in cells
    assert not any(cell[:1] in "=+-@" for cell in cells)


def test_a_volunteers_name_with_script_is_shown_as_text_in_the_log(
    line: Line, signed_in: Dashboard
) -> None:
    odd = add_volunteer(line, "<script>alert(1)</script>", SAM)
    add_rows(line, [{"volunteer_id": odd}])
    page = signed_in.text("/log")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_large_export_is_streamed_in_batches_not_built_in_memory(
    line: Line, signed_in: Dashboard
) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    add_rows(line, [{"started_at": start + timedelta(minutes=i)} for i in range(1_100)])
    response = signed_in.get("/log.csv")
    chunks = list(response.response)
    assert len(chunks) == 4  # the header, then 500, 500 and 100 rows
    assert sum(chunk.count(b"\n") for chunk in chunks) == 1_101
