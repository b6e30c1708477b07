"""Line settings from the dashboard: validated together, explained beside the field, audited."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

from sqlalchemy import select

from tests.integration.conftest import Line
from tests.integration.dashboard.conftest import Dashboard
from warmline.core.clock import utcnow
from warmline.models import Closure
from warmline.models import Line as LineRow
from warmline.privacy import consent
from warmline.rota import settings as settings_board


def current_form(page_html: str) -> dict[str, str]:
    """The main settings form as the browser would send it, textareas included."""
    page_html = page_html.split('id="consent"')[0]
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', page_html))
    fields |= dict(re.findall(r'<textarea[^>]* name="(\w+)"[^>]*>([^<]*)</textarea>', page_html))
    fields = {k: html.unescape(v) for k, v in fields.items()}
    fields.pop("csrf_token", None)
    fields["ring_strategy"] = "simultaneous"
    for name, options in re.findall(
        r'<select[^>]* name="(\w+)"[^>]*>(.*?)</select>', page_html, re.S
    ):
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        fields.setdefault(name, chosen.group(1) if chosen else "")
    return fields


def line_row(line: Line) -> LineRow:
    with line.rt.db.session() as session:
        found = session.scalar(select(LineRow).where(LineRow.number == line.number))
        assert found is not None
        return found


def test_a_coordinator_changes_the_escalation_policy_and_the_audit_log_says_who(
    line: Line, signed_in: Dashboard, coordinator: str
) -> None:
    form = current_form(signed_in.text("/settings"))
    assert form["offer_timeout_s"] == "120"
    form.update(offer_timeout_s="60", escalate_timeout_s="180")
    assert signed_in.post("/settings", form).status_code == 302
    row = line_row(line)
    assert (row.offer_timeout_s, row.escalate_timeout_s) == (60, 180)
    audit = signed_in.text("/audit")
    assert "changed setting" in audit
    assert "offer_timeout_s: “120” → “60”" in audit and "escalate_timeout_s: “300” → “180”" in audit
    assert coordinator in audit


def test_timeouts_that_do_not_grow_are_refused_beside_the_field_and_nothing_changes(
    line: Line, signed_in: Dashboard
) -> None:
    form = current_form(signed_in.text("/settings"))
    form.update(offer_timeout_s="400", name="Renamed")
    page = signed_in.refused("/settings", form)
    assert 'id="offer_timeout_s-error"' in page and "must grow" in page
    row = line_row(line)
    assert (row.offer_timeout_s, row.name) == (120, "Test Warmline")


def test_crisis_numbers_too_long_for_a_first_reply_are_refused_beside_the_field(
    line: Line, signed_in: Dashboard
) -> None:
    form = current_form(signed_in.text("/settings"))
    long_numbers = (
        "call or text 988 at any hour, or call 911 if you are in immediate danger, or text HOME "
        "to 741741, or call your county's mental health crisis team on 555 0100"
    )
    form.update(crisis_numbers=long_numbers)
    page = html.unescape(signed_in.refused("/settings", form))
    assert 'id="crisis_numbers-error"' in page
    assert "first reply (“Greeting”) makes 3 SMS segments; a first reply may use 2" in page
    assert line_row(line).crisis_numbers == "call or text 988, or call 911"


def test_a_number_out_of_range_is_explained(line: Line, signed_in: Dashboard) -> None:
    form = current_form(signed_in.text("/settings"))
    form.update(max_active_per_volunteer="ninety")
    response = signed_in.post("/settings", form)
    assert response.status_code == 400
    assert "whole number from 1 to 20" in response.get_data(as_text=True)


def test_script_and_sql_in_settings_are_stored_inertly_and_shown_as_text(
    line: Line, signed_in: Dashboard
) -> None:
    form = current_form(signed_in.text("/settings"))
    form.update(name="<script>alert(1)</script>", hours_text="' OR 1=1--")
    assert signed_in.post("/settings", form).status_code == 302
    row = line_row(line)
    assert row.name == "<script>alert(1)</script>" and row.hours_text == "' OR 1=1--"
    for path in ("/settings", "/", "/rota", "/stats"):
        page = signed_in.text(path)
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def audit_rows(signed_in: Dashboard) -> list[str]:
    page = signed_in.text("/audit")
    return re.findall(r"<tr><td class=\"when\".*?</tr>", page.split("<tbody>")[1], re.S)


def test_new_consent_wording_becomes_the_next_version_and_the_audit_log_keeps_no_words(
    line: Line, signed_in: Dashboard, coordinator: str
) -> None:
    page = signed_in.text("/settings")
    assert "<legend>Version 1</legend>" in page and "Reply YES or NO" in page
    words = "Can we keep the times of this chat, never your words? Reply YES or NO."
    response = signed_in.post("/settings/consent", {"consent_wording": words})
    assert response.status_code == 302
    assert "saved as version 2" in signed_in.followed
    assert "<legend>Version 2</legend>" in signed_in.followed and words in signed_in.followed
    with line.rt.db.session() as session:
        target = line_row(line)
        assert consent.current_wording(session, target, utcnow()).text == words
    again = signed_in.post("/settings/consent", {"consent_wording": words})
    assert again.status_code == 302 and "unchanged (version 2)" in signed_in.followed
    (entry,) = [r for r in audit_rows(signed_in) if "consent wording" in r]
    assert "version 2" in entry and coordinator in entry and "keep the times" not in entry
    # The next texter is asked the new question, with the goodbye.
    line.add_volunteer("Sam", "+15550002222")
    line.text("+15550009001", "hello")
    (offer,) = line.sent_to("+15550002222")
    line.text("+15550002222", offer.split("Reply ")[1].split(" ")[0])
    line.text("+15550002222", "DONE")
    assert line.sent_to("+15550009001")[-1] == words


def test_empty_or_overlong_consent_wording_is_refused_beside_the_field(
    line: Line, signed_in: Dashboard
) -> None:
    signed_in.get("/settings")
    page = signed_in.refused("/settings/consent", {"consent_wording": "x" * 601})
    assert 'id="consent_wording-error"' in page and "1 to 600 characters" in page
    assert "<legend>Version 1</legend>" in page


def test_crisis_words_in_english_and_spanish_are_saved_and_used(
    line: Line, signed_in: Dashboard, coordinator: str
) -> None:
    form = current_form(signed_in.text("/settings"))
    form.update(crisis_words_en="drowning\nat the edge", crisis_words_es="me ahogo")
    assert signed_in.post("/settings", form).status_code == 302
    row = line_row(line)
    assert row.crisis_words_en == "drowning, at the edge" and row.crisis_words_es == "me ahogo"
    assert "drowning, at the edge</textarea>" in signed_in.followed
    line.add_volunteer("Sam", "+15550002222")
    line.text("+15550009001", "I feel like I'm drowning tonight")
    assert any("It sounds like things are really hard" in b for b in line.sent_to("+15550009001"))
    rows = audit_rows(signed_in)
    assert any("crisis_words_en: (empty) → “drowning, at the edge”" in r for r in rows)
    assert any("crisis_words_es: (empty) → “me ahogo”" in r for r in rows)
    # Emptied, the built-in words apply again.
    form = current_form(signed_in.text("/settings"))
    form.update(crisis_words_en="", crisis_words_es="")
    assert signed_in.post("/settings", form).status_code == 302
    assert line_row(line).crisis_words_en == ""


def test_outcome_tags_and_the_four_retention_windows_are_settable_within_their_ranges(
    line: Line, signed_in: Dashboard
) -> None:
    form = current_form(signed_in.text("/settings"))
    assert form["log_retention_days"] == "365" and form["number_retention_h"] == "24"
    form.update(
        outcome_tags="talked, resources, followup",
        number_retention_h="48",
        unsent_text_max_h="2",
        log_retention_days="730",
        recording_retention_days="14",
    )
    assert signed_in.post("/settings", form).status_code == 302
    row = line_row(line)
    assert (row.outcome_tags, row.number_retention_h, row.unsent_text_max_h) == (
        "talked, resources, followup",
        48,
        2,
    )
    assert (row.log_retention_days, row.recording_retention_days) == (730, 14)
    for name, bad, says in (
        ("number_retention_h", "721", "whole number from 1 to 720"),
        ("unsent_text_max_h", "0", "whole number from 1 to 48"),
        ("log_retention_days", "3651", "whole number from 1 to 3650"),
        ("recording_retention_days", "91", "whole number from 1 to 90"),
        ("outcome_tags", "went well, talked", "single words"),
    ):
        form = current_form(signed_in.text("/settings"))
        form[name] = bad
        response = signed_in.post("/settings", form)
        assert response.status_code == 400, name
        page = response.get_data(as_text=True)
        assert f'id="{name}-error"' in page and says in page, name
    assert line_row(line).log_retention_days == 730


def test_a_lines_own_send_rate_is_set_refused_when_bad_and_cleared_to_the_default(
    line: Line, signed_in: Dashboard
) -> None:
    form = current_form(signed_in.text("/settings"))
    assert form["send_rate_per_s"] == ""  # the default for every line
    form["send_rate_per_s"] = "3"
    assert signed_in.post("/settings", form).status_code == 302
    assert line_row(line).send_rate_per_s == 3.0
    assert 'name="send_rate_per_s" value="3"' in signed_in.followed
    # Shown as typed, so saving the page again changes nothing.
    assert signed_in.post("/settings", current_form(signed_in.followed)).status_code == 302
    assert "Nothing changed." in signed_in.followed
    for bad in ("fast", "-1", "nan", "1001"):
        form = current_form(signed_in.text("/settings"))
        form["send_rate_per_s"] = bad
        response = signed_in.post("/settings", form)
        assert response.status_code == 400, bad
        page = response.get_data(as_text=True)
        assert 'id="send_rate_per_s-error"' in page and "from 0 to 1000" in page, bad
    assert line_row(line).send_rate_per_s == 3.0
    form = current_form(signed_in.text("/settings"))
    form["send_rate_per_s"] = ""
    assert signed_in.post("/settings", form).status_code == 302
    assert line_row(line).send_rate_per_s is None
    assert any("send_rate_per_s" in r for r in audit_rows(signed_in))


def test_hours_use_the_cli_syntax_are_described_and_audited(
    line: Line, signed_in: Dashboard
) -> None:
    page = signed_in.text("/settings")
    assert (
        'Now: <strong><span class="nobreak">always open</span></strong>' in page
        and 'value="always"' in page
    )
    response = signed_in.post(
        "/settings/hours", {"hours": "mon-fri 18:00-23:00; sat,sun 12:00-02:00"}
    )
    assert response.status_code == 302
    assert "Opening hours saved: Mon 18:00-23:00" in signed_in.followed
    assert "Sun 12:00-02:00" in signed_in.followed
    assert 'value="mon-fri 18:00-23:00; sat-sun 12:00-02:00"' in signed_in.followed
    with line.rt.db.session() as session:
        windows = settings_board.hours(session, line_row(line))
    assert (0, 18 * 60, 23 * 60) in windows and (6, 12 * 60, 2 * 60) in windows
    assert line_row(line).hours_text == (
        "Our hours (America/New_York): Mon-Fri 18:00-23:00, Sat-Sun 12:00-02:00."
    )
    assert any(
        "changed hours" in r and "hours: “always” → “mon-fri 18:00-23:00; sat-sun 12:00-02:00”" in r
        for r in audit_rows(signed_in)
    )
    page = signed_in.refused("/settings/hours", {"hours": "weekdays 6pm"})
    assert 'id="hours-error"' in page and 'value="weekdays 6pm"' in page
    with line.rt.db.session() as session:
        assert len(settings_board.hours(session, line_row(line))) == 7  # unchanged


def test_a_closure_is_added_in_the_lines_zone_listed_and_removed(
    line: Line, signed_in: Dashboard, coordinator: str
) -> None:
    signed_in.get("/settings")
    year = utcnow().year + 1
    response = signed_in.post(
        "/settings/closures",
        {
            "start_date": f"{year}-12-24",
            "start_time": "18:00",
            "end_date": f"{year}-12-26",
            "end_time": "09:00",
            "reason": "<b>Holidays</b>",
        },
    )
    assert response.status_code == 302
    page = signed_in.followed
    assert "Closure added." in page
    assert f"Thu 24 Dec {year} 18:00" in page or f"24 Dec {year} 18:00" in page
    assert "&lt;b&gt;Holidays&lt;/b&gt;" in page
    with line.rt.db.session() as session:
        (closure,) = session.scalars(select(Closure)).all()
    assert closure.starts_at == datetime(year, 12, 24, 23, 0, tzinfo=UTC)  # 18:00 EST
    assert closure.ends_at == datetime(year, 12, 26, 14, 0, tzinfo=UTC)
    removed = signed_in.post(f"/settings/closures/{closure.id}/remove", {})
    assert removed.status_code == 302 and "Closure removed." in signed_in.followed
    assert "No closures ahead." in signed_in.followed
    actions = [r for r in audit_rows(signed_in) if "closure" in r]
    assert len(actions) == 2 and "removed closure" in actions[0] and "added closure" in actions[1]
    assert f"{year}-12-24 18:00" in actions[1]


def test_a_closure_that_ends_before_it_starts_is_refused_beside_the_field(
    line: Line, signed_in: Dashboard
) -> None:
    signed_in.get("/settings")
    page = signed_in.refused(
        "/settings/closures",
        {"start_date": "2031-01-02", "start_time": "10:00", "end_date": "2031-01-01"},
    )
    assert 'id="end_date-error"' in page and "must end after it starts" in page
    assert 'value="2031-01-02"' in page
    with line.rt.db.session() as session:
        assert session.scalars(select(Closure)).all() == []


def test_the_settings_forms_need_a_session_and_a_csrf_token(
    line: Line, signed_in: Dashboard
) -> None:
    for path, form in (
        ("/settings/consent", {"consent_wording": "changed"}),
        ("/settings/hours", {"hours": "mon 09:00-10:00"}),
        ("/settings/closures", {"start_date": "2031-01-01", "end_date": "2031-01-02"}),
    ):
        assert signed_in.post(path, form, csrf=False).status_code == 400
    with line.rt.db.session() as session:
        assert session.scalars(select(Closure)).all() == []
        assert settings_board.hours(session, line_row(line)) == []
        assert consent.current_wording(session, line_row(line), utcnow()).version == 1


def test_a_line_serves_spanish_first_and_a_default_outside_its_languages_is_refused(
    line: Line, signed_in: Dashboard
) -> None:
    form = current_form(signed_in.text("/settings"))
    assert (form["languages"], form["default_language"]) == ("en,es", "en")

    form.update(languages="en", default_language="es")
    page = signed_in.refused("/settings", form)
    assert 'id="default_language-error"' in page
    error = re.search(r'id="default_language-error">([^<]*)<', page)
    assert error is not None
    said = html.unescape(error.group(1))
    assert said == "“Default language” 'es' is not one of the line's “Languages” (en).", said
    assert (line_row(line).languages, line_row(line).default_language) == ("en,es", "en")

    form.update(languages="es, en", default_language="es")
    assert signed_in.post("/settings", form).status_code == 302
    assert (line_row(line).languages, line_row(line).default_language) == ("es,en", "es")


def test_unknown_languages_are_explained_beside_the_field(line: Line, signed_in: Dashboard) -> None:
    form = current_form(signed_in.text("/settings"))
    form.update(languages="en, fr")
    page = html.unescape(signed_in.refused("/settings", form))
    assert 'id="languages-error"' in page and "'fr' is not a language this line knows" in page
