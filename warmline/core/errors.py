"""The one error for input we refuse, wherever it was typed."""

from __future__ import annotations


class InvalidInput(ValueError):
    """Input we refuse: a message fit to show the person, and the form field it concerns, if any."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field

    @property
    def sentence(self) -> str:
        """The message as a sentence on a page."""
        return sentence(str(self))


def sentence(text: str) -> str:
    """`text` capitalised, with a full stop."""
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
