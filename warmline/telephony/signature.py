"""Twilio's request signature, checked against the public URL Twilio called."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Mapping
from functools import cache, wraps
from typing import Any, TypeVar

from flask import abort, current_app, request
from twilio.request_validator import RequestValidator

F = TypeVar("F", bound=Callable[..., Any])


def public_url_of_request(public_url: str) -> str:
    """The URL Twilio signed: our public base, this path, and the query string if any."""
    return signed_url(public_url, request.path, request.query_string)


def signed_url(public_url: str, path: str, query_string: bytes) -> str:
    """The URL Twilio signed for `path` and `query_string` under our public base."""
    url = public_url + path
    if query_string:
        url += "?" + query_string.decode("latin-1")
    return url


@cache
def _validator(auth_token: str) -> RequestValidator:
    """One validator per token, built once rather than per request."""
    return RequestValidator(auth_token)


def signed_by_twilio(auth_token: str, url: str, form: Mapping[str, Any], signature: str) -> bool:
    """Whether Twilio signed this request: the URL as called first, then every form Twilio uses.

    The first check is the one a correctly signed request passes, so it usually is the only one;
    the library's own check (with and without the port) settles anything else.
    """
    if not signature:
        return False
    validator = _validator(auth_token)
    expected = validator.compute_signature(url, form)
    if hmac.compare_digest(expected.encode(), signature.encode()):
        return True
    return bool(validator.validate(url, form, signature))


def twilio_signed(view: F) -> F:
    """Refuse (403) any request whose X-Twilio-Signature does not match."""

    @wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        settings = current_app.extensions["warmline"].settings
        signature = request.headers.get("X-Twilio-Signature", "")
        url = public_url_of_request(settings.public_url)
        if not signed_by_twilio(settings.twilio_auth_token, url, request.form, signature):
            abort(403)
        return view(*args, **kwargs)

    return checked  # type: ignore[return-value]
