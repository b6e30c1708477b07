"""Whom to offer a conversation first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime


def longest_idle(candidates: Sequence[int], last_busy: Mapping[int, datetime]) -> int | None:
    """The candidate offered or busy least recently (never first), ties broken by id."""
    if not candidates:
        return None
    return min(candidates, key=lambda vid: (vid in last_busy, last_busy.get(vid), vid))
