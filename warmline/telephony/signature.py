"""Twilio's request signature, checked against the public URL Twilio called."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, current_app, request
from twilio.request_validator import RequestValidator

F = TypeVar("F", bound=Callable[..., Any])


def public_url_of_request(public_url: str) -> str:
    """The URL Twilio signed: our public base, this path, and the query string if any."""
    url = public_url + request.path
    if request.query_string:
        url += "?" + request.query_string.decode("latin-1")
    return url


def twilio_signed(view: F) -> F:
    """Refuse (403) any request whose X-Twilio-Signature does not match."""

    @wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        rt = current_app.extensions["warmline"]
        validator = RequestValidator(rt.settings.twilio_auth_token)
        signature = request.headers.get("X-Twilio-Signature", "")
        url = public_url_of_request(rt.settings.public_url)
        if not signature or not validator.validate(url, request.form, signature):
            abort(403)
        return view(*args, **kwargs)

    return checked  # type: ignore[return-value]
