"""Conversation references such as K4P: short, easy to type, never a word."""

from __future__ import annotations

import re
import secrets

# No I, L, O (mistaken for 1 and 0) and no 0 or 1; the middle digit means a ref is never a word.
LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ"
DIGITS = "23456789"
REF_REGEX = rf"[{LETTERS}][{DIGITS}][{LETTERS}]"
# Fresh references tried before giving up (there are 4,232 in all).
REF_ATTEMPTS = 20


def new_ref() -> str:
    """A fresh random reference."""
    return secrets.choice(LETTERS) + secrets.choice(DIGITS) + secrets.choice(LETTERS)


def normalise_ref(text: str) -> str | None:
    """The reference in `text` (`k4p`, `#K4P`), or None if it is not one."""
    candidate = text.strip().lstrip("#").upper()
    return candidate if re.fullmatch(REF_REGEX, candidate) else None
