"""Settings, statistics, audit, resources, coordinators, account and training, in Spanish."""

from __future__ import annotations

import html
import json
import re

from tests.integration.conftest import Line
from tests.integration.dashboard.conftest import Dashboard, in_spanish
from tests.integration.dashboard.test_resources_page import BREATHING
from tests.integration.dashboard.test_settings import current_form
from tests.integration.dashboard.test_stats import add_counts, line_row, local_today


def read(page: str) -> str:
    return html.unescape(page)


def test_the_settings_page_and_its_notices_read_in_spanish_and_english_is_unchanged(
    line: Line, signed_in: Dashboard
) -> None:
    english = read(signed_in.text("/settings"))
    assert "<h1>Settings</h1>" in english and "Offer again after (seconds)" in english
    assert ">The line's texts</a>" in english and "No closures ahead." in english

    page = read(in_spanish(signed_in).text("/settings"))
    assert "<title>Ajustes · Warmline</title>" in page and "<h1>Ajustes</h1>" in page
    for words in (
        "Volver a ofrecer tras (segundos)",
        "Avisar a la coordinación de guardia tras (segundos)",
        "Guardar los ajustes",
        "Pregunta de consentimiento",
        "<legend>Versión 1</legend>",
        "Horario semanal en America/New_York",
        "No hay cierres previstos.",
        ">Los textos de la línea</a>",
        '<option value="simultaneous" selected>a la vez</option>',
    ):
        assert words in page, words
    assert signed_in.post("/settings", current_form(page)).status_code == 302
    assert "No ha cambiado nada." in signed_in.followed
    form = {"start_date": "2031-12-24", "start_time": "18:00"}
    form |= {"end_date": "2031-12-26", "end_time": "08:00", "reason": "Fiestas"}
    assert signed_in.post("/settings/closures", form).status_code == 302
    assert "Cierre añadido." in signed_in.followed
    assert "mié 24 dic 2031 18:00 – vie 26 dic 2031 08:00" in signed_in.followed
    signed_in.post("/settings/hours", {"hours": "mon-fri 18:00-23:00"})
    assert "Horario guardado: Lun 18:00-23:00, Mar 18:00-23:00" in read(signed_in.followed)


def test_a_refused_setting_is_summarised_in_spanish(line: Line, signed_in: Dashboard) -> None:
    form = current_form(in_spanish(signed_in).text("/settings"))
    form.update(name="")
    refused = read(signed_in.post("/settings", form).get_data(as_text=True))
    assert "Hay un problema" in refused
    assert "No se guardó nada. Corrige esto y vuelve a guardar:" in refused


def test_statistics_read_in_spanish_with_spanish_days_and_numbers(
    line: Line, signed_in: Dashboard
) -> None:
    row = line_row(line)
    add_counts(line, local_today(row), "sms", contacts=1200, answered=1000)
    english = signed_in.text("/stats")
    assert "Conversations by text<strong>1,200</strong>" in english and "83%" in english

    page = read(in_spanish(signed_in).text("/stats"))
    assert "<h1>Estadísticas</h1>" in page and "últimos 30 días" in page
    assert "Conversaciones por mensaje<strong>1.200</strong>" in page
    assert "Contactos que atendió un compañero<strong>83\xa0%</strong>" in page
    assert 'aria-label="Conversaciones y llamadas por día, y cuántas atendió un compañero"' in page
    assert ">Mostrar las cifras</summary>" in page and ">7 días</a>" in page
    month = {12: "dic", 1: "ene"}.get(local_today(row).month)
    if month:
        assert f" {month}</th>" in page


