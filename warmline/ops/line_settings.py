"""The settings form's use case: defaults shown as their text, every error at once, audited."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from warmline.conversations.rules.crisis import DEFAULT_CRISIS_WORDS
from warmline.core.errors import InvalidInput
from warmline.core.text import fold
from warmline.lines import audit
from warmline.lines.lines import set_line
from warmline.lines.rules import audit as audit_words
from warmline.lines.rules.settings import parse_setting, setting_text
from warmline.messaging import wording
from warmline.models import Coordinator, Line

TIMEOUTS = ("offer_timeout_s", "escalate_timeout_s", "fallback_timeout_s")
CRISIS_WORDS = {"crisis_words_en": "en", "crisis_words_es": "es"}


class SettingsRefused(InvalidInput):
    """One or more settings were refused; nothing was saved."""

    def __init__(self, refused: dict[str, InvalidInput]) -> None:
        field, first = next(iter(refused.items()))
        super().__init__(first.template, field, **first.params)
        self.refused = refused

    @property
    def errors(self) -> dict[str, str]:
        """Each refused setting's message, in the language of refusals here."""
        return {name: refusal.translated() for name, refusal in self.refused.items()}


def default_text(line: Line, name: str) -> str | None:
    """What an empty setting means, as text a coordinator can read and edit; None if nothing."""
    if name == "greeting":
        return wording.say("greeting", line_name=line.name, crisis=line.crisis_numbers)
    if name in CRISIS_WORDS:
        return ", ".join(DEFAULT_CRISIS_WORDS[CRISIS_WORDS[name]])
    return None


def shown(line: Line, name: str) -> str:
    """A setting as the form shows it: its default's text when it has none of its own."""
    value = setting_text(getattr(line, name))
    if not value:
        return default_text(line, name) or ""
    return value


def _is_default(line: Line, name: str, value: str, new_names: Mapping[str, str]) -> bool:
    """True when `value` is the default's own text, so it stays the default, not a copy."""
    if name == "greeting":
        candidates = {
            wording.say("greeting", line_name=n, crisis=c)
            for n in (line.name, new_names.get("name", line.name))
            for c in (line.crisis_numbers, new_names.get("crisis_numbers", line.crisis_numbers))
        }
        return " ".join(value.split()) in {" ".join(c.split()) for c in candidates}
    if name in CRISIS_WORDS:
        words = [fold(w) for w in value.split(",") if w.strip()]
        return words == [fold(w) for w in DEFAULT_CRISIS_WORDS[CRISIS_WORDS[name]]]
    return False


def save(
    session: Session,
    line: Line,
    values: Mapping[str, str],
    coordinator: Coordinator | None,
    now: datetime,
) -> list[str]:
    """Save the settings that changed, all or none; returns their names (none: nothing changed).

    Every refused field is reported together (SettingsRefused), so the form can list them all.
    """
    stored = {
        name: ("" if _is_default(line, name, value, values) else value)
        for name, value in values.items()
    }
    changed = [n for n, v in stored.items() if v != setting_text(getattr(line, n))]
    if not changed:
        return []
    errors: dict[str, InvalidInput] = {}
    for name in changed:
        try:
            parse_setting(name, stored[name])
        except InvalidInput as exc:
            errors[name] = exc
    if not any(t in errors for t in TIMEOUTS):
        offer, escalate, fallback = (int(stored.get(t, getattr(line, t))) for t in TIMEOUTS)
        if not offer < escalate < fallback:
            wrong = next((t for t in TIMEOUTS if t in changed), TIMEOUTS[0])
            errors[wrong] = InvalidInput(
                "timeouts must grow: offer_timeout_s < escalate_timeout_s < fallback_timeout_s",
                wrong,
            )
    if errors:
        raise SettingsRefused(errors)
    for name in changed:
        subject = audit_words.change(name, setting_text(getattr(line, name)), stored[name])
        audit.record(session, coordinator, "changed setting", subject, now, line.id)
    set_line(session, line, [f"{n}={stored[n]}" for n in changed], now)  # commits both
    return changed
