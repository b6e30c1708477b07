"""A Spanish page refuses in Spanish: Now, the rota, settings, volunteers and resources."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from tests.integration.conftest import Line
from tests.integration.conversations.test_sms_flow import SAM
from tests.integration.dashboard.conftest import Dashboard, in_spanish
from tests.integration.dashboard.test_languages import SPANISH_BROWSER
from tests.integration.dashboard.test_now_actions import line_id, peer_ids
from tests.integration.dashboard.test_resources_page import BREATHING
from tests.integration.dashboard.test_rota import volunteer_ids
from tests.integration.dashboard.test_settings import current_form
from tests.integration.dashboard.test_volunteer_editing import volunteer_id
from warmline.core.clock import utcnow

NEW_YORK = ZoneInfo("America/New_York")


def test_an_offer_after_a_peer_took_it_is_refused_in_spanish_on_the_now_page(
    line: Line, signed_in: Dashboard, offered_ref: str
) -> None:
    peers = peer_ids(signed_in.text("/"))
    line.text(SAM, offered_ref)

    in_spanish(signed_in).post(
        f"/now/conversations/{offered_ref}/offer?line={line_id(line)}", {"volunteer": peers["Sam"]}
    )
    assert f"Mientras tanto alguien tomó #{offered_ref}: ahora la tiene un compañero." in (
        signed_in.followed
    )
    assert "taken meanwhile" not in signed_in.followed


def test_a_shift_already_over_is_refused_in_spanish_beside_its_field(
    line: Line, signed_in: Dashboard
) -> None:
    line.add_volunteer("Sam", SAM, on_shift=False)
    ids = volunteer_ids(signed_in.text("/rota"))
    yesterday = (utcnow() - timedelta(days=1)).astimezone(NEW_YORK).date().isoformat()
    past = {
        "volunteer": ids["Sam"],
        "role": "primary",
        "date": yesterday,
        "start": "09:00",
        "end": "12:00",
    }
    response = in_spanish(signed_in).post("/rota/shifts", past)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="start-error"' in page and "Ese turno ya terminó." in page
    assert "already over" not in page


def test_a_bad_setting_is_refused_in_spanish_in_the_summary(
    line: Line, signed_in: Dashboard
) -> None:
    form = current_form(signed_in.text("/settings"))
    form.update(log_retention_days="0")
    response = signed_in.client.post(
        "/settings", data={**form, "csrf_token": signed_in.token}, headers=SPANISH_BROWSER
    )
    assert response.status_code == 400
    summary = response.get_data(as_text=True).split('id="error-summary"')[1].split("</div>")[0]
    assert "debe ser un número entero de 1 a 3650." in summary
    assert "whole number" not in summary


def test_a_volunteer_without_a_name_or_language_is_refused_in_spanish(
    line: Line, signed_in: Dashboard
) -> None:
    line.add_volunteer("Sam", SAM)
    sam = volunteer_id(line, "Sam")
    in_spanish(signed_in).get(f"/volunteers/{sam}/edit")
    no_name = signed_in.post(f"/volunteers/{sam}", {"name": " ", "languages": "en"})
    assert no_name.status_code == 400
    assert "Escribe el nombre de la persona voluntaria." in no_name.get_data(as_text=True)
    no_language = signed_in.post(f"/volunteers/{sam}", {"name": "Sam"})
    assert no_language.status_code == 400
    assert "Da al menos un idioma, p. ej. en o en,es" in no_language.get_data(as_text=True)


def test_a_resource_without_a_title_is_refused_in_spanish(line: Line, signed_in: Dashboard) -> None:
    in_spanish(signed_in).get("/resources")
    response = signed_in.post("/resources", {**BREATHING, "title": "  "})
    assert response.status_code == 400
    assert "debe tener de 1 a 120 caracteres." in response.get_data(as_text=True)


def test_back_in_english_the_same_refusal_reads_in_english(
    line: Line, signed_in: Dashboard
) -> None:
    in_spanish(signed_in).get("/language/en?next=/")
    response = signed_in.post("/resources", {**BREATHING, "title": "  "})
    assert "“Title” must be 1 to 120 characters." in response.get_data(as_text=True)
