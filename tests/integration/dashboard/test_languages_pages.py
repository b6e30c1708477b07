"""The rota, volunteers, contact log and one person's data pages in Spanish, and still in English."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date

from tests.integration.conftest import Line
from tests.integration.conversations.test_sms_flow import ALEX, SAM
from tests.integration.dashboard.conftest import Dashboard, in_english
from tests.integration.dashboard.test_rota import day_section, volunteer_ids
from tests.integration.dashboard.test_volunteer_files import GOOD, sealed_file, upload
from tests.integration.privacy.test_privacy import talk_and_close
from warmline.core.clock import utcnow

NEW_YORK = ZoneInfo("America/New_York")
# Each test starts on the dashboard in Spanish, signed in.
pytestmark = pytest.mark.usefixtures("spanish")


def test_the_rota_reads_in_spanish_with_spanish_days_and_a_spanish_notice(
    line: Line, signed_in: Dashboard
) -> None:
    line.add_volunteer("Sam", SAM, on_shift=False)
    page = signed_in.text("/rota")
    assert "<title>Turnos · Warmline</title>" in page and "<h1>Turnos</h1>" in page
    assert "horas en America/New_York" in page and "Semana del " in page
    assert "Añadir un turno" in page and "Publicar un turno abierto" in page
    assert '<option value="primary" selected>principal</option>' in page
    start = utcnow().astimezone(NEW_YORK) + timedelta(hours=2)
    response = signed_in.post(
        "/rota/shifts",
        {
            "volunteer": volunteer_ids(page)["Sam"],
            "role": "primary",
            "date": start.date().isoformat(),
            "start": start.strftime("%H:00"),
            "end": (start + timedelta(hours=2)).strftime("%H:00"),
            "weekly": "yes",
        },
    )
    assert response.status_code == 302
    week = signed_in.followed
    assert "Turno añadido." in week
    spanish_day = format_date(
        start.date(), "EEEE dd MMMM", locale="es"
    )  # e.g. "martes 01 diciembre"
    day = day_section(week, spanish_day)
    assert "principal · semanal" in day and "Sam" in day
    short_day = format_date(start.date(), "EEE dd MMM", locale="es")
    assert f'data-confirm="¿Saltar el turno de Sam del {short_day}?' in day
    assert "Cancelar todo el turno" in day

    in_english(signed_in)
    english = signed_in.text(f"/rota?week={start.date().isoformat()}")
    assert "<h1>Rota</h1>" in english and "times in America/New_York" in english
    english_day = day_section(english, start.strftime("%A %d %B"))
    assert "primary · weekly" in english_day
    assert f"Skip Sam's shift on {start:%a %d %b}? The other weeks stay." in english_day


def test_a_time_the_clocks_go_back_over_is_noted_in_spanish(
    line: Line, signed_in: Dashboard
) -> None:
    line.add_volunteer("Sam", SAM, on_shift=False)
    line.add_volunteer("Alex", ALEX, on_shift=False)
    ids = volunteer_ids(signed_in.text("/rota"))
    # New York's clocks go back at 02:00 on the first Sunday of November: 01:30 happens twice.
    shift = {"role": "backup", "date": "2027-11-07", "start": "01:30", "end": "04:00"}
    assert signed_in.post("/rota/shifts", {**shift, "volunteer": ids["Sam"]}).status_code == 302
    assert (
        "Turno añadido. Nota: 2027-11-07 01:30 ocurre dos veces en America/New_York; "
        "se tomó la primera (UTC-04:00)."
    ) in signed_in.followed

    in_english(signed_in)
    assert signed_in.post("/rota/shifts", {**shift, "volunteer": ids["Alex"]}).status_code == 302
    assert (
        "Shift added. Note: 2027-11-07 01:30 happens twice in America/New_York; "
        "read as the first (UTC-04:00)."
    ) in signed_in.followed


def test_the_volunteers_page_and_its_notices_read_in_spanish(
    line: Line, signed_in: Dashboard
) -> None:
    page = signed_in.text("/volunteers")
    assert "<h1>Voluntariado</h1>" in page and "Añadir un voluntario/a" in page
    assert "Número de móvil" in page and "Importar voluntariado desde CSV" in page
    response = signed_in.post("/volunteers", {"name": "Robin", "phone": "(555) 000-6101"})
    assert response.status_code == 302
    assert (
        "Robin está añadido/a. Test Warmline le envió un mensaje de bienvenida."
        in signed_in.followed
    )
    assert 'data-label="Teléfono"' in signed_in.followed and "termina en 01" in signed_in.followed

    in_english(signed_in)
    english = signed_in.text("/volunteers")
    assert "<h1>Volunteers</h1>" in english and "Add a volunteer" in english
    assert "ends 01" in english


def test_editing_pausing_and_deactivating_a_volunteer_read_in_spanish(
    line: Line, signed_in: Dashboard
) -> None:
    line.add_volunteer("Sam", SAM)
    sam = volunteer_ids(signed_in.text("/rota"))["Sam"]
    page = signed_in.text(f"/volunteers/{sam}/edit")
    assert "<h1>Editar a Sam</h1>" in page and "Pausar a Sam" in page
    assert "Desactivar detiene las ofertas nuevas; no tiene ninguna conversación activa." in page
    signed_in.post(f"/volunteers/{sam}/deactivate", {})
    assert "Desactivado/a. 0 conversaciones volvieron a la cola." in signed_in.followed
    assert "Desactivado/a</td>" in signed_in.followed

    in_english(signed_in)
    english = signed_in.text(f"/volunteers/{sam}/edit")
    assert "<h1>Edit Sam</h1>" in english and "Reactivate Sam" in english


def test_an_import_preview_and_its_problems_read_in_spanish(
    line: Line, signed_in: Dashboard
) -> None:
    status, page = upload(signed_in, GOOD + ",555 000 7009,,\r\n" + "Jo,555-01,,fr\r\n")
    assert status == 200
    assert "No se añadió nada: 3 problemas en 2 de 5 filas." in page
    # Each row's problem is named by its Spanish field, in the refusal catalogue's Spanish words.
    assert "<li>Nombre: " in page and "Fila 5" in page
    assert "<li>Teléfono: " in page and "<li>Idiomas: " in page and "no es un idioma" in page
    assert "is empty" not in page and "not a phone number" not in page
    status, page = upload(signed_in, GOOD)
    assert "Se pueden añadir las 3 filas. No se añade nada hasta que confirmes." in page
    assert "Añadir 3 voluntarios" in page
    signed_in.post("/volunteers/import/confirm", {"file": sealed_file(page)})
    assert "Se importaron 3 voluntarios; Test Warmline le envió a cada uno" in signed_in.followed

    in_english(signed_in)
    status, english = upload(signed_in, GOOD.replace("7001", "7101").replace("7002", "7102"))
    assert "Nothing was added: 1 problem in 1 of 3 rows." in english
    assert "<li>Phone: A volunteer with this phone number is already here.</li>" in english


def test_the_contact_log_reads_in_spanish(line: Line, signed_in: Dashboard) -> None:
    line.add_volunteer("Sam", SAM)
    talk_and_close(line, answer="YES", tag=None)
    page = signed_in.text("/log")
    assert "<h1>Registro de contactos</h1>" in page and ">Todos</option>" in page
    assert '<option value="sms">Mensajes</option>' in page
    assert '<td data-label="Canal">Mensaje</td>' in page
    assert '<td data-label="Resultado">terminada</td>' in page
    refused = signed_in.get("/log?from=yesterday")
    assert refused.status_code == 400
    assert "Escribe una fecha como 2026-12-24." in refused.get_data(as_text=True)

    in_english(signed_in)
    english = signed_in.text("/log")
    assert "<h1>Contact log</h1>" in english and '<td data-label="Channel">Text</td>' in english
    assert '<td data-label="Outcome">done</td>' in english


def test_one_persons_data_erase_and_block_read_in_spanish(line: Line, signed_in: Dashboard) -> None:
    line.add_volunteer("Sam", SAM)
    talk_and_close(line, answer="YES")
    page = signed_in.text("/contacts")
    assert "<h1>Los datos de una persona</h1>" in page and "Su número de teléfono" in page
    signed_in.post("/contacts/block", {"number": "+1 555 000 6201"})
    assert "Bloqueado: los mensajes de ese número ya no le llegan a nadie." in signed_in.followed
    check = signed_in.post("/contacts/erase", {"number": "+1 555 000 9001"})
    confirm = check.get_data(as_text=True)
    assert "<h1>¿Borrar los datos de esta persona?</h1>" in confirm
    assert "<li>1 conversación</li>" in confirm and "No se puede deshacer." in confirm

    in_english(signed_in)
    english = signed_in.text("/contacts")
    assert "<h1>One person’s data</h1>" in english and "Lift the block instead" in english


def test_the_now_page_names_its_time_zone_and_crisis_alerts_in_spanish(
    line: Line, signed_in: Dashboard
) -> None:
    page = signed_in.text("/")
    assert "Activar avisos de crisis" in page and "Horas en America/New_York (" in page
    assert '"alert_title": "Palabras de crisis en {line}"' in page

    in_english(signed_in)
    english = signed_in.text("/")
    assert "Turn on crisis alerts" in english and "Times in America/New_York (" in english
