"""A texter's single-word keywords, and sentences that only contain them."""

from __future__ import annotations

import pytest

from warmline.conversations.rules.keywords import TexterKeyword, is_goodbye, texter_keyword
from warmline.core.text import fold


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


@pytest.mark.parametrize(
    "text",
    [
        "thank you so much, bye!",
        "Thanks!! 🙏",
        "ok thank you, goodnight",
        "muchas gracias, buenas noches",
        "ty, bye",
        "thanks again, I feel better. bye",
    ],
)
def test_a_short_thanks_or_goodbye_is_a_goodbye(text: str) -> None:
    assert is_goodbye(fold(text))


@pytest.mark.parametrize(
    "text",
    [
        "thanks but I still can't sleep",
        "bye forever, I can't do this anymore",
        "ok",
        "",
        "thank you for listening to me tonight, it really helped a lot more than I thought it would",
    ],
)
def test_anything_more_than_thanks_is_not_a_goodbye(text: str) -> None:
    assert not is_goodbye(fold(text))
