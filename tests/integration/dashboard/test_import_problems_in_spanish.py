"""An import preview's row problems in Spanish: the refusals' own catalogue words every one."""

from __future__ import annotations

import html

from tests.integration.conftest import Line
from tests.integration.conversations.test_sms_flow import SAM
from tests.integration.dashboard.conftest import Dashboard
from tests.integration.dashboard.test_volunteer_files import upload
from warmline.core.refusals import reading_in
from warmline.lines import volunteer_files
from warmline.lines.lines import get_line

LONG_NAME = "N" * 81
# One row for each problem an import can report (row 9 is a volunteer the line already has).
EVERY_PROBLEM = (
    "Name,Phone,Topics,Languages\r\n"
    ",555 000 7011,,\r\n"
    f"{LONG_NAME},555 000 7012,,\r\n"
    "Ana,555-01,,\r\n"
    "Bo,555 000 7014,astrology,\r\n"
    "Cy,555 000 7015,,fr\r\n"
    "Di,555 000 7016,,;\r\n"
    "Ed,555 000 7015,,\r\n"
    f"Fay,{SAM},,\r\n"
)
# The refusals' catalogue (core/locale/es/LC_MESSAGES/refusals.po), row by row.
SPANISH = [
    (2, "El nombre está vacío."),
    (3, "El nombre puede tener como máximo 80 caracteres."),
    (
        4,
        "Este no es un número al que podamos escribir. Ponlo con su código de área, como "
        "(555) 010-4477, o con su código de país, como +44 20 7946 0958.",
    ),
    (5, "No está en la lista de temas de esta línea: astrology (tiene "),
    (6, "'fr' no es un idioma que conozca esta línea (usa en, es)"),
    (7, "Da al menos un idioma, p. ej. en o en,es"),
    (8, "La fila 6 tiene el mismo número de teléfono."),
    (9, "Ya hay aquí una persona voluntaria con este número de teléfono."),
]
LABELS = {2: "Nombre", 3: "Nombre", 4: "Teléfono", 5: "Temas", 6: "Idiomas", 7: "Idiomas"}


def sentences(line: Line, build_in: str, read_in: str) -> list[tuple[int, str]]:
    """The preview's problems, checked with refusals in one language and read in another."""
    with line.rt.db.session() as session, reading_in(build_in):
        checked = volunteer_files.preview(
            session, line.rt.keyring, EVERY_PROBLEM, get_line(session, line.number)
        )
    with reading_in(read_in):
        return [(problem.row, problem.sentence) for problem in checked.problems]


def test_every_import_problem_reads_in_the_refusals_spanish_on_the_preview(
    line: Line, spanish: Dashboard
) -> None:
    line.add_volunteer("Sam", SAM)
    status, page = upload(spanish, EVERY_PROBLEM)
    assert status == 200
    assert "No se añadió nada: 8 problemas en 8 de 8 filas." in page
    shown = html.unescape(page)
    for row, words in SPANISH:
        assert f"<li>{LABELS.get(row, 'Teléfono')}: {words}" in shown, row


def test_the_problems_read_in_spanish_whether_checked_in_english_or_in_spanish(
    line: Line,
) -> None:
    line.add_volunteer("Sam", SAM)
    for checked_in in ("en", "es"):
        read = sentences(line, checked_in, "es")
        assert [row for row, _ in read] == [row for row, _ in SPANISH]
        for (_, sentence), (_, words) in zip(read, SPANISH, strict=True):
            assert sentence.startswith(words), checked_in
    # Checked in Spanish and read in English, the English comes back.
    assert sentences(line, "es", "en")[0] == (2, "The name is empty.")
