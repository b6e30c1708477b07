"""Reading a list of languages as an operator types it."""

from __future__ import annotations

import pytest

from warmline.core.errors import InvalidInput
from warmline.lines.rules.languages import as_text, parse_languages


def test_codes_are_read_in_order_once_and_case_blind() -> None:
    assert parse_languages(" ES, en;es ") == ("es", "en")
    assert as_text(parse_languages("en es")) == "en,es"


@pytest.mark.parametrize("typed", ["", " , ", "fr", "en,klingon"])
def test_an_empty_or_unknown_list_is_refused_with_a_sentence(typed: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_languages(typed, field="languages")
    assert refused.value.field == "languages"
