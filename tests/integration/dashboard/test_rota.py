"""The rota week view: shifts in the line's time zone, gaps highlighted, changes audited."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from tests.integration.conftest import Line
from tests.integration.conversations.test_sms_flow import ALEX, SAM
from tests.integration.dashboard.conftest import Dashboard
from warmline.core.clock import utcnow

NEW_YORK = ZoneInfo("America/New_York")


def volunteer_ids(page: str) -> dict[str, str]:
    return {
        name: vid for vid, name in re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', page)
    }


def day_section(page: str, label: str) -> str:
    start = page.index(f'aria-label="{label}"')
    return page[start : page.index("</section>", start)]


def test_a_weekly_shift_shows_on_every_day_of_its_weekday_in_local_time_and_on_now(
    line: Line, signed_in: Dashboard
) -> None:
    line.add_volunteer("Sam", SAM, on_shift=False)
    local_now = utcnow().astimezone(NEW_YORK)
    start = (local_now - timedelta(hours=1)).replace(minute=0)
    end = start + timedelta(hours=3)
    ids = volunteer_ids(signed_in.text("/rota"))
    response = signed_in.post(
        "/rota/shifts",
        {
            "volunteer": ids["Sam"],
            "role": "primary",
            "date": start.date().isoformat(),
            "start": start.strftime("%H:%M"),
            "end": end.strftime("%H:%M"),
            "weekly": "yes",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    page = signed_in.followed
    assert "Shift added." in page
    today = day_section(page, start.strftime("%A %d %B"))
    assert f"{start:%H:%M}–{end:%H:%M}" in today and "Sam" in today and "weekly" in today

    next_week = signed_in.text(f"/rota?week={(start + timedelta(days=7)).date().isoformat()}")
    assert "Sam" in day_section(next_week, (start + timedelta(days=7)).strftime("%A %d %B"))

    now = signed_in.get("/now.json").get_json()["lines"][0]
    assert [(p["name"], p["state"]) for p in now["on_shift"]] == [("Sam", "available")]
    assert "added shift" in signed_in.text("/audit")


def test_days_without_a_primary_are_highlighted_as_gaps(line: Line, signed_in: Dashboard) -> None:
    page = signed_in.text("/rota")
    assert page.count('class="gap"') == 7
    assert "No primary 00:00–24:00" in page


def test_a_bad_time_is_explained_and_nothing_is_added(line: Line, signed_in: Dashboard) -> None:
    line.add_volunteer("Sam", SAM, on_shift=False)
    ids = volunteer_ids(signed_in.text("/rota"))
    response = signed_in.post(
        "/rota/shifts",
        {
            "volunteer": ids["Sam"],
            "role": "primary",
            "date": "2026-12-01",
            "start": "6pm",
            "end": "22:00",
        },
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="start-error"' in page and "start time like 18:00" in page


def test_a_shift_of_no_length_or_already_over_is_refused_in_words(
    line: Line, signed_in: Dashboard
) -> None:
    line.add_volunteer("Sam", SAM, on_shift=False)
    ids = volunteer_ids(signed_in.text("/rota"))
    tomorrow = (utcnow() + timedelta(days=1)).astimezone(NEW_YORK).date().isoformat()
    same = {"volunteer": ids["Sam"], "role": "primary", "date": tomorrow}
    response = signed_in.post("/rota/shifts", {**same, "start": "18:00", "end": "18:00"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="end-error"' in page and "The end must differ from the start" in page

    yesterday = (utcnow() - timedelta(days=1)).astimezone(NEW_YORK).date().isoformat()
    past = {**same, "date": yesterday, "start": "09:00", "end": "12:00"}
    response = signed_in.post("/rota/shifts", past)
    assert response.status_code == 400
    assert "That shift is already over." in response.get_data(as_text=True)
    assert "added shift" not in signed_in.text("/audit")


def test_a_date_is_handed_to_another_volunteer_and_another_is_cancelled(
    line: Line, signed_in: Dashboard
) -> None:
    line.add_volunteer("Sam", SAM, on_shift=False)
    line.add_volunteer("Alex", ALEX, on_shift=False)
    tomorrow = (utcnow().astimezone(NEW_YORK) + timedelta(days=1)).date()
    ids = volunteer_ids(signed_in.text("/rota"))
    signed_in.post(
        "/rota/shifts",
        {
            "volunteer": ids["Sam"],
            "role": "primary",
            "date": tomorrow.isoformat(),
            "start": "18:00",
            "end": "22:00",
            "weekly": "yes",
        },
    )
    shift_id = re.search(r"/rota/shifts/(\d+)/hand-over", signed_in.followed).group(1)  # type: ignore[union-attr]
    week = tomorrow.isoformat()
    signed_in.post(
        f"/rota/shifts/{shift_id}/hand-over?week={week}",
        {"date": tomorrow.isoformat(), "volunteer": ids["Alex"]},
    )
    day = day_section(signed_in.followed, tomorrow.strftime("%A %d %B"))
    assert re.findall(r'<span class="who">([^<]+)</span>', day) == ["Alex"]

    later = tomorrow + timedelta(days=7)
    signed_in.post(
        f"/rota/shifts/{shift_id}/cancel?week={later.isoformat()}", {"date": later.isoformat()}
    )
    assert "That date is cancelled." in signed_in.followed
    assert "18:00–22:00" not in day_section(signed_in.followed, later.strftime("%A %d %B"))
    audit = signed_in.text("/audit")
    assert (
        "handed over shift date" in audit
        and "Sam → Alex" in audit
        and "cancelled shift date" in audit
    )


def test_an_open_shift_is_posted_and_volunteers_are_texted_a_code(
    line: Line, signed_in: Dashboard
) -> None:
    line.add_volunteer("Sam", SAM)  # the line's people: those with a shift lately or soon
    tomorrow = (utcnow().astimezone(NEW_YORK) + timedelta(days=1)).date()
    signed_in.get("/rota")
    response = signed_in.post(
        "/rota/open-shifts",
        {"role": "primary", "date": tomorrow.isoformat(), "start": "09:00", "end": "13:00"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    code = re.search(r"CLAIM (\w+) to take it", signed_in.followed).group(1)  # type: ignore[union-attr]
    line.drain()
    assert any(code in body for body in line.sent_to(SAM))


def test_a_whole_weekly_shift_is_cancelled_from_the_grid_and_the_audit_log_reads_in_local_time(
    line: Line, signed_in: Dashboard
) -> None:
    line.add_volunteer("Sam", SAM, on_shift=False)
    tomorrow = (utcnow().astimezone(NEW_YORK) + timedelta(days=1)).date()
    ids = volunteer_ids(signed_in.text("/rota"))
    signed_in.post(
        "/rota/shifts",
        {
            "volunteer": ids["Sam"],
            "role": "primary",
            "date": tomorrow.isoformat(),
            "start": "22:00",
            "end": "06:00",
            "weekly": "yes",
        },
    )
    day = day_section(signed_in.followed, tomorrow.strftime("%A %d %B"))
    assert "22:00–06:00 (next day)" in day
    assert "Skip this date" in day and "Cancel the whole shift" in day
    assert 'data-confirm="Cancel Sam\'s weekly shift in every week from now on?"' in day
    shift_id = re.search(r"/rota/shifts/(\d+)/cancel-shift", day).group(1)  # type: ignore[union-attr]

    later = tomorrow + timedelta(days=14)
    signed_in.post(f"/rota/shifts/{shift_id}/cancel-shift?week={later.isoformat()}", {})
    assert re.search(r"The shift is cancelled: \d+ dates removed\.", signed_in.followed)
    assert "Sam" not in day_section(signed_in.followed, later.strftime("%A %d %B"))
    audit = signed_in.text("/audit")
    assert (
        "cancelled shift" in audit
        and f"Sam, primary, weekly from {tomorrow:%a %Y-%m-%d} 22:00" in audit
    )
    when = re.findall(r'<td class="when" data-label="When">([^<]+)</td>', audit)
    assert when and all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d E[SD]T", w) for w in when)
