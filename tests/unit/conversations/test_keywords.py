"""A texter's single-word keywords, and sentences that only contain them."""

from __future__ import annotations

import pytest

from warmline.conversations.rules.keywords import TexterKeyword, texter_keyword


@pytest.mark.parametrize(
    "word", ["STOP", "stop", "Unsubscribe", "END", "quit", "STOPALL", "optout"]
)
def test_carrier_opt_out_words_opt_out(word: str) -> None:
    assert texter_keyword(word) is TexterKeyword.OPT_OUT


@pytest.mark.parametrize("text", ["stop it please", "I want to end it", "don't stop", "ended"])
def test_sentences_with_opt_out_words_are_not_keywords(text: str) -> None:
    assert texter_keyword(text) is None


def test_help_and_start_are_keywords() -> None:
    assert texter_keyword("help") is TexterKeyword.HELP
    assert texter_keyword("START") is TexterKeyword.OPT_IN
    assert texter_keyword("unstop") is TexterKeyword.OPT_IN
