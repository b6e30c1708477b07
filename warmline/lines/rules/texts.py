"""What a line's own version of a text must keep: the placeholders the default fills in."""

from __future__ import annotations

from string import Formatter

from warmline.core.errors import InvalidInput
from warmline.core.refusals import refusal

# Twilio refuses a text body longer than this.
MAX_TEXT = 1600


def placeholders(template: str) -> frozenset[str]:
    """The `{name}` fields of a text; ValueError on a lone brace or a field that is not a name."""
    names: set[str] = set()
    for _, name, spec, conversion in Formatter().parse(template):
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError(f"{{{name}}} is not a placeholder")
        names.add(name)
    return frozenset(names)


def shown(names: frozenset[str]) -> str:
    """Placeholders as a reader types them: "{crisis}, {line_name}", or "none"."""
    return ", ".join(f"{{{n}}}" for n in sorted(names)) or refusal("none")


def checked_text(key: str, language: str, text: str, default: str) -> str:
    """The line's text for `key`, trimmed, if it keeps exactly the default's placeholders."""
    cleaned = text.strip()
    if not cleaned:
        raise InvalidInput(
            "The text for {key} is empty: give the words, or use --reset", "text", key=key
        )
    if len(cleaned) > MAX_TEXT:
        raise InvalidInput(
            "The text for {key} is over {most} characters", "text", key=key, most=MAX_TEXT
        )
    expected = placeholders(default)
    try:
        found = placeholders(cleaned)
    except ValueError:
        raise InvalidInput(
            "The text for {key} has a brace that is not a placeholder: use only "
            "{expected}, and write {{{{ or }}}} for a brace itself",
            "text",
            key=key,
            expected=shown(expected),
        ) from None
    if found != expected:
        facts = {"language": language, "key": key, "expected": shown(expected)}
        missing, extra = shown(expected - found), shown(found - expected)
        if not found - expected:
            raise InvalidInput(
                "The {language} text for {key} must use the same placeholders as the default "
                "({expected}): it leaves out {missing}",
                "text",
                missing=missing,
                **facts,
            )
        if not expected - found:
            raise InvalidInput(
                "The {language} text for {key} must use the same placeholders as the default "
                "({expected}): {extra} is not one of them",
                "text",
                extra=extra,
                **facts,
            )
        raise InvalidInput(
            "The {language} text for {key} must use the same placeholders as the default "
            "({expected}): it leaves out {missing} and {extra} is not one of them",
            "text",
            missing=missing,
            extra=extra,
            **facts,
        )
    return cleaned
