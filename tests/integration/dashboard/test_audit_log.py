"""The audit log page: narrowed by who, what and a range of days, a page at a time."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from tests.integration.conftest import Line
from tests.integration.dashboard.conftest import EMAIL, Dashboard
from tests.integration.dashboard.test_settings import line_row
from warmline.lines import audit
from warmline.runtime import Runtime

OTHER = "other@example.org"


def rows(page: str) -> list[list[str]]:
    """The table's rows as the cells' text."""
    body = page.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in page else ""
    return [
        re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def seed(rt: Runtime, line: Line, count: int, day: datetime, actor: str, action: str) -> None:
    """`count` entries by `actor` on `day`, a minute apart."""
    line_id = line_row(line).id
    with rt.db.session() as session:
        for i in range(count):
            at = day + timedelta(minutes=i)
            audit.record(session, None, action, f"item {i}", at, line_id, actor=actor)
        session.commit()


def test_the_log_is_narrowed_by_what_was_done(
    rt: Runtime, line: Line, signed_in: Dashboard
) -> None:
    day = datetime(2027, 3, 1, 12, tzinfo=UTC)
    seed(rt, line, 3, day, OTHER, "renamed volunteer")
    seed(rt, line, 2, day, OTHER, "added closure")
    page = signed_in.text("/audit")
    assert '<option value="renamed volunteer">' in page and '<option value="added closure">' in page
    shown = rows(signed_in.text("/audit?what=added+closure"))
    assert [r[2] for r in shown] == ["added closure", "added closure"]


def test_the_log_is_narrowed_by_who(rt: Runtime, line: Line, signed_in: Dashboard) -> None:
    day = datetime(2027, 3, 1, 12, tzinfo=UTC)
    seed(rt, line, 2, day, OTHER, "renamed volunteer")
    seed(rt, line, 1, day, "cli", "erased contact")
    shown = rows(signed_in.text(f"/audit?who={OTHER.upper()}"))
    assert [r[1] for r in shown] == [OTHER, OTHER]
    assert [r[1] for r in rows(signed_in.text("/audit?who=cli"))] == ["cli"]


def test_the_log_is_narrowed_to_a_range_of_days(
    rt: Runtime, line: Line, signed_in: Dashboard
) -> None:
    for day in (10, 11, 12, 13):
        seed(rt, line, 1, datetime(2027, 1, day, 23, 30, tzinfo=UTC), OTHER, f"action on {day}")
    shown = rows(signed_in.text("/audit?from=2027-01-11&until=2027-01-12"))
    assert [r[2] for r in shown] == ["action on 12", "action on 11"]
    shown = rows(signed_in.text("/audit?from=2027-01-13"))
    assert [r[2] for r in shown] == ["action on 13"]


def test_the_days_are_the_lines_days_not_utcs(
    rt: Runtime, line: Line, signed_in: Dashboard
) -> None:
    # 03:00 UTC on the 12th is 22:00 on the 11th in New York, the test line's zone.
    seed(rt, line, 1, datetime(2027, 1, 12, 3, tzinfo=UTC), OTHER, "late in new york")
    shown = rows(signed_in.text("/audit?from=2027-01-11&until=2027-01-11"))
    assert [r[2] for r in shown] == ["late in new york"]
    assert "2027-01-11 22:00:00 EST" in shown[0][0]
    assert rows(signed_in.text("/audit?from=2027-01-12")) == []


def test_a_day_range_that_ends_before_it_starts_is_explained_at_the_top_and_beside_it(
    line: Line, signed_in: Dashboard
) -> None:
    response = signed_in.get("/audit?from=2027-01-12&until=2027-01-11")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and 'href="#audit-until"' in page
    assert "“Until” must be on or after “From”." in page
    field = re.search(r'<input id="audit-until"[^>]*>', page)
    assert field is not None and 'aria-invalid="true"' in field.group(0)
    assert signed_in.get("/audit?from=12/01/2027").status_code == 400


def test_pages_of_fifty_keep_the_filter_from_newest_to_oldest(
    rt: Runtime, line: Line, signed_in: Dashboard
) -> None:
    day = datetime(2027, 3, 1, 8, tzinfo=UTC)
    seed(rt, line, 120, day, OTHER, "renamed volunteer")
    seed(rt, line, 5, day, OTHER, "added closure")
    path, seen = "/audit?what=renamed+volunteer", []
    for _ in range(5):
        page = signed_in.text(path)
        seen.append(len(rows(page)))
        older = re.search(r'<a href="([^"]+)">Older</a>', page)
        if older is None:
            break
        path = older.group(1).replace("&amp;", "&")
        assert "what=renamed+volunteer" in path
    assert seen == [50, 50, 20]
    assert "Newest" in page


def test_failed_sign_ins_are_listed_and_can_be_picked_out(
    line: Line, coordinator: str, browser: Dashboard
) -> None:
    browser.sign_in(EMAIL, "not the passphrase")
    assert browser.sign_in().status_code == 302
    shown = rows(browser.text("/audit?what=failed+sign-in"))
    assert len(shown) == 1 and shown[0][1] == "sign-in form" and EMAIL in shown[0][-1]
    assert "not the passphrase" not in browser.text("/audit")
