"""The line's texts page: a coordinator changes what people receive, per language, or goes back."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from tests.integration.conftest import Line
from tests.integration.conversations.test_sms_flow import TEXTER
from tests.integration.dashboard.conftest import Dashboard
from tests.integration.dashboard.test_settings import audit_rows, line_row
from warmline.models import Line as LineRow
from warmline.models import LineText

OWN_GREETING = "Hello from {line_name}, we're here. If you are in danger, {crisis}."
SECOND_TEXTER = "+15550009401"


def speaks_english_and_spanish(line: Line) -> None:
    with line.rt.db.session() as session:
        row = session.scalars(select(LineRow).where(LineRow.number == line.number)).one()
        row.languages = "en,es"
        session.commit()


def box(page: str, name: str) -> str:
    """The words in the textarea `name` of the page, as a person reads them."""
    found = re.search(rf'<textarea id="{name}"[^>]*>([^<]*)</textarea>', page)
    assert found is not None, name
    return html.unescape(found.group(1))


def test_a_greeting_of_the_lines_own_greets_the_next_texter_and_is_audited(
    line: Line, signed_in: Dashboard, coordinator: str
) -> None:
    settings = signed_in.text("/settings")
    assert 'href="/settings/texts?line=' in settings
    page = signed_in.text("/settings/texts")
    assert "<h1>The line's texts</h1>" in html.unescape(page)
    assert "The first reply to a new texter." in page
    assert box(page, "text-greeting-en").startswith("Hi, this is {line_name}, peer support")
    assert "Keep exactly these placeholders: {crisis}, {line_name}." in page

    saved = signed_in.post(
        "/settings/texts?group=texters",
        {"key": "greeting", "language": "en", "text": OWN_GREETING},
    )
    assert saved.status_code == 302 and saved.headers["Location"].endswith("#t-greeting")
    assert "Saved the line's own “greeting” in English." in html.unescape(signed_in.followed)
    assert box(signed_in.followed, "text-greeting-en") == OWN_GREETING
    assert "Back to the default" in signed_in.followed

    line.text(TEXTER, "hi")
    assert line.sent_to(TEXTER)[0] == (
        "Hello from Test Warmline, we're here. If you are in danger, call or text 988, or call 911."
        " Every peer is busy right now, but one will text you here as soon as they can."
    )
    (entry,) = [r for r in audit_rows(signed_in) if "changed a text" in r]
    assert "greeting (en)" in entry and coordinator in entry and "here" not in entry


def test_a_text_that_drops_a_placeholder_is_refused_beside_the_field_and_nothing_is_saved(
    line: Line, signed_in: Dashboard
) -> None:
    speaks_english_and_spanish(line)
    signed_in.text("/settings/texts")
    page = signed_in.refused(
        "/settings/texts?group=texters",
        {"key": "greeting", "language": "es", "text": "Hola, somos {line_name}."},
    )
    sentence = (
        "The Español text for greeting must use the same placeholders as the default "
        "({crisis}, {line_name}): it leaves out {crisis}."
    )
    summary = page.split('id="error-summary"')[1].split("</div>")[0]
    assert f'<a href="#text-greeting-es">{sentence}</a>' in html.unescape(summary)
    error = re.search(r'<p class="field-error" id="text-greeting-es-error">([^<]+)</p>', page)
    assert error is not None and html.unescape(error.group(1)) == sentence
    assert 'aria-invalid="true"' in page.split('id="text-greeting-es"')[1].split(">")[0]
    assert box(page, "text-greeting-es") == "Hola, somos {line_name}."
    shown = html.unescape(page.split('id="t-greeting"')[1].split('id="text-greeting-es"')[0])
    assert "The default is in use:</p>" in shown and '<blockquote lang="es">Hola, somos' in shown
    with line.rt.db.session() as session:
        assert session.scalars(select(LineText)).all() == []


def test_back_to_the_default_sends_the_default_again(line: Line, signed_in: Dashboard) -> None:
    signed_in.text("/settings/texts")
    form = {"key": "greeting", "language": "en", "text": OWN_GREETING}
    assert signed_in.post("/settings/texts?group=texters", form).status_code == 302
    line.text(TEXTER, "hi")
    assert line.sent_to(TEXTER)[0].startswith("Hello from Test Warmline, we're here.")

    reset = signed_in.post("/settings/texts/reset?group=texters", form)
    assert reset.status_code == 302
    assert "“greeting” in English is back to the default." in signed_in.followed
    assert box(signed_in.followed, "text-greeting-en").startswith(
        "Hi, this is {line_name}, peer support"
    )
    line.text(SECOND_TEXTER, "hi")
    assert line.sent_to(SECOND_TEXTER)[0].startswith("Hi, this is Test Warmline, peer support")
    assert any("reset a text" in r and "greeting (en)" in r for r in audit_rows(signed_in))
    again = signed_in.post("/settings/texts/reset?group=texters", form)
    assert again.status_code == 302 and "was already the default" in signed_in.followed


def test_the_greeting_setting_shows_as_the_lines_own_and_unchanged_words_save_nothing(
    line: Line, signed_in: Dashboard
) -> None:
    with line.rt.db.session() as session:
        session.scalars(select(LineRow)).one().greeting = "Hello from the Test Warmline peers."
        session.commit()
    page = signed_in.text("/settings/texts")
    assert box(page, "text-greeting-en") == "Hello from the Test Warmline peers."
    default = box(page, "text-closing-en")
    signed_in.post("/settings/texts", {"key": "closing", "language": "en", "text": default})
    assert "Nothing changed." in signed_in.followed
    with line.rt.db.session() as session:
        assert session.scalars(select(LineText)).all() == []
    assert line_row(line).greeting == "Hello from the Test Warmline peers."


def test_the_texts_page_reads_in_spanish_with_each_group_of_people(
    line: Line, signed_in: Dashboard
) -> None:
    speaks_english_and_spanish(line)
    signed_in.get("/language/es?next=/")
    page = signed_in.text("/settings/texts?group=callers")
    assert "<h1>Los textos de la línea</h1>" in page
    assert 'aria-current="page">Personas que llaman</a>' in page
    assert "Se dice al contestar una llamada." in page  # voice_greeting
    assert '<h4 lang="es">Español</h4>' in page and '<h4 lang="en">English</h4>' in page
    signed_in.post(
        "/settings/texts?group=callers",
        {"key": "voice_thanks", "language": "es", "text": "Gracias por llamar a {line_name}."},
    )
    assert "Se guardó el texto propio de la línea «voice_thanks» en Español." in signed_in.followed
