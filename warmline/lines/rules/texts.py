"""What a line's own version of a text must keep: the placeholders the default fills in."""

from __future__ import annotations

from string import Formatter

from warmline.core.errors import InvalidInput

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
    return ", ".join(f"{{{n}}}" for n in sorted(names)) or "none"


def checked_text(key: str, language: str, text: str, default: str) -> str:
    """The line's text for `key`, trimmed, if it keeps exactly the default's placeholders."""
    cleaned = text.strip()
    if not cleaned:
        raise InvalidInput(f"The text for {key} is empty: give the words, or use --reset", "text")
    if len(cleaned) > MAX_TEXT:
        raise InvalidInput(f"The text for {key} is over {MAX_TEXT} characters", "text")
    expected = placeholders(default)
    try:
        found = placeholders(cleaned)
    except ValueError:
        raise InvalidInput(
            f"The text for {key} has a brace that is not a placeholder: use only "
            f"{shown(expected)}, and write {{{{ or }}}} for a brace itself",
            "text",
        ) from None
    if found != expected:
        problems = []
        if expected - found:
            problems.append(f"it leaves out {shown(expected - found)}")
        if found - expected:
            problems.append(f"{shown(found - expected)} is not one of them")
        raise InvalidInput(
            f"The {language} text for {key} must use the same placeholders as the default "
            f"({shown(expected)}): {' and '.join(problems)}",
            "text",
        )
    return cleaned
