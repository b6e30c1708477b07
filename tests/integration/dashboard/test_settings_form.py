"""The settings form: every error summarised at the top, defaults shown as their own text."""

from __future__ import annotations

import re

from tests.integration.conftest import Line
from tests.integration.dashboard.conftest import Dashboard
from tests.integration.dashboard.test_settings import audit_rows, current_form, line_row
from warmline.conversations.rules.crisis import DEFAULT_CRISIS_WORDS

DEFAULT_GREETING_START = (
    "Hi, this is Test Warmline, peer support from people who have been there too"
)


def test_a_failed_save_lists_every_error_at_the_top_with_links_to_the_fields(
    line: Line, signed_in: Dashboard
) -> None:
    form = current_form(signed_in.text("/settings"))
    form.update(name="", max_active_per_volunteer="ninety", log_retention_days="0")
    response = signed_in.post("/settings", form)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    summary = page.split('id="error-summary"')[1].split("</div>")[0]
    assert page.index('id="error-summary"') < page.index("<h1>Settings</h1>")
    assert "There is a problem" in summary and 'tabindex="-1"' in page.split("<h1>")[0]
    links = re.findall(r'<a href="#(\w+)">([^<]+)</a>', summary)
    assert [anchor for anchor, _ in links] == [
        "name",
        "max_active_per_volunteer",
        "log_retention_days",
    ]
    assert "“Texts per volunteer at once” must be a whole number from 1 to 20." in summary
    for name in ("name", "max_active_per_volunteer", "log_retention_days"):
        field = re.search(rf'<(?:input|textarea) id="{name}"[^>]*>', page)
        assert field is not None and 'aria-invalid="true"' in field.group(0)
        assert f'id="{name}-error"' in page
    row = line_row(line)
    assert (row.name, row.log_retention_days) == ("Test Warmline", 365)


def test_the_greeting_and_crisis_word_boxes_show_the_default_text(
    line: Line, signed_in: Dashboard
) -> None:
    form = current_form(signed_in.text("/settings"))
    assert form["greeting"].startswith(DEFAULT_GREETING_START)
    assert "call or text 988" in form["greeting"]
    assert form["crisis_words_en"] == ", ".join(DEFAULT_CRISIS_WORDS["en"])
    assert form["crisis_words_es"] == ", ".join(DEFAULT_CRISIS_WORDS["es"])


def test_saving_the_default_text_unchanged_keeps_it_the_default(
    line: Line, signed_in: Dashboard
) -> None:
    form = current_form(signed_in.text("/settings"))
    assert signed_in.post("/settings", form).status_code == 302
    assert "Nothing changed." in signed_in.followed
    # A rename leaves the greeting box showing the old name: still the default, not a copy.
    form.update(name="Evening Line", crisis_words_en=form["crisis_words_en"].replace(", ", "\n"))
    assert signed_in.post("/settings", form).status_code == 302
    row = line_row(line)
    assert (row.name, row.greeting, row.crisis_words_en) == ("Evening Line", "", "")
    assert (
        "Hi, this is Evening Line, peer support"
        in current_form(signed_in.text("/settings"))["greeting"]
    )


def test_an_edited_greeting_is_the_lines_own_and_the_audit_log_shows_old_and_new(
    line: Line, signed_in: Dashboard
) -> None:
    form = current_form(signed_in.text("/settings"))
    form.update(greeting="Hello from the evening peers. Tell us what's up.")
    assert signed_in.post("/settings", form).status_code == 302
    assert line_row(line).greeting == "Hello from the evening peers. Tell us what's up."
    rows = audit_rows(signed_in)
    assert any(
        "greeting: (empty) → “Hello from the evening peers. Tell us what&#39;s up.”" in r
        for r in rows
    )


def test_the_audit_log_masks_a_forwarding_number(line: Line, signed_in: Dashboard) -> None:
    form = current_form(signed_in.text("/settings"))
    form.update(voice_fallback="number:+1 555 000 4444")
    assert signed_in.post("/settings", form).status_code == 302
    page = signed_in.text("/audit")
    assert "voice_fallback: “voicemail” → “number:number ending 44”" in page
    assert "0004444" not in page and "000 4444" not in page
