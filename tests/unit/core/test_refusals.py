"""Refusals: English templates in the code, the same facts in Spanish from their own catalogue."""

from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path
from string import Formatter

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from warmline.core import refusals
from warmline.core.errors import InvalidInput
from warmline.core.refusals import Phrase, reading_in, refusal, refusal_text
from warmline.messaging import wording

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "tools"))
import catalogue  # noqa: E402  (tools/ is not a package)

WARMLINE = REPO / "warmline"
MARKERS = {"refusal", "refusal_text"}
# Already in the page's language: the dashboard's own catalogue translates these.
DASHBOARD_GETTEXT = {"gettext", "_", "lazy_gettext"}


def po(language: str) -> Catalog:
    with catalogue.refusals_po_path(language).open("rb") as source:
        return read_po(source, locale=language)


def fields(template: str) -> list[tuple[str, str | None, str | None]]:
    """A template's placeholders with their conversions and formats, in order of name."""
    return sorted(
        (name, conversion, spec)
        for _, name, spec, conversion in Formatter().parse(template)
        if name is not None
    )


def _called(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def refusal_calls() -> list[tuple[Path, ast.Call]]:
    """Every call in warmline/ that raises or marks a refusal."""
    found = []
    for path in sorted(WARMLINE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and _called(node) in catalogue.REFUSAL_KEYWORDS:
                found.append((path, node))
    return found


def _module(path: Path) -> str:
    return ".".join(path.relative_to(REPO).with_suffix("").parts)


def _marked_constant(path: Path, first: ast.expr) -> bool:
    """A module's UPPER_CASE refusal, or a table of them, made with refusal()."""
    root = first.value if isinstance(first, ast.Subscript) else first
    if not (isinstance(root, ast.Name) and root.id.isupper()):
        return False
    value = getattr(importlib.import_module(_module(path)), root.id)
    values = value.values() if isinstance(value, dict) else [value]
    return all(isinstance(v, Phrase) for v in values)


def test_every_refusal_is_raised_with_a_literal_english_template() -> None:
    calls = refusal_calls()
    assert len(calls) > 120
    untranslatable = []
    for path, node in calls:
        first = node.args[0] if node.args else None
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            continue
        marked = isinstance(first, ast.Call) and _called(first) in MARKERS | DASHBOARD_GETTEXT
        if marked and isinstance(first, ast.Call) and isinstance(first.args[0], ast.Constant):
            continue
        if first is not None and _marked_constant(path, first):
            continue
        if path.name == "errors.py" and ast.unparse(node).startswith("InvalidInput(self.template"):
            continue  # at(): the same refusal again, about another field
        untranslatable.append(f"{path.relative_to(REPO)}:{node.lineno}: {ast.unparse(node)}")
    assert not untranslatable, "give a literal template and params:\n" + "\n".join(untranslatable)


@pytest.mark.parametrize("language", wording.TRANSLATED)
def test_every_refusal_in_the_code_is_translated_with_the_same_placeholders(
    language: str,
) -> None:
    catalog = po(language)
    templates = [m.id for m in catalogue.refusals_template() if m.id]
    assert len(templates) > 120
    for english in templates:
        message = catalog.get(english)
        assert message is not None, f"{english!r} is missing from the {language} refusals"
        assert isinstance(message.string, str) and message.string.strip(), english
        assert not message.fuzzy, f"{english!r}: the English changed; re-read the translation"
        assert fields(message.string) == fields(str(english)), english
    extra = {m.id for m in catalog if m.id and m.id not in templates}
    assert not extra, f"the {language} refusals hold sentences nobody raises: {extra}"


@pytest.mark.parametrize("language", wording.TRANSLATED)
def test_the_shipped_refusals_mo_is_the_po_compiled_and_the_template_is_current(
    language: str,
) -> None:
    shipped = catalogue.refusals_po_path(language).with_suffix(".mo").read_bytes()
    assert shipped == catalogue.compiled(po(language)), "run: python tools/catalogue.py"
    with (catalogue.REFUSALS_LOCALE / f"{refusals.DOMAIN}.pot").open("rb") as source:
        pot = read_po(source)
    assert {m.id for m in pot if m.id} == {m.id for m in catalogue.refusals_template() if m.id}, (
        "run: python tools/catalogue.py"
    )


def test_a_refusal_is_english_in_logs_and_in_the_readers_language_on_a_page() -> None:
    taken = InvalidInput("#{ref} was taken meanwhile: a peer has it now.", field="ref", ref="K7")
    assert str(taken) == "#K7 was taken meanwhile: a peer has it now."
    assert taken.field == "ref" and taken.sentence == str(taken)
    with reading_in("es"):
        assert taken.sentence == "Mientras tanto alguien tomó #K7: ahora la tiene un compañero."
        assert str(taken) == "#K7 was taken meanwhile: a peer has it now."
    assert taken.translated("es").endswith("ahora la tiene un compañero.")
    assert taken.sentence == str(taken)  # English again outside the block


def test_a_sentence_is_capitalised_with_a_full_stop_in_either_language() -> None:
    over = InvalidInput("that shift is already over")
    assert over.sentence == "That shift is already over."
    with reading_in("es"):
        assert over.sentence == "Ese turno ya terminó."


def test_marked_words_and_nested_refusals_are_translated_inside_a_refusal() -> None:
    label = InvalidInput(
        "“{label}” must be a date such as 2026-12-01", "from", label=refusal("From")
    )
    assert str(label) == "“From” must be a date such as 2026-12-01"
    assert label.translated("es") == "«Desde» debe ser una fecha como 2026-12-01"
    skipped = InvalidInput(
        "{moment} does not exist in {zone} (clocks skip it)", moment="x", zone="Z"
    )
    outer = InvalidInput("{skipped}: choose another time", skipped=skipped)
    assert str(outer) == "x does not exist in Z (clocks skip it): choose another time"
    assert outer.translated("es") == "x no existe en Z (los relojes se la saltan): elige otra hora"


def test_at_keeps_the_refusal_and_its_params_for_another_field() -> None:
    first = InvalidInput("no topic {name!r} on this line", "name", name="grief")
    moved = first.at("synonyms")
    assert (str(moved), moved.field) == ("no topic 'grief' on this line", "synonyms")
    assert moved.translated("es") == "no hay ningún tema 'grief' en esta línea"


def test_a_refusal_not_raised_is_filled_in_the_context_language() -> None:
    assert refusal_text("Row {row} has the same phone number.", row=3) == (
        "Row 3 has the same phone number."
    )
    with reading_in("es"):
        assert refusal_text("Row {row} has the same phone number.", row=3) == (
            "La fila 3 tiene el mismo número de teléfono."
        )


def test_a_language_without_a_catalogue_reads_english() -> None:
    refused = InvalidInput("Choose a volunteer.", "volunteer")
    assert refused.translated("fr") == "Choose a volunteer."
    assert refusals.language() == "en"