def test_the_audit_log_reads_its_actions_in_spanish_and_keeps_what_they_were_about(
    line: Line, signed_in: Dashboard, coordinator: str
) -> None:
    signed_in.text("/settings/texts")
    form = {"key": "closing", "language": "en", "text": "Bye from {line_name}. {hours} {crisis}."}
    signed_in.post("/settings/texts", form)
    assert ">changed a text</td>" in signed_in.text("/audit")

    page = read(in_spanish(signed_in).text("/audit"))
    assert "<h1>Registro de auditoría</h1>" in page
    assert '<td data-label="Qué">cambió un texto</td>' in page
    assert "closing (en)" in page and coordinator in page
    assert '<option value="signed in">inició sesión</option>' in page
    assert "2 entradas en esta página." in page
    narrowed = read(signed_in.text("/audit?what=changed+a+text"))
    assert "1 entrada en esta página, filtrada." in narrowed


def test_the_resources_page_and_its_notices_read_in_spanish(
    line: Line, signed_in: Dashboard
) -> None:
    page = read(in_spanish(signed_in).text("/resources"))
    assert "<h1>Recursos</h1>" in page and "Todavía no hay recursos" in page
    assert "Añadir un tema" in page and "Otras palabras para el tema" in page
    assert signed_in.post("/resources", BREATHING).status_code == 302
    assert "Recurso añadido: Calm breathing." in signed_in.followed
    assert '<span class="tag">Inglés</span>' in signed_in.followed
    assert signed_in.post("/topics", {"name": "caregiving", "synonyms": ""}).status_code == 302
    assert "Tema añadido: caregiving." in signed_in.followed
    link = re.search(r'href="(/resources/\d+\?line=\d+)"', signed_in.followed)
    assert link is not None
    edit = read(signed_in.text(link.group(1)))
    assert "<h1>Cambiar un recurso</h1>" in edit and "Volver a la biblioteca" in edit


def test_coordinators_and_the_password_page_read_in_spanish(
    line: Line, signed_in: Dashboard, coordinator: str
) -> None:
    page = read(in_spanish(signed_in).text("/coordinators"))
    assert "<h1>Coordinación</h1>" in page and f"{coordinator} (tú)" in page
    assert "Añadir a una persona de coordinación" in page
    refused = read(signed_in.post("/coordinators", {"email": "ana@example.org"}).get_data(True))
    assert "Marca las líneas que coordina, o hazla administradora." in refused

    account = read(signed_in.text("/account/password"))
    assert "<h1>Cambia tu contraseña</h1>" in account and "Contraseña nueva otra vez" in account
    differ = signed_in.post(
        "/account/password",
        {"current_password": "x", "new_password": "a" * 12, "confirm_password": "b" * 12},
    )
    assert differ.status_code == 400
    assert "Las dos contraseñas nuevas no coinciden." in read(differ.get_data(as_text=True))


def test_an_expired_form_is_explained_in_spanish(line: Line, signed_in: Dashboard) -> None:
    in_spanish(signed_in)
    expired = signed_in.post("/settings/closures", {}, csrf=False)
    page = read(expired.get_data(as_text=True))
    assert expired.status_code == 400 and "<h1>Este formulario ha caducado</h1>" in page
    assert "Volver al panel" in page


def test_the_training_simulator_reads_in_spanish(line: Line, signed_in: Dashboard) -> None:
    page = read(in_spanish(signed_in).text("/training"))
    assert "<h1>Simulador de práctica</h1>" in page and ">Persona que escribe 1</h2>" in page
    words = json.loads(page.split('id="training-words">')[1].split("</script>")[0])
    assert words == {"quiet": "Todavía no hay mensajes.", "sent": " · enviado"}  # for its script
    signed_in.post("/training/text", {"sender": "t1", "body": " "})
    assert "Escribe un mensaje para enviar." in signed_in.followed
    signed_in.post("/training/clear", {})
    assert "Se borraron 0 mensajes simulados." in signed_in.followed
    labels = [p["label"] for p in signed_in.get("/training.json").get_json()["phones"]]
    assert labels[:3] == ["Persona que escribe 1", "Persona que escribe 2", "Persona que escribe 3"]
