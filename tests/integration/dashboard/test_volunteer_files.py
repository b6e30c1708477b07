"""Volunteers imported from a CSV file (all or nothing), exported, and the funders' hours report."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

from sqlalchemy import func, select

from tests.integration.conftest import Line
from tests.integration.conversations.test_sms_flow import SAM
from tests.integration.dashboard.conftest import Dashboard
from tests.integration.dashboard.test_now_and_volunteers import digits_forms
from warmline.core.clock import utcnow
from warmline.lines.lines import get_line
from warmline.models import Conversation, Volunteer
from warmline.ops.volunteer_hours import month_report
from warmline.rota import service, shifts

FORMULA = '=HYPERLINK("http://evil.example","x")'
GOOD = (
    "Name,Phone,Topics,Languages\r\n"
    "Robin,(555) 000-7001,grief,en\r\n"
    'Kai,+1 555 000 7002,"anxiety, panic","es, en"\r\n'
    "Lee,555.000.7003,,\r\n"
)


def upload(dashboard: Dashboard, text: str) -> tuple[int, str]:
    """Choose a file on the volunteers page and check it, as the browser would."""
    dashboard.get("/volunteers")
    response = dashboard.client.post(
        "/volunteers/import",
        data={"csrf_token": dashboard.token, "file": (io.BytesIO(text.encode()), "people.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    if found:
        dashboard.token = found.group(1)
    return response.status_code, page


def sealed_file(page: str) -> str:
    found = re.search(r'name="file" value="([^"]+)"', page)
    assert found, "no confirm button"
    return found.group(1)


def volunteers(line: Line) -> int:
    with line.rt.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Volunteer)) or 0)


def test_a_good_file_is_previewed_then_added_in_one_go_and_each_peer_is_welcomed(
    line: Line, signed_in: Dashboard
) -> None:
    status, page = upload(signed_in, GOOD)
    assert status == 200
    assert "All 3 rows can be added. Nothing is added until you confirm." in page
    assert "ends 01" in page and "anxiety" in page
    for number in ("+15550007001", "+15550007002", "+15550007003"):
        assert all(form not in page for form in digits_forms(number))
    assert volunteers(line) == 0  # the preview wrote nothing

    response = signed_in.post("/volunteers/import/confirm", {"file": sealed_file(page)})
    assert response.status_code == 302
    assert "Imported 3 volunteers; Test Warmline texted each a welcome." in signed_in.followed
    with line.rt.db.session() as session:
        kai = session.scalars(select(Volunteer).where(Volunteer.name == "Kai")).one()
        assert (kai.topics, kai.languages) == ("anxiety", "es,en")
    line.drain()
    assert line.sent_to("+15550007003")[0].startswith("Welcome to Test Warmline, Lee!")
    assert "imported volunteers" in signed_in.text("/audit")

    again = signed_in.post("/volunteers/import/confirm", {"file": sealed_file(page)})
    assert again.status_code == 400  # a second confirm finds them all here already
    assert volunteers(line) == 3


def test_a_file_with_one_bad_row_shows_each_problem_by_row_and_adds_nobody(
    line: Line, signed_in: Dashboard
) -> None:
    line.add_volunteer("Sam", SAM, on_shift=False)
    text = GOOD + (
        "Jo,555-01,astrology,fr\r\n"  # row 5: every cell wrong
        "Ash,(555) 000-7001,,\r\n"  # row 6: the same phone as row 2
        f"Sam again,{SAM},,\r\n"  # row 7: already a volunteer
        ",555 000 7009,,\r\n"  # row 8: no name
    )
    status, page = upload(signed_in, text)
    assert status == 200
    assert "Nothing was added: 6 problems in 4 of 7 rows." in page
    rows = {
        int(n): body
        for n, body in re.findall(r'<th scope="row">Row (\d+)</th>(.*?)</tr>', page, re.S)
    }
    assert "Phone: This is not a phone number we can text" in rows[5]
    assert "Topics: Not on this line&#39;s topic list: astrology" in rows[5]
    assert "Languages: &#39;fr&#39; is not a language this line knows" in rows[5]
    assert "Phone: Row 2 has the same phone number." in rows[6]
    assert "Phone: A volunteer with this phone number is already here." in rows[7]
    assert "Name: The name is empty." in rows[8]
    assert "<li>" not in rows[2] and 'class="problems none">None' in rows[2]
    assert 'name="file" value="' not in page  # no way to confirm a bad file
    assert all(form not in page for form in digits_forms(SAM))

    # Even a confirm forged around the preview writes nothing.
    forged = signed_in.post(
        "/volunteers/import/confirm", {"file": line.rt.vault.seal(text).decode()}
    )
    assert forged.status_code == 400
    assert volunteers(line) == 1


def test_a_file_the_line_cannot_read_is_explained_beside_the_file_field(
    signed_in: Dashboard,
) -> None:
    status, page = upload(signed_in, "Nom;Téléphone\r\nRobin;555\r\n")
    assert status == 400
    assert "The first row must name the columns: name, phone, topics, languages" in page
    assert 'id="file-error"' in page


def test_a_formula_cell_is_stored_as_text_and_exported_so_it_cannot_run(
    line: Line, signed_in: Dashboard
) -> None:
    text = f'name,phone\r\n"{FORMULA.replace(chr(34), chr(34) * 2)}",555 000 7001\r\n'
    text += "@SUM(A1),555 000 7002\r\n"
    status, page = upload(signed_in, text)
    assert status == 200 and "All 2 rows can be added" in page
    assert "=HYPERLINK(&#34;http://evil.example&#34;,&#34;x&#34;)" in page
    signed_in.post("/volunteers/import/confirm", {"file": sealed_file(page)})
    with line.rt.db.session() as session:
        names = set(session.scalars(select(Volunteer.name)))
    assert names == {FORMULA, "@SUM(A1)"}  # kept exactly as written, never evaluated

    export = signed_in.get("/volunteers.csv")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["name", "phone", "topics", "languages", "active", "paused_until"]
    assert ["'" + FORMULA, "ending 01", "", "en", "yes", ""] in rows
    assert ["'@SUM(A1)", "ending 02", "", "en", "yes", ""] in rows
    cells = [cell for row in rows for cell in row]
    assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in cells)
    assert "exported volunteers" in signed_in.text("/audit")


def test_the_export_shows_phones_only_by_their_last_two_digits(
    line: Line, signed_in: Dashboard
) -> None:
    line.add_volunteer("Sam", SAM, on_shift=False)
    body = signed_in.get("/volunteers.csv").get_data(as_text=True)
    assert "ending 22" in body
    assert all(form not in body for form in digits_forms(SAM))


def _shift(line: Line, phone: str, start: str, end: str) -> None:
    with line.rt.db.session() as session:
        new = shifts.read_shift(
            session,
            line.rt.keyring,
            line_raw=line.number,
            volunteer_raw=phone,
            start=start,
            end=end,
            role="primary",
        )
        service.add_shift(session, new, utcnow())
        session.commit()


def _taken(line: Line, phone_name: str, claimed: datetime, ref: str) -> None:
    with line.rt.db.session() as session:
        target = get_line(session, line.number)
        vid = session.scalars(select(Volunteer.id).where(Volunteer.name == phone_name)).one()
        session.add(
            Conversation(
                line_id=target.id,
                ref=ref,
                status="closed",
                volunteer_id=vid,
                created_at=claimed,
                waiting_since=claimed,
                claimed_at=claimed,
                closed_at=claimed,
                last_activity_at=claimed,
            )
        )
        session.commit()


def test_the_monthly_report_counts_hours_in_the_lines_month_and_conversations_taken(
    line: Line,
) -> None:
    line.add_volunteer("Sam", SAM, on_shift=False)
    line.add_volunteer("Alex", "+15550003333", on_shift=False)
    line.add_volunteer("Jo", "+15550005555", on_shift=False)  # no shift, no conversation
    _shift(line, SAM, "2027-03-10T18:00", "2027-03-10T22:00")  # 4 h
    _shift(line, SAM, "2027-03-31T22:00", "2027-04-01T02:00")  # 2 h in March, 2 in April
    _shift(line, "+15550003333", "2027-03-14T00:00", "2027-03-14T04:00")  # clocks go forward: 3 h
    _taken(line, "Sam", datetime(2027, 3, 10, 23, tzinfo=UTC), "A1")
    _taken(line, "Sam", datetime(2027, 4, 1, 3, 30, tzinfo=UTC), "A2")  # 23:30 on 31 March there
    _taken(line, "Sam", datetime(2027, 4, 1, 4, 30, tzinfo=UTC), "A3")  # April there
    with line.rt.db.session() as session:
        target = get_line(session, line.number)
        march = month_report(session, target, "2027-03", datetime(2027, 5, 1, tzinfo=UTC))
        so_far = month_report(session, target, "2027-03", datetime(2027, 3, 11, 1, tzinfo=UTC))
    assert [(r.name, r.hours, r.conversations) for r in march] == [
        ("Alex", 3.0, 0),
        ("Sam", 6.0, 2),
    ]
    # At 20:00 there on the 10th: two hours given so far, the rest of the month still to come.
    assert [(r.name, r.hours) for r in so_far] == [("Sam", 2.0)]


def test_the_hours_report_downloads_as_csv_without_texter_data(
    line: Line, signed_in: Dashboard
) -> None:
    response = signed_in.get("/volunteers/hours.csv?month=2026-11")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "volunteer-hours-" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["month", "volunteer", "hours_on_shift", "conversations_taken"]
    bad = signed_in.get("/volunteers/hours.csv?month=November")
    assert bad.status_code == 400 and "Choose a month, like 2026-11." in bad.get_data(as_text=True)
