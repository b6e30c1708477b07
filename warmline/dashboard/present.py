"""How the dashboard reads: in the coordinator's language, with times and durations by locale."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from flask import g, has_request_context, redirect, request, session
from flask_babel import get_locale, gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from warmline.core import refusals
from warmline.dashboard.blueprint import bp
from warmline.dashboard.context import coordinator, db
from warmline.lines import coordinators

# The dashboard's languages, each named as its speakers would look for it in the switch.
LANGUAGES = {"en": "English", "es": "Español"}
LANGUAGE = "language"  # the session's key for the coordinator's choice
# The strftime patterns the pages use, as CLDR patterns Babel renders in the page's language.
_PATTERNS = {
    "%a %d %b %Y %H:%M": "EEE dd MMM y HH:mm",
    "%a %d %b %H:%M": "EEE dd MMM HH:mm",
    "%a %H:%M": "EEE HH:mm",
    "%H:%M": "HH:mm",
    "%d %b %H:%M": "dd MMM HH:mm",
}
_DAY_PATTERNS = {
    "%a %d %b %Y": "EEE dd MMM y",
    "%a %d %b": "EEE dd MMM",
    "%A %d %B": "EEEE dd MMMM",
}


def select_locale() -> str:
    """The language the coordinator chose here, else the browser's preference, else English."""
    chosen = session.get(LANGUAGE)
    if chosen in LANGUAGES:
        return str(chosen)
    return browser_language()


def browser_language() -> str:
    """The dashboard language the browser prefers, else English."""
    return request.accept_languages.best_match(list(LANGUAGES)) or "en"


def language() -> str:
    """The page's language code (English outside a request)."""
    if not has_request_context():
        return "en"
    locale = get_locale()
    return locale.language if locale is not None else "en"


@bp.before_request
def read_refusals() -> None:
    """Refusals raised while this request runs read in the page's language."""
    g.refusals_token = refusals.read_in(language())


@bp.teardown_request
def stop_reading_refusals(_error: BaseException | None) -> None:
    """Back to English refusals once the request is done."""
    token = g.pop("refusals_token", None)
    if token is not None:
        refusals.reset(token)


@bp.get("/language/<code>")
def switch_language(code: str) -> Response:
    """Remember the language chosen in the header's switch, and go back to the page."""
    if code in LANGUAGES:
        session[LANGUAGE] = code
        if current_user.is_authenticated and coordinator().language != code:
            # Their alert e-mails follow the choice.
            coordinators.set_language(db(), coordinator(), code)
            db().commit()
    back = request.args.get("next", "")
    parts = urlsplit(back)
    # Only a path on this site: never a redirect elsewhere.
    if not back.startswith("/") or back.startswith("//") or parts.scheme or parts.netloc:
        back = "/"
    return redirect(back)


def local(moment: datetime, timezone: str, fmt: str = "%a %d %b %H:%M") -> str:
    """`moment` on the line's wall clock, with day and month names in the page's language."""
    zone = ZoneInfo(timezone)
    pattern = _PATTERNS.get(fmt)
    if pattern is None:
        return moment.astimezone(zone).strftime(fmt)
    return format_datetime(moment, pattern, tzinfo=zone, locale=language())


def clock(moment: datetime, timezone: str) -> str:
    """Hours and minutes on the line's wall clock."""
    return local(moment, timezone, "%H:%M")


def until(moment: datetime, now: datetime, timezone: str) -> str:
    """An end time that says when it falls on a later day: 14:42, 14:42 tomorrow, Thu 14:42."""
    zone = ZoneInfo(timezone)
    days = (moment.astimezone(zone).date() - now.astimezone(zone).date()).days
    if days <= 0:
        return clock(moment, timezone)
    if days == 1:
        return str(gettext("%(time)s tomorrow", time=clock(moment, timezone)))
    return local(moment, timezone, "%a %H:%M")


def span(starts: datetime, ends: datetime, timezone: str, sep: str = " – ") -> str:
    """A shift's hours; one that ends after midnight says so: 15:42 - 14:42 (next day), with an en dash."""
    zone = ZoneInfo(timezone)
    later = (ends.astimezone(zone).date() - starts.astimezone(zone).date()).days
    tail = (
        gettext(" (next day)")
        if later == 1
        else f" ({local(ends, timezone, '%a')})"
        if later > 1
        else ""
    )
    return f"{clock(starts, timezone)}{sep}{clock(ends, timezone)}{tail}"


def day(value: date, fmt: str = "%a %d %b") -> str:
    """A calendar day with its day and month names in the page's language: Tue 01 Dec."""
    return format_date(value, _DAY_PATTERNS[fmt], locale=language())


def zone_name(moment: datetime, timezone: str) -> str:
    """The zone's abbreviation at `moment`, as people read it: EST, EDT, CET."""
    return local(moment, timezone, "%Z")


def duration(seconds: float) -> str:
    """A wait or a length of time, as a person would say it: 45 s, 3 min 05 s, 2 h 10 min."""
    whole = max(0, int(seconds))
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def iso(moment: datetime) -> str:
    """An ISO 8601 UTC timestamp for the page's script."""
    return moment.isoformat().replace("+00:00", "Z")
