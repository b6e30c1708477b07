"""Realistic messages a peer might send a texter, written by the team (tests/data/peer_messages.txt)."""

from __future__ import annotations

from pathlib import Path

PATH = Path(__file__).parent / "data" / "peer_messages.txt"


def peer_messages() -> list[str]:
    """Every message in the file, one a line, blank lines skipped."""
    return [line for line in PATH.read_text(encoding="utf-8").splitlines() if line.strip()]
