"""Limits of a text message."""

from __future__ import annotations

MAX_BODY = 1600  # Twilio refuses longer bodies
_CONTROL = {c for c in range(32) if c not in (9, 10, 13)} | {127}


def clean_body(body: str) -> str:
    """The body without NULs and other control characters that carriers refuse."""
    return body.translate({c: None for c in _CONTROL})


def split_body(body: str, limit: int = MAX_BODY) -> list[str]:
    """Split a long body into parts within `limit`, at a space where there is one."""
    parts: list[str] = []
    rest = body
    while len(rest) > limit:
        cut = rest.rfind(" ", limit // 2, limit + 1)
        if cut <= 0:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    parts.append(rest)
    return parts
