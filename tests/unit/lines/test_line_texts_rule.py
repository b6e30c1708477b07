"""A line's own text must keep the default's placeholders, or be refused in one sentence."""

from __future__ import annotations

import pytest

from warmline.core.errors import InvalidInput
from warmline.lines.rules.texts import checked_text, placeholders

DEFAULT = "Hi, this is {line_name}. If you are in danger, {crisis}."


@pytest.mark.parametrize(
    ("template", "names"),
    [
        ("no fields", set()),
        ("{a} and {b} and {a}", {"a", "b"}),
        ("braces {{like this}} are text", set()),
    ],
)
def test_placeholders_are_the_named_fields(template: str, names: set[str]) -> None:
    assert placeholders(template) == names


@pytest.mark.parametrize("template", ["a lone { brace", "a lone } brace", "{0}", "{x:>4}", "{}"])
def test_anything_else_in_braces_is_not_a_placeholder(template: str) -> None:
    with pytest.raises(ValueError):
        placeholders(template)


def test_the_same_placeholders_in_any_order_are_kept_trimmed() -> None:
    text = "  Si estás en peligro, {crisis}. Somos {line_name}.  "
    assert checked_text("greeting", "Español", text, DEFAULT) == text.strip()


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (
            "Hola, somos {line_name}.",
            "The Español text for greeting must use the same placeholders as the default "
            "({crisis}, {line_name}): it leaves out {crisis}",
        ),
        (
            "Hola {line_name}, {crisis}, {ref}",
            "The Español text for greeting must use the same placeholders as the default "
            "({crisis}, {line_name}): {ref} is not one of them",
        ),
        ("Hola {line_name {crisis}", "The text for greeting has a brace that is not a placeholder"),
        ("   ", "The text for greeting is empty"),
        ("x" * 1601 + "{line_name}{crisis}", "The text for greeting is over 1600 characters"),
    ],
)
def test_a_text_that_drops_or_invents_a_placeholder_is_refused_with_a_reason(
    text: str, says: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        checked_text("greeting", "Español", text, DEFAULT)
    assert str(refused.value).startswith(says) and refused.value.field == "text"
