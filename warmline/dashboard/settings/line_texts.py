"""The line's texts page: every text people receive, per language, and the line's own version."""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from warmline.core.clock import utcnow
from warmline.core.errors import InvalidInput
from warmline.dashboard.blueprint import bp
from warmline.dashboard.context import chosen_line, coordinator, db
from warmline.dashboard.settings.text_catalogue import GROUP_NAMES, PEERS, TEXTERS, WHEN
from warmline.lines import texts
from warmline.lines.rules.languages import SUPPORTED, from_stored
from warmline.lines.rules.texts import placeholders
from warmline.messaging import wording
from warmline.models import Line

Page = str | tuple[str, int] | Response


@dataclass(frozen=True)
class Version:
    """One text in one language: the default, the line's own (if any), what the box shows."""

    language: str
    default: str
    own: str | None
    shown: str
    error: str = ""

    @property
    def name(self) -> str:
        """The language as its speakers name it."""
        return SUPPORTED.get(self.language, self.language)


@dataclass(frozen=True)
class Text:
    """A key of the catalogue, when it is sent, its placeholders, and a version per language."""

    key: str
    when: str
    placeholders: str
    versions: list[Version]


def _languages(line: Line) -> tuple[str, ...]:
    return from_stored(line.languages) or (line.default_language,)


def _keys(group: str) -> list[str]:
    return [
        key
        for key in wording.ENGLISH
        if key not in texts.NOT_HERE and WHEN.get(key, (PEERS, ""))[0] == group
    ]


def _own(line: Line) -> dict[tuple[str, str], str]:
    own = {(row.key, row.language): row.text for row in texts.own_texts(db(), line)}
    if line.greeting.strip():
        # The greeting setting is the default language's own greeting until a text replaces it.
        own.setdefault(("greeting", line.default_language), line.greeting.strip())
    return own


def _texts(line: Line, group: str, posted: dict[str, str]) -> list[Text]:
    """The group's texts; `posted` holds the key, language, text and error of a refused save."""
    own = _own(line)
    out = []
    for key in _keys(group):
        versions = []
        for language in _languages(line):
            default = wording.template(key, language)
            mine = own.get((key, language))
            here = posted.get("key") == key and posted.get("language") == language
            versions.append(
                Version(
                    language=language,
                    default=default,
                    own=mine,
                    shown=posted["text"] if here else (mine or default),
                    error=posted["error"] if here else "",
                )
            )
        names = ", ".join(f"{{{n}}}" for n in sorted(placeholders(wording.ENGLISH[key])))
        out.append(Text(key, str(WHEN.get(key, (PEERS, ""))[1]), names, versions))
    return out


def _group() -> str:
    group = request.values.get("group", TEXTERS)
    return group if group in GROUP_NAMES else TEXTERS


def _page(line: Line, lines: list[Line], group: str, posted: dict[str, str] | None = None) -> str:
    posted = posted or {}
    problems = []
    if posted.get("error"):
        problems.append((f"text-{posted['key']}-{posted['language']}", posted["error"]))
    return render_template(
        "line_texts.html",
        line=line,
        lines=lines,
        group=group,
        groups=GROUP_NAMES,
        texts=_texts(line, group, posted),
        problems=problems,
        extra_params={"group": group},
    )


@bp.get("/settings/texts")
def line_texts() -> str:
    """The texts texters, callers or peers receive, each with the line's own version if any."""
    line, lines = chosen_line()
    return _page(line, lines, _group())


def _back(line: Line, group: str, key: str) -> Response:
    return redirect(url_for("dashboard.line_texts", line=line.id, group=group, _anchor=f"t-{key}"))


@bp.post("/settings/texts")
def line_text_save() -> Page:
    """Save the line's own version of one text in one language, keeping its placeholders."""
    line, lines = chosen_line()
    group = _group()
    key, language = request.form.get("key", ""), request.form.get("language", "")
    text = request.form.get("text", "")
    current = _own(line).get((key, language))
    if key in wording.ENGLISH and text.strip() in (current, wording.template(key, language)):
        flash(gettext("Nothing changed."))
        return _back(line, group, key)
    try:
        texts.set_text(db(), line, key, language, text, utcnow(), actor=coordinator())
    except InvalidInput as exc:
        db().rollback()
        posted = {"key": key, "language": language, "text": text, "error": exc.sentence}
        return _page(line, lines, group, posted), 400
    flash(
        gettext(
            "Saved the line's own “%(key)s” in %(language)s.",
            key=key,
            language=SUPPORTED[language.strip().lower()],
        )
    )
    return _back(line, group, key)


@bp.post("/settings/texts/reset")
def line_text_reset() -> Page:
    """Go back to the default text for one key in one language."""
    line, _ = chosen_line()
    group = _group()
    key, language = request.form.get("key", ""), request.form.get("language", "")
    try:
        gone = texts.reset_text(db(), line, key, language, utcnow(), actor=coordinator())
    except InvalidInput as exc:
        db().rollback()
        flash(exc.sentence)
        return _back(line, group, key)
    name = SUPPORTED[language.strip().lower()]
    if gone:
        flash(gettext("“%(key)s” in %(language)s is back to the default.", key=key, language=name))
    else:
        flash(gettext("“%(key)s” in %(language)s was already the default.", key=key, language=name))
    return _back(line, group, key)
