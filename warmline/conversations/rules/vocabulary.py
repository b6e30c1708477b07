"""The words a line's commands accept, and how a message is trimmed before it is read."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from warmline.conversations.rules.resources import ResourceCard, knows_word
from warmline.core.text import fold
from warmline.lines.rules.topics import TopicList, resolve

CLEAR_WORDS = ("none", "off", "clear")
SKIP = "skip"
# Joiners and selectors that glue emoji together; trimmed along with the emoji they follow.
_EMOJI_GLUE = {"\u200d", "\ufe0e", "\ufe0f", "\u20e3"}
# Words that begin sentences, never a first name a peer chooses to be shown by.
_SENTENCE_WORDS = """
    a about again all also always am an and any anyway are as at be because been before being
    both but by can could did do does doing done down during each even ever every for from
    further had has have having he her here hers him his how i if in into is it its just
    later let like maybe me mine more most my myself never next no nor not now of off on once
    only or other our ours out over please really right same she should since so some soon
    still such than that the their them then there these they this those though through to
    today tomorrow tonight too under until up us very was way we well were what when where which
    while who why will with would yes yet you your yours yourself
    ahora aqui bien como con cuando de del el ella ellos en esta este esto hoy la las lo los mas
    manana me mi muy no nos o para pero por porque que se si sin sobre su te ti tu tus un una y ya
    yo
"""
_NOT_NAMES = frozenset(_SENTENCE_WORDS.split())


@dataclass(frozen=True)
class Vocabulary:
    """What a line knows: its topics, its resource library and its outcome tags."""

    topics: TopicList = field(default_factory=dict)
    resources: tuple[ResourceCard, ...] = ()
    tags: tuple[str, ...] = ()

    def is_topic_list(self, text: str) -> bool:
        """`a, b`: every item a topic of the line (name or synonym), or a word that clears them."""
        if fold(text) in CLEAR_WORDS:
            return True
        items = [item for item in text.split(",") if item.strip()]
        return bool(items) and all(resolve(item, self.topics) is not None for item in items)

    def is_resource_word(self, text: str) -> bool:
        """Words that name one of the line's topics or a resource in its library."""
        return knows_word(text, self.resources, self.topics)

    def is_tag(self, word: str) -> bool:
        """One of the line's outcome tags, or SKIP."""
        folded = fold(word)
        return folded == SKIP or folded in self.tags


NOTHING_KNOWN = Vocabulary()


def is_first_name(word: str) -> bool:
    """One word a peer may be shown by: letters, not a word that begins a sentence."""
    folded = fold(word)
    return bool(folded) and " " not in folded and folded not in _NOT_NAMES


def trimmed(text: str) -> str:
    """A message as read for a command: whitespace, and trailing punctuation and emoji, removed."""
    end = len(text)
    while end and _trailing_noise(text[end - 1]):
        end -= 1
    return text[:end].strip()


def _trailing_noise(char: str) -> bool:
    """Punctuation, a symbol (emoji are symbols), a space, or what glues emoji together."""
    return char in _EMOJI_GLUE or unicodedata.category(char)[0] in "PSZC"
