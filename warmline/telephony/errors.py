"""Twilio's failures in the platform's terms: a SendError with Twilio's code and HTTP status."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from twilio.base.exceptions import TwilioException, TwilioRestException

from warmline.core.ports import SendError


@contextmanager
def carrier_errors(gone_is_done: bool = False) -> Iterator[None]:
    """Turn a failed REST call into SendError; with `gone_is_done`, Twilio's 404 is success."""
    try:
        yield
    except TwilioRestException as exc:
        if gone_is_done and exc.status == 404:
            return
        raise SendError(exc.code, exc.status) from None
    except (TwilioException, OSError):
        # Since twilio-python 9.10 some errors are not TwilioRestException; a lost connection is
        # an OSError: both are failures without a code.
        raise SendError(None, None) from None
