"""Line settings from the dashboard: validated together, explained beside the field, audited."""

from __future__ import annotations

from sqlalchemy import select

from tests.integration.conftest import Line
from tests.integration.dashboard.conftest import Dashboard
from warmline.models import Line as LineRow


def current_form(page_html: str) -> dict[str, str]:
    import re

    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', page_html))
    fields.pop("csrf_token", None)
    fields["ring_strategy"] = "simultaneous"
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
    assert "changed settings" in audit and "offer_timeout_s, escalate_timeout_s" in audit
    assert coordinator in audit


def test_timeouts_that_do_not_grow_are_refused_beside_the_field_and_nothing_changes(
    line: Line, signed_in: Dashboard
) -> None:
    form = current_form(signed_in.text("/settings"))
    form.update(offer_timeout_s="400", name="Renamed")
    response = signed_in.post("/settings", form)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="offer_timeout_s-error"' in page and "must grow" in page
    row = line_row(line)
    assert (row.offer_timeout_s, row.name) == (120, "Test Warmline")


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
