"""The one error for input we refuse, wherever it was typed."""

from __future__ import annotations

from warmline.core import refusals


class InvalidInput(ValueError):
    """Input we refuse: a message fit to show the person, and the form field it concerns, if any.

    `message` is an English template whose {name} placeholders `params` fill; `str()` is the
    English (logs and the command line), `sentence` and `translated` the context's language.
    """

    def __init__(self, message: str, field: str = "", **params: object) -> None:
        super().__init__(message.format(**params) if params else message)
        self.template = message
        self.field = field
        self.params = params

    def translated(self, language: str | None = None) -> str:
        """The message in `language` (the language of refusals here when None)."""
        return refusals.fill(self.template, self.params, language)

    @property
    def sentence(self) -> str:
        """The message as a sentence on a page, in the language of refusals here."""
        return sentence(self.translated())

    def at(self, field: str) -> InvalidInput:
        """The same refusal, about another form field."""
        return InvalidInput(self.template, field, **self.params)


def sentence(text: str) -> str:
    """`text` capitalised, with a full stop."""
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
